"""Query and answer shapes of the analytics endpoints."""

from rest_framework import serializers

from activities.models import ActivityDefinition, MetricDefinition, SplitDefinition
from goals.api.base import ScopedRelatedField, StoredDateTimeField
from goals.dates import validate_sane_date
from goals.rules import DATE_RANGE
from sessions.records import RECORD_KINDS


# --- analytics --------------------------------------------------------------------------------
class ActivitySeriesQuerySerializer(serializers.Serializer):
    activity = ScopedRelatedField(ActivityDefinition)
    metric = ScopedRelatedField(MetricDefinition)
    split = ScopedRelatedField(SplitDefinition, required=False, allow_null=True)
    start = serializers.DateField(
        required=False, validators=[validate_sane_date], help_text="First day (inclusive) of the x range."
    )
    end = serializers.DateField(
        required=False, validators=[validate_sane_date], help_text="Last day (inclusive) of the x range."
    )
    bucket = serializers.ChoiceField(
        choices=["auto", "none", "day", "week", "month", "quarter", "year"],
        default="auto",
        help_text="auto: per session up to 120 points, else per day, week, month, quarter or year by range "
        "(at most 120 buckets); none: every session.",
    )

    def validate(self, attrs):
        activity = attrs["activity"]
        if attrs["metric"].activity_id != activity.pk:
            raise serializers.ValidationError({"metric": "This metric belongs to another activity."})
        split = attrs.get("split")
        if split is not None and split.activity_id != activity.pk:
            raise serializers.ValidationError({"split": "This split belongs to another activity."})
        if DATE_RANGE.broken_by(attrs.get("start"), attrs.get("end")):
            raise serializers.ValidationError({"end": "The end is before the start."})
        return attrs


class SeriesPointSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    session_name = serializers.CharField()
    x = StoredDateTimeField()
    top_set = serializers.FloatField(allow_null=True)
    average = serializers.FloatField(allow_null=True)
    product = serializers.FloatField(allow_null=True)
    volume = serializers.FloatField(allow_null=True)
    sets = serializers.IntegerField()


class SeriesBucketSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First local day of the bucket.")
    end = serializers.DateField(help_text="Last local day of the bucket (inclusive).")
    count = serializers.IntegerField(help_text="Sessions in the bucket.")
    sets = serializers.IntegerField()
    top_set = serializers.FloatField(allow_null=True, help_text="Best top set of the bucket.")
    top_set_min = serializers.FloatField(allow_null=True)
    average = serializers.FloatField(allow_null=True, help_text="Mean of the sessions' averages.")
    average_min = serializers.FloatField(allow_null=True)
    average_max = serializers.FloatField(allow_null=True)
    product = serializers.FloatField(allow_null=True, help_text="Best set product of the bucket.")
    product_min = serializers.FloatField(allow_null=True)
    volume = serializers.FloatField(allow_null=True)


class ActivitySeriesSerializer(serializers.Serializer):
    activity = serializers.UUIDField()
    metric = serializers.UUIDField()
    split = serializers.UUIDField(allow_null=True)
    resolution = serializers.ChoiceField(
        choices=["session", "day", "week", "month", "quarter", "year"],
        help_text="session: `points`; otherwise `buckets`.",
    )
    point_count = serializers.IntegerField(help_text="Sessions in the series.")
    points = SeriesPointSerializer(many=True, help_text="Per session; empty when bucketed.")
    buckets = SeriesBucketSerializer(many=True, help_text="Per period when bucketed; empty otherwise.")


class WeeklyQuerySerializer(serializers.Serializer):
    weeks = serializers.IntegerField(min_value=1, max_value=260, default=12)


class PracticeWeekSerializer(serializers.Serializer):
    week_start = serializers.DateField()
    sessions = serializers.IntegerField()
    seconds = serializers.IntegerField()


class WeeklySerializer(serializers.Serializer):
    weeks = PracticeWeekSerializer(many=True)


class StreaksSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    longest = serializers.IntegerField()


class TotalsSerializer(serializers.Serializer):
    sessions = serializers.IntegerField()
    completed_sessions = serializers.IntegerField()
    seconds = serializers.IntegerField()
    instances = serializers.IntegerField()


class LevelCountSerializer(serializers.Serializer):
    level = serializers.CharField()
    label = serializers.CharField()
    completed = serializers.IntegerField()
    total = serializers.IntegerField()


class DeadlineSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    level = serializers.CharField()
    deadline = serializers.DateField()


class SummarySerializer(serializers.Serializer):
    totals = TotalsSerializer()
    completed_per_level = LevelCountSerializer(many=True)
    targets_met = serializers.IntegerField()
    targets_open = serializers.IntegerField()
    upcoming_deadlines = DeadlineSerializer(many=True)


