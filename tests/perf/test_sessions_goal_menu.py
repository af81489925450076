"""The sessions list's goal menu stays small on a big fractal and never shows another fractal's goal."""

from django.urls import reverse

from goals.models import Goal, GoalLevel
from sessions.forms import SessionFilterForm
from tests.factories import GoalFactory


def _menu(client, fractal, **params):
    page = client.get(reverse("session-list", args=[fractal.pk]), params).content.decode()
    return page.split('name="goal"', 1)[1].split("</select>", 1)[0]


def test_the_goal_menu_is_bounded(owner_client, fractal, short_term_goal, monkeypatch):
    monkeypatch.setattr(SessionFilterForm, "MENU_GOALS", 3)
    for index in range(6):
        GoalFactory(parent=short_term_goal, name=f"Drill {index}")
    menu = _menu(owner_client, fractal)
    assert menu.count("<option") == 1 + 3  # "Any goal" and three goals


def test_the_chosen_goal_is_always_offered(owner_client, fractal, short_term_goal, monkeypatch):
    monkeypatch.setattr(SessionFilterForm, "MENU_GOALS", 1)
    drills = [GoalFactory(parent=short_term_goal, name=f"Drill {index}") for index in range(4)]
    chosen = drills[-1]
    menu = _menu(owner_client, fractal, goal=chosen.pk)
    assert f'<option value="{chosen.pk}" selected>Drill 3</option>' in menu


def test_a_goal_of_another_fractal_is_not_offered(owner_client, fractal, short_term_goal, stranger_fractal):
    foreign = Goal.objects.create(
        parent=GoalFactory(parent=GoalFactory(parent=stranger_fractal)), level=GoalLevel.SHORT_TERM, name="Secret"
    )
    response = owner_client.get(reverse("session-list", args=[fractal.pk]), {"goal": foreign.pk})
    assert response.status_code == 400
    assert "Secret" not in response.content.decode()
