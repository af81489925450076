import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Target, TargetMetric
from sessions.models import PracticeSession
from tests.factories import ActivityDefinitionFactory, GoalFactory, MetricDefinitionFactory

pytestmark = pytest.mark.django_db


def detail(goal):
    return reverse("goal-detail", kwargs={"root_id": goal.root_id, "goal_id": goal.pk})


def target_url(name, goal, target=None):
    kwargs = {"root_id": goal.root_id, "goal_id": goal.pk}
    if target is not None:
        kwargs["target_id"] = target.pk
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def lever(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Front lever hold")
    seconds = MetricDefinitionFactory(activity=activity, name="seconds", unit="s")
    weight = MetricDefinitionFactory(activity=activity, name="weight", unit="kg")
    return activity, seconds, weight


def completed_session(goal, activity, values, name="Practice", when=None):
    session = PracticeSession.create(goal.root, [goal], name)
    session.add_activity(activity).record_values([{"metric": m, "value": v} for m, v in values])
    session.complete(when=when or timezone.now())
    return session


# --- the page --------------------------------------------------------------------------------


def test_the_owner_sees_the_goal_with_its_audit_dates_and_children(owner_client, short_term_goal):
    short_term_goal.description = "Straight body, ten seconds"
    short_term_goal.deadline = datetime.date(2030, 6, 1)
    short_term_goal.save()
    short_term_goal.complete()
    child = GoalFactory(parent=short_term_goal, name="Tuck lever")
    response = owner_client.get(detail(short_term_goal))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Straight body, ten seconds", "June 1, 2030", "Short-term goal", "Tuck lever", "Completed"):
        assert text in page
    assert response.context["children"] == [child]


def test_strangers_get_not_found(stranger_client, short_term_goal):
    assert stranger_client.get(detail(short_term_goal)).status_code == 404


def test_anonymous_visitors_are_redirected_to_sign_in(anonymous_client, short_term_goal):
    response = anonymous_client.get(detail(short_term_goal))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_goal_of_another_fractal_is_not_found_under_my_fractal(owner_client, fractal, stranger_fractal):
    url = reverse("goal-detail", kwargs={"root_id": fractal.pk, "goal_id": stranger_fractal.pk})
    assert owner_client.get(url).status_code == 404


def test_a_deleted_goal_is_not_found(owner_client, short_term_goal):
    short_term_goal.delete()
    assert owner_client.get(detail(short_term_goal)).status_code == 404


def test_linked_sessions_are_listed_most_recent_first_and_limited(owner_client, short_term_goal, lever):
    _activity, _seconds, _ = lever
    start = timezone.now() - datetime.timedelta(days=30)
    for day in range(12):
        session = PracticeSession.create(short_term_goal.root, [short_term_goal], f"Day {day}")
        session.start(when=start + datetime.timedelta(days=day))
    response = owner_client.get(detail(short_term_goal))
    assert [s.name for s, _ in response.context["sessions"]] == [f"Day {day}" for day in range(11, 1, -1)]
    assert response.context["more_sessions"]


def test_target_progress_shows_best_values_against_thresholds(owner_client, short_term_goal, lever):
    activity, seconds, weight = lever
    target = Target(goal=short_term_goal, activity=activity, name="Hold")
    target.save()
    TargetMetric(target=target, metric=seconds, threshold=10).save()
    TargetMetric(target=target, metric=weight, threshold=5).save()
    completed_session(short_term_goal, activity, [(seconds, 12), (weight, 2)])
    completed_session(short_term_goal, activity, [(seconds, 3), (weight, 4)])
    response = owner_client.get(detail(short_term_goal))
    (progress,) = response.context["progress"]
    assert not progress.met
    assert [(row.best, row.threshold, row.reached) for row in progress.thresholds] == [
        (12.0, 10.0, True),
        (4.0, 5.0, False),
    ]
    assert "Not met" in response.content.decode()


def test_the_goal_page_runs_the_same_number_of_queries_for_few_and_many_targets(
    owner_client, short_term_goal, lever, count_queries, django_assert_num_queries
):
    activity, seconds, _ = lever

    def add(count):
        for _ in range(count):
            target = Target(goal=short_term_goal, activity=activity)
            target.save()
            TargetMetric(target=target, metric=seconds, threshold=1).save()
            completed_session(short_term_goal, activity, [(seconds, 2)])

    add(1)
    small = count_queries(lambda: owner_client.get(detail(short_term_goal)))
    add(6)
    with django_assert_num_queries(small):
        response = owner_client.get(detail(short_term_goal))
    assert len(response.context["progress"]) == 7


# --- target forms ----------------------------------------------------------------------------


def test_the_new_target_page_shows_a_threshold_per_metric_of_the_chosen_activity(owner_client, short_term_goal, lever):
    activity, _, _ = lever
    response = owner_client.get(target_url("target-create", short_term_goal) + f"?activity={activity.pk}")
    assert response.status_code == 200
    assert len(response.context["form"].threshold_fields()) == 2


def test_choosing_an_activity_with_htmx_returns_just_the_fields(owner_client, short_term_goal, lever):
    activity, _, _ = lever
    response = owner_client.get(
        target_url("target-create", short_term_goal) + f"?activity={activity.pk}", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="target-fields">')


def test_adding_a_target_saves_its_thresholds(owner_client, short_term_goal, lever):
    activity, seconds, weight = lever
    response = owner_client.post(
        target_url("target-create", short_term_goal),
        {"activity": activity.pk, "name": "Ten seconds", f"metric_{seconds.pk}": "10", f"metric_{weight.pk}": ""},
    )
    assert response.status_code == 302
    target = Target.objects.get(goal=short_term_goal)
    assert (target.name, target.activity) == ("Ten seconds", activity)
    assert [(t.metric, t.threshold) for t in TargetMetric.objects.filter(target=target)] == [(seconds, 10.0)]


def test_adding_a_target_already_met_completes_the_goal(owner_client, short_term_goal, lever):
    activity, seconds, _ = lever
    completed_session(short_term_goal, activity, [(seconds, 11)])
    owner_client.post(
        target_url("target-create", short_term_goal), {"activity": activity.pk, f"metric_{seconds.pk}": "10"}
    )
    short_term_goal.refresh_from_db()
    assert short_term_goal.completed


def test_a_target_without_any_threshold_is_refused(owner_client, short_term_goal, lever):
    activity, seconds, _ = lever
    response = owner_client.post(
        target_url("target-create", short_term_goal), {"activity": activity.pk, f"metric_{seconds.pk}": ""}
    )
    assert response.status_code == 200
    assert "at least one metric" in str(response.context["form"].errors)
    assert not Target.all_objects.exists()


def test_an_activity_of_another_fractal_is_refused(owner_client, short_term_goal, stranger_fractal):
    foreign = ActivityDefinitionFactory(root=stranger_fractal)
    metric = MetricDefinitionFactory(activity=foreign)
    response = owner_client.post(
        target_url("target-create", short_term_goal), {"activity": foreign.pk, f"metric_{metric.pk}": "3"}
    )
    assert response.status_code == 200
    assert "activity" in response.context["form"].errors
    assert not Target.all_objects.exists()


def test_a_deleted_activity_is_not_offered(owner_client, short_term_goal, lever):
    activity, seconds, _ = lever
    activity.delete()
    response = owner_client.post(
        target_url("target-create", short_term_goal), {"activity": activity.pk, f"metric_{seconds.pk}": "3"}
    )
    assert "activity" in response.context["form"].errors
    assert not Target.all_objects.exists()


def test_a_non_numeric_threshold_is_refused(owner_client, short_term_goal, lever):
    activity, seconds, _ = lever
    response = owner_client.post(
        target_url("target-create", short_term_goal), {"activity": activity.pk, f"metric_{seconds.pk}": "lots"}
    )
    assert f"metric_{seconds.pk}" in response.context["form"].errors
    assert not Target.all_objects.exists()


def test_editing_a_target_changes_its_thresholds(owner_client, short_term_goal, lever):
    activity, seconds, weight = lever
    target = Target(goal=short_term_goal, activity=activity, name="Old")
    target.save()
    TargetMetric(target=target, metric=seconds, threshold=10).save()
    response = owner_client.get(target_url("target-edit", short_term_goal, target))
    assert response.context["form"][f"metric_{seconds.pk}"].value() == 10
    response = owner_client.post(
        target_url("target-edit", short_term_goal, target),
        {"activity": activity.pk, "name": "New", f"metric_{seconds.pk}": "", f"metric_{weight.pk}": "20"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.name == "New"
    assert [(t.metric, t.threshold) for t in TargetMetric.objects.filter(target=target)] == [(weight, 20.0)]


def test_editing_a_target_with_bad_input_changes_nothing(owner_client, short_term_goal, lever):
    activity, seconds, _ = lever
    target = Target(goal=short_term_goal, activity=activity, name="Old")
    target.save()
    TargetMetric(target=target, metric=seconds, threshold=10).save()
    response = owner_client.post(
        target_url("target-edit", short_term_goal, target), {"activity": activity.pk, "name": "New"}
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.name == "Old"
    assert TargetMetric.objects.get(target=target).threshold == 10


def test_deleting_a_target(owner_client, short_term_goal, lever):
    activity, _seconds, _ = lever
    target = Target(goal=short_term_goal, activity=activity)
    target.save()
    response = owner_client.post(target_url("target-delete", short_term_goal, target))
    assert response.status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()


def test_strangers_cannot_see_or_change_targets(stranger_client, short_term_goal, lever):
    activity, _seconds, _ = lever
    target = Target(goal=short_term_goal, activity=activity, name="Mine")
    target.save()
    assert stranger_client.get(target_url("target-create", short_term_goal)).status_code == 404
    assert stranger_client.get(target_url("target-edit", short_term_goal, target)).status_code == 404
    assert stranger_client.post(target_url("target-delete", short_term_goal, target)).status_code == 404
    assert Target.objects.filter(pk=target.pk).exists()


def test_a_target_of_another_goal_is_not_found_under_this_goal(owner_client, short_term_goal, lever):
    activity, _, _ = lever
    other = GoalFactory(parent=short_term_goal.parent)
    target = Target(goal=other, activity=activity)
    target.save()
    assert owner_client.get(target_url("target-edit", short_term_goal, target)).status_code == 404


def test_switching_the_activity_keeps_the_name_already_typed(owner_client, short_term_goal, lever):
    activity, _, _ = lever
    response = owner_client.get(
        target_url("target-create", short_term_goal) + f"?activity={activity.pk}&name=Hold+it",
        HTTP_HX_REQUEST="true",
    )
    assert 'value="Hold it"' in response.content.decode()
