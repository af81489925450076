"""The analytics pages beyond the activity chart: the practice calendar's day links, where the
time goes, goals over time, the bucketed chart of a long series and every CSV download."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import Profile
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    GoalFactory,
    MetricDefinitionFactory,
    MetricValueFactory,
    PracticeSessionFactory,
    SessionTemplateFactory,
    TemplateSectionFactory,
)

UTC = datetime.UTC
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TABLES = [
    "series",
    "series-chart",
    "activity-periods",
    "heatmap",
    "weekly",
    "time-goals",
    "time-activities",
    "time-groups",
    "templates",
    "sections",
    "goals-completed",
    "goals-open",
    "targets",
]


def in_new_york(user, week_start=0):
    profile = Profile.for_user(user)
    profile.time_zone, profile.week_start = "America/New_York", week_start
    profile.save()


def completed(root, moment, seconds=1800, goals=None, name=None, template=None):
    return PracticeSessionFactory(
        root=root,
        name=name or f"Session {moment:%d %b %H:%M}",
        started_at=moment,
        ended_at=moment + datetime.timedelta(seconds=seconds),
        total_duration_seconds=seconds,
        completed=True,
        completed_at=moment + datetime.timedelta(seconds=seconds),
        goals=goals,
        template=template,
    )


@pytest.fixture
def bench(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Bench press", has_sets=True, metrics_multiplicative=True)
    weight = MetricDefinitionFactory(
        activity=activity, name="weight", unit="kg", is_top_set_metric=True, is_multiplicative=True
    )
    reps = MetricDefinitionFactory(activity=activity, name="reps", unit="reps", is_multiplicative=True)
    return activity, weight, reps


def lift(fractal, bench, moment, sets, **fields):
    activity, weight, reps = bench
    instance = ActivityInstanceFactory(session=completed(fractal, moment, **fields), activity=activity)
    for number, (kg, count) in enumerate(sets, start=1):
        MetricValueFactory(instance=instance, metric=weight, set_number=number, value=kg)
        MetricValueFactory(instance=instance, metric=reps, set_number=number, value=count)
    return instance.session


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def download(client, fractal, table, **params):
    return client.get(reverse("analytics-csv", kwargs={"root_id": fractal.pk, "table": table}), params)


# --- practice calendar ---------------------------------------------------------------------


def test_a_calendar_day_links_to_the_sessions_list_of_that_local_day(owner, owner_client, fractal):
    in_new_york(owner)
    today = timezone.localdate(timezone=NEW_YORK)
    yesterday = today - datetime.timedelta(days=1)
    late = datetime.datetime.combine(yesterday, datetime.time(23, 30), tzinfo=NEW_YORK)  # next day in UTC
    completed(fractal, late, name="Late lever session")
    completed(fractal, late - datetime.timedelta(days=3), name="Earlier session")
    html = owner_client.get(reverse("analytics", kwargs={"root_id": fractal.pk})).content.decode()
    sessions = reverse("session-list", kwargs={"root_id": fractal.pk})
    link = f"{sessions}?start={yesterday:%Y-%m-%d}&amp;end={yesterday:%Y-%m-%d}"
    assert f'<a href="{link}"><rect class="h' in html
    assert f'data-date="{today:%Y-%m-%d}"' in html
    listing = owner_client.get(link.replace("&amp;", "&")).content.decode()
    assert "Late lever session" in listing and "Earlier session" not in listing


@pytest.mark.parametrize(("week_start", "weekday"), [(0, "Tue"), (6, "Mon")])
def test_the_calendars_first_row_is_the_users_first_weekday(owner, owner_client, fractal, week_start, weekday):
    in_new_york(owner, week_start)
    html = owner_client.get(reverse("analytics", kwargs={"root_id": fractal.pk})).content.decode()
    heatmap = html.split('class="chart heatmap"')[1].split("</svg>")[0]
    # rows 1, 3 and 5 are labelled: Tue/Thu/Sat for Monday weeks, Mon/Wed/Fri for Sunday weeks
    assert heatmap.split('<text class="tick"')[1].split(">")[1].startswith(weekday)


# --- bucketing -----------------------------------------------------------------------------


def test_a_long_series_is_drawn_per_week_and_the_page_stays_small(owner_client, fractal, bench):
    activity, weight, _ = bench
    start = datetime.datetime(2025, 1, 6, 12, tzinfo=UTC)
    for index in range(200):
        lift(fractal, bench, start + datetime.timedelta(days=index * 2), [(50 + index % 9, 5), (40, 8)])
    response = owner_client.get(
        reverse("analytics", kwargs={"root_id": fractal.pk}), {"activity": activity.pk, "metric": weight.pk}
    )
    html = response.content.decode()
    assert 'data-resolution="week"' in html
    progress_svg = html.split('class="chart line-chart"')[1].split("</svg>")[0]
    assert progress_svg.count("<circle") <= 2 * 120
    assert "min 50" in progress_svg and "session(s)" in progress_svg
    assert len(response.content) < 200_000
    # the table shows one page of sessions, the latest by default
    assert "Every session, page 4 of 4" in html
    assert html.count("<tr><td>Session ") == 50


# --- where the time goes and goals over time ---------------------------------------------------


def test_the_time_page_shows_time_per_goal_activity_and_template_for_the_range(owner_client, fractal, short_term_goal):
    template = SessionTemplateFactory(root=fractal, name="Lever day")
    TemplateSectionFactory(template=template, name="Warm-up", planned_minutes=10)
    completed(fractal, datetime.datetime(2026, 3, 10, 12, tzinfo=UTC), 3600, goals=[short_term_goal], template=template)
    completed(fractal, datetime.datetime(2026, 1, 1, 12, tzinfo=UTC), 600, goals=[short_term_goal])
    response = owner_client.get(
        reverse("analytics-time", kwargs={"root_id": fractal.pk}), {"start": "2026-03-01", "end": "2026-03-31"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Front lever: 1 h 00 min" in html  # the goal's bar tooltip: only the March session
    assert "<td>Lever day</td><td>1</td><td>1 h 00 min</td><td>1 h 00 min</td>" in html
    assert "<td>Lever day</td><td>Warm-up</td><td>10 min</td>" in html


def test_a_backwards_range_is_a_form_error(owner_client, fractal):
    response = owner_client.get(
        reverse("analytics-time", kwargs={"root_id": fractal.pk}), {"start": "2026-03-31", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_the_goals_page_shows_completed_per_month_open_by_age_and_targets(owner_client, fractal, short_term_goal):
    done = GoalFactory(parent=short_term_goal, name="Tuck 10 s")
    done.completed, done.completed_at = True, timezone.now()
    done.save()
    html = owner_client.get(reverse("analytics-goals", kwargs={"root_id": fractal.pk})).content.decode()
    assert f"{timezone.now():%B %Y}: 1 goal(s) completed" in html
    assert "<td>under a week</td>" in html
    assert 'data-stat="targets"><strong>0</strong> met, <strong>0</strong> open' in html


# --- CSV -----------------------------------------------------------------------------------


def test_the_series_csv_has_every_session_with_exact_numbers(owner, owner_client, fractal, bench):
    in_new_york(owner)
    activity, weight, _ = bench
    # 22:00 in New York on 15 Nov is 03:00 UTC on 16 Nov: the local date is the 15th.
    lift(fractal, bench, datetime.datetime(2026, 11, 15, 22, tzinfo=NEW_YORK), [(60, 10), (80, 5)], name="Sunday")
    rows = csv_rows(download(owner_client, fractal, "series", activity=activity.pk, metric=weight.pk))
    assert [
        (r["session_name"], r["local_date"], r["top_set"], r["average"], r["product"], r["volume"], r["sets"])
        for r in rows
    ] == [("Sunday", "2026-11-15", "80", "70", "600", "1000", "2")]
    periods = csv_rows(download(owner_client, fractal, "activity-periods", activity=activity.pk, metric=weight.pk))
    assert periods == [
        {
            "period": "week",
            "start": "2026-11-09",
            "sessions": "1",
            "volume": "1000",
            "best": "80",
            "best_product": "600",
        }
    ]


def test_the_chart_csv_of_a_long_series_is_its_buckets(owner_client, fractal, bench):
    activity, weight, _ = bench
    start = datetime.datetime(2025, 1, 6, 12, tzinfo=UTC)  # a Monday
    for index in range(130):
        lift(fractal, bench, start + datetime.timedelta(days=index), [(50 + index % 7, 5)])
    rows = csv_rows(download(owner_client, fractal, "series-chart", activity=activity.pk, metric=weight.pk))
    assert rows[0]["period"] == "week" and rows[0]["start"] == "2025-01-06" and rows[0]["end"] == "2025-01-12"
    assert (rows[0]["sessions"], rows[0]["top_set_best"], rows[0]["top_set_min"], rows[0]["average_mean"]) == (
        "7",
        "56",
        "50",
        "53",
    )
    assert sum(int(row["sessions"]) for row in rows) == 130
    assert len(csv_rows(download(owner_client, fractal, "series", activity=activity.pk, metric=weight.pk))) == 130


def test_the_time_csv_parses_back_to_the_shared_and_rolled_up_seconds(owner_client, fractal, short_term_goal):
    other = GoalFactory(parent=short_term_goal.parent, name="Back lever")
    completed(fractal, timezone.now() - datetime.timedelta(days=1), 1000, goals=[short_term_goal, other])
    rows = {row["goal"]: row for row in csv_rows(download(owner_client, fractal, "time-goals"))}
    assert rows["Front lever"]["seconds"] == "500" and rows["Back lever"]["seconds"] == "500"
    assert rows["Levers"]["seconds"] == "1000" and rows["Levers"]["own_seconds"] == "0"
    assert rows["Get strong"]["depth"] == "0"


def test_the_heatmap_csv_has_a_row_per_day_up_to_today(owner_client, fractal):
    completed(fractal, timezone.now() - datetime.timedelta(hours=1), 1200)
    rows = csv_rows(download(owner_client, fractal, "heatmap"))
    assert 365 <= len(rows) <= 371
    assert rows[-1]["date"] == timezone.localdate(timezone=UTC).isoformat()
    assert sum(int(row["seconds"]) for row in rows) == 1200


def test_a_csv_of_a_series_without_a_choice_or_of_a_foreign_activity_is_400(owner_client, fractal, stranger_fractal):
    assert download(owner_client, fractal, "series").status_code == 400
    foreign = ActivityDefinitionFactory(root=stranger_fractal)
    metric = MetricDefinitionFactory(activity=foreign)
    assert download(owner_client, fractal, "series", activity=foreign.pk, metric=metric.pk).status_code == 400
    assert download(owner_client, fractal, "time-goals", start="2026-02-30").status_code == 400
    assert download(owner_client, fractal, "no-such-chart").status_code == 404


# --- ownership and query counts ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["analytics-time", "analytics-goals"])
def test_the_new_pages_are_the_owners_only(owner_client, stranger_client, anonymous_client, fractal, name):
    address = reverse(name, kwargs={"root_id": fractal.pk})
    assert owner_client.get(address).status_code == 200
    assert stranger_client.get(address).status_code == 404
    response = anonymous_client.get(address)
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("table", TABLES)
def test_every_csv_is_the_owners_only(owner_client, stranger_client, anonymous_client, fractal, bench, table):
    activity, weight, _ = bench
    params = {"activity": activity.pk, "metric": weight.pk}
    assert download(owner_client, fractal, table, **params).status_code == 200
    assert download(stranger_client, fractal, table, **params).status_code == 404
    assert download(anonymous_client, fractal, table, **params).status_code == 302


def test_the_pages_and_downloads_run_the_same_number_of_queries_for_few_and_many_sessions(
    owner, owner_client, fractal, bench, short_term_goal, count_queries
):
    in_new_york(owner)
    activity, weight, _ = bench
    template = SessionTemplateFactory(root=fractal)
    TemplateSectionFactory(template=template, name="Main", planned_minutes=20)
    addresses = [
        (reverse("analytics", kwargs={"root_id": fractal.pk}), {"activity": activity.pk, "metric": weight.pk}),
        (reverse("analytics-time", kwargs={"root_id": fractal.pk}), {}),
        (reverse("analytics-goals", kwargs={"root_id": fractal.pk}), {}),
        *(
            (
                reverse("analytics-csv", kwargs={"root_id": fractal.pk, "table": table}),
                {"activity": activity.pk, "metric": weight.pk},
            )
            for table in TABLES
        ),
    ]

    def add(count, offset):
        for index in range(count):
            moment = timezone.now() - datetime.timedelta(days=offset + index * 3)
            lift(fractal, bench, moment, [(40 + index, 5)], goals=[short_term_goal], template=template)
            GoalFactory(parent=short_term_goal)

    def run(address, params):
        response = owner_client.get(address, params)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    add(3, 0)
    few = [count_queries(lambda a=a, p=p: run(a, p)) for a, p in addresses]
    add(40, 10)
    many = [count_queries(lambda a=a, p=p: run(a, p)) for a, p in addresses]
    assert few == many
