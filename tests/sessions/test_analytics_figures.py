"""The fractal-wide analytics figures on small datasets whose every number is worked out by hand:
practice calendar, where the time goes, templates, goals over time, an activity's weeks, and
the bucketing of long series; in New York, across midnight and the DST change."""

import datetime
import zoneinfo

import pytest

from goals.models import Goal, GoalLevel
from insights import bucketing, figures, progress
from sessions.models import PracticeSession, TargetAchievement
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityGroupFactory,
    ActivityInstanceFactory,
    GoalFactory,
    MetricDefinitionFactory,
    MetricValueFactory,
    PracticeSessionFactory,
    SessionSectionFactory,
    SessionTemplateFactory,
    TargetFactory,
    TemplateSectionFactory,
)

UTC = datetime.UTC
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TODAY = datetime.date(2026, 11, 18)  # a Wednesday


def session_at(root, moment, seconds=1800, goals=None, **fields):
    return PracticeSessionFactory(
        root=root,
        started_at=moment,
        ended_at=moment + datetime.timedelta(seconds=seconds),
        total_duration_seconds=seconds,
        completed=True,
        completed_at=moment + datetime.timedelta(seconds=seconds),
        goals=goals,
        **fields,
    )


def day_of(calendar, day):
    return next(cell for cell in calendar["days"] if cell["date"] == day)


# --- practice calendar -----------------------------------------------------------------------


def test_a_late_evening_session_in_new_york_is_on_that_local_day_of_the_calendar(fractal):
    # 23:30 in New York on Tuesday 17 Nov is 04:30 UTC on Wednesday 18 Nov.
    session_at(fractal, datetime.datetime(2026, 11, 17, 23, 30, tzinfo=NEW_YORK), seconds=1500)
    calendar = figures.practice_calendar(fractal, TODAY, tz=NEW_YORK)
    assert day_of(calendar, datetime.date(2026, 11, 17)) == {
        "date": datetime.date(2026, 11, 17),
        "sessions": 1,
        "seconds": 1500,
        "minutes": 25.0,
    }
    assert day_of(calendar, TODAY)["sessions"] == 0
    assert day_of(figures.practice_calendar(fractal, TODAY), TODAY)["sessions"] == 1  # in UTC


def test_sessions_around_the_dst_change_land_on_their_local_days(fractal):
    # New York leaves DST at 02:00 on Sunday 1 Nov 2026; 00:30 and 23:30 that day are both 1 Nov.
    for moment in (
        datetime.datetime(2026, 10, 31, 23, 30, tzinfo=NEW_YORK),
        datetime.datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK),
        datetime.datetime(2026, 11, 1, 23, 30, tzinfo=NEW_YORK),
    ):
        session_at(fractal, moment, seconds=600)
    calendar = figures.practice_calendar(fractal, TODAY, tz=NEW_YORK)
    assert day_of(calendar, datetime.date(2026, 10, 31))["sessions"] == 1
    assert day_of(calendar, datetime.date(2026, 11, 1))["seconds"] == 1200
    assert day_of(calendar, datetime.date(2026, 11, 2))["sessions"] == 0


@pytest.mark.parametrize(("week_start", "first_weekday"), [(0, 0), (6, 6)])
def test_the_calendar_starts_on_the_users_first_weekday_and_ends_today(fractal, week_start, first_weekday):
    calendar = figures.practice_calendar(fractal, TODAY, tz=NEW_YORK, week_start=week_start)
    assert calendar["first_day"].weekday() == first_weekday
    assert calendar["days"][0]["date"] == calendar["first_day"]
    assert calendar["days"][-1]["date"] == TODAY
    # 52 whole weeks before this one, and this week up to today
    assert (TODAY - calendar["first_day"]).days // 7 == 52
    assert len(calendar["days"]) == (TODAY - calendar["first_day"]).days + 1


def test_the_calendar_leaves_out_open_deleted_and_older_sessions(fractal):
    noon = datetime.datetime(2026, 11, 10, 12, tzinfo=UTC)
    session_at(fractal, noon, seconds=60)
    PracticeSessionFactory(root=fractal, started_at=noon, total_duration_seconds=999)  # not completed
    session_at(fractal, noon, seconds=500).delete()
    session_at(fractal, datetime.datetime(2025, 1, 1, 12, tzinfo=UTC))
    calendar = figures.practice_calendar(fractal, TODAY)
    assert sum(day["sessions"] for day in calendar["days"]) == 1
    assert day_of(calendar, datetime.date(2026, 11, 10))["seconds"] == 60


