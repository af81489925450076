"""The analytics endpoints: the numbers behind the analytics pages."""

import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from goals.access import get_fractal_for_user
from goals.api.base import FractalScopedMixin
from goals.dates import safe_localtime
from insights import analytics, figures, progress
from insights.forms import RangeForm
from insights.target_views import get_target_or_404, history_for
from insights.views import user_calendar
from sessions.models import PracticeSession

from .serializers import (
    ActivityPeriodSerializer,
    ActivityPeriodsSerializer,
    ActivityRecordsSerializer,
    ActivitySeriesQuerySerializer,
    ActivitySeriesSerializer,
    DateRangeQuerySerializer,
    GoalsOverTimeSerializer,
    HeatmapSerializer,
    PracticeWeekSerializer,
    SeriesBucketSerializer,
    SeriesPointSerializer,
    StreaksSerializer,
    SummarySerializer,
    TargetHistorySerializer,
    TemplatesSerializer,
    TimeSerializer,
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
        tz, week_start = user_calendar(request.user)
        result = progress.activity_progress(
            self.fractal,
            query["activity"],
            query["metric"],
            split=split,
            start=query.get("start"),
            end=query.get("end"),
            tz=tz,
            week_start=week_start,
            bucket=query["bucket"],
            periods=False,
        )
        bucketed = result["buckets"] is not None
        return Response(
            {
                "activity": query["activity"].pk,
                "metric": query["metric"].pk,
                "split": split.pk if split else None,
                "resolution": result["resolution"],
                "point_count": result["point_count"],
                "points": [] if bucketed else SeriesPointSerializer(result["points"], many=True).data,
                "buckets": SeriesBucketSerializer(result["buckets"], many=True).data if bucketed else [],
            }
        )

    @extend_schema(parameters=[ActivitySeriesQuerySerializer], responses=ActivityPeriodsSerializer)
    @action(detail=False, methods=["get"], url_path="activity-periods")
    def activity_periods(self, request, *args, **kwargs):
        """Volume and best per week (the user's weeks), or per month over a long range."""
        query = self._query(ActivitySeriesQuerySerializer)
        tz, week_start = user_calendar(request.user)
        result = progress.activity_progress(
            self.fractal,
            query["activity"],
            query["metric"],
            split=query.get("split"),
            start=query.get("start"),
            end=query.get("end"),
            tz=tz,
            week_start=week_start,
        )
        return Response(
            {
                "activity": query["activity"].pk,
                "metric": query["metric"].pk,
                "period": result["period"],
                "periods": ActivityPeriodSerializer(result["periods"], many=True).data,
            }
        )

    @extend_schema(parameters=[ActivitySeriesQuerySerializer], responses=ActivityRecordsSerializer)
    @action(detail=False, methods=["get"], url_path="activity-records")
    def activity_records(self, request, *args, **kwargs):
        """Personal records over time: the first session (the baseline), then every session whose
        best beats all earlier ones, for the metric (per split; lowest is best when the metric says
        so) and for the activity's product series (e.g. weight × reps). ``start``, ``end`` and
        ``bucket`` do not apply: records are of all time."""
        query = self._query(ActivitySeriesQuerySerializer)
        tz, _ = user_calendar(request.user)
        split = query.get("split")
        histories = progress.record_histories(self.fractal, query["activity"], query["metric"], split)
        data = {
            "activity": query["activity"].pk,
            "metric": query["metric"].pk,
            "split": split.pk if split else None,
            "histories": [
                {
                    "kind": history.kind,
                    "name": history.name,
                    "unit": history.unit,
                    "split": history.split.pk if history.split else None,
                    "split_name": history.split.name if history.split else None,
                    "lower_is_better": history.lower_is_better,
                    "steps": [
                        {
                            "session_id": step.session_id,
                            "session_name": step.session_name,
                            "achieved_at": step.achieved_at,
                            "local_date": safe_localtime(step.achieved_at, tz).date(),
                            "value": step.value,
                            "previous": step.previous,
                            "baseline": step.baseline,
                        }
                        for step in history.steps
                    ],
                }
                for history in histories
            ],
        }
        return Response(ActivityRecordsSerializer(data).data)

    @extend_schema(responses=HeatmapSerializer)
    @action(detail=False, methods=["get"])
    def heatmap(self, request, *args, **kwargs):
        """Completed sessions and practice time per local day over the last 53 weeks."""
        tz, week_start = user_calendar(request.user)
        calendar = figures.practice_calendar(
            self.fractal, timezone.localdate(timezone=tz), tz=tz, week_start=week_start
        )
        return Response(HeatmapSerializer({**calendar, "week_start": week_start}).data)

    def _range(self, request):
        query = self._query(DateRangeQuerySerializer)
        tz, _ = user_calendar(request.user)
        today = timezone.localdate(timezone=tz)
        end = query.get("end") or today
        start = query.get("start") or min(end, today) - datetime.timedelta(days=RangeForm.DEFAULT_DAYS - 1)
        return start, end, tz

    @extend_schema(parameters=[DateRangeQuerySerializer], responses=TimeSerializer)
    @action(detail=False, methods=["get"])
    def time(self, request, *args, **kwargs):
        """Where the time goes: per goal (shared among a session's goals, rolled up the tree),
        per activity and per activity group, over a range of local days."""
        start, end, tz = self._range(request)
        per_activity, per_group = figures.time_per_activity(self.fractal, start, end, tz=tz)
        data = {
            "start": start,
            "end": end,
            "goals": figures.time_per_goal(self.fractal, start, end, tz=tz),
            "activities": per_activity,
            "groups": per_group,
        }
        return Response(TimeSerializer(data).data)

    @extend_schema(parameters=[DateRangeQuerySerializer], responses=TemplatesSerializer)
    @action(detail=False, methods=["get"])
    def templates(self, request, *args, **kwargs):
        """Template usage (sessions, mean and median seconds) and sections planned vs actual."""
        start, end, tz = self._range(request)
        data = {
            "start": start,
            "end": end,
            "templates": figures.template_usage(self.fractal, start, end, tz=tz),
            "sections": figures.sections_planned_vs_actual(self.fractal, start, end, tz=tz),
        }
        return Response(TemplatesSerializer(data).data)

    @extend_schema(responses=GoalsOverTimeSerializer)
    @action(detail=False, methods=["get"], url_path="goals-over-time")
    def goals_over_time(self, request, *args, **kwargs):
        """Goals completed per month and level, open goals by age, targets met and open."""
        tz, _ = user_calendar(request.user)
        today = timezone.localdate(timezone=tz)
        targets = figures.target_progress(self.fractal, today, tz=tz)
        data = {
            "completed_per_month": figures.goals_completed_per_month(self.fractal, today, tz=tz),
            "open_by_age": figures.open_goals_by_age(self.fractal, today, tz=tz),
            "targets": targets["targets"],
            "targets_met": targets["met"],
            "targets_open": targets["open"],
            "targets_met_per_month": targets["met_per_month"],
        }
        return Response(GoalsOverTimeSerializer(data).data)

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
        """Totals, goals completed per level, targets met/open and the next deadlines (from today in
        the user's zone)."""
        tz, _ = user_calendar(request.user)
        summary = analytics.goal_summary(self.fractal, today=timezone.localdate(timezone=tz))
        summary["totals"] = analytics.totals(self.fractal)
        return Response(SummarySerializer(summary).data)


# --- one target's history ---------------------------------------------------------------------
class TargetHistoryView(APIView):
    """One target's history: per session in scope the values (or contribution) and whether it met
    the rule, per rule the best value or total, and for a frequency target the weeks and runs."""

    @extend_schema(responses=TargetHistorySerializer)
    def get(self, request, root_id, target_id):
        fractal = get_fractal_for_user(request.user, root_id)
        target = get_target_or_404(fractal, target_id)
        return Response(TargetHistorySerializer(history_for(request, target)).data)
