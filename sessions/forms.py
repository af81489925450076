import contextlib
import datetime
import uuid

from django import forms
from django.db.models import Q
from django.utils import timezone

from activities.forms import LabelledRowForm
from activities.models import ActivityDefinition
from goals.dates import IsoDateField, IsoDateTimeField
from goals.models import SESSION_LEVELS, Goal
from goals.rules import DATE_RANGE
from goals.widgets import QuickSelect

from .filtering import filter_sessions
from .models import PracticeSession, PracticeSessionGoal, SessionSection, SessionTemplate
from .models.note import NOTE_MAX_LENGTH


def session_goals(fractal, include_inactive=True):
    """Goals a session of ``fractal`` may link to: its live short-term and immediate goals.

    Menus that offer goals for new practice leave out paused and archived goals (and those below
    them) unless asked (``include_inactive``); filters over history keep them.
    """
    goals = Goal.objects.for_fractal(fractal).filter(level__in=SESSION_LEVELS)
    if not include_inactive:
        goals = goals.active()
    return goals.order_by("level", "name")


def show_inactive(request):
    """The "Show paused / archived" filter of the pages whose menus offer goals."""
    return request.GET.get("inactive") == "1"


def session_goals_in_tree_order(fractal, include_inactive=True):
    """The goals a session may link to, in the order the tree shows them (each short-term goal
    followed by its immediate goals), for menus that offer them. Two queries whatever the size."""
    children = {}
    for pk, parent_id in (
        Goal.objects.for_fractal(fractal).order_by("sort_order", "created_at").values_list("pk", "parent_id")
    ):
        children.setdefault(parent_id, []).append(pk)
    order, stack = [], list(reversed(children.get(None, [])))
    while stack:
        pk = stack.pop()
        order.append(pk)
        stack.extend(reversed(children.get(pk, [])))
    position = {pk: index for index, pk in enumerate(order)}
    goals = session_goals(fractal, include_inactive)
    return sorted(goals, key=lambda goal: position.get(goal.pk, len(position)))


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, goal):
        state = f", {goal.lifecycle_state}" if goal.paused_at or goal.archived_at else ""
        return f"{goal.name} ({goal.get_level_display()}{state})"


def offer_goals_in_tree_order(field, fractal, keep=(), include_inactive=False):
    """Limit ``field`` (a GoalChoiceField) to the session goals of ``fractal``, listed in tree order;
    paused and archived goals only with ``include_inactive``.

    ``keep``: goals already chosen (e.g. a program linked to a goal of another level, from the old
    app, or to a goal since paused) stay offered and ticked after the others, so saving the form
    never drops them unseen.
    """
    in_order = session_goals_in_tree_order(fractal, include_inactive)
    listed = {goal.pk for goal in in_order}
    kept = [goal for goal in keep if goal.pk not in listed and goal.root_id == fractal.pk]
    offered = session_goals(fractal, include_inactive)
    if kept:
        offered = Goal.objects.filter(Q(pk__in=offered.values("pk")) | Q(pk__in=[goal.pk for goal in kept]))
    field.queryset = offered
    ordered = [*in_order, *kept]
    field.choices = [(goal.pk, field.label_from_instance(goal)) for goal in ordered]


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
        # Unordered: any hundred are as good, and the (root, level) index then serves them without
        # sorting every short-term and immediate goal of the fractal (the sessions page grew with
        # the tree by that sort alone).
        offered = set(
            Goal.objects.for_fractal(fractal)
            .filter(level__in=SESSION_LEVELS)
            .order_by()
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
        DATE_RANGE.clean_form(self)
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

    def __init__(self, *args, fractal, include_inactive=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = session_goals(fractal, include_inactive)
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
        fields = ["name"]


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


class InstanceDoneForm(forms.Form):
    completed = forms.BooleanField(required=False)


class SessionTimesForm(forms.Form):
    """The session's own start and end, typed in the user's time zone (checked by the model rule)."""

    started_at = forms.DateTimeField(
        required=False, label="Start", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ended_at = forms.DateTimeField(
        required=False, label="End", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, session, **kwargs):
        self.session = session
        kwargs.setdefault("initial", {"started_at": session.started_at, "ended_at": session.ended_at})
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.format = "%Y-%m-%dT%H:%M"
        if not session.completed:
            del self.fields["ended_at"]  # set when the session is completed

    def clean(self):
        cleaned = super().clean()
        # The inputs show minutes: a time sent back unchanged keeps its seconds.
        for name in ("started_at", "ended_at"):
            stored, sent = getattr(self.session, name), cleaned.get(name)
            if stored and sent and stored.replace(second=0, microsecond=0) == sent:
                cleaned[name] = stored
        cleaned.setdefault("ended_at", self.session.ended_at)
        return cleaned


class LogSessionForm(forms.Form):
    """A session that already happened: its day, start and end (user's time zone), goals, activities."""

    name = forms.CharField(max_length=255, required=False, help_text="Left empty: the template's or first goal's.")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="Started", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="Ended", widget=forms.TimeInput(attrs={"type": "time"}))
    past_midnight = forms.BooleanField(required=False, label="Ended after midnight (the next day)")
    goals = GoalChoiceField(queryset=Goal.objects.none(), widget=forms.CheckboxSelectMultiple)
    template = forms.ModelChoiceField(
        queryset=SessionTemplate.objects.none(),
        required=False,
        empty_label="(none)",
        help_text="Its sections and activities are added to the session.",
    )
    activities = forms.ModelMultipleChoiceField(
        queryset=ActivityDefinition.objects.none(), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    notes = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Markdown; kept as a note of the session.",
    )

    def __init__(self, *args, fractal, include_inactive=False, **kwargs):
        super().__init__(*args, **kwargs)
        offer_goals_in_tree_order(self.fields["goals"], fractal, include_inactive=include_inactive)
        self.fields["template"].queryset = SessionTemplate.objects.for_fractal(fractal).order_by("name")
        activities = ActivityDefinition.objects.for_fractal(fractal).order_by("name")
        self.fields["activities"].queryset = activities
        self.fields["activities"].choices = list(activities.values_list("pk", "name"))

    def _moment(self, day, time):
        zone = timezone.get_current_timezone()
        moment = datetime.datetime.combine(day, time).replace(tzinfo=zone)
        # A wall time that does not exist (a clock change) does not survive the round trip.
        if moment.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != moment.replace(tzinfo=None):
            raise forms.ValidationError(f"{time:%H:%M} does not exist on {day:%d %b %Y} in your time zone.")
        return moment

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("date"), cleaned.get("start"), cleaned.get("end")
        if day and start and end:
            try:
                cleaned["started_at"] = self._moment(day, start)
                end_day = day + datetime.timedelta(days=1) if cleaned.get("past_midnight") else day
                cleaned["ended_at"] = self._moment(end_day, end)
            except forms.ValidationError as error:
                self.add_error(None, error)
        goals = cleaned.get("goals")
        if not cleaned.get("name", "").strip() and not cleaned.get("template") and goals:
            cleaned["name"] = goals[0].name
        return cleaned
