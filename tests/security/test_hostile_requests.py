"""Hostile input through the API and the page forms: a 4xx with nothing changed, or success with
the rule holding; never a 5xx. Each hypothesis example runs in a rolled-back savepoint.
"""

import datetime
import json
import math

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from goals.models import Goal, GoalLevel
from sessions.models import ActivityInstance, MetricValue, PracticeSession

from .conftest import signed_in
from .test_hostile_domain import BOUNDED, NASTY_NAMES, example

text_values = st.one_of(st.sampled_from(NASTY_NAMES), st.text(max_size=300))
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    text_values,
)
json_values = st.one_of(
    json_scalars, st.lists(json_scalars, max_size=3), st.dictionaries(st.text(max_size=5), json_scalars, max_size=3)
)
date_strings = st.one_of(
    st.dates().map(str),
    st.sampled_from(["0000-00-00", "9999-12-31", "2026-02-30", "yesterday", "", "2026-13-01", "1-1-1"]),
    st.datetimes(timezones=st.just(datetime.UTC)).map(lambda moment: moment.isoformat()),
)


def post_json(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def checked(response, unchanged):
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        unchanged()
        return None
    return response


@BOUNDED
@given(
    name=text_values,
    level=st.one_of(st.sampled_from([level.value for level in GoalLevel]), json_values),
    deadline=st.one_of(st.none(), date_strings, json_scalars),
)
def test_creating_a_fractal_through_the_api_with_anything(owner_world, name, level, deadline):
    client = signed_in(owner_world.user)
    body = {"name": name, "level": level, "deadline": deadline}
    with example() as unchanged:
        response = checked(post_json(client, "/api/fractals/", body), unchanged)
        if response is not None:
            stored = Goal.objects.get(pk=response.json()["id"])
            # Surrounding white space is trimmed, as on every text field of the API and the pages.
            assert stored.name == name.strip() and "\x00" not in name and len(name) <= 255
            assert stored.parent_id is None and stored.owner_id == owner_world.user.pk


@BOUNDED
@given(data=st.data(), name=text_values, deadline=st.one_of(date_strings, json_scalars))
def test_adding_a_goal_through_the_api_with_anything(owner_world, stranger_world, data, name, deadline):
    parent = data.draw(
        st.one_of(
            st.sampled_from([str(goal.pk) for goal in owner_world.goals.values()]),
            st.just(str(stranger_world.goal.pk)),
            json_values,
        )
    )
    level = data.draw(st.one_of(st.sampled_from([level.value for level in GoalLevel]), json_values))
    client = signed_in(owner_world.user)
    url = f"/api/fractals/{owner_world.root.pk}/goals/"
    with example() as unchanged:
        response = checked(
            post_json(client, url, {"parent": parent, "name": name, "level": level, "deadline": deadline}), unchanged
        )
        if response is not None:
            stored = Goal.objects.get(pk=response.json()["id"])
            assert stored.root_id == owner_world.root.pk
            assert GoalLevel(stored.parent.level).next_level == stored.level


@BOUNDED
@given(
    cells=st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "metric": st.sampled_from(["metric", "second_metric", "plain_metric", "foreign"]),
                "split": st.sampled_from(["split", "second_split", "foreign", None]),
                "set_number": json_scalars,
                "value": json_scalars,
            },
        ),
        max_size=4,
    )
)
def test_recording_values_through_the_api_with_anything(owner_world, stranger_world, cells):
    def resolve(role):
        if role == "foreign":
            return str(stranger_world.metric.pk)
        return str(getattr(owner_world, role).pk) if role else None

    body = [
        {
            key: (resolve(value) if key in {"metric", "split"} and isinstance(value, str | type(None)) else value)
            for key, value in cell.items()
        }
        for cell in cells
    ]
    instance = owner_world.instance
    client = signed_in(owner_world.user)
    url = f"/api/fractals/{owner_world.root.pk}/instances/{instance.pk}/values/"
    with example() as unchanged:
        response = checked(post_json(client, url, body), unchanged)
        if response is not None:
            for value in MetricValue.objects.filter(instance=instance):
                assert math.isfinite(value.value) and abs(value.value) <= 1e12
                assert value.metric.activity_id == instance.activity_id
                assert value.split_id is not None and value.set_number is not None and value.set_number >= 1


@BOUNDED
@given(start=st.one_of(date_strings, json_scalars), stop=st.one_of(date_strings, json_scalars))
def test_setting_times_through_the_api_with_anything(owner_world, start, stop):
    instance = owner_world.instance
    client = signed_in(owner_world.user)
    url = f"/api/fractals/{owner_world.root.pk}/instances/{instance.pk}/"
    with example() as unchanged:
        response = checked(post_json(client, url, {"time_start": start, "time_stop": stop}, method="patch"), unchanged)
        if response is not None:
            stored = ActivityInstance.objects.get(pk=instance.pk)
            if stored.time_stop is not None:
                assert stored.time_start is not None and stored.time_stop >= stored.time_start
                assert stored.duration_seconds == int((stored.time_stop - stored.time_start).total_seconds())


@BOUNDED
@given(name=text_values, minutes=json_scalars, sections=json_values, description=text_values)
def test_creating_a_session_through_the_api_with_anything(owner_world, name, minutes, sections, description):
    client = signed_in(owner_world.user)
    url = f"/api/fractals/{owner_world.root.pk}/sessions/"
    body = {
        "name": name,
        "goals": [str(owner_world.goal.pk)],
        "planned_minutes": minutes,
        "new_sections": sections,
        "description": description,
    }
    with example() as unchanged:
        response = checked(post_json(client, url, body), unchanged)
        if response is not None:
            stored = PracticeSession.objects.get(pk=response.json()["id"])
            assert stored.name == name and "\x00" not in stored.name + stored.description
            assert stored.planned_minutes is None or stored.planned_minutes >= 0


@BOUNDED
@given(name=text_values, description=text_values, deadline=date_strings)
def test_the_add_child_form_with_anything(owner_world, name, description, deadline):
    client = signed_in(owner_world.user)
    parent = owner_world.goals[GoalLevel.MID_TERM]
    url = reverse("goal-add-child", kwargs={"root_id": owner_world.root.pk, "goal_id": parent.pk})
    with example() as unchanged:
        before = set(Goal.objects.filter(parent=parent).values_list("pk", flat=True))
        response = client.post(url, {"name": name, "description": description, "deadline": deadline})
        assert response.status_code < 500
        added = Goal.objects.filter(parent=parent).exclude(pk__in=before)
        if not added.exists():
            unchanged()
        for goal in added:
            assert goal.level == GoalLevel.SHORT_TERM and "\x00" not in goal.name and 0 < len(goal.name) <= 255


@BOUNDED
@given(start=date_strings, stop=date_strings)
def test_the_manual_times_form_with_anything(owner_world, start, stop):
    client = signed_in(owner_world.user)
    instance = owner_world.instance
    url = reverse(
        "instance-times",
        kwargs={"root_id": owner_world.root.pk, "session_id": owner_world.session.pk, "instance_id": instance.pk},
    )
    with example():
        before = ActivityInstance.objects.get(pk=instance.pk)
        response = client.post(url, {"time_start": start, "time_stop": stop})
        assert response.status_code < 500
        stored = ActivityInstance.objects.get(pk=instance.pk)
        if (stored.time_start, stored.time_stop) == (before.time_start, before.time_stop):
            return
        if stored.time_stop is not None:
            assert stored.time_start is not None and stored.time_stop >= stored.time_start