# --- where the time goes -------------------------------------------------------------------


@pytest.fixture
def goal_tree(fractal):
    """root → long → mid → two short-term goals A and B, and C under another branch."""
    long_term = GoalFactory(parent=fractal, name="Long")
    mid = GoalFactory(parent=long_term, name="Mid")
    a = GoalFactory(parent=mid, name="A")
    b = GoalFactory(parent=mid, name="B")
    other_mid = GoalFactory(parent=GoalFactory(parent=fractal, name="Other long"), name="Other mid")
    c = GoalFactory(parent=other_mid, name="C")
    return {"long": long_term, "mid": mid, "a": a, "b": b, "c": c, "other_mid": other_mid}


def test_a_sessions_time_is_shared_among_its_goals_and_rolled_up_the_tree(fractal, goal_tree):
    day = datetime.datetime(2026, 11, 10, 12, tzinfo=UTC)
    session_at(fractal, day, seconds=3000, goals=[goal_tree["a"], goal_tree["b"], goal_tree["c"]])
    session_at(fractal, day, seconds=600, goals=[goal_tree["a"]])
    rows = {row["name"]: row for row in figures.time_per_goal(fractal)}
    assert rows["A"]["own_seconds"] == 1600 and rows["A"]["seconds"] == 1600
    assert rows["B"]["seconds"] == 1000
    assert rows["C"]["seconds"] == 1000
    assert rows["Mid"]["seconds"] == 2600 and rows["Mid"]["own_seconds"] == 0
    assert rows["Long"]["seconds"] == 2600
    assert rows["Other long"]["seconds"] == 1000
    assert rows[fractal.name]["seconds"] == 3600
    # tree order, with depths
    names = [(row["name"], row["depth"]) for row in figures.time_per_goal(fractal)]
    assert names[0] == (fractal.name, 0)
    assert names.index(("Mid", 2)) < names.index(("A", 3)) < names.index(("Other long", 1))


def test_time_per_goal_keeps_to_the_range_in_the_users_zone(fractal, goal_tree):
    # 22:00 in New York on 9 Nov is 10 Nov in UTC.
    session_at(fractal, datetime.datetime(2026, 11, 9, 22, tzinfo=NEW_YORK), seconds=900, goals=[goal_tree["a"]])
    day = datetime.date(2026, 11, 9)
    assert [row["seconds"] for row in figures.time_per_goal(fractal, day, day, tz=NEW_YORK)][-1] == 900
    assert figures.time_per_goal(fractal, day, day) == []


def test_a_deleted_goal_takes_no_share(fractal, goal_tree):
    session_at(
        fractal, datetime.datetime(2026, 11, 10, 12, tzinfo=UTC), seconds=1000, goals=[goal_tree["a"], goal_tree["b"]]
    )
    Goal.objects.get(pk=goal_tree["b"].pk).delete()
    rows = {row["name"]: row["seconds"] for row in figures.time_per_goal(fractal)}
    assert rows["A"] == 1000 and "B" not in rows


def test_time_per_activity_and_group_sums_timed_instances(fractal):
    strength = ActivityGroupFactory(root=fractal, name="Strength")
    pull = ActivityDefinitionFactory(root=fractal, name="Pull", group=strength)
    squat = ActivityDefinitionFactory(root=fractal, name="Squat", group=strength)
    run = ActivityDefinitionFactory(root=fractal, name="Run")
    session = session_at(fractal, datetime.datetime(2026, 11, 10, 12, tzinfo=UTC))
    start = session.started_at
    for activity, minutes in ((pull, 10), (pull, 5), (squat, 20), (run, 30)):
        instance = ActivityInstanceFactory(session=session, activity=activity)
        instance.set_times(start, start + datetime.timedelta(minutes=minutes))
    per_activity, per_group = figures.time_per_activity(fractal)
    assert [(row["name"], row["group"], row["seconds"], row["instances"]) for row in per_activity] == [
        ("Run", None, 1800, 1),
        ("Squat", "Strength", 1200, 1),
        ("Pull", "Strength", 900, 2),
    ]
    assert [(row["name"], row["seconds"], row["instances"]) for row in per_group] == [
        ("Strength", 2100, 3),
        ("No group", 1800, 1),
    ]


