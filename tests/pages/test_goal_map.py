"""The map view of the tree page, a goal's panel and the list / map switch."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from front import goal_map
from goals.models import GoalLevel, MapLayout, Profile, TreeView
from tests.factories import FractalFactory, GoalFactory, PracticeSessionFactory, TargetFactory, goal_chain

pytestmark = pytest.mark.django_db


def tree_url(fractal, **params):
    url = reverse("fractal-tree", kwargs={"root_id": fractal.pk})
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def map_url(fractal, **params):
    return tree_url(fractal, view="map", **params)


def panel_url(fractal, goal):
    return reverse("goal-panel", kwargs={"root_id": fractal.pk, "goal_id": goal.pk})


def drawn(response):
    """The drawn nodes' (name, x, y, classes) from the SVG."""
    svg = response.content.decode()
    pattern = re.compile(
        r'<g class="(map-node[^"]*)" id="node-[^"]+" data-id="[^"]+" data-name="([^"]*)" '
        r'transform="translate\(([-\d.]+) ([-\d.]+)\)"'
    )
    return {name: (float(x), float(y), classes.split()) for classes, name, x, y in pattern.findall(svg)}


@pytest.fixture
def known(fractal):
    """Get strong → (Calisthenics → Levers → Front lever [2 sessions, 1 of 1 target met, due long ago]),
    (Running, completed)."""
    calisthenics = GoalFactory(parent=fractal, name="Calisthenics")
    levers = GoalFactory(parent=calisthenics, name="Levers")
    front_lever = GoalFactory(parent=levers, name="Front lever", deadline=datetime.date(2020, 1, 1))
    running = GoalFactory(parent=fractal, name="Running")
    running.complete()
    PracticeSessionFactory(root=fractal, goals=[front_lever])
    PracticeSessionFactory(root=fractal, goals=[front_lever])
    TargetFactory(goal=front_lever)
    return {"calisthenics": calisthenics, "levers": levers, "front_lever": front_lever, "running": running}


def test_the_map_draws_every_goal_of_a_small_fractal_with_parents_above_children(owner_client, fractal, known):
    response = owner_client.get(map_url(fractal))
    assert response.status_code == 200
    nodes = drawn(response)
    assert set(nodes) == {"Get strong", "Calisthenics", "Levers", "Front lever", "Running"}
    content = response.content.decode()
    assert content.count('class="map-edge') == 4
    assert nodes["Get strong"][1] < nodes["Calisthenics"][1] < nodes["Levers"][1] < nodes["Front lever"][1]
    assert nodes["Calisthenics"][1] == nodes["Running"][1]
    assert nodes["Calisthenics"][0] < nodes["Running"][0]  # sibling order, left to right
    assert "is-completed" in nodes["Running"][2]
    assert "is-overdue" in nodes["Front lever"][2]
    assert f"level-{GoalLevel.SHORT_TERM}" in nodes["Front lever"][2]


def test_the_svg_marks_progress_sessions_and_deadlines(owner_client, fractal, known):
    content = owner_client.get(map_url(fractal)).content.decode()
    front_lever = content[content.index(f'id="node-{known["front_lever"].pk}"') :]
    front_lever = front_lever[: front_lever.index("</g></g>") if "</g></g>" in front_lever else None]
    assert "targets 0/1" in front_lever  # the ring's meaning, in the node's title
    assert 'class="ring"' in front_lever and 'stroke-dasharray="0.0 ' in front_lever
    assert 'class="session-badge"' in front_lever and ">2</text>" in front_lever
    assert 'class="overdue-mark"' in front_lever and "overdue since" in front_lever
    root = content[content.index(f'id="node-{fractal.pk}"') :]
    assert "children done 1/2" in root[: root.index("</title>")]
    assert 'class="check"' in content[content.index(f'id="node-{known["running"].pk}"') :][:600]


def test_nodes_link_to_their_panel_and_names_are_escaped(owner_client, fractal):
    goal = GoalFactory(parent=fractal, name="<script>alert(1)</script>")
    content = owner_client.get(map_url(fractal)).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content
    assert f'data-panel="{panel_url(fractal, goal)}"' in content
    assert f"panel={goal.pk}" in content


def test_the_map_is_the_tree_page_once_the_user_chose_it(owner_client, owner, fractal, known):
    response = owner_client.post(reverse("fractal-view", kwargs={"root_id": fractal.pk}), {"view": "map"})
    assert response.status_code == 302 and response.url == tree_url(fractal)
    assert Profile.objects.get(user=owner).tree_view == TreeView.MAP
    response = owner_client.get(tree_url(fractal))
    assert "front/fractal_map.html" in [template.name for template in response.templates]
    owner_client.post(reverse("fractal-view", kwargs={"root_id": fractal.pk}), {"view": "list"})
    response = owner_client.get(tree_url(fractal))
    assert "front/fractal_tree.html" in [template.name for template in response.templates]


