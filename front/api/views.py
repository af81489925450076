"""API endpoints that span the domain apps: the fractal's trash, the goal tree with target progress and
copying a goal with its subtree and targets."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.copying import copy_goal
from activities.models import Target
from front import trash
from goals.access import get_fractal_for_user
from goals.api.base import FractalScopedMixin, ScopedRelatedField, run_model_operation
from goals.api.serializers import GoalSerializer, tree_response
from goals.models import Goal
from goals.tree import rolled_up_progress
from sessions.targets import target_counts

from .serializers import GoalProgressNodeSerializer, TrashItemSerializer, TrashRestoreSerializer

# --- trash ------------------------------------------------------------------------------------
TRASH_TYPES = list(trash.BY_API_TYPE)


class TrashQuerySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TRASH_TYPES, required=False)


class TrashRestoreInputSerializer(TrashRestoreSerializer):
    type = serializers.ChoiceField(choices=TRASH_TYPES)


class TrashViewSet(FractalScopedMixin):
    """Deleted objects of the fractal, newest first, and restoring them."""

    serializer_class = TrashItemSerializer
    filter_backends = []
    model = Goal

    @extend_schema(
        parameters=[OpenApiParameter("type", str, enum=TRASH_TYPES, required=False)],
        responses=TrashItemSerializer(many=True),
    )
    def list(self, request, *args, **kwargs):
        query = TrashQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data.get("type")
        items = []
        for kind in trash.KINDS:
            if wanted and kind.api_type != wanted:
                continue
            for row in trash.listed(kind, self.fractal)[:500]:
                items.append({"type": kind.api_type, "id": row.pk, "name": str(row), "deleted_at": row.deleted_at})
        items.sort(key=lambda item: item["deleted_at"], reverse=True)
        page = self.paginate_queryset(items)
        return self.get_paginated_response(TrashItemSerializer(page, many=True).data)

    @extend_schema(request=TrashRestoreInputSerializer, responses=TrashItemSerializer)
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def restore(self, request, *args, **kwargs):
        payload = TrashRestoreInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        kind = trash.BY_API_TYPE[payload.validated_data["type"]]
        row = get_object_or_404(trash.restorable(kind, self.fractal), pk=payload.validated_data["id"])
        deleted_at = row.deleted_at
        run_model_operation(row.restore)
        return Response(
            {"type": payload.validated_data["type"], "id": row.pk, "name": str(row), "deleted_at": deleted_at}
        )


# --- goal tree with target progress ----------------------------------------------------------
class ProgressTreeView(APIView):
    """The fractal's goal tree (as ``/api/fractals/<id>/tree/``) with each goal's target progress."""

    @extend_schema(responses=GoalProgressNodeSerializer)
    def get(self, request, root_id):
        fractal = get_fractal_for_user(request.user, root_id)
        by_goal = target_counts(Target.objects.filter(root_id=fractal.pk))
        counts = {str(goal_id): row for goal_id, row in by_goal.items()}
        goals = Goal.objects.filter(root_id=fractal.pk).order_by()
        states, rows = {}, []
        for goal_id, parent_id, completed, paused_at, archived_at in goals.values_list(
            "id", "parent_id", "completed", "paused_at", "archived_at"
        ):
            state = "archived" if archived_at else ("paused" if paused_at else "active")
            states[str(goal_id)] = state
            rows.append((goal_id, parent_id, completed, state == "active"))
        shares = {str(goal_id): row for goal_id, row in rolled_up_progress(rows, by_goal).items()}

        def progress(goal_id):
            total, met = counts.get(goal_id, (0, 0))
            share, parts = shares.get(goal_id, (0.0, 0))
            return {
                "targets_total": total,
                "targets_met": met,
                "progress": round(share, 4) if parts else None,
                "state": states.get(goal_id, "active"),
            }

        return tree_response(fractal, extra=progress)


# --- copy a goal ------------------------------------------------------------------------------
class GoalCopyInputSerializer(serializers.Serializer):
    parent = ScopedRelatedField(
        Goal, required=False, help_text="Where the copy goes (a goal of the level above); default: the goal's parent."
    )


class GoalCopyView(APIView):
    """Copy a goal with its live subtree and targets (not its sessions); every copied goal starts open."""

    @extend_schema(request=GoalCopyInputSerializer, responses={201: GoalSerializer})
    def post(self, request, root_id, goal_id):
        fractal = get_fractal_for_user(request.user, root_id)
        request.fractal = fractal
        goal = get_object_or_404(Goal.objects.filter(root_id=fractal.pk).exclude(parent=None), pk=goal_id)
        payload = GoalCopyInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        copy = run_model_operation(copy_goal, goal, payload.validated_data.get("parent"))
        return Response(GoalSerializer(copy, context={"request": request}).data, status=201)
