from django.db import transaction
from django.db.models import Prefetch
from rest_framework import serializers

from activities.models import (
    ActivityDefinition,
    ActivityGroup,
    MetricDefinition,
    SplitDefinition,
    Target,
    TargetMetric,
)
from goals.api.base import ScopedModelSerializer, ScopedRelatedField, clean_and_save, run_model_operation
from goals.models import Goal

AUDIT = ["created_at", "updated_at", "deleted_at"]


class ActivityGroupSerializer(ScopedModelSerializer):
    class Meta:
        model = ActivityGroup
        fields = ["id", "name", "description", "sort_order", *AUDIT]
        read_only_fields = ["id", "sort_order", *AUDIT]


class MetricDefinitionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(required=False, help_text="Give the id to keep (and edit) an existing metric.")

    class Meta:
        model = MetricDefinition
        fields = ["id", "name", "unit", "is_active", "is_top_set_metric", "is_multiplicative", "sort_order"]
        read_only_fields = ["sort_order"]
        # Uniqueness is checked for the whole list by validate_structure and the constraints.
        validators = []


class SplitDefinitionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(required=False, help_text="Give the id to keep (and rename) an existing split.")

    class Meta:
        model = SplitDefinition
        fields = ["id", "name", "sort_order"]
        read_only_fields = ["sort_order"]
        validators = []


def live_parts_prefetch():
    return [
        Prefetch("metrics", queryset=MetricDefinition.objects.order_by("sort_order"), to_attr="live_metrics"),
        Prefetch("splits", queryset=SplitDefinition.objects.order_by("sort_order"), to_attr="live_splits"),
    ]


def live_thresholds_prefetch():
    return Prefetch("thresholds", queryset=TargetMetric.objects.order_by("created_at"), to_attr="live_thresholds")


class ActivityDefinitionSerializer(ScopedModelSerializer):
    """An activity with its metric and split definitions, written together in one request.

    On update, ``metrics``/``splits`` (when given) are the complete new lists: items with an id
    are kept and edited, items without one are added, and live items left out are soft-deleted.
    """

    group = ScopedRelatedField(ActivityGroup, required=False, allow_null=True)
    metrics = MetricDefinitionSerializer(many=True, required=False, max_length=10, source="live_metrics")
    splits = SplitDefinitionSerializer(many=True, required=False, max_length=10, source="live_splits")

    class Meta:
        model = ActivityDefinition
        fields = [
            "id",
            "name",
            "description",
            "group",
            "has_sets",
            "has_metrics",
            "metrics_multiplicative",
            "has_splits",
            "sort_order",
            "metrics",
            "splits",
            *AUDIT,
        ]
        read_only_fields = ["id", "sort_order", *AUDIT]

    def to_representation(self, instance):
        # Lists prefetch the live parts (live_parts_prefetch); a single object loads them here.
        if not hasattr(instance, "live_metrics") or instance.live_metrics is None:
            instance.live_metrics = list(MetricDefinition.objects.filter(activity=instance).order_by("sort_order"))
        if not hasattr(instance, "live_splits") or instance.live_splits is None:
            instance.live_splits = list(SplitDefinition.objects.filter(activity=instance).order_by("sort_order"))
        return super().to_representation(instance)

    @staticmethod
    def _merge(model, activity, items, existing, label):
        """New list of unsaved/edited objects for ``items``; unknown ids are a 400."""
        merged = []
        for position, item in enumerate(items):
            item = dict(item)
            item_id = item.pop("id", None)
            if item_id is not None:
                obj = existing.get(item_id)
                if obj is None:
                    raise serializers.ValidationError({label: f"No such {label[:-1]} of this activity: {item_id}."})
            else:
                obj = model(activity=activity)
            for name, value in item.items():
                setattr(obj, name, value)
            obj.sort_order = position
            merged.append(obj)
        return merged

    def _save_structure(self, activity, metrics_data, splits_data):
        existing_metrics = {m.pk: m for m in MetricDefinition.objects.filter(activity=activity)}
        existing_splits = {s.pk: s for s in SplitDefinition.objects.filter(activity=activity)}
        metrics = (
            list(existing_metrics.values())
            if metrics_data is None
            else self._merge(MetricDefinition, activity, metrics_data, existing_metrics, "metrics")
        )
        splits = (
            list(existing_splits.values())
            if splits_data is None
            else self._merge(SplitDefinition, activity, splits_data, existing_splits, "splits")
        )
        run_model_operation(activity.validate_structure, metrics, splits)
        for data, existing, kept in ((metrics_data, existing_metrics, metrics), (splits_data, existing_splits, splits)):
            if data is None:
                continue
            kept_ids = {obj.pk for obj in kept if not obj._state.adding}
            for obj in existing.values():
                if obj.pk not in kept_ids:
                    obj.delete()
            # Rows giving up the top-set flag are saved first so the one-top-set constraint holds.
            for obj in sorted(kept, key=lambda obj: bool(getattr(obj, "is_top_set_metric", False))):
                clean_and_save(obj)

    def create(self, validated_data):
        metrics = validated_data.pop("live_metrics", [])
        splits = validated_data.pop("live_splits", [])
        with transaction.atomic():
            activity = clean_and_save(self.build_instance(validated_data))
            self._save_structure(activity, metrics, splits)
        activity.live_metrics = activity.live_splits = None
        return activity

    def update(self, instance, validated_data):
        metrics = validated_data.pop("live_metrics", None)
        splits = validated_data.pop("live_splits", None)
        with transaction.atomic():
            for name, value in validated_data.items():
                setattr(instance, name, value)
            clean_and_save(instance)
            self._save_structure(instance, metrics, splits)
        instance.live_metrics = instance.live_splits = None
        return instance


