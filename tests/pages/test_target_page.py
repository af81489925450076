"""The target page: the rule in words, the chart of each kind, the sessions that counted, the CSV."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from activities.models import TargetKind
from goals.models import GoalLevel
from insights.target_charts import WeekBar, progress_chart, weeks_chart
from insights.target_history import target_history, week_bars
from sessions.models import PracticeSessionGoal
from sessions.targets import target_progress
from tests.factories import (
    ActivityDefinitionFactory,
    GoalFactory,
    MetricDefinitionFactory,
    ProgramBlockFactory,
    ProgramFactory,
    TargetFactory,
)
from tests.pages.target_history_data import (
    NEW_YORK,
    at,
    distance_history,
    frequency_history,
    log,
    pace_history,
    set_zone,
    squat_history,
)
from tests.pages.target_history_data import target as make_target

pytestmark = pytest.mark.django_db


def page_url(target, goal=None, root=None):
    goal = goal or target.goal
    return reverse(
        "target-detail",
        kwargs={"root_id": (root or goal.root).pk, "goal_id": goal.pk, "target_id": target.pk},
    )


def csv_url(target):
    return reverse(
        "target-history-csv", kwargs={"root_id": target.root_id, "goal_id": target.goal_id, "target_id": target.pk}
    )


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def table_names(response):
    return [row["name"] for row in response.context["rows"]]


# --- threshold ---------------------------------------------------------------------------------


def test_a_threshold_target_shows_its_rule_best_values_and_the_sessions_that_met_it(owner_client, short_term_goal):
    target, sessions, _ = squat_history(short_term_goal)
    response = owner_client.get(page_url(target))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Squat: weight ≥ 100 kg and reps ≥ 5 in one set" in page
    assert "all time" in page
    history = response.context["history"]
    assert [(rule.metric.name, rule.best, rule.reached) for rule in history.rules] == [
        ("weight", 105.0, True),
        ("reps", 8.0, True),
    ]
    # Newest first: the open, elsewhere, bench and deleted sessions do not count; S6 (a goal
    # below) does.
    assert table_names(response) == ["S6", "S3", "S2", "S1"]
    assert [(row["name"], row["cells"], row["met"]) for row in response.context["rows"]] == [
        ("S6", ["80 kg", "8"], False),
        ("S3", ["105 kg", "2"], False),
        ("S2", ["100 kg", "5"], True),
        ("S1", ["100 kg", "5"], False),  # its best weight and best reps were in different sets
    ]
    assert history.achievement.session_id == sessions["S2"].pk
    assert f'href="{reverse("session-detail", args=[target.root_id, sessions["S2"].pk])}"' in page
    assert "Met 8 Mar 2026" in page


def test_a_threshold_chart_per_metric_has_the_line_the_points_meeting_it_and_the_achievement(
    owner_client, short_term_goal
):
    target, _, _ = squat_history(short_term_goal)
    response = owner_client.get(page_url(target))
    weight_chart, reps_chart = (chart["svg"] for chart in response.context["charts"])
    for svg, label in ((weight_chart, "weight ≥ 100 kg"), (reps_chart, "reps ≥ 5")):
        assert svg.count('class="target-line"') == 1
        assert f">{label}</text>" in svg
        assert svg.count('class="point met"') == 1  # S2, the one session meeting the whole rule
        assert svg.count('class="point"') == 3
        assert svg.count('class="achieved-mark"') == 1
    page = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
    assert " style=" not in page and "<style" not in page


def test_a_lower_is_better_target_in_a_date_range_counts_the_users_local_days(owner, owner_client, short_term_goal):
    set_zone(owner, "America/New_York")
    target, sessions, _ = pace_history(short_term_goal)
    response = owner_client.get(page_url(target))
    history = response.context["history"]
    assert history.rule_text == "Run: pace ≤ 5 min/km"
    assert history.scope_text == "1 Mar – 31 Mar 2026"
    # A is 28 February in New York and D is 1 April: only B and C count.
    assert table_names(response) == ["C", "B"]
    assert [(row["cells"], row["met"]) for row in response.context["rows"]] == [
        (["4.9 min/km"], True),
        (["5.4 min/km"], False),
    ]
    (rule,) = history.rules
    assert (rule.best, rule.reached) == (4.9, True)  # the lowest, not the highest
    assert "Lowest pace: <strong>4.9 min/km</strong>" in response.content.decode()
    assert history.first_met["session_id"] == sessions["C"].pk
    assert response.context["rows"][0]["when"].tzinfo == NEW_YORK
    assert "31 Mar 2026 22:00" in response.content.decode()  # C, in the user's zone
    (chart,) = response.context["charts"]
    assert "pace ≤ 5 min/km" in chart["svg"] and chart["svg"].count('class="point met"') == 1


def test_an_equals_target_shows_the_closest_value_and_agrees_with_the_goal_page(owner_client, short_term_goal):
    # "reps = 10": the best value is the one nearest 10, not the highest (13 would say "not reached").
    drill = ActivityDefinitionFactory(root=short_term_goal.root, name="Drill", has_sets=True)
    reps = MetricDefinitionFactory(activity=drill, name="reps", unit="")
    target = make_target(short_term_goal, drill, [(reps, "eq", 10)], name="Exactly ten")
    log(short_term_goal, drill, at(2026, 3, 2), [[{reps: 7}, {reps: 12}]], name="A")
    log(short_term_goal, drill, at(2026, 3, 3), [[{reps: 9}, {reps: 10}, {reps: 13}]], name="B")
    log(short_term_goal, drill, at(2026, 3, 4), [[{reps: 11}]], name="C")
    response = owner_client.get(page_url(target))
    history = response.context["history"]
    assert [session["values"] for session in history.sessions] == [[12.0], [10.0], [11.0]]
    (rule,) = history.rules
    assert (rule.best, rule.reached) == (10.0, True)
    assert [session["met"] for session in history.sessions] == [False, True, False]
    assert "Closest reps: <strong>10</strong>" in response.content.decode()
    (progress,) = target_progress([target])
    assert [threshold.best for threshold in progress.thresholds] == [rule.best]
    rows = csv_rows(owner_client.get(csv_url(target)))
    assert [(row["session_name"], row["reps closest"], row["met"]) for row in rows] == [
        ("A", "12", "no"),
        ("B", "10", "yes"),
        ("C", "11", "no"),
    ]


def test_the_same_range_in_utc_counts_other_sessions(owner_client, short_term_goal):
    target, _, _ = pace_history(short_term_goal)
    response = owner_client.get(page_url(target))
    assert table_names(response) == ["B", "A"]
    assert response.context["history"].rules[0].best == 4.5


# --- sum -------------------------------------------------------------------------------------


def test_a_sum_target_shows_each_sessions_contribution_and_the_running_total(owner_client, short_term_goal):
    target, sessions, _ = distance_history(short_term_goal)
    response = owner_client.get(page_url(target))
    history = response.context["history"]
    assert f"{history.rule_text}, {history.scope_text}" == "Run: distance summed ≥ 50 km, 1 Mar – 31 May 2026"
    assert response.context["columns"] == ["distance added", "distance total"]
    assert [(row["name"], row["cells"], row["met"]) for row in response.context["rows"]] == [
        ("third", ["10 km", "55 km"], True),
        ("double", ["25 km", "45 km"], False),
        ("first", ["20 km", "20 km"], False),
    ]
    (rule,) = history.rules
    assert (rule.total, rule.reached) == (55.0, True)
    assert history.first_met["session_id"] == sessions["third"].pk
    (chart,) = response.context["charts"]
    assert "total 50 km" in chart["svg"]
    assert chart["svg"].count('class="point met"') == 1
    assert "55 km" in chart["svg"]  # the running total in the last point's tooltip
    assert "<strong>55 km</strong> of 50 km" in response.content.decode()


# --- frequency -------------------------------------------------------------------------------


def test_a_frequency_target_counts_sessions_per_week_and_shows_the_run(owner_client, short_term_goal):
    target, _, _ = frequency_history(short_term_goal)
    response = owner_client.get(page_url(target))
    history = response.context["history"]
    assert history.rule_text == "Run: 2 sessions a week for 2 weeks in a row"
    assert [(week["start"], week["sessions"], week["met"], week["in_run"]) for week in history.weeks] == [
        (datetime.date(2026, 3, 2), 2, True, False),
        (datetime.date(2026, 3, 9), 1, False, False),
        (datetime.date(2026, 3, 16), 2, True, True),
        (datetime.date(2026, 3, 23), 3, True, True),
    ]
    assert history.achieved_run == {"length": 2, "start": datetime.date(2026, 3, 16), "end": datetime.date(2026, 3, 23)}
    assert history.met
    assert len(response.context["rows"]) == 8  # the session after the range does not count
    (chart,) = response.context["charts"]
    svg = chart["svg"]
    assert svg.count('class="bar met"') == 1 and svg.count('class="bar met in-run"') == 2
    assert svg.count('class="bar"') == 1
    assert ">2 a week</text>" in svg and 'class="run-band"' in svg
    page = response.content.decode()
    assert "Longest run: <strong>2 weeks</strong>" in page
    assert "3 of 4 weeks reached 2" in page


def test_a_frequency_target_with_a_rule_counts_only_the_sessions_meeting_it(owner_client, short_term_goal):
    target, sessions, _ = frequency_history(short_term_goal, with_rule=True)
    response = owner_client.get(page_url(target))
    history = response.context["history"]
    assert history.rule_text == "Run: 2 sessions a week with distance ≥ 5 km for 2 weeks in a row"
    assert [week["sessions"] for week in history.weeks] == [2, 1, 2, 2]
    assert [row["met"] for row in response.context["rows"] if row["session_id"] == sessions["3-25"].pk] == [False]


def test_frequency_weeks_start_on_the_users_first_weekday(owner, short_term_goal):
    target, _, _ = frequency_history(short_term_goal)
    history = target_history(target, week_start=6, today=datetime.date(2026, 12, 1))
    assert [(week["start"], week["sessions"]) for week in history.weeks] == [
        (datetime.date(2026, 3, 1), 2),
        (datetime.date(2026, 3, 8), 1),
        (datetime.date(2026, 3, 15), 1),
        (datetime.date(2026, 3, 22), 4),
        (datetime.date(2026, 3, 29), 0),
    ]
    assert history.achieved_run is None and not history.met
    assert history.longest_run["length"] == 1


def test_an_all_time_frequency_target_runs_to_this_week_and_counts_the_current_run(short_term_goal):
    target, _, _ = frequency_history(short_term_goal)
    target.scope, target.starts_on, target.ends_on = "all", None, None
    target.save()
    history = target_history(target, today=datetime.date(2026, 4, 1))
    assert [week["sessions"] for week in history.weeks] == [2, 1, 2, 3, 1]  # to the week of 30 March
    # This week (from 30 March) is still going: the run that ended last week is still current.
    assert history.current_run == 2


# --- paging, bucketing, links ------------------------------------------------------------------


def test_the_sessions_table_is_paged_newest_first(owner_client, short_term_goal):
    target, _, _ = distance_history(short_term_goal)
    run = target.activity
    distance = run.metrics.get()
    for day in range(30):
        log(short_term_goal, run, at(2026, 4, 10) + datetime.timedelta(hours=day), [[{distance: 1}]], name=f"n{day}")
    first = owner_client.get(page_url(target))
    assert first.context["page"].paginator.num_pages == 2
    assert table_names(first)[:2] == ["third", "n29"]
    second = owner_client.get(page_url(target) + "?page=2")
    assert table_names(second)[-1] == "first"
    assert owner_client.get(page_url(target) + "?page=oops").status_code == 200


def test_a_long_history_is_bucketed_on_the_chart_but_every_session_is_in_the_table(owner_client, short_term_goal):
    target, _, (weight, reps) = squat_history(short_term_goal)
    start = at(2024, 1, 1)
    for day in range(130):
        log(short_term_goal, target.activity, start + datetime.timedelta(days=day), [[{weight: 60 + day % 7, reps: 5}]])
    response = owner_client.get(page_url(target))
    chart = response.context["charts"][0]
    assert chart["resolution"] == "week"
    assert chart["count"] < 120
    assert response.context["page"].paginator.count == 134


def test_the_goal_page_and_the_map_panel_link_to_each_target_page(owner_client, short_term_goal):
    target, _, _ = squat_history(short_term_goal)
    goal_page = owner_client.get(reverse("goal-detail", args=[short_term_goal.root_id, short_term_goal.pk]))
    assert page_url(target) in goal_page.content.decode()
    panel = owner_client.get(reverse("goal-panel", args=[short_term_goal.root_id, short_term_goal.pk]))
    assert page_url(target) in panel.content.decode()


def test_a_target_without_sessions_says_so(owner_client, short_term_goal):
    target = TargetFactory(goal=short_term_goal)
    response = owner_client.get(page_url(target))
    assert response.status_code == 200
    assert "No completed session of this goal" in response.content.decode()


# --- CSV ---------------------------------------------------------------------------------------


def test_the_csv_has_every_session_with_its_values_and_verdict(owner, owner_client, short_term_goal):
    set_zone(owner, "America/New_York")
    target, sessions, _ = pace_history(short_term_goal)
    rows = csv_rows(owner_client.get(csv_url(target)))
    assert [(row["session_name"], row["local_date"], row["pace lowest"], row["met"]) for row in rows] == [
        ("B", "2026-03-10", "5.4", "no"),
        ("C", "2026-03-31", "4.9", "yes"),
    ]
    assert rows[1]["session_id"] == str(sessions["C"].pk)


def test_the_sum_csv_has_contributions_and_running_totals(owner_client, short_term_goal):
    target, _, _ = distance_history(short_term_goal)
    rows = csv_rows(owner_client.get(csv_url(target)))
    assert [(row["distance added"], row["distance total"], row["met"]) for row in rows] == [
        ("20", "20", "no"),
        ("25", "45", "no"),
        ("10", "55", "yes"),
    ]


def test_the_weeks_csv_of_a_frequency_target(owner_client, short_term_goal):
    target, _, _ = frequency_history(short_term_goal)
    rows = csv_rows(owner_client.get(csv_url(target) + "?table=weeks"))
    assert [(row["week_start"], row["sessions"], row["met"], row["run"]) for row in rows] == [
        ("2026-03-02", "2", "yes", "1"),
        ("2026-03-09", "1", "no", "0"),
        ("2026-03-16", "2", "yes", "1"),
        ("2026-03-23", "3", "yes", "2"),
    ]
    sessions = csv_rows(owner_client.get(csv_url(target)))
    assert sessions[0]["week_start"] == "2026-03-02"


def test_a_bad_csv_table_is_refused(owner_client, short_term_goal):
    target, _, _ = distance_history(short_term_goal)
    assert owner_client.get(csv_url(target) + "?table=nope").status_code == 400
    assert owner_client.get(csv_url(target) + "?table=weeks").status_code == 400


# --- access ------------------------------------------------------------------------------------


def test_strangers_get_not_found_for_the_page_and_the_csv(stranger_client, short_term_goal):
    target, _, _ = distance_history(short_term_goal)
    assert stranger_client.get(page_url(target)).status_code == 404
    assert stranger_client.get(csv_url(target)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(anonymous_client, short_term_goal):
    target, _, _ = distance_history(short_term_goal)
    for address in (page_url(target), csv_url(target)):
        response = anonymous_client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_target_is_found_only_under_its_own_goal_and_fractal(
    owner_client, fractal, short_term_goal, stranger_fractal
):
    target, _, _ = distance_history(short_term_goal)
    other_goal = short_term_goal.parent
    assert owner_client.get(page_url(target, goal=other_goal)).status_code == 404
    assert owner_client.get(page_url(target, root=stranger_fractal)).status_code == 404
    stranger_target = TargetFactory(goal=stranger_fractal)
    assert owner_client.get(page_url(stranger_target, goal=short_term_goal, root=fractal)).status_code == 404


def test_a_deleted_target_is_not_found(owner_client, short_term_goal):
    target, _, _ = distance_history(short_term_goal)
    target.delete()
    assert owner_client.get(page_url(target)).status_code == 404


def test_other_methods_are_not_allowed(owner_client, short_term_goal):
    target, _, _ = distance_history(short_term_goal)
    for address in (page_url(target), csv_url(target)):
        assert owner_client.post(address).status_code == 405
        assert owner_client.delete(address).status_code == 405


# --- queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("builder", [squat_history, distance_history, frequency_history])
def test_the_page_and_csv_run_the_same_queries_for_a_short_and_a_long_history(
    owner_client, short_term_goal, count_queries, builder
):
    target, _, _ = builder(short_term_goal)
    metrics = list(target.activity.metrics.all())

    def add(count):
        for day in range(count):
            when = at(2026, 3, 3, 6) + datetime.timedelta(hours=day)
            log(short_term_goal, target.activity, when, [[dict.fromkeys(metrics, 6)]] * 2)

    def run():
        assert owner_client.get(page_url(target)).status_code == 200
        b"".join(owner_client.get(csv_url(target)).streaming_content)

    add(2)
    few = count_queries(run)
    add(40)
    many = count_queries(run)
    assert few == many


def test_the_chart_text_is_escaped(owner_client, short_term_goal):
    target, sessions, _ = distance_history(short_term_goal)
    sessions["first"].name = "<script>alert(1)</script>"
    sessions["first"].save()
    page = owner_client.get(page_url(target)).content.decode()
    assert "<script>alert" not in page
    assert re.search(r"&lt;script&gt;alert\(1\)&lt;/script&gt;", page)


# --- the subtree and the scope -----------------------------------------------------------------


def test_a_target_on_the_fractal_root_counts_sessions_four_levels_below(fractal, short_term_goal):
    immediate = GoalFactory(parent=short_term_goal, name="Deep goal", level=GoalLevel.IMMEDIATE)
    run = ActivityDefinitionFactory(root=fractal, name="Run")
    distance = MetricDefinitionFactory(activity=run, name="distance", unit="km")
    on_root = make_target(fractal, run, [(distance, "gte", 5)], kind=TargetKind.SUM)
    on_goal = make_target(short_term_goal, run, [(distance, "gte", 5)], kind=TargetKind.SUM)
    log(immediate, run, at(2026, 3, 1), [[{distance: 3}]], name="deep")
    log(short_term_goal, run, at(2026, 3, 2), [[{distance: 4}]], name="short")
    sibling = GoalFactory(parent=short_term_goal.parent, name="Sibling")
    log(sibling, run, at(2026, 3, 3), [[{distance: 6}]], name="sibling")
    assert [row["name"] for row in target_history(on_root).sessions] == ["deep", "short", "sibling"]
    assert [row["name"] for row in target_history(on_goal).sessions] == ["deep", "short"]


def test_a_session_linked_below_only_through_a_trashed_goal_no_longer_counts(fractal, short_term_goal):
    child = GoalFactory(parent=short_term_goal, name="Trashed child", level=GoalLevel.IMMEDIATE)
    sibling = GoalFactory(parent=short_term_goal.parent, name="Sibling")
    run = ActivityDefinitionFactory(root=fractal, name="Run")
    distance = MetricDefinitionFactory(activity=run, name="distance", unit="km")
    rule = make_target(short_term_goal, run, [(distance, "gte", 5)], kind=TargetKind.SUM)
    session = log(child, run, at(2026, 3, 1), [[{distance: 3}]], name="both")
    PracticeSessionGoal(session=session, goal=sibling).save()
    assert [row["name"] for row in target_history(rule).sessions] == ["both"]
    child.delete()
    assert target_history(rule).sessions == []


def test_a_block_scoped_target_names_its_block_and_follows_its_dates(owner_client, fractal, short_term_goal):
    program = ProgramFactory(root=fractal, start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31))
    block = ProgramBlockFactory(
        program=program,
        name="Strength block",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 3, 15),
    )
    run = ActivityDefinitionFactory(root=fractal, name="Run")
    distance = MetricDefinitionFactory(activity=run, name="distance", unit="km")
    rule = make_target(short_term_goal, run, [(distance, "gte", 10)], kind=TargetKind.SUM, scope="block", block=block)
    for day in (1, 2, 15, 16):
        log(short_term_goal, run, at(2026, 3, day), [[{distance: day}]], name=f"day {day}")
    response = owner_client.get(page_url(rule))
    assert response.context["history"].scope_text == "Strength block (2 Mar – 15 Mar 2026)"
    assert table_names(response) == ["day 15", "day 2"]
    block.end_date = datetime.date(2026, 3, 16)
    block.save()
    assert [row["name"] for row in target_history(rule).sessions] == ["day 2", "day 15", "day 16"]


def test_a_frequency_history_longer_than_a_chart_shows_the_best_week_of_each_month(short_term_goal):
    target, _, _ = frequency_history(short_term_goal)
    target.scope, target.starts_on, target.ends_on = "all", None, None
    target.save()
    distance = target.activity.metrics.get()
    log(short_term_goal, target.activity, at(2023, 1, 4), [[{distance: 5}]], name="long ago")
    history = target_history(target, today=datetime.date(2026, 4, 1))
    assert len(history.weeks) > 120
    resolution, bars = week_bars(history)
    assert resolution == "month"
    march = next(bar for bar in bars if bar["start"] == datetime.date(2026, 3, 1))
    # Weeks belong to the month they start in: 2, 9, 16 and 23 March (30 March has 1 session).
    assert (march["sessions"], march["weeks"], march["weeks_met"], march["total"]) == (3, 5, 3, 9)
    assert march["in_run"]


def test_empty_charts_say_why():
    assert "No values recorded in scope yet." in progress_chart(
        [], title="t", line=5, line_label="≥ 5", series_name="Best"
    )
    assert "No weeks in scope yet." in weeks_chart([], title="t", line=2, line_label="2 a week")


def test_chart_labels_are_escaped():
    svg = weeks_chart(
        [WeekBar("<b>", 1, tooltip="<i>tip</i>")], title="<title>", line=2, line_label="<script>x</script>"
    )
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt;" in svg
    assert "&lt;i&gt;tip&lt;/i&gt;" in svg and "&lt;b&gt;" in svg
