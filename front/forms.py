"""The target form (an activity of the fractal and one threshold per metric of it) and the goal copy form."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from activities.models import ActivityDefinition, MetricDefinition, Target, TargetMetric
from goals.models import Goal, GoalLevel


class TargetForm(forms.Form):
    activity = forms.ModelChoiceField(queryset=ActivityDefinition.objects.none())
    name = forms.CharField(max_length=255, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, data=None, *, fractal, target=None, activity_id=None, **kwargs):
        self.target = target
        activities = ActivityDefinition.objects.filter(root_id=fractal.pk).order_by("name")
        initial = {}
        if target is not None:
            initial.update({"activity": target.activity_id, "name": target.name, "description": target.description})
            initial.update(
                {f"metric_{row.metric_id}": row.threshold for row in TargetMetric.objects.filter(target=target)}
            )
        # Values typed before switching the activity (the page reloads the fields) win.
        initial.update({key: value for key, value in kwargs.pop("initial", {}).items() if value})
        super().__init__(data, initial=initial, **kwargs)
        self.fields["activity"].queryset = activities
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
            self.fields[f"metric_{metric.pk}"] = forms.FloatField(
                label=f"{metric} ≥", required=False, widget=forms.NumberInput(attrs={"step": "any"})
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

    def clean(self):
        cleaned = super().clean()
        activity = cleaned.get("activity")
        if activity is None:
            return cleaned
        if not self.metrics:
            raise ValidationError("This activity has no metrics; a target needs at least one threshold.")
        self.thresholds = [
            (metric, cleaned[f"metric_{metric.pk}"])
            for metric in self.metrics
            if cleaned.get(f"metric_{metric.pk}") is not None
        ]
        if not self.thresholds:
            raise ValidationError("Enter a threshold for at least one metric.")
        return cleaned

    def save(self, goal):
        """Write the target and its thresholds; the models validate every row. All or nothing."""
        data = self.cleaned_data
        with transaction.atomic():
            target = self.target or Target(goal=goal)
            activity_changed = target.activity_id is not None and target.activity_id != data["activity"].pk
            target.activity = data["activity"]
            target.name = data["name"].strip()
            target.description = data["description"]
            target.full_clean()
            target.save()
            existing = {row.metric_id: row for row in TargetMetric.objects.filter(target=target)}
            wanted = {metric.pk for metric, _ in self.thresholds}
            for metric_id, row in existing.items():
                if activity_changed or metric_id not in wanted:
                    row.delete()
            for metric, value in self.thresholds:
                row = existing.get(metric.pk) if not activity_changed else None
                if row is None:
                    row = TargetMetric(target=target, metric=metric)
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
