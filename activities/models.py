import math

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from goals.models import FractalScopedModel, OrderedModel, root_field

MAX_METRICS = 3
MIN_SPLITS = 2
MAX_SPLITS = 5
LIVE = Q(deleted_at__isnull=True)


def validate_finite(value):
    if value is None:
        return
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError("Enter a number.") from None
    if not math.isfinite(number):
        raise ValidationError("Enter a finite number.")
    if abs(number) > 1e12:
        raise ValidationError("That number is too large.")


def claims_top_set(taken, activity, is_top_set, live=True):
    """The one-top-set rule (``metric_definition_one_top_set``): may a metric of ``activity`` be
    its live top-set metric, given ``taken``, the activities whose top set is already claimed? A
    live top-set metric that may claims its activity in ``taken``."""
    if not is_top_set or not live:
        return True
    if activity in taken:
        return False
    taken.add(activity)
    return True


class ActivityGroup(FractalScopedModel, OrderedModel):
    root = root_field(db_index=False)  # covered by activity_group_root_order_idx
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)

    class Meta(FractalScopedModel.Meta):
        db_table = "activity_groups"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "root",
                condition=LIVE,
                name="activity_group_unique_live_name",
                violation_error_message="This fractal already has an activity group with this name.",
            ),
        ]
        indexes = [models.Index(fields=["root", "sort_order"], name="activity_group_root_order_idx")]

    def __str__(self):
        return self.name

    def siblings(self):
        return ActivityGroup.objects.filter(root_id=self.root_id)


class ActivityDefinition(FractalScopedModel, OrderedModel):
    root = root_field(db_index=False)  # covered by activity_def_root_name_idx
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    group = models.ForeignKey(
        ActivityGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        db_index=False,  # covered by activity_def_group_order_idx
    )
    has_sets = models.BooleanField(default=False, help_text="Values are recorded per set (1..n).")
    has_metrics = models.BooleanField(default=True)
    metrics_multiplicative = models.BooleanField(
        default=False, help_text="Offer the product of the multiplicative metrics (e.g. weight × reps)."
    )
    has_splits = models.BooleanField(default=False, help_text="Values are recorded per split (e.g. left/right).")
    planned_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Countdown: the timer counts down from this many seconds, done at zero."
    )
    rest_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Rest between sets: a rest timer starts when a set is confirmed."
    )

    soft_delete = {"group": "unlink"}

    class Meta(FractalScopedModel.Meta):
        db_table = "activity_definitions"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "root",
                condition=LIVE,
                name="activity_definition_unique_live_name",
                violation_error_message="This fractal already has an activity with this name.",
            ),
        ]
        indexes = [
            models.Index(fields=["root", "name"], name="activity_def_root_name_idx"),
            models.Index(fields=["group", "sort_order"], name="activity_def_group_order_idx"),
        ]

    def __str__(self):
        return self.name

    def siblings(self):
        return ActivityDefinition.objects.filter(root_id=self.root_id, group_id=self.group_id)

    def scope_relations(self):
        return [("group", self.group)] if self.group_id else []

    def validate_structure(self, metrics, splits):
        """Check the metric and split lists an activity is saved with (live ones only)."""
        errors = {}
        if len(metrics) > MAX_METRICS:
            errors["metrics"] = f"An activity has at most {MAX_METRICS} metrics."
        names = [MetricDefinition.name_key(metric.name) for metric in metrics]
        if len(set(names)) != len(names):
            errors["metrics"] = "Two metrics have the same name."
        taken = set()
        if not all(claims_top_set(taken, self.pk, metric.is_top_set_metric) for metric in metrics):
            errors["metrics"] = "Only one metric can be the top-set metric."
        if self.has_splits:
            if not MIN_SPLITS <= len(splits) <= MAX_SPLITS:
                errors["splits"] = f"An activity with splits needs {MIN_SPLITS} to {MAX_SPLITS} splits."
        elif splits:
            errors["splits"] = "Splits are only for activities that have splits."
        split_names = [SplitDefinition.name_key(split.name) for split in splits]
        if len(set(split_names)) != len(split_names):
            errors["splits"] = "Two splits have the same name."
        if errors:
            raise ValidationError(errors)


