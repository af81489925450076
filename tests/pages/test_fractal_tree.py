import pytest
from django.urls import reverse

from goals.models import GoalLevel
from tests.factories import (
    FractalFactory,
    GoalFactory,
    PracticeSessionFactory,
    TargetFactory,
    goal_chain,
)

pytestmark = pytest.mark.django_db


def tree_url(fractal, **params):
    url = reverse("fractal-tree", kwargs={"root_id": fractal.pk})
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def flatten(node):
    yield node
    for child in node.children:
        yield from flatten(child)


def names(response):
    return [node.goal.name for node in flatten(response.context["tree"])]


def test_the_owner_sees_the_whole_tree(owner_client, fractal, short_term_goal):
    response = owner_client.get(tree_url(fractal))
    assert response.status_code == 200
    assert names(response) == ["Get strong", "Calisthenics", "Levers", "Front lever"]


def test_strangers_get_not_found(stranger_client, fractal):
    assert stranger_client.get(tree_url(fractal)).status_code == 404


def test_anonymous_visitors_are_redirected_to_sign_in(anonymous_client, fractal):
    response = anonymous_client.get(tree_url(fractal))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_deleted_fractal_is_not_found(owner_client, fractal):
    fractal.delete()
    assert owner_client.get(tree_url(fractal)).status_code == 404


def test_siblings_follow_their_sort_order_and_deleted_goals_are_left_out(owner_client, fractal):
    first = GoalFactory(parent=fractal, name="First")
    second = GoalFactory(parent=fractal, name="Second")
    GoalFactory(parent=fractal, name="Gone").delete()
    second.move(-1)
    response = owner_client.get(tree_url(fractal))
    assert [node.goal.id for node in response.context["tree"].children] == [second.pk, first.pk]


def test_the_add_button_offers_the_next_level_and_is_hidden_on_nano_goals(owner_client, fractal):
    chain = goal_chain(fractal, down_to=GoalLevel.NANO)
    page = owner_client.get(tree_url(fractal)).content.decode()
    assert ">Add a long-term goal<" in page
    assert ">Add a nano goal<" in page
    assert f'href="goals/{chain[-2].pk}/add/"' in page
    assert f"goals/{chain[-1].pk}/add/" not in page


def test_row_links_resolve_to_the_goal_pages(owner_client, fractal, short_term_goal):
    page = owner_client.get(tree_url(fractal)).content.decode()
    relative = f"goals/{short_term_goal.pk}/complete/"
    assert f'formaction="{relative}"' in page
    absolute = reverse("goal-complete", kwargs={"root_id": fractal.pk, "goal_id": short_term_goal.pk})
    assert tree_url(fractal) + relative == absolute


def test_goal_names_are_escaped(owner_client, fractal):
    GoalFactory(parent=fractal, name="<script>alert(1)</script>")
    page = owner_client.get(tree_url(fractal)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_nodes_carry_session_counts_and_target_progress(owner_client, fractal, short_term_goal):
    PracticeSessionFactory(root=fractal, goals=[short_term_goal])
    PracticeSessionFactory(root=fractal, goals=[short_term_goal])
    PracticeSessionFactory(root=fractal, goals=[short_term_goal]).delete()
    TargetFactory(goal=short_term_goal)
    TargetFactory(goal=short_term_goal)
    TargetFactory(goal=short_term_goal).delete()
    nodes = {node.goal.id: node for node in flatten(owner_client.get(tree_url(fractal)).context["tree"])}
    node = nodes[short_term_goal.pk]
    assert (node.session_count, node.targets_met, node.targets_total) == (2, 0, 2)
    assert nodes[fractal.pk].session_count == 0


def test_the_tree_shows_completed_marks_and_deadlines(owner_client, fractal, short_term_goal):
    short_term_goal.deadline = "2030-05-01"
    short_term_goal.save()
    short_term_goal.complete()
    page = owner_client.get(tree_url(fractal)).content.decode()
    assert "is-completed" in page
    assert "May 1, 2030" in page


def test_search_keeps_matching_goals_and_their_ancestors(owner_client, fractal, short_term_goal):
    GoalFactory(parent=fractal, name="Running")
    response = owner_client.get(tree_url(fractal, q="LEVER"))
    assert names(response) == ["Get strong", "Calisthenics", "Levers", "Front lever"]
    matched = [node.goal.name for node in flatten(response.context["tree"]) if node.matched]
    assert matched == ["Levers", "Front lever"]
    assert "<mark>Front lever</mark>" in response.content.decode()


def test_search_without_matches_shows_only_the_root(owner_client, fractal, short_term_goal):
    response = owner_client.get(tree_url(fractal, q="swimming"))
    assert names(response) == ["Get strong"]
    assert response.context["match_count"] == 0


def test_hide_completed_hides_completed_goals_with_their_subtrees(owner_client, fractal, short_term_goal):
    other = GoalFactory(parent=fractal, name="Running")
    short_term_goal.parent.parent.complete()  # Calisthenics
    response = owner_client.get(tree_url(fractal, hide_completed=1))
    assert names(response) == ["Get strong", "Running"]
    assert other.pk in {node.goal.id for node in flatten(response.context["tree"])}


def test_the_tree_runs_the_same_number_of_queries_for_5_and_50_goals(
    owner_client, owner, count_queries, django_assert_num_queries
):
    fractal = FractalFactory(owner=owner)

    def grow(count):
        for _ in range(count):
            goal = goal_chain(fractal)[-1]
            PracticeSessionFactory(root=fractal, goals=[goal])
            TargetFactory(goal=goal)

    grow(2)  # 6 goals below the root
    small = count_queries(lambda: owner_client.get(tree_url(fractal)))
    grow(16)  # 54 goals
    with django_assert_num_queries(small):
        response = owner_client.get(tree_url(fractal, q="Goal"))
    assert len(list(flatten(response.context["tree"]))) == 55


def test_deep_rows_carry_a_breadcrumb_of_the_goals_above_them_for_phones(owner_client, fractal, short_term_goal):
    content = owner_client.get(tree_url(fractal)).content.decode()
    assert 'data-crumb="Calisthenics › Levers ›"' in content  # on the short-term row
    assert content.count("data-crumb=") == 1  # shallower rows keep their indentation
    row = reverse("tree-row", kwargs={"root_id": fractal.pk, "goal_id": short_term_goal.pk})
    assert 'data-crumb="Calisthenics › Levers ›"' in owner_client.get(row).content.decode()
