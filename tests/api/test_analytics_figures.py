"""The analytics figures from the API: bucketed series, practice calendar, where the time goes,
templates and goals over time, in the user's zone; ownership and flat query counts."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goals.models import Profile
from sessions.models import PracticeSession
from tests.api.conftest import url
from tests.factories import SessionTemplateFactory, TemplateSectionFactory

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
ENDPOINTS = ["heatmap", "time", "templates", "goals-over-time"]


@pytest.fixture
def count_queries():
    def run(action):
        with CaptureQueriesContext(connection) as context:
            action()
        return len(context.captured_queries)

    return run


def _practice(fractal, goal, activity, day, seconds_held=8, hour=10, tz=datetime.UTC, template=None):
    started = datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)
    session = PracticeSession.create(fractal, [goal], f"Practice {day}", started_at=started)
    instance = session.add_activity(activity)
    instance.record_values(
        [
            {"metric": activity.metrics.get(name="seconds"), "set_number": 1, "value": seconds_held},
            {"metric": activity.metrics.get(name="weight"), "set_number": 1, "value": 10},
        ]
    )
    session.complete(when=started + datetime.timedelta(minutes=30))
    if template is not None:
        PracticeSession.objects.filter(pk=session.pk).update(template=template)
    return session


def test_a_long_series_comes_bucketed_and_whole_on_request(api, fractal, short_term_goal, activity):
    seconds = activity.metrics.get(name="seconds")
    first = datetime.date(2025, 1, 6)  # a Monday
    for index in range(125):
        _practice(fractal, short_term_goal, activity, first + datetime.timedelta(days=index), seconds_held=index % 7)
    base = f"analytics/activity-series/?activity={activity.pk}&metric={seconds.pk}"
    body = api.get(url(fractal, base)).json()
    assert body["resolution"] == "week" and body["point_count"] == 125 and body["points"] == []
    assert body["buckets"][0] == {
        "start": "2025-01-06",
        "end": "2025-01-12",
        "count": 7,
        "sets": 7,
        "top_set": 6.0,
        "top_set_min": 0.0,
        "average": 3.0,
        "average_min": 0.0,
        "average_max": 6.0,
        "product": None,
        "product_min": None,
        "volume": 21.0,
    }
    whole = api.get(url(fractal, base + "&bucket=none")).json()
    assert whole["resolution"] == "session" and len(whole["points"]) == 125 and whole["buckets"] == []
    monthly = api.get(url(fractal, base + "&bucket=month")).json()
    assert [bucket["count"] for bucket in monthly["buckets"]][:2] == [26, 28]
    assert api.get(url(fractal, base + "&bucket=decade")).status_code == 400


def test_the_heatmap_is_in_the_users_zone_from_their_first_weekday(api, owner, fractal, short_term_goal, activity):
    profile = Profile.for_user(owner)
    profile.time_zone, profile.week_start = "America/New_York", 6
    profile.save()
    owner.refresh_from_db()
    today = timezone.localdate(timezone=NEW_YORK)
    yesterday = today - datetime.timedelta(days=1)
    _practice(fractal, short_term_goal, activity, yesterday, hour=23, tz=NEW_YORK)  # the next day in UTC
    body = api.get(url(fractal, "analytics/heatmap/")).json()
    assert body["week_start"] == 6
    assert datetime.date.fromisoformat(body["first_day"]).weekday() == 6
    assert body["last_day"] == today.isoformat()
    days = {day["date"]: day for day in body["days"]}
    assert days[yesterday.isoformat()]["sessions"] == 1 and days[yesterday.isoformat()]["minutes"] == 30
    assert days[today.isoformat()]["sessions"] == 0


def test_time_shares_each_session_among_its_goals_up_the_tree(api, fractal, short_term_goal, activity):
    _practice(fractal, short_term_goal, activity, timezone.localdate())
    body = api.get(url(fractal, "analytics/time/")).json()
    seconds = {row["name"]: row["seconds"] for row in body["goals"]}
    assert seconds == {"Get strong": 1800, "Calisthenics": 1800, "Levers": 1800, "Front lever": 1800}
    assert [row["name"] for row in body["activities"]] == ["Front lever hold"]
    assert body["groups"][0]["name"] == "No group"
    empty = api.get(url(fractal, "analytics/time/?start=2020-01-01&end=2020-01-31")).json()
    assert empty["goals"] == [] and empty["start"] == "2020-01-01"
    assert api.get(url(fractal, "analytics/time/?start=2020-02-01&end=2020-01-01")).status_code == 400


def test_templates_give_usage_with_mean_and_median_and_sections(api, fractal, short_term_goal, activity):
    template = SessionTemplateFactory(root=fractal, name="Lever day")
    TemplateSectionFactory(template=template, name="Main", planned_minutes=25)
    for offset in (1, 2):
        _practice(
            fractal,
            short_term_goal,
            activity,
            timezone.localdate() - datetime.timedelta(days=offset),
            template=template,
        )
    body = api.get(url(fractal, "analytics/templates/")).json()
    assert body["templates"] == [
        {"id": str(template.pk), "name": "Lever day", "sessions": 2, "mean_seconds": 1800, "median_seconds": 1800}
    ]
    assert body["sections"][0]["section"] == "Main" and body["sections"][0]["template_planned_minutes"] == 25


def test_goals_over_time_counts_completed_open_and_targets(api, fractal, short_term_goal):
    body = api.get(url(fractal, "analytics/goals-over-time/")).json()
    assert len(body["completed_per_month"]) == 12
    assert sum(band["total"] for band in body["open_by_age"]) == 4
    assert (body["targets_met"], body["targets_open"]) == (0, 0)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_figures_are_the_owners_only(api, stranger_api, anonymous_api, fractal, endpoint):
    address = url(fractal, f"analytics/{endpoint}/")
    assert api.get(address).status_code == 200
    assert stranger_api.get(address).status_code == 404
    assert anonymous_api.get(address).status_code in (401, 403)


def test_the_figures_run_the_same_number_of_queries_for_a_short_and_a_long_history(
    api, fractal, short_term_goal, activity, count_queries
):
    seconds = activity.metrics.get(name="seconds")
    addresses = [url(fractal, f"analytics/{endpoint}/") for endpoint in ENDPOINTS] + [
        url(fractal, f"analytics/activity-series/?activity={activity.pk}&metric={seconds.pk}"),
        url(fractal, f"analytics/activity-periods/?activity={activity.pk}&metric={seconds.pk}"),
    ]

    def add(count, offset):
        for index in range(count):
            _practice(
                fractal, short_term_goal, activity, timezone.localdate() - datetime.timedelta(days=offset + index)
            )

    add(2, 0)
    few = [count_queries(lambda a=a: api.get(a)) for a in addresses]
    add(25, 5)
    many = [count_queries(lambda a=a: api.get(a)) for a in addresses]
    assert few == many