def test_the_radial_layout_is_remembered_and_puts_parents_inside_their_children(owner_client, owner, fractal, known):
    owner_client.post(reverse("fractal-view", kwargs={"root_id": fractal.pk}), {"view": "map", "layout": "radial"})
    assert Profile.objects.get(user=owner).map_layout == MapLayout.RADIAL
    response = owner_client.get(tree_url(fractal))
    assert "layout-radial" in response.content.decode()
    nodes = drawn(response)
    centre = nodes["Get strong"][:2]

    def radius(name):
        return ((nodes[name][0] - centre[0]) ** 2 + (nodes[name][1] - centre[1]) ** 2) ** 0.5

    assert 0 == radius("Get strong") < radius("Calisthenics") < radius("Levers") < radius("Front lever")


@pytest.mark.parametrize("data", [{"view": "grid"}, {"layout": "spiral"}, {}])
def test_an_unknown_view_is_refused_and_changes_nothing(owner_client, owner, fractal, data):
    response = owner_client.post(reverse("fractal-view", kwargs={"root_id": fractal.pk}), data)
    assert response.status_code == 400
    profile = Profile.objects.get(user=owner)
    assert (profile.tree_view, profile.map_layout) == (TreeView.LIST, MapLayout.TOP_DOWN)


@pytest.mark.parametrize("params", [{"view": "grid"}, {"view": "map", "layout": "spiral"}])
def test_an_unknown_view_in_the_address_is_a_bad_request(owner_client, fractal, params):
    assert owner_client.get(tree_url(fractal, **params)).status_code == 400


def test_strangers_cannot_see_the_map_the_panel_or_change_the_view(stranger_client, stranger, fractal, known):
    assert stranger_client.get(map_url(fractal)).status_code == 404
    assert stranger_client.get(panel_url(fractal, known["levers"])).status_code == 404
    response = stranger_client.post(reverse("fractal-view", kwargs={"root_id": fractal.pk}), {"view": "map"})
    assert response.status_code == 404
    assert Profile.objects.get(user=stranger).tree_view == TreeView.LIST


def test_anonymous_visitors_are_sent_to_sign_in_from_the_map_and_the_panel(anonymous_client, fractal, known):
    for url in (map_url(fractal), panel_url(fractal, known["levers"])):
        response = anonymous_client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    response = anonymous_client.post(reverse("fractal-view", kwargs={"root_id": fractal.pk}), {"view": "map"})
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_goal_of_another_fractal_has_no_panel_or_focus_here(owner_client, owner, fractal, stranger_fractal):
    foreign = GoalFactory(parent=stranger_fractal)
    other_own = GoalFactory(parent=FractalFactory(owner=owner))
    for goal in (foreign, other_own):
        assert owner_client.get(panel_url(fractal, goal)).status_code == 404
        assert owner_client.get(map_url(fractal, focus=goal.pk)).status_code == 404
        assert owner_client.get(map_url(fractal, panel=goal.pk)).status_code == 404
    assert owner_client.get(map_url(fractal, focus="not-a-uuid")).status_code == 404


