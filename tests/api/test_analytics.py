import datetime
import zoneinfo

import pytest
from django.utils import timezone

from goals.models import GoalLevel
from sessions.models import PracticeSession
from tests.api.conftest import url
from tests.factories import ActivityDefinitionFactory, MetricDefinitionFactory, SplitDefinitionFactory

pytestmark = pytest.mark.django_db


def _practice(fractal, goal, activity, sets, day):
    """A completed session on ``day`` with ``sets`` = [(seconds, weight), ...] of ``activity``."""
    started = datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)
    session = PracticeSession.create(fractal, [goal], f"Practice {day}", started_at=started)
    instance = session.add_activity(activity)
    seconds = activity.metrics.get(name="seconds")
    weight = activity.metrics.get(name="weight")
    cells = []
    for number, (held, load) in enumerate(sets, start=1):
        cells.append({"metric": seconds, "set_number": number, "value": held})
        cells.append({"metric": weight, "set_number": number, "value": load})
    instance.record_values(cells)
    session.complete(when=started + datetime.timedelta(minutes=30))
    return session


def _series(api, fractal, activity, metric, **params):
    query = "&".join(
        f"{key}={value}" for key, value in {"activity": activity.pk, "metric": metric.pk, **params}.items()
    )
    return api.get(url(fractal, f"analytics/activity-series/?{query}"))


def test_activity_series_gives_top_set_average_and_set_count_per_session(api, fractal, short_term_goal, activity):
    day = datetime.date(2026, 2, 2)
    _practice(fractal, short_term_goal, activity, [(8, 10), (12, 5)], day)
    weight = activity.metrics.get(name="weight")
    response = _series(api, fractal, activity, weight)
    assert response.status_code == 200
    [point] = response.json()["points"]
    # The top set is the one with the most seconds (the top-set metric): its weight is 5.
    assert point["top_set"] == 5
    assert point["average"] == 7.5
    assert point["sets"] == 2


def test_activity_series_date_range_is_inclusive(api, fractal, short_term_goal, activity):
    for day in (datetime.date(2026, 2, 2), datetime.date(2026, 2, 9)):
        _practice(fractal, short_term_goal, activity, [(8, 10)], day)
    seconds = activity.metrics.get(name="seconds")
    response = _series(api, fractal, activity, seconds, start="2026-02-09", end="2026-02-09")
    assert [p["session_name"] for p in response.json()["points"]] == ["Practice 2026-02-09"]


def test_activity_series_bad_inputs_are_400(api, fractal, activity, plain_activity, stranger_fractal):
    seconds = activity.metrics.get(name="seconds")
    foreign_activity = ActivityDefinitionFactory(root=stranger_fractal)
    foreign_metric = MetricDefinitionFactory(activity=foreign_activity)
    assert _series(api, fractal, activity, plain_activity.metrics.get()).status_code == 400
    assert _series(api, fractal, foreign_activity, foreign_metric).status_code == 400
    assert _series(api, fractal, activity, seconds, start="02/02/2026").status_code == 400
    assert _series(api, fractal, activity, seconds, start="2026-02-09", end="2026-02-01").status_code == 400
    other_split = SplitDefinitionFactory(activity=ActivityDefinitionFactory(root=fractal, has_splits=True))
    assert _series(api, fractal, activity, seconds, split=other_split.pk).status_code == 400
    assert api.get(url(fractal, "analytics/activity-series/")).status_code == 400


@pytest.mark.parametrize("count", [3, 30])
def test_activity_series_query_count_does_not_grow(
    api, fractal, short_term_goal, activity, count, django_assert_num_queries
):
    start = datetime.date(2026, 1, 1)
    for index in range(count):
        _practice(fractal, short_term_goal, activity, [(8, 10), (9, 11)], start + datetime.timedelta(days=index))
    seconds = activity.metrics.get(name="seconds")
    # savepoint, fractal, activity, metric, metrics of the activity, values folded per session, release
    with django_assert_num_queries(7):
        response = _series(api, fractal, activity, seconds)
    assert len(response.json()["points"]) == count