class MetricDefinition(FractalScopedModel, OrderedModel):
    activity = models.ForeignKey(ActivityDefinition, on_delete=models.CASCADE, related_name="metrics", db_index=False)
    name = models.CharField(max_length=100)
    unit = models.CharField(max_length=30, blank=True)
    is_active = models.BooleanField(default=True)
    is_top_set_metric = models.BooleanField(
        default=False, help_text="The metric that decides which set is the top set."
    )
    is_multiplicative = models.BooleanField(default=False, help_text="Part of the product series.")
    lower_is_better = models.BooleanField(
        default=False, help_text="A record is the lowest value (e.g. a time to finish), not the highest."
    )

    soft_delete = {"activity": "cascade"}

    class Meta(FractalScopedModel.Meta):
        db_table = "metric_definitions"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "activity",
                condition=LIVE,
                name="metric_definition_unique_live_name",
                violation_error_message="This activity already has a metric with this name.",
            ),
            models.UniqueConstraint(
                fields=["activity"],
                condition=LIVE & Q(is_top_set_metric=True),
                name="metric_definition_one_top_set",
                violation_error_message="Only one metric of an activity can be the top-set metric.",
            ),
        ]
        indexes = [models.Index(fields=["activity", "sort_order"], name="metric_def_activity_order_idx")]

    def __str__(self):
        return f"{self.name} ({self.unit})" if self.unit else self.name

    def derive_root_id(self):
        return self.activity.root_id

    def siblings(self):
        return MetricDefinition.objects.filter(activity_id=self.activity_id)

    def validate_rules(self):
        if self.deleted_at is None and self._state.adding:
            count = MetricDefinition.objects.filter(activity_id=self.activity_id).count()
            if count >= MAX_METRICS:
                raise ValidationError(f"An activity has at most {MAX_METRICS} metrics.")
        if self.is_top_set_metric and self.deleted_at is None:
            others = MetricDefinition.objects.filter(activity_id=self.activity_id, is_top_set_metric=True)
            taken = set(others.exclude(pk=self.pk).values_list("activity_id", flat=True))
            if not claims_top_set(taken, self.activity_id, True):
                raise ValidationError(
                    {"is_top_set_metric": "Only one metric of an activity can be the top-set metric."}
                )


class SplitDefinition(FractalScopedModel, OrderedModel):
    activity = models.ForeignKey(ActivityDefinition, on_delete=models.CASCADE, related_name="splits", db_index=False)
    name = models.CharField(max_length=100)

    soft_delete = {"activity": "cascade"}

    class Meta(FractalScopedModel.Meta):
        db_table = "split_definitions"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "activity",
                condition=LIVE,
                name="split_definition_unique_live_name",
                violation_error_message="This activity already has a split with this name.",
            ),
        ]
        indexes = [models.Index(fields=["activity", "sort_order"], name="split_def_activity_order_idx")]

    def __str__(self):
        return self.name

    def derive_root_id(self):
        return self.activity.root_id

    def siblings(self):
        return SplitDefinition.objects.filter(activity_id=self.activity_id)

    def validate_rules(self):
        if self.deleted_at is None and self._state.adding:
            count = SplitDefinition.objects.filter(activity_id=self.activity_id).count()
            if count >= MAX_SPLITS:
                raise ValidationError(f"An activity has at most {MAX_SPLITS} splits.")


class TargetKind(models.TextChoices):
    # One instance (or one set) of the activity meets every threshold.
    THRESHOLD = "threshold", "Threshold"
    # The metric's values, summed over the sessions in scope, reach the threshold (50 km).
    SUM = "sum", "Sum"
    # ``times`` sessions with the activity per week (meeting the thresholds, if any), ``weeks``
    # weeks in a row (3 sessions per week for 4 weeks).
    FREQUENCY = "frequency", "Frequency"


class TargetScope(models.TextChoices):
    ALL = "all", "All time"
    RANGE = "range", "Date range"  # starts_on … ends_on, both included, in the owner's zone
    BLOCK = "block", "Program block"  # the block's own dates, followed when they change


class Target(FractalScopedModel, OrderedModel):
    """A goal criterion on an activity: a threshold, a sum or a frequency, within a scope."""

    goal = models.ForeignKey("goals.Goal", on_delete=models.CASCADE, related_name="targets", db_index=False)
    activity = models.ForeignKey(ActivityDefinition, on_delete=models.PROTECT, related_name="targets")
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=TargetKind.choices, default=TargetKind.THRESHOLD)
    scope = models.CharField(max_length=5, choices=TargetScope.choices, default=TargetScope.ALL)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    # A string reference keeps the import layering (activities never imports sessions); a target
    # scoped to a block belongs to it and goes to the trash (and comes back) with it.
    block = models.ForeignKey(
        "practice_sessions.ProgramBlock",
        on_delete=models.CASCADE,
        related_name="targets",
        null=True,
        blank=True,
    )
    times = models.PositiveSmallIntegerField(null=True, blank=True)  # frequency: sessions per week
    weeks = models.PositiveSmallIntegerField(null=True, blank=True)  # frequency: weeks in a row

    soft_delete = {"goal": "cascade", "activity": "cascade", "block": "cascade"}

    class Meta(FractalScopedModel.Meta):
        db_table = "targets"
        ordering = ["sort_order", "created_at"]
        indexes = [
            models.Index(fields=["goal", "sort_order"], name="target_goal_order_idx"),
        ]

    def __str__(self):
        return self.name or f"Target on {self.activity}"

    def derive_root_id(self):
        return self.goal.root_id

    def scope_relations(self):
        relations = [("activity", self.activity)]
        if self.block_id:
            relations.append(("block", self.block))
        return relations

    def siblings(self):
        return Target.objects.filter(goal_id=self.goal_id)

    def validate_rules(self):
        errors = {}
        if self.scope == TargetScope.RANGE:
            if self.starts_on is None or self.ends_on is None:
                errors["starts_on"] = "A date-range target needs both dates."
            elif self.ends_on < self.starts_on:
                errors["ends_on"] = "The range ends before it starts."
        elif self.starts_on is not None or self.ends_on is not None:
            errors["starts_on"] = "Only a date-range target has dates."
        if self.scope == TargetScope.BLOCK:
            if self.block_id is None:
                errors["block"] = "Choose the program block this target is scoped to."
        elif self.block_id is not None:
            errors["block"] = "Only a program-block target names a block."
        if self.kind == TargetKind.FREQUENCY:
            if not self.times:
                errors["times"] = "How many sessions per week?"
            elif self.times > 7 * 24:
                errors["times"] = "At most 168 sessions per week."
            if not self.weeks:
                errors["weeks"] = "For how many weeks in a row?"
            elif self.weeks > 520:
                errors["weeks"] = "At most 520 weeks."
        elif self.times is not None or self.weeks is not None:
            errors["times"] = "Only a frequency target counts sessions per week."
        if errors:
            raise ValidationError(errors)


