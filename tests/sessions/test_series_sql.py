"""The activity series folded per session in SQL (insights.series_sql) gives exactly what the
Python fold gives on the same data (analytics.activity_series), and so do the buckets and
periods made from it: sessions around midnight and across both DST changes in New York, weeks
from Monday and from Sunday, ties on the top set, sets without a top-set value, splits, products,
deleted rows and date ranges."""

import datetime
import zoneinfo

import pytest

from insights import analytics, bucketing, figures, periods, progress, series_sql
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    MetricDefinitionFactory,
    MetricValueFactory,
    PracticeSessionFactory,
    SplitDefinitionFactory,
)

UTC = datetime.UTC
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture
def lifts(fractal):
    """A weight × reps activity with a third, non-factor metric (RPE) and two splits."""
    activity = ActivityDefinitionFactory(
        root=fractal, name="Row", has_sets=True, has_splits=True, metrics_multiplicative=True
    )
    weight = MetricDefinitionFactory(
        activity=activity, name="weight", unit="kg", is_top_set_metric=True, is_multiplicative=True, sort_order=0
    )
    reps = MetricDefinitionFactory(activity=activity, name="reps", unit="reps", is_multiplicative=True, sort_order=1)
    rpe = MetricDefinitionFactory(activity=activity, name="rpe", sort_order=2)
    left = SplitDefinitionFactory(activity=activity, name="Left")
    right = SplitDefinitionFactory(activity=activity, name="Right")
    return {"activity": activity, "weight": weight, "reps": reps, "rpe": rpe, "left": left, "right": right}


def practise(fractal, lifts, moment, instances, completed=True):
    """A session at ``moment``; ``instances`` is a list of instances, each a list of sets, each
    a dict of metric name → value (and the split, right when not given)."""
    session = PracticeSessionFactory(root=fractal, started_at=moment, completed=completed)
    for order, sets in enumerate(instances):
        instance = ActivityInstanceFactory(session=session, activity=lifts["activity"], sort_order=order)
        for number, cells in enumerate(sets, start=1):
            split = lifts[cells.get("split", "right")]  # the activity records every value per split
            for name in ("weight", "reps", "rpe"):
                if name in cells:
                    MetricValueFactory(
                        instance=instance, metric=lifts[name], split=split, set_number=number, value=cells[name]
                    )
    return session


@pytest.fixture
def history(fractal, lifts):
    """Sessions around midnight and both 2026 DST changes in New York, on Sundays and Mondays."""
    ny = lambda *args: datetime.datetime(*args, tzinfo=NEW_YORK)  # noqa: E731
    moments = [
        ny(2026, 3, 7, 23, 30),  # Saturday before spring forward
        ny(2026, 3, 8, 0, 30),  # Sunday, before 02:00
        ny(2026, 3, 8, 3, 30),  # Sunday, after (EDT)
        ny(2026, 3, 8, 23, 45),  # Sunday late: Monday in UTC
        ny(2026, 3, 9, 0, 15),  # Monday just after midnight
        ny(2026, 3, 31, 23, 59),  # last minute of March
        ny(2026, 4, 1, 0, 0),  # first minute of April
        ny(2026, 10, 31, 23, 30),  # Saturday before fall back
        ny(2026, 11, 1, 1, 30),  # the repeated hour (first, EDT)
        ny(2026, 11, 1, 23, 30),  # Sunday late (EST)
        ny(2026, 11, 2, 0, 30),  # Monday
        ny(2026, 12, 31, 23, 30),  # New Year's Eve: 2027 in UTC
    ]
    sessions = []
    for index, moment in enumerate(moments):
        first = [
            {"weight": 60 + index, "reps": 5, "rpe": 7},
            {"weight": 60 + index, "reps": 6, "rpe": 8},  # a tie on the top set: the first wins
            {"weight": 40, "reps": 10 + index},
        ]
        second = [{"reps": 12, "rpe": 6}, {"weight": 70 + index * 0.5, "reps": 2.5, "split": "left"}]
        sessions.append(practise(fractal, lifts, moment, [first, second] if index % 3 == 0 else [first]))
    # A session with sets of RPE only: no value of weight or reps, so no point of those series.
    practise(fractal, lifts, ny(2026, 6, 1, 12), [[{"rpe": 9}]])
    # Deleted rows never count.
    practise(fractal, lifts, ny(2026, 6, 2, 12), [[{"weight": 500, "reps": 1}]]).delete()
    kept = practise(fractal, lifts, ny(2026, 6, 3, 12), [[{"weight": 55, "reps": 3}], [{"weight": 900, "reps": 1}]])
    kept.instances.order_by("sort_order").last().delete()
    return sessions


def python_fold(fractal, lifts, metric, tz, week_start, split=None, start=None, end=None):
    points = analytics.activity_series(fractal, lifts["activity"], metric, split=split, start=start, end=end, tz=tz)
    return points


