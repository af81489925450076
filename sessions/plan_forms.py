"""Forms of the planning pages: session templates, programs and the analytics filter.

Every choice field gets a queryset limited to the fractal of the URL, so no id of another
fractal is ever accepted. The forms validate input; the models do the work.
"""

from django import forms
from django.core.exceptions import ValidationError

from goals.dates import IsoDateField
from goals.models import Goal

from .forms import offer_goals_in_tree_order
from .models import PracticeSession, Program, SessionTemplate
from .models.program import WEEKDAYS

WEEKDAY_CHOICES = [(str(index), name.title()) for index, name in enumerate(WEEKDAYS)]


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, goal):
        return f"{goal.name} ({goal.get_level_display()})"


# --- session templates -------------------------------------------------------------------


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=255)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TemplateSectionForm(forms.Form):
    """One section: name, planned minutes, and its activities as ordered ids ("id,id,...")."""

    name = forms.CharField(max_length=255)
    planned_minutes = forms.IntegerField(min_value=0, max_value=24 * 60, required=False)
    rest_seconds = forms.IntegerField(min_value=0, max_value=24 * 3600, required=False, label="Rest seconds")
    activities = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-activity-ids": ""}))

    def __init__(self, *args, activities=None, **kwargs):
        self.activity_lookup = activities or {}
        super().__init__(*args, **kwargs)

    def has_changed(self):
        # A blank extra section stays blank even when the editor script numbers its position.
        return any(name in self.changed_data for name in ("name", "planned_minutes", "rest_seconds", "activities"))

    def chosen_activities(self):
        """The activities the field currently names (bound or initial), for the editor to show."""
        raw = self["activities"].value() or ""
        found = (self.activity_lookup.get(part.strip()) for part in str(raw).split(","))
        return [activity for activity in found if activity is not None]

    def clean_activities(self):
        raw = [part.strip() for part in (self.cleaned_data.get("activities") or "").split(",") if part.strip()]
        chosen = []
        for key in raw:
            activity = self.activity_lookup.get(key)
            if activity is None:
                raise ValidationError("Choose activities of this fractal's library.")
            chosen.append(activity)
        return chosen


class BaseSectionFormSet(forms.BaseFormSet):
    def __init__(self, *args, activities=(), **kwargs):
        self.activity_lookup = {str(activity.pk): activity for activity in activities}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "activities": self.activity_lookup}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            activities=self.activity_lookup,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def clean(self):
        if any(self.errors):
            return
        if not self.sections():
            raise ValidationError("A template needs at least one section.")

    def sections(self):
        """The kept sections in their chosen order, as ``SessionTemplate.create`` expects them."""
        kept = [form for form in self.forms if form.cleaned_data.get("name") and not form.cleaned_data.get("DELETE")]
        # Sections without a position keep their place after the numbered ones.
        kept.sort(key=lambda form: (form.cleaned_data.get("ORDER") is None, form.cleaned_data.get("ORDER") or 0))
        return [
            (
                form.cleaned_data["name"],
                form.cleaned_data.get("planned_minutes"),
                form.cleaned_data["activities"],
                form.cleaned_data.get("rest_seconds"),
            )
            for form in kept
        ]


SectionFormSet = forms.formset_factory(
    TemplateSectionForm, formset=BaseSectionFormSet, extra=1, can_order=True, can_delete=True, max_num=30
)


def template_initial(template):
    return [
        {
            "name": name,
            "planned_minutes": minutes,
            "rest_seconds": rest_seconds,
            "activities": ",".join(str(activity.pk) for activity in activities),
        }
        for name, minutes, activities, rest_seconds in template.section_plan(with_rest=True)
    ]


class SessionGoalsForm(forms.Form):
    """The goals a new session (from a template) serves."""

    name = forms.CharField(max_length=255, required=False, help_text="Leave empty to use the template's name.")
    goals = GoalChoiceField(queryset=Goal.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, root, **kwargs):
        super().__init__(*args, **kwargs)
        offer_goals_in_tree_order(self.fields["goals"], root)


class ScheduledGoalsForm(forms.Form):
    """The goals of a planned program session started when neither its block nor its program has any."""

    goals = GoalChoiceField(queryset=Goal.objects.none(), widget=forms.CheckboxSelectMultiple)
    remember = forms.BooleanField(
        required=False, initial=True, label="Also link these goals to the program (its next days start in one tap)"
    )

    def __init__(self, *args, root, **kwargs):
        super().__init__(*args, **kwargs)
        offer_goals_in_tree_order(self.fields["goals"], root)


class SaveAsTemplateForm(forms.Form):
    session = forms.ModelChoiceField(queryset=PracticeSession.objects.none())
    name = forms.CharField(max_length=255, required=False)

    def __init__(self, *args, root, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = PracticeSession.objects.filter(root_id=root.pk)


# --- programs ----------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


class ProgramForm(forms.Form):
    name = forms.CharField(max_length=255)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    start_date = IsoDateField(widget=DateInput)
    end_date = IsoDateField(widget=DateInput)
    goals = GoalChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Sessions started from its days serve these goals.",
    )

    def __init__(self, *args, root, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the goals a session can link to, in tree order: those are what its days serve.
        offer_goals_in_tree_order(self.fields["goals"], root, keep=self.initial.get("goals") or ())

    def clean(self):
        data = super().clean()
        Program.time_order.clean_form(self)
        return data


class BlockForm(forms.Form):
    name = forms.CharField(max_length=255)
    start_date = IsoDateField(widget=DateInput)
    end_date = IsoDateField(widget=DateInput)
    color = forms.CharField(max_length=7, initial="#4f7cac", widget=forms.TextInput(attrs={"type": "color"}))
    goals = GoalChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Sessions started from its days serve these goals.",
    )

    def __init__(self, *args, root, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the goals a session can link to, in tree order: those are what its days serve.
        offer_goals_in_tree_order(self.fields["goals"], root, keep=self.initial.get("goals") or ())


class ScheduleForm(forms.Form):
    template = forms.ModelChoiceField(queryset=SessionTemplate.objects.none())
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one weekday."},
    )

    def __init__(self, *args, root, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = SessionTemplate.objects.filter(root_id=root.pk).order_by("name")


class DayForm(forms.Form):
    date = IsoDateField(widget=DateInput)
    name = forms.CharField(max_length=255, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CopyDayForm(forms.Form):
    date = IsoDateField(widget=DateInput)