class TargetOperator(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"  # pace in min/km, a time to beat
    LT = "lt", "<"
    EQ = "eq", "="


# "=" on recorded floats: equal to within this (values are typed by hand, at most a few decimals).
EQUAL_TOLERANCE = 1e-9


class TargetMetric(FractalScopedModel):
    """One (metric, operator, threshold) rule of a target: met when a recorded value compares so.

    For a sum target the threshold is the total to reach (always ≥)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="thresholds")
    metric = models.ForeignKey(MetricDefinition, on_delete=models.PROTECT, related_name="target_thresholds")
    operator = models.CharField(max_length=3, choices=TargetOperator.choices, default=TargetOperator.GTE)
    threshold = models.FloatField(validators=[validate_finite])

    soft_delete = {"target": "cascade", "metric": "cascade"}

    class Meta(FractalScopedModel.Meta):
        db_table = "target_metrics"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "metric"],
                condition=LIVE,
                name="target_metric_unique_live",
                violation_error_message="This target already has a threshold for this metric.",
            ),
        ]

    def __str__(self):
        return f"{self.metric.name} {self.get_operator_display()} {self.threshold:g}"

    @property
    def lower_is_better(self):
        """Whether smaller recorded values come closer to (or go further past) this threshold."""
        return self.operator in (TargetOperator.LTE, TargetOperator.LT)

    @property
    def best_word(self):
        """What "best" means for this rule's values: the lowest, the closest (=) or the highest."""
        if self.lower_is_better:
            return "lowest"
        return "closest" if self.operator == TargetOperator.EQ else "best"

    def better(self, current, candidate):
        """The better of two recorded values for this rule (``current`` on a tie, None ignored):
        the lower for ≤ and <, the closer to the threshold for =, the higher otherwise."""
        if candidate is None:
            return current
        if current is None:
            return candidate
        if self.lower_is_better:
            return candidate if candidate < current else current
        if self.operator == TargetOperator.EQ:
            return candidate if abs(candidate - self.threshold) < abs(current - self.threshold) else current
        return candidate if candidate > current else current

    # --- the threshold rule, once: in Python (progress) and in SQL (evaluation) ----------
    def is_met_by(self, value):
        """Whether a recorded ``value`` of the metric meets this threshold."""
        if value is None:
            return False
        match self.operator:
            case TargetOperator.GT:
                return value > self.threshold
            case TargetOperator.LTE:
                return value <= self.threshold
            case TargetOperator.LT:
                return value < self.threshold
            case TargetOperator.EQ:
                return abs(value - self.threshold) <= EQUAL_TOLERANCE
        return value >= self.threshold

    def values_meeting(self):
        """A filter on metric values: the values of this metric that meet this threshold."""
        match self.operator:
            case TargetOperator.GT:
                rule = Q(value__gt=self.threshold)
            case TargetOperator.LTE:
                rule = Q(value__lte=self.threshold)
            case TargetOperator.LT:
                rule = Q(value__lt=self.threshold)
            case TargetOperator.EQ:
                rule = Q(value__range=(self.threshold - EQUAL_TOLERANCE, self.threshold + EQUAL_TOLERANCE))
            case _:
                rule = Q(value__gte=self.threshold)
        return Q(metric_id=self.metric_id) & rule

    def derive_root_id(self):
        return self.target.root_id

    def scope_relations(self):
        return [("metric", self.metric)]

    def validate_rules(self):
        validate_finite(self.threshold)
        if self.metric.activity_id != self.target.activity_id:
            raise ValidationError({"metric": "The metric must belong to the target's activity."})
        if self.target.kind == TargetKind.SUM and self.operator != TargetOperator.GTE:
            raise ValidationError({"operator": "A sum target counts up to its total: use ≥."})
