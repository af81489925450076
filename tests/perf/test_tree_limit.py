"""A big fractal's tree page shows whole levels up to a row limit and opens deeper branches on demand."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from front.views import fractals
from goals.models import Goal, GoalLevel
from ops.datagen import generate_fractal

SIZE = {"goals": 80, "sessions": 4, "instances_per_session": 1, "values_per_instance": 1}


@pytest.fixture
def big_fractal(owner, monkeypatch):
    # 80 goals: root, 1 long-term, 1 mid-term, 5 short-term, 16 immediate, ...; a limit of 10
    # rows shows the levels down to short-term.
    monkeypatch.setattr(fractals, "TREE_ROW_LIMIT", 10)
    return generate_fractal(owner, **SIZE, seed=5).root


def _tree(client, root, **params):
    return client.get(reverse("fractal-tree", args=[root.pk]), params)


def test_levels_below_the_limit_are_left_for_later(owner_client, big_fractal):
    page = _tree(owner_client, big_fractal).content.decode()
    short_term = Goal.objects.filter(root_id=big_fractal.pk, level=GoalLevel.SHORT_TERM)
    immediate = Goal.objects.filter(root_id=big_fractal.pk, level=GoalLevel.IMMEDIATE)
    assert all(f'id="goal-{goal.pk}"' in page for goal in short_term)
    assert not any(f'id="goal-{goal.pk}"' in page for goal in immediate)
    assert "immediate goals and the levels below open branch by branch" in page


def test_each_cut_branch_links_to_its_goals(owner_client, big_fractal):
    page = _tree(owner_client, big_fractal).content.decode()
    goal = Goal.objects.filter(root_id=big_fractal.pk, level=GoalLevel.SHORT_TERM).first()
    count = goal.children.count()
    label = "immediate goal" if count == 1 else "immediate goals"
    assert f'href="?focus={goal.pk}#goal-{goal.pk}">Show {count} {label} below</a>' in page


def test_a_branch_opened_with_paused_and_archived_shown_keeps_showing_them(owner_client, big_fractal):
    goal = Goal.objects.filter(root_id=big_fractal.pk, level=GoalLevel.SHORT_TERM).first()
    paused = goal.children.first()
    paused.pause()
    page = _tree(owner_client, big_fractal, inactive="1").content.decode()
    assert f'href="?focus={goal.pk}&amp;inactive=1#goal-{goal.pk}">' in page
    branch = _tree(owner_client, big_fractal, focus=goal.pk, inactive="1").content.decode()
    assert f'id="goal-{paused.pk}"' in branch
    assert f'id="goal-{paused.pk}"' not in _tree(owner_client, big_fractal, focus=goal.pk).content.decode()


def test_a_focused_branch_shows_its_whole_subtree_and_its_ancestors(owner_client, big_fractal):
    goal = Goal.objects.filter(root_id=big_fractal.pk, level=GoalLevel.SHORT_TERM).first()
    page = _tree(owner_client, big_fractal, focus=goal.pk).content.decode()
    below = goal.descendant_ids()
    assert below and all(f'id="goal-{pk}"' in page for pk in below)
    assert all(f'id="goal-{ancestor.pk}"' in page for ancestor in goal.ancestors())
    other = Goal.objects.filter(root_id=big_fractal.pk, level=GoalLevel.SHORT_TERM).exclude(pk=goal.pk).first()
    assert f'id="goal-{other.pk}"' not in page
    assert "Showing the branch of" in page


def test_focusing_a_goal_of_another_fractal_is_not_found(owner_client, big_fractal, stranger_fractal):
    assert _tree(owner_client, big_fractal, focus=stranger_fractal.pk).status_code == 404
    assert _tree(owner_client, big_fractal, focus="not-a-uuid").status_code == 404


def test_a_search_still_looks_at_every_goal(owner_client, big_fractal):
    nano = Goal.objects.filter(root_id=big_fractal.pk, level=GoalLevel.NANO).first()
    page = _tree(owner_client, big_fractal, q=nano.name).content.decode()
    assert f'id="goal-{nano.pk}"' in page


def test_a_small_fractal_shows_every_goal(owner_client, fractal, short_term_goal):
    page = _tree(owner_client, fractal).content.decode()
    assert f'id="goal-{short_term_goal.pk}"' in page
    assert "branch by branch" not in page
    assert "?focus=" not in page


def test_the_cut_tree_runs_the_same_queries_at_two_sizes(owner, owner_client, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(fractals, "TREE_ROW_LIMIT", 10)
    small = generate_fractal(owner, **SIZE).root
    large = generate_fractal(owner, **{**SIZE, "goals": 300}).root
    assert _tree(owner_client, small).status_code == 200
    assert _tree(owner_client, large).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        _tree(owner_client, small)
    with django_assert_num_queries(len(captured)):
        _tree(owner_client, large)