class DateRangeQuerySerializer(serializers.Serializer):
    start = serializers.DateField(
        required=False,
        validators=[validate_sane_date],
        help_text="First local day (inclusive); 90 days before the end by default.",
    )
    end = serializers.DateField(
        required=False, validators=[validate_sane_date], help_text="Last local day (inclusive); today by default."
    )

    def validate(self, attrs):
        if DATE_RANGE.broken_by(attrs.get("start"), attrs.get("end")):
            raise serializers.ValidationError({"end": "The end is before the start."})
        return attrs


class HeatmapDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    sessions = serializers.IntegerField()
    seconds = serializers.IntegerField()
    minutes = serializers.FloatField()


class HeatmapSerializer(serializers.Serializer):
    first_day = serializers.DateField(help_text="The user's first weekday, 52 weeks before this week.")
    last_day = serializers.DateField()
    week_start = serializers.IntegerField(help_text="0 Monday … 6 Sunday: row 0 of the calendar.")
    days = HeatmapDaySerializer(many=True)


class GoalTimeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    level = serializers.CharField()
    parent_id = serializers.UUIDField(allow_null=True)
    depth = serializers.IntegerField()
    own_seconds = serializers.IntegerField(help_text="This goal's own share of its sessions' time.")
    seconds = serializers.IntegerField(help_text="Own share plus every descendant's.")


class ActivityTimeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    group = serializers.CharField(allow_null=True)
    seconds = serializers.IntegerField()
    instances = serializers.IntegerField()


class GroupTimeSerializer(serializers.Serializer):
    id = serializers.UUIDField(allow_null=True)
    name = serializers.CharField()
    seconds = serializers.IntegerField()
    instances = serializers.IntegerField()


class TimeSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    goals = GoalTimeSerializer(many=True)
    activities = ActivityTimeSerializer(many=True)
    groups = GroupTimeSerializer(many=True)


class TemplateUsageSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    sessions = serializers.IntegerField()
    mean_seconds = serializers.IntegerField(allow_null=True)
    median_seconds = serializers.IntegerField(allow_null=True)


class SectionTimeSerializer(serializers.Serializer):
    template_id = serializers.UUIDField()
    template = serializers.CharField()
    section = serializers.CharField()
    template_planned_minutes = serializers.IntegerField(allow_null=True)
    sessions = serializers.IntegerField()
    mean_planned_minutes = serializers.FloatField(allow_null=True)
    mean_actual_minutes = serializers.FloatField(allow_null=True)


class TemplatesSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    templates = TemplateUsageSerializer(many=True)
    sections = SectionTimeSerializer(many=True)


class MonthLevelsSerializer(serializers.Serializer):
    month = serializers.DateField()
    total = serializers.IntegerField()
    levels = serializers.DictField(child=serializers.IntegerField())


class AgeBandSerializer(serializers.Serializer):
    band = serializers.CharField()
    total = serializers.IntegerField()
    levels = serializers.DictField(child=serializers.IntegerField())


class TargetStateSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    goal = serializers.CharField()
    met = serializers.BooleanField()
    met_on = serializers.DateField(allow_null=True)


class TargetsMetSerializer(serializers.Serializer):
    month = serializers.DateField()
    met = serializers.IntegerField()


class GoalsOverTimeSerializer(serializers.Serializer):
    completed_per_month = MonthLevelsSerializer(many=True)
    open_by_age = AgeBandSerializer(many=True)
    targets = TargetStateSerializer(many=True)
    targets_met = serializers.IntegerField()
    targets_open = serializers.IntegerField()
    targets_met_per_month = TargetsMetSerializer(many=True)


class ActivityPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    sessions = serializers.IntegerField()
    volume = serializers.FloatField(allow_null=True)
    best = serializers.FloatField(allow_null=True)
    best_product = serializers.FloatField(allow_null=True)


class ActivityPeriodsSerializer(serializers.Serializer):
    activity = serializers.UUIDField()
    metric = serializers.UUIDField()
    period = serializers.ChoiceField(choices=["week", "month", "quarter", "year"])
    periods = ActivityPeriodSerializer(many=True)


# --- one target's history -------------------------------------------------------------------------
class TargetRuleFiguresSerializer(serializers.Serializer):
    metric = serializers.UUIDField(source="rule.metric_id")
    metric_name = serializers.CharField(source="rule.metric.name")
    unit = serializers.CharField(source="rule.metric.unit")
    operator = serializers.CharField(source="rule.operator", help_text="gte, gt, lte, lt or eq.")
    threshold = serializers.FloatField(source="rule.threshold", help_text="For a sum target: the total to reach.")
    text = serializers.CharField(help_text="The rule in words: “weight ≥ 100 kg”.")
    best = serializers.FloatField(
        allow_null=True,
        help_text="Threshold and frequency: the best value in scope (lowest for ≤ and <, closest for =).",
    )
    total = serializers.FloatField(allow_null=True, help_text="Sum: the total in scope.")
    reached = serializers.BooleanField(help_text="Whether the best value (or the total) meets the rule.")


class TargetSessionSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    name = serializers.CharField()
    x = StoredDateTimeField(help_text="The session's start (else its creation).")
    local_date = serializers.DateField(help_text="Its day in the user's zone.")
    instances = serializers.IntegerField(help_text="Instances of the target's activity in the session.")
    values = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text="Per rule, in the order of `rules`: the session's best value (lowest for ≤ and <, closest for =).",
    )
    sums = serializers.ListField(
        child=serializers.FloatField(allow_null=True), help_text="Per rule: the sum of the session's values."
    )
    totals = serializers.ListField(
        child=serializers.FloatField(allow_null=True), help_text="Sum targets, per rule: the running total."
    )
    met = serializers.BooleanField(
        help_text="Threshold: one set met every rule; sum: the totals are reached; frequency: the session counts."
    )
    week_start = serializers.DateField(allow_null=True, help_text="Frequency: the first day of the session's week.")


class TargetWeekSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day of the week (the user's first weekday).")
    sessions = serializers.IntegerField(help_text="Sessions that count in the week.")
    met = serializers.BooleanField(help_text="The week reaches `times`.")
    run = serializers.IntegerField(help_text="Weeks in a row reaching `times`, ending with this one.")
    in_run = serializers.BooleanField(
        help_text="Part of the longest run (the latest of equals), the one the chart shows."
    )


class TargetRunSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="First day of the run's last week.")
    length = serializers.IntegerField(help_text="Weeks.")


class TargetAchievementSerializer(serializers.Serializer):
    session = serializers.UUIDField(source="session_id")
    instance = serializers.UUIDField(source="instance_id")
    set_number = serializers.IntegerField(allow_null=True)
    split = serializers.UUIDField(source="split_id", allow_null=True)
    achieved_at = StoredDateTimeField()


class TargetHistorySerializer(serializers.Serializer):
    target = serializers.UUIDField(source="target.pk")
    goal = serializers.UUIDField(source="target.goal_id")
    activity = serializers.UUIDField(source="target.activity_id")
    kind = serializers.CharField(source="target.kind", help_text="threshold, sum or frequency.")
    scope = serializers.CharField(source="target.scope", help_text="all, range or block.")
    scope_start = serializers.DateField(allow_null=True, help_text="First local day of the scope (none: all time).")
    scope_end = serializers.DateField(allow_null=True, help_text="Last local day of the scope (inclusive).")
    times = serializers.IntegerField(source="target.times", allow_null=True)
    weeks_needed = serializers.IntegerField(source="target.weeks", allow_null=True)
    rule_text = serializers.CharField()
    scope_text = serializers.CharField()
    achievement = TargetAchievementSerializer(allow_null=True, help_text="Where the target was met, as evaluated.")
    met = serializers.BooleanField(help_text="Whether the sessions below meet the target.")
    rules = TargetRuleFiguresSerializer(many=True)
    sessions = TargetSessionSerializer(many=True, help_text="Every session in scope, oldest first.")
    weeks = TargetWeekSerializer(many=True, help_text="Frequency: every week of the scope, oldest first.")
    longest_run = TargetRunSerializer(allow_null=True)
    achieved_run = TargetRunSerializer(allow_null=True, help_text="Frequency: the first run reaching `weeks`.")
    current_run = serializers.IntegerField()


class RecordStepSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    session_name = serializers.CharField()
    achieved_at = StoredDateTimeField(help_text="When the session took place (started, else created).")
    local_date = serializers.DateField(help_text="Its day in the user's zone.")
    value = serializers.FloatField(help_text="The session's best: the record it set.")
    previous = serializers.FloatField(allow_null=True, help_text="The record it beat; null for the first session.")
    baseline = serializers.BooleanField(help_text="The first session: the baseline, not a record.")


class RecordHistorySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RECORD_KINDS)
    name = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    split = serializers.UUIDField(allow_null=True)
    split_name = serializers.CharField(allow_null=True)
    lower_is_better = serializers.BooleanField()
    steps = RecordStepSerializer(many=True)


class ActivityRecordsSerializer(serializers.Serializer):
    activity = serializers.UUIDField()
    metric = serializers.UUIDField()
    split = serializers.UUIDField(allow_null=True)
    histories = RecordHistorySerializer(many=True)
