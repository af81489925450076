"""The analytics page: activity progress chart and table, practice overview, goals."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    GoalFactory,
    MetricDefinitionFactory,
    MetricValueFactory,
    PracticeSessionFactory,
    SplitDefinitionFactory,
)

UTC = datetime.UTC
TODAY = timezone.now().date()


def page(fractal, **params):
    return reverse("analytics", kwargs={"root_id": fractal.pk}), params


def get(client, fractal, **params):
    address, query = page(fractal, **params)
    return client.get(address, query)


def overview(client, fractal, htmx=True):
    """The whole-history figures the page loads with htmx (or, without it, as a page)."""
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(reverse("analytics-overview", kwargs={"root_id": fractal.pk}), headers=headers)


def completed(root, day, seconds=1800, name=None):
    start = datetime.datetime.combine(day, datetime.time(9), tzinfo=UTC)
    return PracticeSessionFactory(
        root=root,
        name=name or f"Session {day:%d %b}",
        started_at=start,
        ended_at=start + datetime.timedelta(seconds=seconds),
        total_duration_seconds=seconds,
        completed=True,
        completed_at=start + datetime.timedelta(seconds=seconds),
    )


@pytest.fixture
def bench(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Bench press", has_sets=True, metrics_multiplicative=True)
    weight = MetricDefinitionFactory(
        activity=activity, name="weight", unit="kg", is_top_set_metric=True, is_multiplicative=True
    )
    reps = MetricDefinitionFactory(activity=activity, name="reps", unit="reps", is_multiplicative=True)
    for days_ago, sets in [(3, [(60, 10), (80, 5)]), (1, [(85, 3), (75, 6)])]:
        session = completed(fractal, TODAY - datetime.timedelta(days=days_ago), name=f"Bench {days_ago}")
        instance = ActivityInstanceFactory(session=session, activity=activity)
        for number, (kg, count) in enumerate(sets, start=1):
            MetricValueFactory(instance=instance, metric=weight, set_number=number, value=kg)
            MetricValueFactory(instance=instance, metric=reps, set_number=number, value=count)
    return activity, weight, reps


@pytest.fixture
def lever(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Lever", has_splits=True)
    hold = MetricDefinitionFactory(activity=activity, name="hold", unit="s")
    left = SplitDefinitionFactory(activity=activity, name="left")
    right = SplitDefinitionFactory(activity=activity, name="right")
    instance = ActivityInstanceFactory(session=completed(fractal, TODAY), activity=activity)
    MetricValueFactory(instance=instance, metric=hold, split=left, value=4)
    MetricValueFactory(instance=instance, metric=hold, split=right, value=9)
    return activity, hold, left, right


def table_rows(response):
    body = response.content.decode().split('class="data-table points-table"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>(.*?)</tr>", body, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "|", row)).strip() for row in rows]


def test_the_page_charts_the_top_set_metric_of_an_activity_by_default(owner_client, fractal, bench):
    response = get(owner_client, fractal)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bench press: weight over time (kg)" in html
    # top set and average: two markers per session
    progress_svg = html.split('class="chart line-chart"')[1].split("</svg>")[0]
    assert progress_svg.count("<circle") == 4
    assert "Bench 3 · " in progress_svg and "top set 80 kg" in progress_svg


def test_the_table_lists_every_point_with_exact_numbers(owner_client, fractal, bench):
    activity, weight, _ = bench
    response = get(owner_client, fractal, activity=activity.pk, metric=weight.pk)
    rows = table_rows(response)
    assert len(rows) == 2
    assert rows[0].startswith("Bench 3")
    assert "80 kg" in rows[0] and "70 kg" in rows[0] and "|600|" in rows[0] and rows[0].endswith("|2|")
    assert "85 kg" in rows[1] and "80 kg" in rows[1] and "|450|" in rows[1]


def test_the_product_series_is_charted_for_multiplicative_metrics(owner_client, fractal, bench):
    html = get(owner_client, fractal).content.decode()
    assert "Best set product (kg × reps)" in html
    product_svg = html.split("Best set product (kg × reps)")[1].split("</svg>")[0]
    assert product_svg.count("<circle") == 2


def test_choosing_another_metric_charts_it(owner_client, fractal, bench):
    activity, _, reps = bench
    rows = table_rows(get(owner_client, fractal, activity=activity.pk, metric=reps.pk))
    assert "5 reps" in rows[0] and "7.5 reps" in rows[0]


def test_the_split_filter_keeps_one_split(owner_client, fractal, lever):
    activity, hold, left, _ = lever
    both = table_rows(get(owner_client, fractal, activity=activity.pk, metric=hold.pk))
    assert "9 s" in both[0] and "6.5 s" in both[0]
    only_left = table_rows(get(owner_client, fractal, activity=activity.pk, metric=hold.pk, split=left.pk))
    assert "|4 s|" in only_left[0] and "9 s" not in only_left[0]


def test_a_metric_of_another_activity_is_a_form_error(owner_client, fractal, bench, lever):
    activity, _, _ = bench
    _, hold, _, _ = lever
    response = get(owner_client, fractal, activity=activity.pk, metric=hold.pk)
    assert response.status_code == 400
    assert "Choose a metric of the chosen activity." in response.content.decode()


def test_an_activity_of_another_fractal_is_a_form_error(owner_client, fractal, stranger_fractal, bench):
    foreign = ActivityDefinitionFactory(root=stranger_fractal, name="Secret lift")
    response = get(owner_client, fractal, activity=foreign.pk)
    assert response.status_code == 400
    assert "Secret lift" not in response.content.decode()


def test_practice_overview_shows_streaks_totals_and_weekly_charts(owner_client, fractal, bench):
    completed(fractal, TODAY, seconds=3600)
    html = overview(owner_client, fractal).content.decode()
    # sessions 3 days ago, yesterday and today
    assert re.search(r'data-stat="current-streak">\s*2 days<', html)
    assert re.search(r'data-stat="longest-streak">\s*2 days<', html)
    assert "3 completed of 3" in html
    assert "2 h 00 min" in html
    html = get(owner_client, fractal).content.decode()
    assert "Completed sessions per week" in html
    this_week = TODAY - datetime.timedelta(days=TODAY.weekday())
    assert f"Week of {this_week:%d %b %Y}: " in html


def test_goals_section_shows_levels_targets_and_deadlines(owner_client, fractal, short_term_goal):
    GoalFactory(parent=short_term_goal, name="Done", completed=True, completed_at=timezone.now())
    GoalFactory(parent=short_term_goal, name="Soon", deadline=TODAY + datetime.timedelta(days=3))
    html = overview(owner_client, fractal).content.decode()
    assert 'data-level="ImmediateGoal">1 / 2<' in html
    assert "0</strong> met, <strong>0</strong> open" in html
    assert "Soon" in html


def test_text_from_the_user_is_escaped_inside_the_chart(owner_client, fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="<script>x</script>")
    metric = MetricDefinitionFactory(activity=activity, name="m", unit="<b>u</b>")
    instance = ActivityInstanceFactory(session=completed(fractal, TODAY, name="<i>s</i>"), activity=activity)
    MetricValueFactory(instance=instance, metric=metric, value=3)
    html = get(owner_client, fractal).content.decode()
    assert "<script>x</script>" not in html
    assert "<i>s</i>" not in html
    assert "&lt;i&gt;s&lt;/i&gt;" in html


def test_the_page_without_any_activity_explains_what_to_do(owner_client, fractal):
    html = get(owner_client, fractal).content.decode()
    assert "Add an activity with metrics" in html


def test_the_page_runs_the_same_number_of_queries_for_few_and_many_sessions(
    owner_client, fractal, bench, short_term_goal, django_assert_max_num_queries, django_assert_num_queries
):
    activity, weight, reps = bench

    def add(count):
        for index in range(count):
            session = completed(fractal, TODAY - datetime.timedelta(days=index % 40))
            instance = ActivityInstanceFactory(session=session, activity=activity)
            MetricValueFactory(instance=instance, metric=weight, set_number=1, value=50 + index)
            MetricValueFactory(instance=instance, metric=reps, set_number=1, value=5)
            GoalFactory(parent=short_term_goal, deadline=TODAY + datetime.timedelta(days=index))

    add(3)
    get(owner_client, fractal)
    with django_assert_max_num_queries(40) as few:
        get(owner_client, fractal, activity=activity.pk, metric=weight.pk)
    add(30)
    with django_assert_num_queries(len(few.captured_queries)):
        get(owner_client, fractal, activity=activity.pk, metric=weight.pk)


def test_the_page_is_the_owners_only(owner_client, stranger_client, anonymous_client, fractal, bench):
    assert get(owner_client, fractal).status_code == 200
    assert get(stranger_client, fractal).status_code == 404
    response = get(anonymous_client, fractal)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the overview: whole-history figures loaded by the page -------------------------------


def test_the_page_loads_the_overview_with_htmx_and_links_to_it_without(owner_client, fractal, bench):
    html = get(owner_client, fractal).content.decode()
    address = reverse("analytics-overview", kwargs={"root_id": fractal.pk})
    assert f'hx-get="{address}" hx-trigger="load"' in html
    assert f'<a href="{address}">' in html
    assert 'data-stat="longest-streak"' not in html  # the page itself reads no whole history


def test_the_overview_fragment_swaps_the_goals_section_out_of_band(owner_client, fractal, bench):
    response = overview(owner_client, fractal)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<dl class="stat-grid" id="practice-stats">')
    assert '<section class="analytics-section" id="goals" hx-swap-oob="true">' in html
    assert "HX-Request" in response["Vary"]


def test_the_overview_without_javascript_is_a_page_with_every_figure(owner_client, fractal, bench):
    response = overview(owner_client, fractal, htmx=False)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Analytics overview" in html
    assert re.search(r'data-stat="longest-streak">\s*1 day<', html)  # 3 days ago and yesterday
    assert "2 completed of 2" in html
    assert "hx-swap-oob" not in html
    assert reverse("analytics", kwargs={"root_id": fractal.pk}) in html


def test_the_overview_is_the_owners_only(owner_client, stranger_client, anonymous_client, fractal, bench):
    assert overview(owner_client, fractal).status_code == 200
    assert overview(stranger_client, fractal).status_code == 404
    assert overview(stranger_client, fractal, htmx=False).status_code == 404
    response = overview(anonymous_client, fractal)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_overview_runs_the_same_number_of_queries_for_few_and_many_sessions(
    owner_client, fractal, bench, short_term_goal, django_assert_max_num_queries, django_assert_num_queries
):
    activity, weight, _ = bench

    def add(count):
        for index in range(count):
            session = completed(fractal, TODAY - datetime.timedelta(days=index % 40))
            instance = ActivityInstanceFactory(session=session, activity=activity)
            MetricValueFactory(instance=instance, metric=weight, set_number=1, value=50)
            GoalFactory(parent=short_term_goal, deadline=TODAY + datetime.timedelta(days=index))
        PracticeSessionFactory(root=fractal).delete()

    add(3)
    overview(owner_client, fractal)
    with django_assert_max_num_queries(20) as few:
        overview(owner_client, fractal)
    add(30)
    with django_assert_num_queries(len(few.captured_queries)):
        overview(owner_client, fractal)


# --- menus ----------------------------------------------------------------------------------


def _menu(html, name):
    return html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]


def test_the_metric_and_split_menus_offer_the_charted_activitys_own(owner_client, fractal, bench, lever):
    activity, hold, _, _ = lever
    html = get(owner_client, fractal, activity=activity.pk, metric=hold.pk).content.decode()
    assert _menu(html, "metric").count("<option") == 1 + 1  # the empty choice and "hold"
    assert f'<option value="{hold.pk}" selected>Lever: hold (s)</option>' in _menu(html, "metric")
    assert "Bench press" not in _menu(html, "metric")
    split_menu = _menu(html, "split")
    assert "All splits" in split_menu and "Lever: left" in split_menu and "Lever: right" in split_menu
    # every activity of the library stays in its menu
    activity_menu = _menu(html, "activity")
    assert f'<option value="{activity.pk}" selected>Lever</option>' in activity_menu
    assert "Bench press" in activity_menu


def test_a_refused_metric_leaves_the_picked_activitys_metrics_in_the_menu(owner_client, fractal, bench, lever):
    _, weight, _ = bench
    activity = lever[0]
    response = get(owner_client, fractal, activity=activity.pk, metric=weight.pk)
    assert response.status_code == 400
    metric_menu = _menu(response.content.decode(), "metric")
    assert "Lever: hold" in metric_menu and "Bench press" not in metric_menu


def test_the_default_chart_is_the_first_activity_by_name_that_has_metrics(owner_client, fractal, bench):
    ActivityDefinitionFactory(root=fractal, name="Apnea walk")  # first by name, but no metric
    html = get(owner_client, fractal).content.decode()
    assert "Bench press: weight over time (kg)" in html
    assert "selected>Bench press</option>" in _menu(html, "activity")


def test_the_menus_run_the_same_number_of_queries_for_a_small_and_a_big_library(
    owner_client, fractal, bench, django_assert_num_queries
):
    activity, weight, _ = bench
    get(owner_client, fractal, activity=activity.pk, metric=weight.pk)
    with CaptureQueriesContext(connection) as few:
        get(owner_client, fractal, activity=activity.pk, metric=weight.pk)
    for index in range(25):
        other = ActivityDefinitionFactory(root=fractal, name=f"Drill {index:02d}")
        MetricDefinitionFactory(activity=other, name="reps")
        SplitDefinitionFactory(activity=other, name="left")
    with django_assert_num_queries(len(few.captured_queries)):
        html = get(owner_client, fractal, activity=activity.pk, metric=weight.pk).content.decode()
    assert _menu(html, "activity").count("<option") == 1 + 26
    assert _menu(html, "metric").count("<option") == 1 + 2
