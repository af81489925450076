import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .accounts import email_taken
from .dates import IsoDateField
from .models import ROOT_LEVELS, Goal, GoalLevel, Profile, WeekStart


def time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def clean_unique_email(form, instance=None):
    email = (form.cleaned_data.get("email") or "").strip()
    if email and email_taken(email, exclude_user=instance):
        raise ValidationError("Another account already uses this email address.")
    return email


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text="Optional. Lets you reset a forgotten password once you have confirmed it.",
    )
    # Filled from the browser by a small script; "UTC" when the script does not run.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def clean_email(self):
        return clean_unique_email(self)

    def clean_time_zone(self):
        zone = (self.cleaned_data.get("time_zone") or "").strip()
        return zone if zone in zoneinfo.available_timezones() else "UTC"

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            profile = Profile.for_user(user)
            profile.time_zone = self.cleaned_data["time_zone"]
            profile.save(update_fields=["time_zone"])
        return user


class AccountForm(forms.ModelForm):
    """Username and email, changed from Settings (the password has its own page)."""

    email = forms.EmailField(required=False, help_text="Used only for password reset, once confirmed.")

    class Meta:
        model = get_user_model()
        fields = ["username", "email"]

    def clean_email(self):
        return clean_unique_email(self, instance=self.instance)


class ResetRequestForm(PasswordResetForm):
    """Django's reset form, sending only to accounts whose email is verified."""

    def get_users(self, email):
        for user in super().get_users(email):
            if Profile.for_user(user).email_is_verified:
                yield user


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That is not your password; nothing was deleted.")
        return password


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, help_text="All times are shown in this time zone.")
    week_start = forms.TypedChoiceField(
        choices=WeekStart.choices,
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        label="Weeks start on",
        help_text="Weeks in analytics start on this day.",
    )

    class Meta:
        model = Profile
        fields = ["time_zone", "week_start", "theme"]
        widgets = {"theme": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A filter box above the long menu (static/js/zone_filter.js).
        self.fields["time_zone"].widget.attrs["data-filterable"] = "time zones"

    def clean_week_start(self):
        # A form that does not send it (older clients) keeps the current choice.
        value = self.cleaned_data.get("week_start")
        return self.instance.week_start if value in (None, "") else value


class FractalForm(forms.Form):
    name = forms.CharField(max_length=255)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    level = forms.ChoiceField(
        label="Root level",
        choices=[(level.value, level.label) for level in ROOT_LEVELS],
        initial=GoalLevel.ULTIMATE.value,
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Give the fractal a name.")
        return name


class GoalForm(forms.ModelForm):
    """Name, description, deadline and who completes it: what the user edits on any goal."""

    class Meta:
        model = Goal
        fields = ["name", "description", "deadline", "completion_mode"]
        field_classes = {"deadline": IsoDateField}
        labels = {"completion_mode": "Completed"}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "completion_mode": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form that does not send it (the tree's quick add, older clients) keeps the mode.
        self.fields["completion_mode"].required = False
        if self.instance.level == GoalLevel.NANO:
            # Nano goals have no children to complete them.
            self.fields["completion_mode"].choices = [
                choice for choice in self.fields["completion_mode"].choices if choice[0] != "children"
            ]

    def clean_completion_mode(self):
        return self.cleaned_data.get("completion_mode") or self.instance.completion_mode

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Give the goal a name.")
        return name


class MoveGoalForm(forms.Form):
    """Choose a new parent among the fractal's live goals of the level above the goal's."""

    parent = forms.ModelChoiceField(queryset=Goal.objects.none(), label="Move under")

    def __init__(self, *args, goal, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal = goal
        above = GoalLevel(goal.level).previous_level
        self.fields["parent"].queryset = (
            Goal.objects.filter(root_id=goal.root_id, level=above).exclude(pk=goal.parent_id).order_by("name")
            if above
            else Goal.objects.none()
        )


def add_model_errors(form, error):
    """Show a model or service ValidationError on ``form``: field errors where the form has the field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields and field != NON_FIELD_ERRORS else None, messages)
