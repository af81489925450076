"""The activity series folded and bucketed in SQL (insights.series_sql) gives exactly what the
Python fold gives on the same data (analytics.activity_series, bucketing.bucket_points,
figures.activity_periods): sessions around midnight and across both DST changes in New York,
weeks from Monday and from Sunday, ties on the top set, sets without a top-set value, splits,
products, deleted rows and date ranges; and it reads a bounded number of rows whatever the
history."""

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


def assert_same(sql_rows, python_rows):
    """Row for row the same keys and values; a float may differ in its last bits only, from a sum
    taken in another order (SQL's SUM and AVG add up in the database's order): the mean of a
    bucket of averages such as 57.33… The pages and the CSV round far above that."""
    assert len(sql_rows) == len(python_rows)
    for mine, theirs in zip(sql_rows, python_rows, strict=True):
        assert mine.keys() == theirs.keys()
        for key, value in theirs.items():
            if isinstance(value, float) and mine[key] is not None:
                assert mine[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
            else:
                assert mine[key] == value, key


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
    query = sql_query(lifts, metric, tz, split=split, start=start, end=end)
    assert query.points() == expected
    count, first, last, has_product = query.summary()
    assert (count, first, last) == (len(expected), expected[0]["x"], expected[-1]["x"])
    assert has_product == any(point["product"] is not None for point in expected)
    # a page of them is the same slice
    assert query.points(offset=3, limit=4) == expected[3:7]


@pytest.mark.parametrize(("metric_name", "split_name", "days"), CASES)
@pytest.mark.parametrize("tz", [NEW_YORK, UTC, TOKYO], ids=["New York", "UTC", "Tokyo"])
@pytest.mark.parametrize("week_start", [0, 6], ids=["Monday", "Sunday"])
def test_the_sql_buckets_and_periods_are_the_python_ones(
    fractal, lifts, history, metric_name, split_name, days, tz, week_start
):
    metric, split = lifts[metric_name], lifts.get(split_name)
    start, end = days or (None, None)
    points = python_fold(fractal, lifts, metric, tz, week_start, split=split, start=start, end=end)
    query = sql_query(lifts, metric, tz, split=split, start=start, end=end)
    first, last = points[0]["x"], points[-1]["x"]
    for period in periods.PERIODS:
        assert_same(
            query.buckets(first, last, period, tz, week_start), bucketing.bucket_points(points, period, tz, week_start)
        )
    for max_periods in (60, 8, 3):  # per week, month, quarter
        period, rows = figures.activity_periods(points, tz, week_start, max_periods=max_periods)
        assert_same(query.periods(first, last, period, tz, week_start), rows)


def test_the_weeks_of_the_dst_sessions_are_worked_out_by_hand(fractal, lifts, history):
    # In New York, weeks from Sunday: 7 Mar (Sat) is in the week of 1 Mar; 8 Mar 00:30, 03:30
    # and 23:45 and Monday 9 Mar 00:15 in the week of 8 Mar; from Monday, Sunday 8 Mar goes with
    # Saturday and Monday 9 Mar starts a week.
    query = sql_query(lifts, lifts["weight"], NEW_YORK)
    _, first, last, _ = query.summary()
    assert first == datetime.datetime(2026, 3, 7, 23, 30, tzinfo=NEW_YORK)
    sunday = query.buckets(first, last, "week", NEW_YORK, week_start=6)
    monday = query.buckets(first, last, "week", NEW_YORK, week_start=0)
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


def test_progress_reads_one_row_per_bucket_not_per_value(fractal, lifts, django_assert_num_queries):
    base = datetime.datetime(2024, 1, 1, 12, tzinfo=UTC)
    for index in range(130):
        practise(fractal, lifts, base + datetime.timedelta(days=index * 5), [[{"weight": 50 + index % 11, "reps": 5}]])
    with django_assert_num_queries(4):  # metrics, summary, buckets, periods
        result = progress.activity_progress(fractal, lifts["activity"], lifts["weight"], tz=NEW_YORK)
    assert result["resolution"] == "week" and result["point_count"] == 130
    with django_assert_num_queries(1):  # the table reads one page of points only
        page = result["points"][80:130]
    assert [point["top_set"] for point in page][:3] == [50 + 80 % 11, 50 + 81 % 11, 50 + 82 % 11]
    assert len(page) == 50


def test_a_bucketed_series_runs_the_same_queries_for_a_long_and_a_longer_history(
    fractal, lifts, django_assert_num_queries
):
    base = datetime.datetime(2020, 1, 1, 12, tzinfo=UTC)
    counts = []
    for size, offset in ((130, 0), (260, 1000)):
        for index in range(size):
            moment = base + datetime.timedelta(days=offset + index * 3)
            practise(fractal, lifts, moment, [[{"weight": 50 + index % 13, "reps": 5}]])
        with django_assert_num_queries(5):  # metrics, summary, buckets, periods, one page
            result = progress.activity_progress(fractal, lifts["activity"], lifts["weight"], tz=NEW_YORK)
            assert len(result["points"][-50:]) == 50
        counts.append(result["point_count"])
    assert counts == [130, 390]
