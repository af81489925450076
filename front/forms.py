"""The target form (an activity of the fractal, a kind, a scope and one rule per metric of it) and the goal
copy form."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from activities.models import (
    ActivityDefinition,
    MetricDefinition,
    Target,
    TargetKind,
    TargetMetric,
    TargetOperator,
    TargetScope,
)
from goals.dates import IsoDateField
from goals.models import Goal, GoalLevel
from sessions.models import ProgramBlock


class TargetForm(forms.Form):
    """A target: its activity, kind, scope and one rule (operator, threshold) per metric.

    Fields that do not apply to the chosen kind or scope are ignored (the page hides them when
    scripts run, and says what each is for when they do not); the rules between fields are the
    model's own (``Target.validate_rules``), shown on the fields."""

    activity = forms.ModelChoiceField(queryset=ActivityDefinition.objects.none())
    name = forms.CharField(max_length=255, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    kind = forms.ChoiceField(
        choices=TargetKind.choices,
        required=False,
        initial=TargetKind.THRESHOLD,
        help_text="Threshold: one instance (or set) meets every rule. Sum: the metric's values add up to "
        "the total. Frequency: sessions per week, for weeks in a row.",
    )
    times = forms.IntegerField(
        label="Sessions per week", min_value=1, max_value=168, required=False, help_text="Frequency targets only."
    )
    weeks = forms.IntegerField(
        label="Weeks in a row", min_value=1, max_value=520, required=False, help_text="Frequency targets only."
    )
    scope = forms.ChoiceField(choices=TargetScope.choices, required=False, initial=TargetScope.ALL)
    starts_on = IsoDateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Date range only (YYYY-MM-DD, both days included).",
    )
    ends_on = IsoDateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Date range only."
    )
    block = forms.ModelChoiceField(
        queryset=ProgramBlock.objects.none(),
        label="Program block",
        required=False,
        help_text="Program block only: the block's dates, followed when they change.",
    )

    def __init__(self, data=None, *, fractal, target=None, activity_id=None, **kwargs):
        self.target = target
        activities = ActivityDefinition.objects.filter(root_id=fractal.pk).order_by("name")
        initial = {}
        if target is not None:
            initial.update(
                {
                    field: getattr(target, field)
                    for field in ("name", "description", "kind", "scope", "starts_on", "ends_on", "times", "weeks")
                }
            )
            initial.update({"activity": target.activity_id, "block": target.block_id})
            for row in TargetMetric.objects.filter(target=target):
                initial[f"metric_{row.metric_id}"] = row.threshold
                initial[f"operator_{row.metric_id}"] = row.operator
        # Values typed before switching the activity (the page reloads the fields) win.
        initial.update({key: value for key, value in kwargs.pop("initial", {}).items() if value})
        super().__init__(data, initial=initial, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["block"].queryset = (
            ProgramBlock.objects.filter(root_id=fractal.pk).select_related("program").order_by("start_date", "name")
        )
        self.fields["block"].label_from_instance = lambda block: (
            f"{block.program.name} · {block.name} ({block.start_date:%Y-%m-%d} – {block.end_date:%Y-%m-%d})"
        )
        # The metric fields follow the activity being chosen: the posted one, the one asked for
        # (activity_id from the query string), or the target's own.
        wanted = (data or {}).get("activity") or activity_id or (target.activity_id if target else None)
        self.chosen_activity = self._activity_in(activities, wanted)
        if self.chosen_activity is not None and data is None:
            self.initial["activity"] = self.chosen_activity.pk
        self.metrics = (
            list(MetricDefinition.objects.filter(activity=self.chosen_activity).order_by("sort_order", "name"))
            if self.chosen_activity
            else []
        )
        for metric in self.metrics:
            self.fields[f"operator_{metric.pk}"] = forms.ChoiceField(
                label=f"{metric}: rule", choices=TargetOperator.choices, required=False, initial=TargetOperator.GTE
            )
            self.fields[f"metric_{metric.pk}"] = forms.FloatField(
                label=f"{metric}", required=False, widget=forms.NumberInput(attrs={"step": "any"})
            )

    @staticmethod
    def _activity_in(activities, pk):
        if not pk:
            return None
        try:
            return activities.filter(pk=pk).first()
        except (ValidationError, ValueError):
            return None

    def threshold_fields(self):
        return [self[f"metric_{metric.pk}"] for metric in self.metrics]

    def rule_fields(self):
        """(metric, operator field, threshold field) per metric of the chosen activity."""
        return [(metric, self[f"operator_{metric.pk}"], self[f"metric_{metric.pk}"]) for metric in self.metrics]

    def clean(self):
        cleaned = super().clean()
        cleaned["kind"] = cleaned.get("kind") or TargetKind.THRESHOLD
        cleaned["scope"] = cleaned.get("scope") or TargetScope.ALL
        # What does not apply to the kind or scope chosen is left out, not refused.
        if cleaned["kind"] != TargetKind.FREQUENCY:
            cleaned["times"] = cleaned["weeks"] = None
        if cleaned["scope"] != TargetScope.RANGE:
            cleaned["starts_on"] = cleaned["ends_on"] = None
        if cleaned["scope"] != TargetScope.BLOCK:
            cleaned["block"] = None
        activity = cleaned.get("activity")
        if activity is None:
            return cleaned
        if not self.metrics:
            raise ValidationError("This activity has no metrics; a target needs at least one threshold.")
        self.thresholds = []
        for metric in self.metrics:
            value = cleaned.get(f"metric_{metric.pk}")
            if value is None:
                continue
            operator = cleaned.get(f"operator_{metric.pk}") or TargetOperator.GTE
            if cleaned["kind"] == TargetKind.SUM and operator != TargetOperator.GTE:
                self.add_error(f"operator_{metric.pk}", "A sum target counts up to its total: use ≥.")
            self.thresholds.append((metric, operator, value))
        if not self.thresholds and cleaned["kind"] != TargetKind.FREQUENCY:
            raise ValidationError("Enter a threshold for at least one metric.")
        return cleaned

    def save(self, goal):
        """Write the target and its rules; the models validate every row. All or nothing."""
        data = self.cleaned_data
        with transaction.atomic():
            target = self.target or Target(goal=goal)
            activity_changed = target.activity_id is not None and target.activity_id != data["activity"].pk
            target.activity = data["activity"]
            target.name = data["name"].strip()
            target.description = data["description"]
            for field in ("kind", "scope", "starts_on", "ends_on", "block", "times", "weeks"):
                setattr(target, field, data[field])
            target.full_clean()
            target.save()
            existing = {row.metric_id: row for row in TargetMetric.objects.filter(target=target)}
            wanted = {metric.pk for metric, _, _ in self.thresholds}
            for metric_id, row in existing.items():
                if activity_changed or metric_id not in wanted:
                    row.delete()
            for metric, operator, value in self.thresholds:
                row = existing.get(metric.pk) if not activity_changed else None
                if row is None:
                    row = TargetMetric(target=target, metric=metric)
                row.target = target
                row.operator = operator
                row.threshold = value
                row.full_clean()
                row.save()
        return target


class CopyGoalForm(forms.Form):
    """Where the copy of a goal goes: any live goal of the level above in the fractal."""

    parent = forms.ModelChoiceField(queryset=None, label="Copy under")

    def __init__(self, *args, goal, **kwargs):
        super().__init__(*args, initial={"parent": goal.parent_id}, **kwargs)
        above = GoalLevel(goal.level).previous_level
        self.fields["parent"].queryset = Goal.objects.filter(root_id=goal.root_id, level=above).order_by("name")