def test_weekly_counts_completed_sessions_per_week(api, fractal, short_term_goal, activity):
    today = timezone.now().date()
    _practice(fractal, short_term_goal, activity, [(8, 10)], today)
    response = api.get(url(fractal, "analytics/weekly/?weeks=4"))
    assert response.status_code == 200
    weeks = response.json()["weeks"]
    assert len(weeks) == 4
    assert weeks[-1]["sessions"] == 1 and weeks[-1]["seconds"] == 1800
    assert api.get(url(fractal, "analytics/weekly/?weeks=0")).status_code == 400
    assert api.get(url(fractal, "analytics/weekly/?weeks=many")).status_code == 400


def test_streaks_count_consecutive_days(api, fractal, short_term_goal, activity):
    today = timezone.now().date()
    for offset in (0, 1):
        _practice(fractal, short_term_goal, activity, [(8, 10)], today - datetime.timedelta(days=offset))
    assert api.get(url(fractal, "analytics/streaks/")).json() == {"current": 2, "longest": 2}


def test_summary_has_totals_levels_targets_and_deadlines(api, fractal, everything, short_term_goal):
    short_term_goal.deadline = timezone.now().date() + datetime.timedelta(days=3)
    short_term_goal.save()
    body = api.get(url(fractal, "analytics/summary/")).json()
    assert body["totals"]["sessions"] == 1
    assert [row["level"] for row in body["completed_per_level"]] == [level.value for level in GoalLevel]
    assert body["targets_open"] == 1 and body["targets_met"] == 0
    assert [goal["id"] for goal in body["upcoming_deadlines"]] == [str(short_term_goal.pk)]


@pytest.mark.parametrize(
    ("utc_now", "listed"),
    [
        # 03:30 UTC on 18 Nov is 22:30 on 17 Nov in New York: a deadline of 17 Nov is still ahead.
        (datetime.datetime(2026, 11, 18, 3, 30, tzinfo=datetime.UTC), ["Today in New York", "Tomorrow"]),
        # 05:30 UTC is 00:30 on 18 Nov there: 17 Nov has passed.
        (datetime.datetime(2026, 11, 18, 5, 30, tzinfo=datetime.UTC), ["Tomorrow"]),
    ],
)
def test_summary_deadlines_start_from_today_in_the_users_zone(
    api, owner, fractal, short_term_goal, monkeypatch, utc_now, listed
):
    from goals.models import Profile
    from tests.factories import GoalFactory

    profile = Profile.for_user(owner)
    profile.time_zone = "America/New_York"
    profile.save()
    owner.refresh_from_db()
    GoalFactory(parent=short_term_goal, name="Today in New York", deadline=datetime.date(2026, 11, 17))
    GoalFactory(parent=short_term_goal, name="Tomorrow", deadline=datetime.date(2026, 11, 18))
    GoalFactory(parent=short_term_goal, name="Yesterday", deadline=datetime.date(2026, 11, 16))
    monkeypatch.setattr(timezone, "now", lambda: utc_now)
    body = api.get(url(fractal, "analytics/summary/")).json()
    assert [goal["name"] for goal in body["upcoming_deadlines"]] == listed


def test_weekly_weeks_start_on_the_users_chosen_weekday_in_their_zone(api, owner, fractal):
    from goals.models import Profile

    profile = Profile.for_user(owner)
    profile.time_zone, profile.week_start = "America/New_York", 6
    profile.save()
    owner.refresh_from_db()  # forget the profile cached on the fixture's user
    response = api.get(url(fractal, "analytics/weekly/?weeks=2"))
    assert response.status_code == 200
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("America/New_York"))
    starts = [datetime.date.fromisoformat(week["week_start"]) for week in response.json()["weeks"]]
    assert all(start.weekday() == 6 for start in starts)
    assert starts[-1] <= today < starts[-1] + datetime.timedelta(days=7)
