"""The target form's kinds, operators and scopes, and target progress bars on the goal page and the
goal's panel beside the map."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Target, TargetKind, TargetMetric, TargetOperator, TargetScope
from sessions.models import PracticeSession
from tests.factories import ActivityDefinitionFactory, MetricDefinitionFactory, ProgramBlockFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def create_url(goal):
    return reverse("target-create", kwargs={"root_id": goal.root_id, "goal_id": goal.pk})


def detail(goal):
    return reverse("goal-detail", kwargs={"root_id": goal.root_id, "goal_id": goal.pk})


def panel(goal):
    return reverse("goal-panel", kwargs={"root_id": goal.root_id, "goal_id": goal.pk})


@pytest.fixture
def run(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Easy run")
    distance = MetricDefinitionFactory(activity=activity, name="Distance", unit="km")
    pace = MetricDefinitionFactory(activity=activity, name="Pace", unit="min/km")
    return activity, distance, pace


def completed_session(goal, activity, values, when=None):
    session = PracticeSession.create(goal.root, [goal], "Run")
    session.add_activity(activity).record_values([{"metric": m, "value": v} for m, v in values])
    session.complete(when=when or timezone.now())
    return session


def post(client, goal, activity, **fields):
    return client.post(create_url(goal), {"activity": activity.pk, **fields})


# --- the form ----------------------------------------------------------------------------------


def test_the_form_offers_kind_scope_and_an_operator_per_metric_with_its_script(owner_client, short_term_goal, run):
    activity, distance, _ = run
    page = owner_client.get(create_url(short_term_goal) + f"?activity={activity.pk}").content.decode()
    for name in ("kind", "scope", "times", "weeks", "starts_on", "ends_on", "block", f"operator_{distance.pk}"):
        assert f'name="{name}"' in page
    assert 'data-show-for="kind:frequency"' in page and 'data-show-for="scope:range"' in page
    assert "js/target_form.js" in page
    assert "<script>" not in page


def test_each_rule_names_its_metric_and_unit_once(owner_client, short_term_goal, run):
    activity, _, _ = run
    page = owner_client.get(create_url(short_term_goal) + f"?activity={activity.pk}").content.decode()
    assert 'Distance <span class="muted">(km)</span></label>' in page
    assert 'aria-label="Distance: rule"' in page
    assert "(km) <span" not in page and "(km) (km)" not in page


def test_saving_a_pace_to_beat_within_a_date_range(owner_client, short_term_goal, run):
    activity, _, pace = run
    response = post(
        owner_client,
        short_term_goal,
        activity,
        kind="threshold",
        scope="range",
        starts_on="2026-03-01",
        ends_on="2026-03-31",
        **{f"operator_{pace.pk}": "lte", f"metric_{pace.pk}": "5.5"},
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.scope, target.starts_on, target.ends_on) == (
        TargetScope.RANGE,
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
    )
    assert [(t.metric, t.operator, t.threshold) for t in TargetMetric.objects.filter(target=target)] == [
        (pace, TargetOperator.LTE, 5.5)
    ]


def test_saving_a_frequency_target_over_a_block_without_rules(owner_client, fractal, short_term_goal, run):
    activity, _, _ = run
    block = ProgramBlockFactory(program=ProgramFactory(root=fractal))
    response = post(
        owner_client, short_term_goal, activity, kind="frequency", times="3", weeks="4", scope="block", block=block.pk
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.kind, target.times, target.weeks, target.block) == (TargetKind.FREQUENCY, 3, 4, block)
    assert not TargetMetric.objects.filter(target=target).exists()


def test_fields_of_another_kind_or_scope_are_left_out(owner_client, short_term_goal, run):
    activity, distance, _ = run
    response = post(
        owner_client,
        short_term_goal,
        activity,
        kind="sum",
        times="3",
        weeks="4",
        scope="all",
        starts_on="2026-03-01",
        **{f"metric_{distance.pk}": "50"},
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.kind, target.times, target.weeks, target.starts_on) == (TargetKind.SUM, None, None, None)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": "frequency", "weeks": "4"}, "times"),
        ({"kind": "frequency", "times": "0", "weeks": "4"}, "times"),
        ({"scope": "range", "starts_on": "2026-03-10", "ends_on": "2026-03-01"}, "ends_on"),
        ({"scope": "range", "starts_on": "1899-01-01", "ends_on": "2026-03-01"}, "starts_on"),
        ({"scope": "range", "starts_on": "10/03/2026", "ends_on": "2026-03-01"}, "starts_on"),
        ({"scope": "range", "starts_on": "2026-03-01"}, "starts_on"),
        ({"scope": "block"}, "block"),
        ({"kind": "often"}, "kind"),
    ],
)
def test_bad_kind_or_scope_input_is_shown_on_its_field_and_saves_nothing(
    owner_client, short_term_goal, run, fields, field
):
    activity, distance, _ = run
    response = post(owner_client, short_term_goal, activity, **fields, **{f"metric_{distance.pk}": "5"})
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Target.all_objects.exists()


def test_a_block_of_another_fractal_is_refused(owner_client, short_term_goal, run, stranger_fractal):
    activity, distance, _ = run
    foreign = ProgramBlockFactory(program=ProgramFactory(root=stranger_fractal))
    response = post(
        owner_client, short_term_goal, activity, scope="block", block=foreign.pk, **{f"metric_{distance.pk}": "5"}
    )
    assert "block" in response.context["form"].errors
    assert not Target.all_objects.exists()


def test_a_sum_target_refuses_a_lower_is_better_rule_on_that_rule(owner_client, short_term_goal, run):
    activity, distance, _ = run
    response = post(
        owner_client,
        short_term_goal,
        activity,
        kind="sum",
        **{f"operator_{distance.pk}": "lte", f"metric_{distance.pk}": "50"},
    )
    assert f"operator_{distance.pk}" in response.context["form"].errors
    assert not Target.all_objects.exists()


def test_editing_a_target_shows_its_kind_scope_and_operators(owner_client, fractal, short_term_goal, run):
    activity, _, pace = run
    target = Target(goal=short_term_goal, activity=activity, kind=TargetKind.FREQUENCY, times=2, weeks=5)
    target.save()
    TargetMetric(target=target, metric=pace, operator=TargetOperator.LT, threshold=6).save()
    url = reverse("target-edit", kwargs={"root_id": fractal.pk, "goal_id": short_term_goal.pk, "target_id": target.pk})
    form = owner_client.get(url).context["form"]
    assert (form["kind"].value(), form["times"].value(), form["weeks"].value()) == ("frequency", 2, 5)
    assert form[f"operator_{pace.pk}"].value() == "lt"


# --- progress on the goal page and the panel ---------------------------------------------------


@pytest.fixture
def targets(short_term_goal, run):
    """A pace to beat (best 6.2 of ≤ 6), a 20 km sum (12 so far), 2 runs a week for 3 weeks."""
    activity, distance, pace = run
    pace_target = Target(goal=short_term_goal, activity=activity, name="Pace to beat")
    pace_target.save()
    TargetMetric(target=pace_target, metric=pace, operator=TargetOperator.LTE, threshold=6).save()
    total = Target(goal=short_term_goal, activity=activity, name="Twenty km", kind=TargetKind.SUM)
    total.save()
    TargetMetric(target=total, metric=distance, threshold=20).save()
    often = Target(goal=short_term_goal, activity=activity, name="Twice a week", kind=TargetKind.FREQUENCY)
    often.times, often.weeks = 2, 3
    often.save()
    completed_session(short_term_goal, activity, [(distance, 5), (pace, 6.5)])
    completed_session(short_term_goal, activity, [(distance, 7), (pace, 6.2)])
    return pace_target, total, often


def test_the_goal_page_shows_each_target_as_a_bar_with_x_of_y(owner_client, short_term_goal, targets):
    response = owner_client.get(detail(short_term_goal))
    page = response.content.decode()
    assert page.count("<progress") >= 6
    assert '<span class="best">6.20</span> of <span class="threshold">≤ 6</span> min/km' in page
    assert '<span class="best">12</span> of <span class="threshold">20</span> km' in page
    assert "2 of 2" in page  # this week's sessions of twice a week
    assert 'aria-valuetext="12 of 20 km"' in page
    pace, total, often = response.context["progress"]
    assert (pace.percent, total.percent, often.percent) == (96, 60, 33)


def test_the_goals_panel_shows_the_same_bars(owner_client, short_term_goal, targets):
    page = owner_client.get(panel(short_term_goal)).content.decode()
    assert '<span class="best">12</span> of <span class="threshold">20</span> km' in page
    assert page.count("<progress") >= 6


def test_the_goal_page_and_panel_run_the_same_queries_for_a_short_and_a_long_history(
    owner_client, short_term_goal, run, targets, count_queries
):
    activity, distance, pace = run
    small = count_queries(lambda: owner_client.get(detail(short_term_goal)))
    small_panel = count_queries(lambda: owner_client.get(panel(short_term_goal)))
    for day in range(10):
        when = timezone.now() - datetime.timedelta(days=day + 1)
        completed_session(short_term_goal, activity, [(distance, 1), (pace, 7)], when=when)
    assert count_queries(lambda: owner_client.get(detail(short_term_goal))) == small
    assert count_queries(lambda: owner_client.get(panel(short_term_goal))) == small_panel


def test_deleting_the_only_open_target_completes_the_goal_by_its_other_targets(owner_client, short_term_goal, run):
    activity, distance, _ = run
    easy = Target(goal=short_term_goal, activity=activity, name="Easy")
    easy.save()
    TargetMetric(target=easy, metric=distance, threshold=5).save()
    hard = Target(goal=short_term_goal, activity=activity, name="Hard")
    hard.save()
    TargetMetric(target=hard, metric=distance, threshold=50).save()
    completed_session(short_term_goal, activity, [(distance, 6)])
    short_term_goal.refresh_from_db()
    assert not short_term_goal.completed
    url = reverse(
        "target-delete",
        kwargs={"root_id": short_term_goal.root_id, "goal_id": short_term_goal.pk, "target_id": hard.pk},
    )
    assert owner_client.post(url).status_code == 302
    short_term_goal.refresh_from_db()
    assert (short_term_goal.completed, short_term_goal.completed_by) == (True, "targets")