def test_the_panel_shows_the_goal_its_targets_sessions_and_actions(owner_client, fractal, known):
    front_lever = known["front_lever"]
    response = owner_client.get(panel_url(fractal, front_lever) + "?next=" + map_url(fractal).replace("&", "%26"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Front lever" in content and "(overdue)" in content
    target = front_lever.targets.get()
    assert str(target) in content
    assert content.count('class="plain-list panel-sessions"') == 1 and content.count("<li><a href=") == 2
    assert reverse("goal-detail", kwargs={"root_id": fractal.pk, "goal_id": front_lever.pk}) in content
    assert reverse("goal-complete", kwargs={"root_id": fractal.pk, "goal_id": front_lever.pk}) in content
    assert reverse("goal-add-child", kwargs={"root_id": fractal.pk, "goal_id": front_lever.pk}) in content
    assert f'name="next" value="{map_url(fractal)}"' in content.replace("&amp;", "&")


def test_the_panel_ignores_a_next_address_of_another_site(owner_client, fractal, known):
    content = owner_client.get(panel_url(fractal, known["levers"]) + "?next=https://evil.example/").content.decode()
    assert "evil.example" not in content
    assert f"panel={known['levers'].pk}" in content


def test_completing_from_the_panel_comes_back_to_the_map(owner_client, fractal, known):
    levers = known["levers"]
    back = map_url(fractal, panel=levers.pk)
    url = reverse("goal-complete", kwargs={"root_id": fractal.pk, "goal_id": levers.pk})
    response = owner_client.post(url, {"next": back})
    assert response.status_code == 302 and response.url == back
    levers.refresh_from_db()
    assert levers.completed
    response = owner_client.get(back)
    assert "map-panel-body" in response.content.decode()
    assert "is-completed" in drawn(response)["Levers"][2]


def test_focus_shows_one_branch_with_its_ancestors(owner_client, fractal, known):
    response = owner_client.get(map_url(fractal, focus=known["levers"].pk))
    assert set(drawn(response)) == {"Get strong", "Calisthenics", "Levers", "Front lever"}
    assert "is-focus" in drawn(response)["Levers"][2]
    assert "Showing the branch of “Levers”" in response.content.decode()


def test_search_highlights_the_matches(owner_client, fractal, known):
    response = owner_client.get(map_url(fractal, q="LEVER"))
    nodes = drawn(response)
    assert [name for name, (_, _, classes) in nodes.items() if "is-match" in classes] == ["Levers", "Front lever"]
    assert set(nodes) == {"Get strong", "Calisthenics", "Levers", "Front lever", "Running"}  # nothing hidden
    assert "2 goals match" in response.content.decode()


@pytest.fixture
def wide(fractal):
    """Four long-term goals with three mid-term goals each, and one short-term goal under each of those."""
    mids = []
    for index in range(4):
        long_term = GoalFactory(parent=fractal, name=f"Long {index}")
        for number in range(3):
            mid = GoalFactory(parent=long_term, name=f"Mid {index}.{number}")
            GoalFactory(parent=mid, name=f"Short {index}.{number}")
            mids.append(mid)
    return mids


def test_a_big_fractal_is_drawn_down_to_the_levels_that_fit_and_expands_on_request(
    owner_client, fractal, wide, monkeypatch
):
    monkeypatch.setattr(goal_map, "MAP_NODE_LIMIT", 20)
    response = owner_client.get(map_url(fractal))
    nodes = drawn(response)
    assert len(nodes) == 1 + 4 + 12  # the short-term level would pass the limit
    assert not any(name.startswith("Short") for name in nodes)
    assert "12 goals folded away" in response.content.decode()
    mid = wide[0]
    assert f"expand={mid.pk}#node-{mid.pk}" in response.content.decode()
    # The children on the level that was not read still count: the +N badge and the ring.
    mid.children.get().complete()
    content = owner_client.get(map_url(fractal)).content.decode()
    node = content[content.index(f'id="node-{mid.pk}"') :]
    node = node[: node.index('class="map-node', 10)]
    assert "children done 1/1" in node and ">+1</text>" in node
    response = owner_client.get(map_url(fractal, expand=mid.pk))
    nodes = drawn(response)
    assert "Short 0.0" in nodes and "Short 0.1" not in nodes
    assert nodes["Short 0.0"][1] > nodes["Mid 0.0"][1]
    assert "Fold this branch" in response.content.decode()
    # A search reaches below the drawn levels, with the matches' ancestors.
    nodes = drawn(owner_client.get(map_url(fractal, q="Short 3.2")))
    assert "is-match" in nodes["Short 3.2"][2]
    # Unknown or malformed expand ids reveal nothing and break nothing.
    response = owner_client.get(map_url(fractal, expand="nonsense") + f"&expand={fractal.pk}&expand={mid.pk}")
    assert response.status_code == 200


def grow(fractal, count):
    for _ in range(count):
        goal = goal_chain(fractal)[-1]
        PracticeSessionFactory(root=fractal, goals=[goal])
        TargetFactory(goal=goal)
        GoalFactory(parent=goal, deadline=timezone.localdate()).complete()


@pytest.mark.parametrize(
    "params",
    [
        {"view": "map"},
        {"view": "map", "layout": "radial", "q": "Goal"},
        {"view": "list"},
        {"view": "list", "q": "Goal"},
    ],
)
def test_both_views_run_the_same_number_of_queries_for_small_and_bigger_fractals(
    owner_client, owner, count_queries, django_assert_num_queries, params
):
    fractal = FractalFactory(owner=owner)
    grow(fractal, 2)  # 8 goals below the root
    small = count_queries(lambda: owner_client.get(tree_url(fractal, **params)))
    grow(fractal, 20)  # 88 goals
    focus = {"focus": fractal.pk} if params["view"] == "map" else {}
    with django_assert_num_queries(small):
        response = owner_client.get(tree_url(fractal, **params, **focus))
    assert response.status_code == 200


def test_the_map_of_a_large_fractal_stays_within_the_node_limit(owner_client, owner, monkeypatch):
    fractal = FractalFactory(owner=owner)
    grow(fractal, 30)
    monkeypatch.setattr(goal_map, "MAP_NODE_LIMIT", 40)
    response = owner_client.get(map_url(fractal))
    assert 1 + 30 <= len(drawn(response)) <= 40


def test_a_map_chosen_in_the_address_stays_a_map_through_its_links(owner_client, fractal, wide, monkeypatch):
    monkeypatch.setattr(goal_map, "MAP_NODE_LIMIT", 20)
    content = owner_client.get(map_url(fractal, layout="radial")).content.decode().replace("&amp;", "&")
    mid = wide[0]
    assert f"?view=map&layout=radial&expand={mid.pk}#node-{mid.pk}" in content
    assert f"?view=map&layout=radial&panel={mid.pk}" in content
    assert '<input type="hidden" name="view" value="map">' in content
