"""Rules shared by several models, each stated once and called by every entry point.

Models, forms, serializers, ``check_integrity`` and the bulk writers (data generator, fractal
import) ask these instead of restating a comparison.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Q


@dataclass(frozen=True)
class TimeOrder:
    """A model's time-order rule: ``end`` is not before ``start`` (either may be empty).

    ``message`` is what every entry point says when the rule is broken, under the ``end`` field.
    """

    start: str
    end: str
    message: str

    def broken_by(self, start, end):
        return start is not None and end is not None and end < start

    def check(self, start, end):
        """Raise a ValidationError on the ``end`` field when ``end`` is before ``start``."""
        if self.broken_by(start, end):
            raise ValidationError({self.end: self.message})

    def check_object(self, obj):
        self.check(getattr(obj, self.start), getattr(obj, self.end))

    def broken_rows(self):
        """The rows that break the rule, as a filter (for ``integrity_rules``)."""
        return Q(**{f"{self.end}__lt": F(self.start)})

    def clean_form(self, form, start_field=None, end_field=None):
        """Add the rule's error to ``form`` (after its own ``clean()``) when its dates break it."""
        start = form.cleaned_data.get(start_field or self.start)
        end = form.cleaned_data.get(end_field or self.end)
        if self.broken_by(start, end):
            form.add_error(end_field or self.end, self.message)


# The date range of a filter or a chart (sessions list, analytics): its last day is not before its first.
DATE_RANGE = TimeOrder("start", "end", "The end date is before the start date.")
