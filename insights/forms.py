"""The analytics page's filter form."""

import datetime

from django import forms

from activities.models import ActivityDefinition, MetricDefinition, SplitDefinition
from goals.dates import IsoDateField
from goals.rules import DATE_RANGE
from goals.widgets import QuickSelect, RowsSelect
from sessions.plan_forms import DateInput

# --- analytics ---------------------------------------------------------------------------


class AnalyticsFilterForm(forms.Form):
    activity = forms.ModelChoiceField(queryset=ActivityDefinition.objects.none(), required=False, widget=RowsSelect)
    metric = forms.ModelChoiceField(queryset=MetricDefinition.objects.none(), required=False, widget=QuickSelect)
    split = forms.ModelChoiceField(
        queryset=SplitDefinition.objects.none(), required=False, empty_label="All splits", widget=QuickSelect
    )
    start = IsoDateField(required=False, widget=DateInput)
    end = IsoDateField(required=False, widget=DateInput)

    def __init__(self, *args, root, **kwargs):
        super().__init__(*args, **kwargs)
        self.root = root
        # Any activity, metric and split of the fractal is accepted; the menus are filled by offer().
        self.fields["activity"].queryset = ActivityDefinition.objects.filter(root_id=root.pk)
        self.fields["metric"].queryset = MetricDefinition.objects.filter(root_id=root.pk).select_related("activity")
        self.fields["split"].queryset = SplitDefinition.objects.filter(root_id=root.pk).select_related("activity")

    def offer(self, activity, metrics):
        """Fill the menus: every activity of the library, and the metrics and splits of ``activity``.

        The metric and split menus offer the charted activity's own (at most three metrics and
        five splits) rather than the whole library's; choosing another activity shows its own.
        """
        activities = ActivityDefinition.objects.filter(root_id=self.root.pk).order_by("name")
        self.fields["activity"].widget.choices = [("", "---------"), *activities.values_list("pk", "name")]
        metric_choices, split_choices = [("", "---------")], [("", "All splits")]
        if activity is not None:
            metric_choices += [(metric.pk, f"{activity.name}: {metric}") for metric in metrics]
            splits = SplitDefinition.objects.filter(activity_id=activity.pk).order_by("sort_order")
            split_choices += [(split.pk, f"{activity.name}: {split.name}") for split in splits]
        self.fields["metric"].widget.choices = metric_choices
        self.fields["split"].widget.choices = split_choices

    def clean(self):
        data = super().clean()
        activity = data.get("activity")
        for field in ("metric", "split"):
            chosen = data.get(field)
            if chosen is not None and (activity is None or chosen.activity_id != activity.pk):
                self.add_error(field, f"Choose a {field} of the chosen activity.")
        DATE_RANGE.clean_form(self)
        return data


class RangeForm(forms.Form):
    """A range of local days (inclusive) for the fractal-wide figures; the last 90 days by default."""

    DEFAULT_DAYS = 90

    start = IsoDateField(required=False, label="From", widget=DateInput)
    end = IsoDateField(required=False, label="To", widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date is before the start date.")
        return data

    def range(self, today):
        """The chosen (start, end), the default range where nothing (valid) was chosen."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or min(end, today) - datetime.timedelta(days=self.DEFAULT_DAYS - 1)
        return start, end
