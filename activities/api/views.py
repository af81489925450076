from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from activities.models import ActivityDefinition, ActivityGroup, Target
from goals.api.base import FractalScopedViewSet, IdListSerializer, run_model_operation

from .filters import ActivityDefinitionFilter, ActivityGroupFilter, TargetFilter
from .serializers import (
    ActivityDefinitionSerializer,
    ActivityGroupSerializer,
    TargetSerializer,
    live_parts_prefetch,
    live_thresholds_prefetch,
)


class ActivityGroupViewSet(FractalScopedViewSet):
    """Groups of the activity library. Deleting a group ungroups its activities."""

    model = ActivityGroup
    serializer_class = ActivityGroupSerializer
    filterset_class = ActivityGroupFilter
    ordering_fields = ["name", "sort_order", "created_at"]
    ordering = ["sort_order", "name"]

    @extend_schema(request=IdListSerializer, responses={200: ActivityGroupSerializer(many=True)})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def reorder(self, request, *args, **kwargs):
        """Put the fractal's live groups in the order of ``ids`` (each exactly once)."""
        payload = IdListSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        siblings = ActivityGroup.objects.filter(root_id=self.fractal.pk)
        ordered = run_model_operation(ActivityGroup.reorder, siblings, payload.validated_data["ids"])
        return Response(self.get_serializer(ordered, many=True).data)


class ActivityDefinitionViewSet(FractalScopedViewSet):
    """Activity definitions with their metric and split definitions (nested, written together)."""

    model = ActivityDefinition
    serializer_class = ActivityDefinitionSerializer
    filterset_class = ActivityDefinitionFilter
    ordering_fields = ["name", "sort_order", "created_at", "updated_at"]
    ordering = ["sort_order", "name"]

    def scoped_queryset(self):
        return super().scoped_queryset().prefetch_related(*live_parts_prefetch())


class TargetViewSet(FractalScopedViewSet):
    """Goal targets: an activity and one to three (metric, threshold) pairs."""

    model = Target
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    ordering_fields = ["sort_order", "created_at", "name"]
    ordering = ["sort_order", "created_at"]

    def scoped_queryset(self):
        return super().scoped_queryset().prefetch_related(live_thresholds_prefetch())