def test_template_usage_counts_sessions_with_mean_and_median(fractal):
    lever_day = SessionTemplateFactory(root=fractal, name="Lever day")
    unused = SessionTemplateFactory(root=fractal, name="Unused")
    noon = datetime.datetime(2026, 11, 10, 12, tzinfo=UTC)
    for seconds in (600, 1200, 3000):
        session_at(fractal, noon, seconds=seconds, template=lever_day)
    session_at(fractal, noon, seconds=9999)  # no template
    assert figures.template_usage(fractal) == [
        {"id": lever_day.pk, "name": "Lever day", "sessions": 3, "mean_seconds": 1600, "median_seconds": 1200},
        {"id": unused.pk, "name": "Unused", "sessions": 0, "mean_seconds": None, "median_seconds": None},
    ]


def test_sections_compare_the_templates_plan_with_the_timed_minutes(fractal):
    template = SessionTemplateFactory(root=fractal, name="Pull day")
    TemplateSectionFactory(template=template, name="Warm-up", planned_minutes=10, sort_order=0)
    TemplateSectionFactory(template=template, name="Strength", planned_minutes=40, sort_order=1)
    activity = ActivityDefinitionFactory(root=fractal, name="Pull")
    noon = datetime.datetime(2026, 11, 10, 12, tzinfo=UTC)
    for warm_minutes in (8, 14):
        session = session_at(fractal, noon, template=template)
        warm_up = SessionSectionFactory(session=session, name="Warm-up", planned_minutes=10)
        instance = ActivityInstanceFactory(session=session, activity=activity, section=warm_up)
        instance.set_times(noon, noon + datetime.timedelta(minutes=warm_minutes))
    rows = figures.sections_planned_vs_actual(fractal)
    assert [(r["section"], r["template_planned_minutes"], r["sessions"], r["mean_actual_minutes"]) for r in rows] == [
        ("Warm-up", 10, 2, 11.0),
        ("Strength", 40, 0, None),
    ]
    assert rows[0]["mean_planned_minutes"] == 10


# --- goals over time -------------------------------------------------------------------------


def test_goals_completed_per_month_by_level_in_the_users_zone(fractal, goal_tree):
    # 20:00 in New York on 31 Oct is 1 Nov in UTC: October locally.
    Goal.objects.filter(pk=goal_tree["a"].pk).update(
        completed=True, completed_at=datetime.datetime(2026, 10, 31, 20, tzinfo=NEW_YORK)
    )
    Goal.objects.filter(pk__in=[goal_tree["mid"].pk, goal_tree["b"].pk]).update(
        completed=True, completed_at=datetime.datetime(2026, 11, 5, 12, tzinfo=UTC)
    )
    months = figures.goals_completed_per_month(fractal, TODAY, tz=NEW_YORK)
    assert len(months) == 12 and months[-1]["month"] == datetime.date(2026, 11, 1)
    assert months[-2]["total"] == 1 and months[-2]["levels"][GoalLevel.SHORT_TERM] == 1
    assert months[-1]["total"] == 2
    assert months[-1]["levels"][GoalLevel.MID_TERM] == 1 and months[-1]["levels"][GoalLevel.SHORT_TERM] == 1
    in_utc = figures.goals_completed_per_month(fractal, TODAY)
    assert in_utc[-1]["total"] == 3


def test_open_goals_are_counted_by_age(fractal, goal_tree):
    ages = {"long": 400, "mid": 100, "a": 20, "b": 3, "c": 3, "other_mid": 50}
    for key, days in ages.items():
        Goal.objects.filter(pk=goal_tree[key].pk).update(
            created_at=datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=UTC) - datetime.timedelta(days=days)
        )
    Goal.objects.filter(pk=goal_tree["c"].pk).update(completed=True)
    Goal.objects.filter(pk=fractal.pk).update(created_at=datetime.datetime(2020, 1, 1, tzinfo=UTC))
    Goal.objects.filter(root=fractal, name="Other long").update(created_at=datetime.datetime(2020, 1, 1, tzinfo=UTC))
    bands = figures.open_goals_by_age(fractal, TODAY)
    assert [(band["band"], band["total"]) for band in bands] == [
        ("under a week", 1),
        ("1–4 weeks", 1),
        ("1–3 months", 1),
        ("3–12 months", 1),
        ("over a year", 3),
    ]
    assert bands[0]["levels"][GoalLevel.SHORT_TERM] == 1


