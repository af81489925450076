import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import Goal, GoalLevel
from goals.stats import last_activity_by_root
from sessions.models import MetricValue, PracticeSession
from tests.factories import FractalFactory, GoalFactory, MetricValueFactory, PracticeSessionFactory, goal_chain

pytestmark = pytest.mark.django_db
LIST = reverse("fractal-list")


def test_the_owner_sees_their_fractals_only(owner_client, fractal, stranger_fractal):
    response = owner_client.get(LIST)
    assert response.status_code == 200
    assert [f.pk for f in response.context["fractals"]] == [fractal.pk]
    assert stranger_fractal.name not in response.content.decode()


def test_anonymous_visitors_are_redirected_to_sign_in(anonymous_client):
    response = anonymous_client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_cards_show_goal_and_session_counts_and_the_last_activity(owner_client, fractal):
    chain = goal_chain(fractal)  # long, mid, short
    PracticeSessionFactory(root=fractal, goals=[chain[-1]])
    PracticeSessionFactory(root=fractal, goals=[chain[-1]])
    deleted = PracticeSessionFactory(root=fractal)
    deleted.delete()
    late = timezone.now() + datetime.timedelta(days=3)
    Goal.all_objects.filter(pk=chain[1].pk).update(updated_at=late)
    card = owner_client.get(LIST).context["fractals"][0]
    assert card.goal_count == 3
    assert card.session_count == 2
    assert card.last_activity == late


def test_last_activity_is_the_latest_change_in_any_table_of_each_fractal(owner, fractal):
    other = FractalFactory(owner=owner)
    value = MetricValueFactory(instance__session__root=fractal)
    gone = PracticeSessionFactory(root=other)
    gone.delete()
    soon, later = (timezone.now() + datetime.timedelta(days=days) for days in (2, 5))
    MetricValue.all_objects.filter(pk=value.pk).update(updated_at=later)
    PracticeSession.all_objects.filter(pk=gone.pk).update(updated_at=soon)
    empty = FractalFactory(owner=owner)  # nothing below it: its own row is its last change
    assert last_activity_by_root([fractal.pk, other.pk, empty.pk]) == {
        fractal.pk: later,
        other.pk: soon,
        empty.pk: Goal.objects.get(pk=empty.pk).updated_at,
    }
    assert last_activity_by_root([]) == {}


def test_the_list_runs_the_same_number_of_queries_for_few_and_many_fractals(
    owner_client, owner, count_queries, django_assert_num_queries
):
    def make(count):
        for _ in range(count):
            root = FractalFactory(owner=owner)
            goal_chain(root)
            PracticeSessionFactory(root=root)

    make(2)
    small = count_queries(lambda: owner_client.get(LIST))
    make(10)
    with django_assert_num_queries(small):
        response = owner_client.get(LIST)
    assert len(response.context["fractals"]) == 12


def test_creating_a_fractal_opens_its_tree(owner_client, owner):
    response = owner_client.post(
        reverse("fractal-create"), {"name": "Learn piano", "description": "Classical", "level": "LongTermGoal"}
    )
    fractal = Goal.objects.get(name="Learn piano")
    assert response.status_code == 302
    assert response["Location"] == reverse("fractal-tree", kwargs={"root_id": fractal.pk})
    assert (fractal.owner, fractal.level, fractal.parent, fractal.description) == (
        owner,
        GoalLevel.LONG_TERM,
        None,
        "Classical",
    )


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "level": "UltimateGoal"},
        {"name": "   ", "level": "UltimateGoal"},
        {"name": "Too deep", "level": "ImmediateGoal"},
        {"name": "Unknown", "level": "Whatever"},
    ],
)
def test_a_bad_fractal_form_shows_errors_and_creates_nothing(owner_client, data):
    response = owner_client.post(reverse("fractal-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Goal.all_objects.exists()


def test_the_create_page_needs_sign_in(anonymous_client):
    response = anonymous_client.post(reverse("fractal-create"), {"name": "X", "level": "UltimateGoal"})
    assert response.status_code == 302
    assert not Goal.all_objects.exists()


def test_deleting_a_fractal_hides_it_and_offers_undo(owner_client, fractal):
    child = GoalFactory(parent=fractal)
    response = owner_client.post(reverse("fractal-delete", kwargs={"root_id": fractal.pk}), follow=True)
    assert not Goal.objects.filter(pk__in=[fractal.pk, child.pk]).exists()
    page = response.content.decode()
    assert reverse("fractal-restore", kwargs={"root_id": fractal.pk}) in page
    assert "Undo" in page
    assert [f.pk for f in response.context["deleted_fractals"]] == [fractal.pk]


def test_undo_restores_the_fractal_and_its_goals(owner_client, fractal):
    child = GoalFactory(parent=fractal)
    owner_client.post(reverse("fractal-delete", kwargs={"root_id": fractal.pk}))
    response = owner_client.post(reverse("fractal-restore", kwargs={"root_id": fractal.pk}))
    assert response.status_code == 302
    assert Goal.objects.filter(pk__in=[fractal.pk, child.pk]).count() == 2


def test_strangers_cannot_delete_or_restore_a_fractal(stranger_client, fractal):
    assert stranger_client.post(reverse("fractal-delete", kwargs={"root_id": fractal.pk})).status_code == 404
    assert Goal.objects.filter(pk=fractal.pk).exists()
    fractal.delete()
    assert stranger_client.post(reverse("fractal-restore", kwargs={"root_id": fractal.pk})).status_code == 404
    assert not Goal.objects.filter(pk=fractal.pk).exists()


def test_deleting_needs_post(owner_client, fractal):
    assert owner_client.get(reverse("fractal-delete", kwargs={"root_id": fractal.pk})).status_code == 405
    assert Goal.objects.filter(pk=fractal.pk).exists()
