"""The analytics endpoints: the numbers behind the analytics pages."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from goals.api.base import FractalScopedMixin
from insights import analytics
from insights.views import user_calendar
from sessions.models import PracticeSession

from .serializers import (
    ActivitySeriesQuerySerializer,
    ActivitySeriesSerializer,
    PracticeWeekSerializer,
    SeriesPointSerializer,
    StreaksSerializer,
    SummarySerializer,
    WeeklyQuerySerializer,
    WeeklySerializer,
)


# --- analytics --------------------------------------------------------------------------------
class AnalyticsViewSet(FractalScopedMixin):
    """Numbers behind the analytics page, computed by ``sessions.analytics`` in the database."""

    model = PracticeSession
    filter_backends = []
    pagination_class = None

    def _query(self, serializer_class):
        query = serializer_class(data=self.request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        return query.validated_data

    @extend_schema(parameters=[ActivitySeriesQuerySerializer], responses=ActivitySeriesSerializer)
    @action(detail=False, methods=["get"], url_path="activity-series")
    def activity_series(self, request, *args, **kwargs):
        """One point per session: the metric's top set, average of sets, product series and set count."""
        query = self._query(ActivitySeriesQuerySerializer)
        split = query.get("split")
        points = analytics.activity_series(
            self.fractal,
            query["activity"],
            query["metric"],
            split=split,
            start=query.get("start"),
            end=query.get("end"),
        )
        return Response(
            {
                "activity": query["activity"].pk,
                "metric": query["metric"].pk,
                "split": split.pk if split else None,
                "points": SeriesPointSerializer(points, many=True).data,
            }
        )

    @extend_schema(parameters=[WeeklyQuerySerializer], responses=WeeklySerializer)
    @action(detail=False, methods=["get"])
    def weekly(self, request, *args, **kwargs):
        """Completed sessions and practice seconds per week (the user's first weekday and zone), oldest first."""
        query = self._query(WeeklyQuerySerializer)
        tz, week_start = user_calendar(request.user)
        weeks = analytics.practice_weeks(self.fractal, weeks=query["weeks"], tz=tz, week_start=week_start)
        return Response({"weeks": PracticeWeekSerializer(weeks, many=True).data})

    @extend_schema(responses=StreaksSerializer)
    @action(detail=False, methods=["get"])
    def streaks(self, request, *args, **kwargs):
        """Current and longest runs of consecutive days (in the user's zone) with a completed session."""
        tz, _ = user_calendar(request.user)
        return Response(StreaksSerializer(analytics.streaks(self.fractal, tz=tz)).data)

    @extend_schema(responses=SummarySerializer)
    @action(detail=False, methods=["get"])
    def summary(self, request, *args, **kwargs):
        """Totals, goals completed per level, targets met/open and the next deadlines."""
        summary = analytics.goal_summary(self.fractal)
        summary["totals"] = analytics.totals(self.fractal)
        return Response(SummarySerializer(summary).data)
