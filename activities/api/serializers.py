from django.db import transaction
from django.db.models import Prefetch
from rest_framework import serializers

from activities.models import (
    ActivityDefinition,
    ActivityGroup,
    MetricDefinition,
    SplitDefinition,
    Target,
    TargetKind,
    TargetMetric,
    TargetOperator,
)
from activities.services import DEFINITION_FIELDS, METRIC_FIELDS, MetricSpec, SplitSpec, save_activity
from activities.signals import send_target_edited
from goals.api.base import ScopedModelSerializer, ScopedRelatedField, clean_and_save, fractal_of, run_model_operation
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
        fields = [
            "id",
            "name",
            "unit",
            "is_active",
            "is_top_set_metric",
            "is_multiplicative",
            "lower_is_better",
            "sort_order",
        ]
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
            *DEFINITION_FIELDS,
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
    def _specs(spec_class, fields, items, existing):
        """Specs for the service; an item naming an existing row keeps what it leaves out."""
        specs = []
        for item in items:
            item = dict(item)
            item_id = item.pop("id", None)
            current = existing.get(item_id)
            values = {name: getattr(current, name) for name in fields} if current is not None else {}
            values.update(item)
            specs.append(spec_class(id=item_id, **values))
        return specs

    def _save(self, validated_data, instance=None):
        metrics_data = validated_data.pop("live_metrics", None if instance else [])
        splits_data = validated_data.pop("live_splits", None if instance else [])
        existing_metrics = {m.pk: m for m in MetricDefinition.objects.filter(activity=instance)} if instance else {}
        existing_splits = {s.pk: s for s in SplitDefinition.objects.filter(activity=instance)} if instance else {}
        # Left out on update: the parts stay as they are.
        metrics = existing_metrics.values() if metrics_data is None else metrics_data
        splits = existing_splits.values() if splits_data is None else splits_data
        if metrics_data is None:
            metrics = [{"id": m.pk} for m in sorted(metrics, key=lambda m: m.sort_order)]
        if splits_data is None:
            splits = [{"id": s.pk} for s in sorted(splits, key=lambda s: s.sort_order)]
        fractal = fractal_of(self.context.get("request"))
        activity = run_model_operation(
            save_activity,
            fractal,
            validated_data,
            self._specs(MetricSpec, METRIC_FIELDS, metrics, existing_metrics),
            self._specs(SplitSpec, ("name",), splits, existing_splits),
            definition=instance,
        )
        activity.live_metrics = activity.live_splits = None
        return activity

    def create(self, validated_data):
        return self._save(validated_data)

    def update(self, instance, validated_data):
        return self._save(validated_data, instance)


class TargetThresholdSerializer(serializers.Serializer):
    """Read from TargetMetric rows, written as {metric, operator, threshold} rules."""

    metric = ScopedRelatedField(MetricDefinition)
    operator = serializers.ChoiceField(choices=TargetOperator.choices, default=TargetOperator.GTE)
    threshold = serializers.FloatField(min_value=-1e12, max_value=1e12)


class TargetSerializer(ScopedModelSerializer):
    """A goal criterion with its (metric, operator, threshold) rules, written in one request.

    ``kind`` is threshold, sum or frequency (``times`` sessions a week for ``weeks`` weeks);
    ``scope`` is all time, a date range (``starts_on``–``ends_on``) or a program ``block`` of this
    fractal. The rules between them are the model's (``Target.validate_rules``)."""

    goal = ScopedRelatedField(Goal)
    activity = ScopedRelatedField(ActivityDefinition)
    # The block model lives in sessions, above this app: reached through the model's own field.
    block = ScopedRelatedField(Target._meta.get_field("block").related_model, allow_null=True, required=False)
    # At least one rule, except for a frequency target (which may count every session of the activity).
    thresholds = TargetThresholdSerializer(many=True, max_length=3, source="live_thresholds")

    class Meta:
        model = Target
        fields = [
            "id",
            "goal",
            "activity",
            "name",
            "description",
            "kind",
            "scope",
            "starts_on",
            "ends_on",
            "block",
            "times",
            "weeks",
            "sort_order",
            "thresholds",
            *AUDIT,
        ]
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
        kind = attrs.get("kind") or getattr(self.instance, "kind", None) or TargetKind.THRESHOLD
        if thresholds is None and self.instance is None:
            raise serializers.ValidationError({"thresholds": "This field is required."})
        if thresholds is not None and not thresholds and kind != TargetKind.FREQUENCY:
            raise serializers.ValidationError({"thresholds": "Give at least one (metric, threshold) rule."})
        if thresholds is not None:
            metric_ids = [row["metric"].pk for row in thresholds]
            if len(set(metric_ids)) != len(metric_ids):
                raise serializers.ValidationError({"thresholds": "Each metric can have one threshold only."})
            if any(row["metric"].activity_id != activity.pk for row in thresholds):
                raise serializers.ValidationError({"thresholds": "Every metric must belong to the target's activity."})
        return attrs

    def _save_thresholds(self, target, thresholds):
        existing = {row.metric_id: row for row in TargetMetric.objects.filter(target=target)}
        if thresholds is None:
            # The rules stay; the target's kind (a sum counts with ≥ only) is checked against them.
            if not existing and target.kind != TargetKind.FREQUENCY:
                raise serializers.ValidationError({"thresholds": "Give at least one (metric, threshold) rule."})
            for row in existing.values():
                row.target = target
                run_model_operation(row.validate_rules)
            return
        wanted = {row["metric"].pk for row in thresholds}
        for metric_id, row in existing.items():
            if metric_id not in wanted:
                row.delete()
        for item in thresholds:
            row = existing.get(item["metric"].pk) or TargetMetric(target=target, metric=item["metric"])
            row.target = target
            row.operator = item.get("operator", TargetOperator.GTE)
            row.threshold = item["threshold"]
            clean_and_save(row)

    def create(self, validated_data):
        thresholds = validated_data.pop("live_thresholds")
        with transaction.atomic():
            target = clean_and_save(self.build_instance(validated_data))
            self._save_thresholds(target, thresholds)
            send_target_edited(target)
        target.live_thresholds = None
        return target

    def update(self, instance, validated_data):
        thresholds = validated_data.pop("live_thresholds", None)
        with transaction.atomic():
            for name, value in validated_data.items():
                setattr(instance, name, value)
            clean_and_save(instance)
            self._save_thresholds(instance, thresholds)
            send_target_edited(instance)
        instance.live_thresholds = None
        return instance
