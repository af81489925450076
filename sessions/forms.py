import contextlib
import uuid

from django import forms

from activities.forms import LabelledRowForm
from activities.models import ActivityDefinition
from goals.dates import IsoDateField, IsoDateTimeField
from goals.models import SESSION_LEVELS, Goal
from goals.widgets import QuickSelect

from .filtering import filter_sessions
from .models import PracticeSession, PracticeSessionGoal, SessionSection, SessionTemplate


def session_goals(fractal):
    """Goals a session of ``fractal`` may link to: its live short-term and immediate goals."""
    return Goal.objects.for_fractal(fractal).filter(level__in=SESSION_LEVELS).order_by("level", "name")


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, goal):
        return f"{goal.name} ({goal.get_level_display()})"


class SessionFilterForm(forms.Form):
    start = IsoDateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = IsoDateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    goal = forms.ModelChoiceField(
        queryset=Goal.objects.none(), required=False, empty_label="Any goal", widget=QuickSelect
    )
    completed = forms.ChoiceField(
        required=False, choices=[("", "Any"), ("yes", "Completed"), ("no", "Not completed")], label="Status"
    )
    template = forms.ModelChoiceField(
        queryset=SessionTemplate.objects.none(), required=False, empty_label="Any template", widget=QuickSelect
    )

    # The goal menu must not grow with years of data (a fractal can have thousands of session
    # goals): it offers the first goals of the fractal, those of the latest sessions, and the
    # chosen one. Any goal of the fractal is still accepted (the goal page links here with ?goal=).
    MENU_GOALS = 100
    RECENT_SESSIONS = 200

    def __init__(self, *args, fractal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = session_goals(fractal)
        self.fields["template"].queryset = SessionTemplate.objects.for_fractal(fractal).order_by("name")
        recent = (
            PracticeSession.objects.for_fractal(fractal).order_by("-created_at").values("pk")[: self.RECENT_SESSIONS]
        )
        # Three small queries rather than one OR over every session goal of the fractal.
        offered = set(
            Goal.objects.for_fractal(fractal)
            .filter(level__in=SESSION_LEVELS)
            .values_list("pk", flat=True)[: self.MENU_GOALS]
        )
        offered.update(PracticeSessionGoal.objects.filter(session__in=recent).values_list("goal_id", flat=True))
        chosen = self.data.get("goal") if self.is_bound else None
        if chosen:
            with contextlib.suppress(ValueError):  # a malformed id is reported by the field
                offered.add(uuid.UUID(str(chosen)))
        # By primary key only (the planner would otherwise walk every session goal of the fractal);
        # the fractal and level are checked here, since the chosen id comes from the request.
        goals = sorted(
            (
                goal
                for goal in Goal.objects.filter(pk__in=offered).only("id", "name", "level", "root_id")
                if goal.root_id == fractal.pk and goal.level in SESSION_LEVELS
            ),
            key=lambda goal: (goal.level, goal.name),
        )
        self.fields["goal"].widget.choices = [("", "Any goal"), *((goal.pk, str(goal)) for goal in goals)]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date is before the start date.")
        return cleaned

    def apply(self, queryset):
        data = self.cleaned_data
        if data.get("start"):
            queryset = queryset.filter(when__date__gte=data["start"])
        if data.get("end"):
            queryset = queryset.filter(when__date__lte=data["end"])
        return filter_sessions(
            queryset,
            goal=data.get("goal") or None,
            completed={"yes": True, "no": False}.get(data.get("completed")),
            template=data.get("template") or None,
        )


class NewSessionForm(forms.Form):
    name = forms.CharField(max_length=255, required=False, help_text="Left empty: the template's name.")
    goals = GoalChoiceField(queryset=Goal.objects.none(), widget=forms.CheckboxSelectMultiple)
    template = forms.ModelChoiceField(
        queryset=SessionTemplate.objects.none(),
        required=False,
        empty_label="Start from scratch",
        help_text="Starting from a template copies its sections and activities; the sections below are ignored.",
    )

    def __init__(self, *args, fractal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = session_goals(fractal)
        self.fields["template"].queryset = SessionTemplate.objects.for_fractal(fractal).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("template") and not cleaned.get("name", "").strip() and "name" not in self.errors:
            self.add_error("name", "Give the session a name (or start from a template).")
        return cleaned


class SectionRowForm(LabelledRowForm):
    row_label = "Section"
    name = forms.CharField(max_length=255, required=False, label="name")
    planned_minutes = forms.IntegerField(required=False, min_value=0, max_value=24 * 60, label="planned minutes")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("planned_minutes") is not None and not cleaned.get("name", "").strip():
            self.add_error("name", "Name the section.")
        return cleaned


SectionFormSet = forms.formset_factory(SectionRowForm, extra=3, max_num=12, absolute_max=12)


class SessionEditForm(forms.ModelForm):
    class Meta:
        model = PracticeSession
        fields = ["name", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class AddActivityForm(forms.Form):
    activity = forms.ModelChoiceField(queryset=ActivityDefinition.objects.none(), empty_label=None, widget=QuickSelect)
    section = forms.ModelChoiceField(
        queryset=SessionSection.objects.none(), required=False, empty_label="(no section)", widget=QuickSelect
    )

    def __init__(self, *args, session, activities=None, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = ActivityDefinition.objects.for_fractal(session.root_id).order_by("name")
        self.fields["section"].queryset = SessionSection.objects.filter(session=session).order_by("sort_order")
        # Already loaded lists avoid a query each when the form is only rendered.
        if activities is not None:
            self.fields["activity"].choices = [(a.pk, a.name) for a in activities]
        if sections is not None:
            self.fields["section"].choices = [("", "(no section)"), *((s.pk, s.name) for s in sections)]


class InstanceTimesForm(forms.Form):
    time_start = IsoDateTimeField(required=False, label="Start")
    time_stop = IsoDateTimeField(required=False, label="Stop")


class InstanceNotesForm(forms.Form):
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    completed = forms.BooleanField(required=False)
