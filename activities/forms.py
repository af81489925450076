from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from .models import MAX_METRICS, MAX_SPLITS, ActivityDefinition, ActivityGroup
from .services import DEFINITION_FIELDS, METRIC_FIELDS, MetricSpec, SplitSpec

# Hard cap on posted rows; the model rules give the real limits and their messages.
ROW_CAP = 10


class FractalModelForm(forms.ModelForm):
    """A model form for a fractal-scoped model: the root comes from the URL's fractal.

    The root is not a form field, so Django would skip the (root, name) uniqueness checks;
    they are kept in the validation here so a duplicate is a form error, not a database error.
    """

    def __init__(self, *args, fractal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fractal = fractal
        self.instance.root_id = fractal.pk

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        # The live-row uniqueness constraints name both; neither is user input.
        return exclusions - {"root", "deleted_at"}


class GroupForm(FractalModelForm):
    class Meta:
        model = ActivityGroup
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ActivityForm(FractalModelForm):
    class Meta:
        model = ActivityDefinition
        fields = list(DEFINITION_FIELDS)  # the fields save_activity writes
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "has_sets": "Recorded in sets",
            "has_metrics": "Has metrics",
            "metrics_multiplicative": "Offer a product series (e.g. weight × reps)",
            "has_splits": "Recorded per split (e.g. left / right)",
            "planned_seconds": "Countdown seconds (optional)",
            "rest_seconds": "Rest between sets, seconds (optional)",
        }
        help_texts = {"has_sets": "", "metrics_multiplicative": "", "has_splits": ""}

    def __init__(self, *args, fractal, **kwargs):
        super().__init__(*args, fractal=fractal, **kwargs)
        self.fields["group"].queryset = ActivityGroup.objects.for_fractal(fractal).order_by("sort_order", "name")
        self.fields["group"].empty_label = "(no group)"


class LabelledRowForm(forms.Form):
    """A formset row whose inputs carry labels such as "Metric 2 unit" (the table has no label tags)."""

    row_label = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix and self.prefix[-1].isdigit() else ""
        for name, field in self.fields.items():
            if name != "id":
                field.widget.attrs["aria-label"] = f"{self.row_label} {number} {field.label or name}".replace("  ", " ")


class MetricRowForm(LabelledRowForm):
    row_label = "Metric"
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(required=False, max_length=100, label="name")
    unit = forms.CharField(required=False, max_length=30, label="unit")
    is_top_set_metric = forms.BooleanField(required=False, label="top set")
    is_multiplicative = forms.BooleanField(required=False, label="multiplicative")
    is_active = forms.BooleanField(required=False, initial=True, label="active")
    lower_is_better = forms.BooleanField(required=False, label="lower is better")


class SplitRowForm(LabelledRowForm):
    row_label = "Split"
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(required=False, max_length=100, label="name")


def _formset(form_class, rows_shown, prefix, data, initial):
    extra = max(0, rows_shown - len(initial))
    factory = forms.formset_factory(form_class, extra=extra, max_num=ROW_CAP, absolute_max=ROW_CAP)
    return factory(data, initial=initial, prefix=prefix)


def metric_formset(data=None, definition=None):
    initial = []
    if definition is not None and definition.pk:
        initial = [
            {field: getattr(metric, field) for field in ("id", *METRIC_FIELDS)}
            for metric in definition.metrics.filter(deleted_at__isnull=True).order_by("sort_order")
        ]
    return _formset(MetricRowForm, MAX_METRICS, "metrics", data, initial)


def split_formset(data=None, definition=None):
    initial = []
    if definition is not None and definition.pk:
        initial = [
            {"id": split.id, "name": split.name}
            for split in definition.splits.filter(deleted_at__isnull=True).order_by("sort_order")
        ]
    return _formset(SplitRowForm, MAX_SPLITS, "splits", data, initial)


def metric_specs(formset):
    """The filled-in metric rows; a row whose name was cleared is a metric to remove."""
    return [
        MetricSpec(
            id=row["id"],
            name=row["name"],
            unit=row["unit"],
            is_top_set_metric=row["is_top_set_metric"],
            is_multiplicative=row["is_multiplicative"],
            is_active=row["is_active"],
            lower_is_better=row["lower_is_better"],
        )
        for row in formset.cleaned_data
        if row and row.get("name", "").strip()
    ]


def split_specs(formset):
    return [
        SplitSpec(id=row["id"], name=row["name"]) for row in formset.cleaned_data if row and row.get("name", "").strip()
    ]


def spread_errors(form, error):
    """Put a service ValidationError on the form: known fields get theirs, the rest is general.

    Returns the messages that concern the metric and split tables, keyed "metrics" / "splits".
    """
    table_errors = {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return table_errors
    for key, messages in error.message_dict.items():
        if key in ("metrics", "splits"):
            table_errors[key] = messages
        elif key in form.fields:
            form.add_error(key, messages)
        else:
            form.add_error(None, messages if key == NON_FIELD_ERRORS else [f"{key}: {m}" for m in messages])
    return table_errors