class TargetThresholdSerializer(serializers.Serializer):
    """Read from TargetMetric rows, written as {metric, threshold} pairs."""

    metric = ScopedRelatedField(MetricDefinition)
    threshold = serializers.FloatField(min_value=-1e12, max_value=1e12)


class TargetSerializer(ScopedModelSerializer):
    """A goal criterion with its (metric, threshold) pairs, written in one request."""

    goal = ScopedRelatedField(Goal)
    activity = ScopedRelatedField(ActivityDefinition)
    thresholds = TargetThresholdSerializer(many=True, min_length=1, max_length=3, source="live_thresholds")

    class Meta:
        model = Target
        fields = ["id", "goal", "activity", "name", "description", "sort_order", "thresholds", *AUDIT]
        read_only_fields = ["id", "sort_order", *AUDIT]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["goal"].read_only = True
            fields["activity"].read_only = True
            fields["thresholds"].required = False
        return fields

    def to_representation(self, instance):
        if getattr(instance, "live_thresholds", None) is None:
            instance.live_thresholds = list(TargetMetric.objects.filter(target=instance).order_by("created_at"))
        return super().to_representation(instance)

    def validate(self, attrs):
        activity = attrs.get("activity") or getattr(self.instance, "activity", None)
        thresholds = attrs.get("live_thresholds")
        if thresholds is not None:
            metric_ids = [row["metric"].pk for row in thresholds]
            if len(set(metric_ids)) != len(metric_ids):
                raise serializers.ValidationError({"thresholds": "Each metric can have one threshold only."})
            if any(row["metric"].activity_id != activity.pk for row in thresholds):
                raise serializers.ValidationError({"thresholds": "Every metric must belong to the target's activity."})
        return attrs

    def _save_thresholds(self, target, thresholds):
        existing = {row.metric_id: row for row in TargetMetric.objects.filter(target=target)}
        wanted = {row["metric"].pk for row in thresholds}
        for metric_id, row in existing.items():
            if metric_id not in wanted:
                row.delete()
        for item in thresholds:
            row = existing.get(item["metric"].pk) or TargetMetric(target=target, metric=item["metric"])
            row.threshold = item["threshold"]
            clean_and_save(row)

    def create(self, validated_data):
        thresholds = validated_data.pop("live_thresholds")
        with transaction.atomic():
            target = clean_and_save(self.build_instance(validated_data))
            self._save_thresholds(target, thresholds)
        target.live_thresholds = None
        return target

    def update(self, instance, validated_data):
        thresholds = validated_data.pop("live_thresholds", None)
        with transaction.atomic():
            for name, value in validated_data.items():
                setattr(instance, name, value)
            clean_and_save(instance)
            if thresholds is not None:
                self._save_thresholds(instance, thresholds)
        instance.live_thresholds = None
        return instance
