"""Pages that need goals data only: accounts, settings, fractal create/delete, goal actions.

Pages that also show sessions or targets (fractal list, tree, goal detail, trash) live in the
``sessions`` app.
"""

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from . import accounts
from .access import get_fractal_for_user, get_scoped_or_404
from .forms import (
    AccountForm,
    DeleteAccountForm,
    FractalForm,
    GoalForm,
    MoveGoalForm,
    ProfileForm,
    ResetRequestForm,
    SignupForm,
    add_model_errors,
)
from .models import ApiToken, Goal, Profile
from .services import delete_object, restore_object
from .undo import deleted_with_undo

# --- helpers ---------------------------------------------------------------------------------


def error_text(error):
    return " ".join(error.messages)


def tree_url(fractal, goal=None):
    url = reverse("fractal-tree", kwargs={"root_id": fractal.pk})
    return f"{url}#goal-{goal.pk}" if goal is not None else url


def redirect_next(request, fallback):
    """Go back where the form came from (a same-site ``next``), else to ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def get_goal(fractal, goal_id, manager=None):
    return get_scoped_or_404(manager or Goal.objects, fractal, pk=goal_id)


# --- accounts and settings -------------------------------------------------------------------


def signup(request):
    if not django_settings.ALLOW_SIGNUP:
        raise Http404("Sign-up is closed.")
    if request.user.is_authenticated:
        return redirect("fractal-list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.get_username()}! Create your first fractal below.")
        if user.email:
            accounts.send_verification_email(request, user)
            messages.info(request, f"We sent a link to {user.email}: follow it to confirm the address.")
        return redirect("fractal-list")
    return render(request, "registration/signup.html", {"form": form})


def settings_page(request, form=None, account_form=None, status=200):
    profile = Profile.for_user(request.user)
    context = {
        "form": form or ProfileForm(instance=profile),
        "account_form": account_form or AccountForm(instance=request.user),
        "profile": profile,
        "token": ApiToken.objects.filter(user=request.user).first(),
        "new_key": request.session.pop("new_api_token", None),
        "calendar_url": (
            request.build_absolute_uri(reverse("calendar-feed", kwargs={"token": profile.calendar_token}))
            if profile.calendar_token
            else None
        ),
    }
    return render(request, "accounts/settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request):
    profile = Profile.for_user(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("settings")
    return settings_page(request, form=form)


@login_required
@require_POST
def account_update(request):
    user = request.user
    old_email = user.email
    form = AccountForm(request.POST, instance=user)
    if not form.is_valid():
        user.refresh_from_db()
        return settings_page(request, account_form=form, status=400)
    form.save()
    messages.success(request, "Account saved.")
    if user.email and user.email.casefold() != old_email.casefold():
        accounts.send_verification_email(request, user)
        messages.info(request, f"We sent a link to {user.email}: follow it to confirm the address.")
    return redirect("settings")


@login_required
@require_POST
def verification_resend(request):
    if not request.user.email:
        messages.error(request, "Add an email address first.")
    elif Profile.for_user(request.user).email_is_verified:
        messages.info(request, "Your email address is already verified.")
    else:
        accounts.send_verification_email(request, request.user)
        messages.success(request, f"We sent a new link to {request.user.email}.")
    return redirect("settings")


def verify_email(request, token):
    """The link from the verification mail; the signed token is the credential."""
    try:
        user = accounts.verify_email(token)
    except accounts.VerificationError as error:
        return render(request, "registration/verify_email_failed.html", {"reason": str(error)}, status=400)
    messages.success(request, f"Thank you: {user.email} is confirmed. It can now be used to reset your password.")
    return redirect("settings" if request.user.is_authenticated else "login")


class PasswordResetView(auth_views.PasswordResetView):
    """Our pages and wording; verified emails only; the same answer whatever the address; throttled."""

    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not accounts.reset_allowed(email, self.request.META.get("REMOTE_ADDR", "")):
            return render(self.request, "registration/password_reset_throttled.html", status=429)
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        username = user.get_username()
        logout(request)
        accounts.erase_account(user)
        messages.success(request, f"The account “{username}” and all of its data were deleted.")
        return redirect("login")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "summary": accounts.erasure_summary(request.user)}
    return render(request, "accounts/delete.html", context, status=status)


@login_required
@require_POST
def calendar_token(request):
    action = request.POST.get("action")
    profile = Profile.for_user(request.user)
    if action == "rotate":
        profile.rotate_calendar_token()
        messages.success(request, "Your calendar feed has a new private address; the old one stopped working.")
    elif action == "revoke":
        profile.revoke_calendar_token()
        messages.success(request, "Your calendar feed is off; its address no longer works.")
    else:
        messages.error(request, "Unknown calendar feed action.")
    return redirect("settings")


@login_required
@require_POST
def api_token(request):
    action = request.POST.get("action")
    if action not in {"create", "regenerate", "revoke"}:
        messages.error(request, "Unknown token action.")
        return redirect("settings")
    if action == "revoke":
        ApiToken.objects.revoke(request.user)
        messages.success(request, "Your API token was revoked.")
    else:
        _, key = ApiToken.issue(request.user)
        # Shown once on the next page, then forgotten by the session; the database keeps a hash.
        request.session["new_api_token"] = key
        messages.success(request, "A new API token was created. Copy it now: it is shown only once.")
    return redirect("settings")


# --- fractals --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def fractal_create(request):
    form = FractalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                fractal = Goal.create_fractal(
                    request.user,
                    form.cleaned_data["name"],
                    form.cleaned_data["level"],
                    description=form.cleaned_data["description"],
                )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, f"Created the fractal “{fractal.name}”.")
            return redirect(tree_url(fractal))
    return render(request, "goals/fractal_form.html", {"form": form})


@login_required
@require_POST
def fractal_delete(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    delete_object(fractal)
    deleted_with_undo(
        request, f"Deleted the fractal “{fractal.name}”.", reverse("fractal-restore", kwargs={"root_id": fractal.pk})
    )
    return redirect("fractal-list")


@login_required
@require_POST
def fractal_restore(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id, include_deleted=True)
    try:
        restore_object(fractal)
    except ValidationError as error:
        messages.error(request, f"“{fractal.name}” cannot be restored: {error_text(error)}")
    else:
        messages.success(request, f"Restored the fractal “{fractal.name}”.")
    return redirect("fractal-list")


# --- goal actions (the tree and the goal page post here) -------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def goal_add_child(request, root_id, goal_id):
    fractal = get_fractal_for_user(request.user, root_id)
    parent = get_goal(fractal, goal_id)
    if parent.child_level is None:
        raise Http404("Nano goals have no children.")
    # The unsaved instance lets the model rules run during form validation; add_child creates it.
    form = GoalForm(request.POST or None, instance=Goal(parent=parent, level=parent.child_level))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                child = parent.add_child(**form.cleaned_data)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, f"Added the {child.get_level_display().lower()} “{child.name}”.")
            return redirect_next(request, tree_url(fractal, child))
    context = {"fractal": fractal, "parent": parent, "form": form, "level_label": parent.child_level.label}
    return render(request, "goals/goal_add.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, root_id, goal_id):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_goal(fractal, goal_id)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except ValidationError as error:
            goal.refresh_from_db()
            add_model_errors(form, error)
        else:
            messages.success(request, f"Saved “{goal.name}”.")
            return redirect_next(request, tree_url(fractal, goal))
    move_form = MoveGoalForm(goal=goal) if goal.parent_id else None
    context = {"fractal": fractal, "goal": goal, "form": form, "move_form": move_form}
    return render(request, "goals/goal_edit.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def goal_move_to(request, root_id, goal_id):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_goal(fractal, goal_id)
    if goal.parent_id is None:
        raise Http404("A fractal root cannot be moved.")
    move_form = MoveGoalForm(request.POST, goal=goal)
    if move_form.is_valid():
        try:
            with transaction.atomic():
                goal.move_to(move_form.cleaned_data["parent"])
        except ValidationError as error:
            add_model_errors(move_form, error)
        else:
            messages.success(request, f"Moved “{goal.name}” under “{goal.parent.name}”.")
            return redirect(tree_url(fractal, goal))
    goal.refresh_from_db()
    context = {"fractal": fractal, "goal": goal, "form": GoalForm(instance=goal), "move_form": move_form}
    return render(request, "goals/goal_edit.html", context)


@login_required
@require_POST
def goal_set_completed(request, root_id, goal_id, completed):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_goal(fractal, goal_id)
    try:
        with transaction.atomic():
            goal.complete() if completed else goal.reopen()
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{'Completed' if completed else 'Reopened'} “{goal.name}”.")
    return redirect_next(request, tree_url(fractal, goal))


LIFECYCLE_ACTIONS = {
    "pause": ("pause", "Paused “{}” and the goals below it: hidden from the tree and session menus until resumed."),
    "resume": ("resume", "Resumed “{}”."),
    "archive": ("archive", "Archived “{}” and the goals below it."),
    "unarchive": ("unarchive", "Unarchived “{}”."),
}


@login_required
@require_POST
def goal_lifecycle(request, root_id, goal_id, action):
    """Pause, resume, archive or unarchive a goal (with its subtree, by inheritance)."""
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_goal(fractal, goal_id)
    method, message = LIFECYCLE_ACTIONS[action]
    try:
        with transaction.atomic():
            getattr(goal, method)()
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, message.format(goal.name))
    return redirect_next(request, tree_url(fractal))


@login_required
@require_POST
def goal_move(request, root_id, goal_id, direction):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_goal(fractal, goal_id)
    if goal.parent_id is None:
        raise Http404("A fractal root is not ordered among siblings here.")
    goal.move(-1 if direction == "up" else 1)
    return redirect_next(request, tree_url(fractal, goal))


@login_required
@require_POST
def goal_delete(request, root_id, goal_id):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_goal(fractal, goal_id)
    if goal.parent_id is None:
        raise Http404("Delete a fractal from the fractal list.")
    delete_object(goal)
    restore_url = reverse("goal-restore", kwargs={"root_id": fractal.pk, "goal_id": goal.pk})
    deleted_with_undo(request, f"Deleted “{goal.name}” and the goals below it.", restore_url)
    return redirect(tree_url(fractal))


@login_required
@require_POST
def goal_restore(request, root_id, goal_id):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_goal(fractal, goal_id, manager=Goal.all_objects)
    try:
        restore_object(goal)
    except ValidationError as error:
        messages.error(request, f"“{goal.name}” cannot be restored: {error_text(error)}")
        return redirect_next(request, tree_url(fractal))
    messages.success(request, f"Restored “{goal.name}”.")
    return redirect_next(request, tree_url(fractal, goal))
