"""Crafted fractal documents: ``import_fractal`` writes only into the document's own new
fractal. A row re-rooted into another user's fractal, or linking to another fractal's rows, is
refused with a clear error and nothing is written; ``check_integrity`` reports any row that
references another fractal's rows, over every scoped model's links."""

import copy
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goals.integrity import find_problems, linked_fields, scoped_models
from ops.portability import PortabilityError, dumps, export_fractal, import_fractal, load_document
from sessions.models import ScheduledSession

from .conftest import signed_in
from .world import diff, snapshot


def fresh_document(world):
    """The world's export with every id replaced, as if it came from another installation."""
    text = dumps(export_fractal(world.root))
    for item in json.loads(text)["objects"]:
        text = text.replace(str(item["pk"]), str(uuid.uuid4()))
    return load_document(text)


@pytest.fixture
def document(owner_world):
    doc = fresh_document(owner_world)
    assert doc["root"] != str(owner_world.root.pk)
    return doc


def item_of(document, model, **match):
    for item in document["objects"]:
        if item["model"] == model and all(item["fields"].get(key) == value for key, value in match.items()):
            return item
    raise AssertionError(f"no {model} in the document")


def refused(document, user, match):
    before = snapshot()
    with pytest.raises(PortabilityError, match=match):
        import_fractal(copy.deepcopy(document), user)
    assert diff(before, snapshot()) == ""


def test_the_untouched_document_imports_so_the_refusals_below_are_about_the_crafting(owner_world, document):
    counts = import_fractal(document, owner_world.user)
    assert sum(counts.values()) == len(document["objects"])


def test_a_goal_re_rooted_into_another_users_fractal_is_refused(owner_world, stranger_world, document):
    goal = next(i for i in document["objects"] if i["model"] == "goals.goal" and i["fields"]["parent"])
    goal["fields"]["root"] = str(stranger_world.root.pk)
    goal["fields"]["parent"] = str(stranger_world.root.pk)
    refused(document, owner_world.user, "outside its own fractal")


def test_a_whole_document_re_rooted_onto_another_users_root_is_refused(owner_world, stranger_world, document):
    # Every row claims the stranger's root, the document's root included: no row may be written.
    victim = str(stranger_world.root.pk)
    document["objects"] = [item for item in document["objects"] if item["pk"] != document["root"]]
    for item in document["objects"]:
        item["fields"]["root"] = victim
        if item["model"] == "goals.goal" and item["fields"]["parent"] not in {i["pk"] for i in document["objects"]}:
            item["fields"]["parent"] = victim
    document["root"] = victim
    refused(document, owner_world.user, "does not contain its fractal.s root goal")


@pytest.mark.parametrize(
    ("model", "field", "target"),
    [
        ("goals.goal", "parent", "root"),
        ("practice_sessions.activityinstance", "activity", "activity"),
        ("practice_sessions.metricvalue", "metric", "metric"),
        ("practice_sessions.scheduledsession", "template", "template"),
        ("practice_sessions.practicesessiongoal", "goal", "root"),
    ],
)
def test_a_row_whose_link_points_at_another_fractals_row_is_refused(
    owner_world, stranger_world, document, model, field, target
):
    rows = [i for i in document["objects"] if i["model"] == model and i["fields"].get(field)]
    assert rows, model
    rows[0]["fields"][field] = str(getattr(stranger_world, target).pk)
    refused(document, owner_world.user, f"its {field} points outside the document")


def test_a_many_to_many_link_to_another_fractals_goal_is_refused(owner_world, stranger_world, document):
    program = item_of(document, "practice_sessions.program")
    program["fields"]["goals"] = [str(stranger_world.root.pk)]
    refused(document, owner_world.user, "its goals points outside the document")


def test_a_second_owner_on_a_non_root_goal_is_refused(owner_world, stranger_world, document):
    goal = next(i for i in document["objects"] if i["model"] == "goals.goal" and i["fields"]["parent"])
    goal["fields"]["owner"] = stranger_world.user.pk
    refused(document, owner_world.user, "its owner points outside the document")


@pytest.mark.parametrize("bad", ["not-a-uuid", None, 7])
def test_a_document_with_a_malformed_root_is_refused(owner_world, document, bad):
    document["root"] = bad
    refused(document, owner_world.user, "not a valid id")


def test_the_web_import_refuses_a_crafted_document_with_a_message(owner_world, stranger_world, document):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = [i for i in document["objects"] if i["model"] == "practice_sessions.activityinstance"]
    rows[0]["fields"]["activity"] = str(stranger_world.activity.pk)
    upload = SimpleUploadedFile("fractal.json", dumps(document).encode(), content_type="application/json")
    before = snapshot()
    response = signed_in(owner_world.user).post(reverse("account-import"), {"document": upload}, follow=True)
    assert "its activity points outside the document" in response.content.decode()
    assert diff(before, snapshot()) == ""


# --- check_integrity ---------------------------------------------------------------------


def test_every_one_to_one_link_between_scoped_rows_is_checked_for_its_fractal(db):
    for model in scoped_models():
        for field in model._meta.concrete_fields:
            if field.one_to_one and field.related_model in scoped_models():
                assert field in linked_fields(model), (model.__name__, field.name)


def test_check_integrity_reports_a_scheduled_session_linked_to_another_fractals_session(owner_world, stranger_world):
    scheduled = owner_world.scheduled
    ScheduledSession.all_objects.filter(pk=scheduled.pk).update(session=stranger_world.session)
    problems = [str(problem) for problem in find_problems(root_ids=[owner_world.root.pk])]
    expected = f"scheduled_sessions {scheduled.pk}: cross-fractal link: its session is in another fractal"
    assert f"{expected} (needs a person)" in problems, problems


def test_check_integrity_reports_a_goal_whose_parent_is_in_another_fractal(owner_world, stranger_world):
    from goals.models import Goal

    goal = owner_world.goal
    Goal.all_objects.filter(pk=goal.pk).update(parent=stranger_world.root)
    problems = [str(problem) for problem in find_problems(root_ids=[owner_world.root.pk])]
    assert any(str(goal.pk) in text and "root differs from its parent's root" in text for text in problems)


def test_the_models_refuse_the_same_cross_fractal_link_on_save(owner_world, stranger_world):
    scheduled = ScheduledSession.objects.get(pk=owner_world.scheduled.pk)
    scheduled.session = stranger_world.session
    with pytest.raises(ValidationError):
        scheduled.save()