def test_target_progress_lists_met_and_open_targets_and_when_first_met(fractal, goal_tree):
    met = TargetFactory(goal=goal_tree["a"], name="Hold 5 s")
    TargetFactory(goal=goal_tree["b"], name="Hold 10 s")
    session = session_at(fractal, datetime.datetime(2026, 10, 31, 22, tzinfo=NEW_YORK))
    instance = ActivityInstanceFactory(session=session, activity=met.activity)
    # 22:00 on 31 Oct in New York is 1 Nov in UTC: met in October locally.
    TargetAchievement(target=met, session=session, instance=instance, achieved_at=session.started_at).save()
    result = figures.target_progress(fractal, TODAY, tz=NEW_YORK)
    assert (result["met"], result["open"]) == (1, 1)
    by_name = {target["name"]: target for target in result["targets"]}
    assert by_name["Hold 5 s"]["met_on"] == datetime.date(2026, 10, 31)
    assert by_name["Hold 10 s"]["met"] is False
    assert result["met_per_month"][-2] == {"month": datetime.date(2026, 10, 1), "met": 1}


# --- an activity's weeks and bucketing ------------------------------------------------------


@pytest.fixture
def bench(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Bench", has_sets=True, metrics_multiplicative=True)
    weight = MetricDefinitionFactory(
        activity=activity, name="weight", unit="kg", is_top_set_metric=True, is_multiplicative=True
    )
    reps = MetricDefinitionFactory(activity=activity, name="reps", unit="reps", is_multiplicative=True)
    return activity, weight, reps


def lift(fractal, bench, moment, sets):
    activity, weight, reps = bench
    instance = ActivityInstanceFactory(session=session_at(fractal, moment), activity=activity)
    for number, (kg, count) in enumerate(sets, start=1):
        MetricValueFactory(instance=instance, metric=weight, set_number=number, value=kg)
        MetricValueFactory(instance=instance, metric=reps, set_number=number, value=count)


@pytest.mark.parametrize(
    ("week_start", "expected"),
    [
        (0, [(datetime.date(2026, 11, 9), 1, 600.0, 60.0), (datetime.date(2026, 11, 16), 1, 800.0, 80.0)]),
        (6, [(datetime.date(2026, 11, 15), 2, 1400.0, 80.0)]),
    ],
)
def test_volume_and_best_per_week_follow_the_users_first_weekday(fractal, bench, week_start, expected):
    # Sunday 15 Nov and Monday 16 Nov, 22:00 in New York (the next day in UTC).
    lift(fractal, bench, datetime.datetime(2026, 11, 15, 22, tzinfo=NEW_YORK), [(60, 5), (50, 6)])
    lift(fractal, bench, datetime.datetime(2026, 11, 16, 22, tzinfo=NEW_YORK), [(80, 10)])
    activity, weight, _ = bench
    result = progress.activity_progress(fractal, activity, weight, tz=NEW_YORK, week_start=week_start)
    assert result["period"] == "week"
    assert [(row["start"], row["sessions"], row["volume"], row["best"]) for row in result["periods"]] == expected


def test_the_periods_are_left_out_only_when_asked_and_nothing_else_changes(fractal, bench):
    # The series API and its CSV files do not show volume and best per period: not computed for them.
    lift(fractal, bench, datetime.datetime(2026, 11, 15, 22, tzinfo=NEW_YORK), [(60, 5), (50, 6)])
    lift(fractal, bench, datetime.datetime(2026, 11, 16, 22, tzinfo=NEW_YORK), [(80, 10)])
    activity, weight, _ = bench
    full = progress.activity_progress(fractal, activity, weight, tz=NEW_YORK)
    lean = progress.activity_progress(fractal, activity, weight, tz=NEW_YORK, periods=False)
    assert "periods" not in lean and "period" not in lean
    assert [row["sessions"] for row in full["periods"]] == [1, 1]
    assert {key: value for key, value in full.items() if key not in ("period", "periods")} == lean


def test_a_long_series_is_bucketed_keeping_best_mean_count_and_extremes(fractal, bench):
    activity, weight, _ = bench
    start = datetime.datetime(2026, 1, 5, 12, tzinfo=UTC)  # a Monday
    for index in range(bucketing.MAX_POINTS + 30):  # 150 days in a row
        lift(fractal, bench, start + datetime.timedelta(days=index), [(50 + index % 7, 5)])
    result = progress.activity_progress(fractal, activity, weight)
    assert result["resolution"] == "week"
    assert len(result["buckets"]) <= bucketing.MAX_POINTS
    first = result["buckets"][0]
    assert first["start"] == datetime.date(2026, 1, 5) and first["end"] == datetime.date(2026, 1, 11)
    assert (first["count"], first["top_set"], first["top_set_min"], first["average"]) == (7, 56.0, 50.0, 53.0)
    assert sum(bucket["count"] for bucket in result["buckets"]) == 150
    full = progress.activity_progress(fractal, activity, weight, bucket="none")
    assert full["buckets"] is None and len(full["points"]) == 150


def test_a_short_series_is_not_bucketed(fractal, bench):
    lift(fractal, bench, datetime.datetime(2026, 11, 2, 12, tzinfo=UTC), [(60, 5)])
    activity, weight, _ = bench
    result = progress.activity_progress(fractal, activity, weight)
    assert result["resolution"] == "session" and result["buckets"] is None


def test_the_bucket_follows_the_span_day_week_or_month():
    def points(days):
        base = datetime.datetime(2020, 1, 1, 12, tzinfo=UTC)
        return [{"x": base + datetime.timedelta(days=day)} for day in days]

    assert bucketing.resolution_for(points(range(0, 120))) == "session"
    assert bucketing.resolution_for(points([0] * 60 + [100] * 61)) == "day"
    assert bucketing.resolution_for(points(range(0, 700, 5))) == "week"
    assert bucketing.resolution_for(points(range(0, 3650, 10))) == "month"


# --- query counts ----------------------------------------------------------------------------


def test_every_figure_runs_the_same_number_of_queries_for_a_short_and_a_long_history(
    fractal, goal_tree, bench, django_assert_num_queries
):
    template = SessionTemplateFactory(root=fractal)
    TemplateSectionFactory(template=template, name="Main")
    activity, weight, _ = bench
    counts = []
    for size in (3, 30):
        for index in range(size):
            moment = datetime.datetime(2026, 11, 1, 12, tzinfo=UTC) - datetime.timedelta(days=index * 3)
            session = session_at(fractal, moment, goals=[goal_tree["a"]], template=template)
            section = SessionSectionFactory(session=session, name="Main")
            instance = ActivityInstanceFactory(session=session, activity=activity, section=section)
            MetricValueFactory(instance=instance, metric=weight, set_number=1, value=index)
            TargetFactory(goal=goal_tree["b"])
        with django_assert_num_queries(18) as context:
            figures.practice_calendar(fractal, TODAY, tz=NEW_YORK)
            figures.time_per_goal(fractal, tz=NEW_YORK)
            figures.time_per_activity(fractal, tz=NEW_YORK)
            figures.template_usage(fractal, tz=NEW_YORK)
            figures.sections_planned_vs_actual(fractal, tz=NEW_YORK)
            figures.goals_completed_per_month(fractal, TODAY, tz=NEW_YORK)
            figures.open_goals_by_age(fractal, TODAY, tz=NEW_YORK)
            figures.target_progress(fractal, TODAY, tz=NEW_YORK)
            progress.activity_progress(fractal, activity, weight, tz=NEW_YORK)
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
    assert PracticeSession.objects.count() == 33


def test_decades_of_history_are_bucketed_per_quarter_or_year_to_stay_within_the_chart():
    base = datetime.datetime(1990, 1, 1, 12, tzinfo=UTC)
    twenty_years = [{"x": base + datetime.timedelta(days=day)} for day in range(0, 7300, 3)]
    assert bucketing.resolution_for(twenty_years) == "quarter"
    fifty_years = [{"x": base + datetime.timedelta(days=day)} for day in range(0, 18250, 7)]
    assert bucketing.resolution_for(fifty_years) == "year"
    points = [{**point, "top_set": 1.0, "average": 1.0, "product": None, "sets": 1} for point in fifty_years]
    assert len(figures.activity_periods(points)[1]) <= 60
