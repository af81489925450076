"""Account operations: email verification, reset throttling, erasing an account.

Views, forms and commands call these; nothing here renders a page.
"""

from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .integrity import _ordered_for_repair
from .models import ApiToken, Profile

VERIFY_SALT = "fractal-goals.verify-email"


def email_taken(email, exclude_user=None):
    """Whether another account already uses ``email`` (compared case-insensitively)."""
    users = get_user_model().objects.filter(email__iexact=email)
    if exclude_user is not None:
        users = users.exclude(pk=exclude_user.pk)
    return users.exists()


# --- email verification ----------------------------------------------------------------------


def verification_token(user):
    """A signed, timestamped token naming the user and the address it verifies."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT, compress=True)


class VerificationError(Exception):
    pass


def verify_email(token):
    """Mark the address in ``token`` verified; returns the user. Raises VerificationError."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_TIMEOUT)
    except signing.SignatureExpired as error:
        raise VerificationError("This verification link has expired. Ask for a new one in Settings.") from error
    except signing.BadSignature as error:
        raise VerificationError("This verification link is not valid.") from error
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    email = data.get("e") or ""
    if user is None or not email or user.email.casefold() != email.casefold():
        # The account is gone or its email changed since the link was sent.
        raise VerificationError("This verification link is no longer valid for your account's email.")
    profile = Profile.for_user(user)
    if profile.email_is_verified:
        raise VerificationError("This email address is already verified.")
    profile.verified_email = user.email
    profile.save(update_fields=["verified_email"])
    return user


def send_verification_email(request, user):
    if not user.email:
        return
    link = request.build_absolute_uri(reverse("verify-email", kwargs={"token": verification_token(user)}))
    context = {"user": user, "link": link, "days": settings.EMAIL_VERIFICATION_TIMEOUT // 86400}
    send_mail(
        render_to_string("registration/verify_email_subject.txt", context).strip(),
        render_to_string("registration/verify_email_email.txt", context),
        None,
        [user.email],
    )


# --- password reset throttling ---------------------------------------------------------------

RESET_WINDOW = 60 * 60


def _hit(key, limit):
    """Count one request under ``key`` for the window; True while within ``limit``."""
    cache.add(key, 0, RESET_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW)
        count = 1
    return count <= limit


def reset_allowed(email, ip_address):
    """Whether one more reset request for ``email`` from ``ip_address`` is allowed this hour.

    Counted whether or not an account has the address, so the answer tells nothing about it.
    """
    by_ip = _hit(f"pwreset:ip:{ip_address}", settings.PASSWORD_RESET_LIMIT_PER_IP)
    by_email = _hit(f"pwreset:email:{email.casefold()}", settings.PASSWORD_RESET_LIMIT_PER_EMAIL)
    return by_ip and by_email


# --- erasing an account ----------------------------------------------------------------------


def owned_rows(user):
    """Every fractal-scoped table with the rows this user owns, children before parents."""
    return [(model, model.all_objects.filter(root__owner=user)) for model in reversed(_ordered_for_repair())]


def _user_sessions(user):
    key = str(user.pk)
    return [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == key
    ]


def erasure_summary(user):
    """What deleting the account removes: (label, count) for every non-empty kind of row."""
    summary = [
        (model._meta.verbose_name_plural, rows.count())
        for model, rows in reversed(owned_rows(user))  # parents first reads better
    ]
    summary = [(label, count) for label, count in summary if count]
    summary.append(("API tokens", ApiToken.objects.filter(user=user).count()))
    summary.append(("signed-in browser sessions", len(_user_sessions(user))))
    return summary


def erase_account(user):
    """Hard-delete the user, every row of every fractal they own, tokens, sessions, preferences.

    Children go first, so PROTECT links between the user's own rows never block the delete.
    Returns a Counter of deleted rows per table.
    """
    deleted = Counter()
    with transaction.atomic():
        for _model, rows in owned_rows(user):
            _, per_model = rows.hard_delete()
            deleted.update(per_model)
        Session.objects.filter(pk__in=_user_sessions(user)).delete()
        _, per_model = user.delete()  # the profile and API tokens cascade
        deleted.update(per_model)
    return deleted