def sql_query(lifts, metric, tz, split=None, start=None, end=None):
    return series_sql.SeriesQuery(
        *analytics.series_set_rows(lifts["activity"], metric, split=split, start=start, end=end, tz=tz)
    )


CASES = [
    pytest.param("weight", None, None, id="weight"),
    pytest.param("reps", None, None, id="reps: top set is the reps of the heaviest set"),
    pytest.param("rpe", None, None, id="rpe: sets without a top-set value"),
    pytest.param("weight", "left", None, id="left split"),
    pytest.param("weight", None, (datetime.date(2026, 3, 8), datetime.date(2026, 11, 1)), id="a range of local days"),
]


@pytest.mark.parametrize(("metric_name", "split_name", "days"), CASES)
@pytest.mark.parametrize("tz", [NEW_YORK, UTC, TOKYO], ids=["New York", "UTC", "Tokyo"])
def test_the_sql_points_are_the_python_points(fractal, lifts, history, metric_name, split_name, days, tz):
    metric, split = lifts[metric_name], lifts.get(split_name)
    start, end = days or (None, None)
    expected = python_fold(fractal, lifts, metric, tz, 0, split=split, start=start, end=end)
    assert expected  # the case has data
    assert sql_query(lifts, metric, tz, split=split, start=start, end=end).points() == expected


@pytest.mark.parametrize(("metric_name", "split_name", "days"), CASES)
@pytest.mark.parametrize("tz", [NEW_YORK, UTC, TOKYO], ids=["New York", "UTC", "Tokyo"])
@pytest.mark.parametrize("week_start", [0, 6], ids=["Monday", "Sunday"])
def test_the_sql_buckets_and_periods_are_the_python_ones(
    fractal, lifts, history, metric_name, split_name, days, tz, week_start
):
    metric, split = lifts[metric_name], lifts.get(split_name)
    start, end = days or (None, None)
    points = python_fold(fractal, lifts, metric, tz, week_start, split=split, start=start, end=end)
    for bucket in ("auto", *periods.PERIODS):
        result = progress.activity_progress(
            fractal,
            lifts["activity"],
            metric,
            split=split,
            start=start,
            end=end,
            tz=tz,
            week_start=week_start,
            bucket=bucket,
        )
        assert result["points"] == points
        resolution = bucketing.resolution_for(points, tz, requested=bucket)
        assert result["resolution"] == resolution
        if resolution != "session":
            assert result["buckets"] == bucketing.bucket_points(points, resolution, tz, week_start)
    assert (result["period"], result["periods"]) == figures.activity_periods(points, tz, week_start)


def test_the_weeks_of_the_dst_sessions_are_worked_out_by_hand(fractal, lifts, history):
    # In New York, weeks from Sunday: 7 Mar (Sat) is in the week of 1 Mar; 8 Mar 00:30, 03:30
    # and 23:45 and Monday 9 Mar 00:15 in the week of 8 Mar; from Monday, Sunday 8 Mar goes with
    # Saturday and Monday 9 Mar starts a week.
    def weeks(week_start):
        return progress.activity_progress(
            fractal, lifts["activity"], lifts["weight"], tz=NEW_YORK, week_start=week_start, bucket="week"
        )["buckets"]

    assert progress.activity_progress(fractal, lifts["activity"], lifts["weight"])["points"][0]["x"] == (
        datetime.datetime(2026, 3, 7, 23, 30, tzinfo=NEW_YORK)
    )
    sunday, monday = weeks(6), weeks(0)
    assert [(bucket["start"], bucket["count"]) for bucket in sunday][:2] == [
        (datetime.date(2026, 3, 1), 1),
        (datetime.date(2026, 3, 8), 4),
    ]
    assert [(bucket["start"], bucket["count"]) for bucket in monday][:2] == [
        (datetime.date(2026, 3, 2), 4),
        (datetime.date(2026, 3, 9), 1),
    ]
    week = sunday[1]
    # Top sets 61, 62 and 64 kg, and 71.5 kg for the session with a second instance (its left
    # set is the heaviest); 3 + 3 + 4 + 3 weight sets.
    assert (week["top_set"], week["top_set_min"], week["sets"]) == (71.5, 61.0, 13)
    assert week["x"] == datetime.datetime(2026, 3, 8, tzinfo=NEW_YORK)


def test_progress_is_two_queries_whatever_the_history(fractal, lifts, django_assert_num_queries):
    base = datetime.datetime(2020, 1, 1, 12, tzinfo=UTC)
    for size, offset in ((3, 0), (130, 100)):
        for index in range(size):
            moment = base + datetime.timedelta(days=offset + index * 3)
            practise(fractal, lifts, moment, [[{"weight": 50 + index % 13, "reps": 5}]])
        with django_assert_num_queries(2):  # the activity's metrics; the series folded per session
            progress.activity_progress(fractal, lifts["activity"], lifts["weight"], tz=NEW_YORK)
