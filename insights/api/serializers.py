"""Query and answer shapes of the analytics endpoints."""

from rest_framework import serializers

from activities.models import ActivityDefinition, MetricDefinition, SplitDefinition
from goals.api.base import ScopedRelatedField, StoredDateTimeField
from goals.dates import validate_sane_date


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

    def validate(self, attrs):
        activity = attrs["activity"]
        if attrs["metric"].activity_id != activity.pk:
            raise serializers.ValidationError({"metric": "This metric belongs to another activity."})
        split = attrs.get("split")
        if split is not None and split.activity_id != activity.pk:
            raise serializers.ValidationError({"split": "This split belongs to another activity."})
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "The end is before the start."})
        return attrs


class SeriesPointSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    session_name = serializers.CharField()
    x = StoredDateTimeField()
    top_set = serializers.FloatField(allow_null=True)
    average = serializers.FloatField(allow_null=True)
    product = serializers.FloatField(allow_null=True)
    sets = serializers.IntegerField()


class ActivitySeriesSerializer(serializers.Serializer):
    activity = serializers.UUIDField()
    metric = serializers.UUIDField()
    split = serializers.UUIDField(allow_null=True)
    points = SeriesPointSerializer(many=True)


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
