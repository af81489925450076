"""Shared helpers of the planning pages (templates, programs, analytics)."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import NoReverseMatch, reverse


def apply_errors(form, error: ValidationError):
    """Show a model ValidationError on ``form``: field errors where the form has the field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message.messages if field == NON_FIELD_ERRORS else message)
    else:
        form.add_error(None, error)


def session_url(session):
    """The session detail page; the session list when that page is not installed."""
    try:
        return reverse("session-detail", kwargs={"root_id": session.root_id, "session_id": session.pk})
    except NoReverseMatch:
        return reverse("template-list", kwargs={"root_id": session.root_id})
