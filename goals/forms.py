import zoneinfo

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .dates import IsoDateField
from .models import ROOT_LEVELS, Goal, GoalLevel, Profile


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)


def time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, help_text="All times are shown in this time zone.")

    class Meta:
        model = Profile
        fields = ["time_zone", "theme"]
        widgets = {"theme": forms.RadioSelect}


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
    """Name, description and deadline: what the user edits on any goal."""

    class Meta:
        model = Goal
        fields = ["name", "description", "deadline"]
        field_classes = {"deadline": IsoDateField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

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
