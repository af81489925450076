from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from goals.access import get_fractal_for_user
from goals.models import Goal

from .base import FractalScopedViewSet, IdListSerializer, run_model_operation
from .filters import FractalRootFilter, GoalFilter
from .serializers import (
    FractalSerializer,
    GoalMoveSerializer,
    GoalSerializer,
    GoalTreeNodeSerializer,
    tree_response,
)

GOAL_ORDERING = ["name", "level", "deadline", "sort_order", "created_at", "updated_at", "completed_at"]


class FractalViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in user's fractals (root goals). Deleting one moves the whole fractal to the trash."""

    serializer_class = FractalSerializer
    filterset_class = FractalRootFilter
    ordering_fields = GOAL_ORDERING
    ordering = ["-created_at"]
    lookup_value_converter = "uuid"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Goal.objects.none()
        queryset = Goal.all_objects.roots().filter(owner=self.request.user)
        if self.action == "list":
            return queryset
        if self.action == "restore":
            return queryset.filter(deleted_at__isnull=False)
        return queryset.filter(deleted_at__isnull=True)

    def perform_destroy(self, instance):
        run_model_operation(instance.delete)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Restore a deleted fractal and everything its delete removed."""
        fractal = get_fractal_for_user(request.user, pk, include_deleted=True)
        run_model_operation(fractal.restore)
        fractal.refresh_from_db()
        return Response(self.get_serializer(fractal).data)

    @extend_schema(request=None, responses=GoalTreeNodeSerializer)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def tree(self, request, pk=None):
        """The whole live goal tree of the fractal, nested, in two queries."""
        fractal = get_fractal_for_user(request.user, pk)
        return tree_response(fractal)


class GoalViewSet(FractalScopedViewSet):
    """Goals of one fractal. New goals hang under a parent, one level below it."""

    model = Goal
    serializer_class = GoalSerializer
    filterset_class = GoalFilter
    ordering_fields = GOAL_ORDERING
    ordering = ["sort_order", "created_at"]

    def perform_destroy(self, instance):
        if instance.parent_id is None:
            raise serializers.ValidationError({"id": "This is the fractal's root: delete the fractal instead."})
        super().perform_destroy(instance)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        goal = self.get_object()
        run_model_operation(goal.complete)
        return Response(self.get_serializer(goal).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        goal = self.get_object()
        run_model_operation(goal.reopen)
        return Response(self.get_serializer(goal).data)

    def _lifecycle(self, method):
        goal = self.get_object()
        run_model_operation(getattr(goal, method))
        return Response(self.get_serializer(goal).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def pause(self, request, *args, **kwargs):
        """Pause the goal: it and its subtree leave the tree and the session menus until resumed."""
        return self._lifecycle("pause")

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def resume(self, request, *args, **kwargs):
        """End the goal's pause (its interval stays recorded)."""
        return self._lifecycle("resume")

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def archive(self, request, *args, **kwargs):
        """Archive the goal with its subtree (an open pause ends)."""
        return self._lifecycle("archive")

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def unarchive(self, request, *args, **kwargs):
        return self._lifecycle("unarchive")

    @extend_schema(request=GoalMoveSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, *args, **kwargs):
        """Re-parent the goal inside its fractal; the new parent must be one level above it."""
        goal = self.get_object()
        payload = GoalMoveSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        new_parent = payload.validated_data["parent"]
        if not new_parent.may_parent(goal.level):
            raise serializers.ValidationError({"parent": "The new parent must be exactly one level above this goal."})
        run_model_operation(goal.move_to, new_parent)
        return Response(self.get_serializer(goal).data)

    @extend_schema(request=IdListSerializer, responses={200: GoalSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="reorder-children")
    def reorder_children(self, request, *args, **kwargs):
        """Put the goal's live children in the order of ``ids`` (each child exactly once)."""
        goal = self.get_object()
        payload = IdListSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with transaction.atomic():
            ordered = run_model_operation(Goal.reorder, Goal.objects.filter(parent=goal), payload.validated_data["ids"])
        return Response(self.get_serializer(ordered, many=True).data, status=status.HTTP_200_OK)
