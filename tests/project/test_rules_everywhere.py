"""Each unified rule refuses the same bad input at every entry point: page, API, admin, command.

One case per (rule, entry point). The rules live once (``goals.rules.TimeOrder`` declared by each
model, ``GoalLevel.may_parent``); this pins that no entry point forgot to ask them. The command is
``import_fractal`` fed an export whose row was edited to break the rule.
"""

import copy
import datetime
import json
import re
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from goals.models import Goal, GoalLevel
from ops.portability import dumps, export_fractal, exported_models
from sessions.models import ActivityInstance, PracticeSession, Program
from tests.api.conftest import url as api_url
from tests.factories import ActivityDefinitionFactory, ActivityInstanceFactory, PracticeSessionFactory, goal_chain

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
START = timezone.make_aware(datetime.datetime(2026, 3, 1, 10, 0))
BEFORE = START - datetime.timedelta(hours=1)
DAY = datetime.date(2027, 3, 1)
DAY_BEFORE = DAY - datetime.timedelta(days=1)


def admin_form_errors(admin_user, instance, data):
    """Validate ``data`` with the admin's own form for ``instance`` (inlines aside); its errors."""
    model_admin = admin.site._registry[type(instance)]
    request = RequestFactory().post("/")
    request.user = admin_user
    form = model_admin.get_form(request, instance if instance.pk else None)(data=data, instance=instance)
    assert not form.is_valid()
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def split_datetime(name, value):
    """The admin's split date/time inputs for one datetime field."""
    local = timezone.localtime(value)
    return {f"{name}_0": local.date().isoformat(), f"{name}_1": local.time().isoformat()}


def import_edited_export(fractal, owner, tmp_path, edit):
    """Export ``fractal``, remove it, break the document with ``edit`` and import it; the refusal."""
    document = export_fractal(fractal)
    for model in reversed(exported_models()):  # children first: some links protect their rows
        model.all_objects.filter(root_id=fractal.pk).hard_delete()
    edit(document["objects"])
    path = tmp_path / "edited.json"
    path.write_text(dumps(json.loads(dumps(document))), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_fractal", str(path), owner=owner.get_username(), stdout=StringIO())
    assert not Goal.all_objects.filter(pk=fractal.pk).exists(), "a refused import writes nothing"
    return str(refused.value)


def row_of(objects, model, pk):
    return next(item for item in objects if item["model"] == model._meta.label_lower and item["pk"] == str(pk))


# --- the rules, one class each: ``setup`` builds what the bad input targets, one method per entry
class SessionTimeOrder:
    # Typed times may be held to a stricter "must end after it starts" (the session page's rule).
    message = "A session (cannot|must) end (before|after) it starts."

    def setup(self, fractal, short_term_goal):
        return PracticeSessionFactory(root=fractal, goals=[short_term_goal], started_at=START)

    def unchanged(self, session):
        assert not PracticeSession.objects.filter(pk=session.pk, ended_at__isnull=False).exists()

    def api(self, client, session):
        response = client.patch(
            api_url(session.root, f"sessions/{session.pk}/"), {"ended_at": BEFORE.isoformat()}, format="json"
        )
        assert response.status_code == 400
        return " ".join(response.json()["ended_at"])

    def admin(self, admin_user, session):
        return admin_form_errors(
            admin_user, session, {**split_datetime("started_at", START), **split_datetime("ended_at", BEFORE)}
        )

    def command(self, session, owner, tmp_path):
        def edit(objects):
            row_of(objects, PracticeSession, session.pk)["fields"]["ended_at"] = BEFORE.isoformat()

        return import_edited_export(session.root, owner, tmp_path, edit)


class InstanceTimeOrder:
    message = "The stop time cannot be before the start time"

    def setup(self, fractal, short_term_goal):
        session = PracticeSessionFactory(root=fractal, goals=[short_term_goal])
        return ActivityInstanceFactory(session=session, activity=ActivityDefinitionFactory(root=fractal))

    def unchanged(self, instance):
        instance = ActivityInstance.objects.get(pk=instance.pk)
        assert instance.time_start is None and instance.time_stop is None

    def page(self, client, instance):
        address = reverse(
            "instance-times",
            kwargs={"root_id": instance.root_id, "session_id": instance.session_id, "instance_id": instance.pk},
        )
        data = {"time_start": "2026-03-01T10:00:00", "time_stop": "2026-03-01T09:00:00"}
        response = client.post(address, data, **HTMX)
        assert response.status_code == 400
        return response.content.decode()

    def api(self, client, instance):
        data = {"time_start": START.isoformat(), "time_stop": BEFORE.isoformat()}
        response = client.patch(api_url(instance.root, f"instances/{instance.pk}/"), data, format="json")
        assert response.status_code == 400
        return " ".join(response.json()["time_stop"])

    def admin(self, admin_user, instance):
        return admin_form_errors(
            admin_user, instance, {**split_datetime("time_start", START), **split_datetime("time_stop", BEFORE)}
        )

    def command(self, instance, owner, tmp_path):
        def edit(objects):
            fields = row_of(objects, ActivityInstance, instance.pk)["fields"]
            fields["time_start"], fields["time_stop"] = START.isoformat(), BEFORE.isoformat()

        return import_edited_export(instance.root, owner, tmp_path, edit)


class ProgramTimeOrder:
    message = "A program cannot end before it starts."

    def setup(self, fractal, short_term_goal):
        program = Program(root=fractal, name="Spring", start_date=DAY, end_date=DAY + datetime.timedelta(days=30))
        program.save()
        return program

    def unchanged(self, program):
        assert Program.objects.get(pk=program.pk).end_date > DAY
        assert list(Program.objects.filter(root_id=program.root_id)) == [program]

    def page(self, client, program):
        address = reverse("program-create", kwargs={"root_id": program.root_id})
        data = {"name": "Backwards", "start_date": DAY.isoformat(), "end_date": DAY_BEFORE.isoformat()}
        response = client.post(address, data)
        assert response.status_code == 400
        return response.content.decode()

    def api(self, client, program):
        data = {"name": "Backwards", "start_date": DAY.isoformat(), "end_date": DAY_BEFORE.isoformat()}
        response = client.post(api_url(program.root, "programs/"), data, format="json")
        assert response.status_code == 400
        return " ".join(response.json()["end_date"])

    def admin(self, admin_user, program):
        return admin_form_errors(
            admin_user, program, {"name": "Spring", "start_date": DAY.isoformat(), "end_date": DAY_BEFORE.isoformat()}
        )

    def command(self, program, owner, tmp_path):
        def edit(objects):
            row_of(objects, Program, program.pk)["fields"]["end_date"] = DAY_BEFORE.isoformat()

        return import_edited_export(program.root, owner, tmp_path, edit)


class NanoGoalsHaveNoChildren:
    """The goal-level rule's end: nothing goes under a nano goal."""

    message = "Nano goals"

    def setup(self, fractal, short_term_goal):
        return goal_chain(fractal, down_to=GoalLevel.NANO)[-1]

    def unchanged(self, nano):
        assert not Goal.all_objects.filter(parent_id=nano.pk).exists()

    def page(self, client, nano):
        address = reverse("tree-add", kwargs={"root_id": nano.root_id, "goal_id": nano.pk})
        response = client.post(address, {"name": "Too deep"}, **HTMX)
        assert response.status_code == 400
        return response.content.decode()

    def api(self, client, nano):
        data = {"parent": str(nano.pk), "name": "Too deep"}
        response = client.post(api_url(nano.root, "goals/"), data, format="json")
        assert response.status_code == 400
        return " ".join(response.json()["parent"])

    def admin(self, admin_user, nano):
        data = {"name": "Too deep", "level": GoalLevel.NANO, "parent": nano.pk, "sort_order": ""}
        return admin_form_errors(admin_user, Goal(), data)

    def command(self, nano, owner, tmp_path):
        def edit(objects):
            child = copy.deepcopy(row_of(objects, Goal, nano.pk))
            child["pk"] = "0b6f3b0e-8f4e-4a8e-9d57-000000000001"
            child["fields"]["parent"] = str(nano.pk)
            objects.append(child)

        return import_edited_export(nano.root, owner, tmp_path, edit)


RULES = [SessionTimeOrder(), InstanceTimeOrder(), ProgramTimeOrder(), NanoGoalsHaveNoChildren()]
CASES = [
    pytest.param(rule, entry, id=f"{type(rule).__name__}-{entry}")
    for rule in RULES
    for entry in ("page", "api", "admin", "command")
    if hasattr(rule, entry)  # sessions' times have no page of their own (they come from the timers)
]


@pytest.mark.parametrize(("rule", "entry"), CASES)
def test_every_entry_point_refuses_what_the_rule_refuses_and_changes_nothing(
    rule, entry, owner, owner_client, fractal, short_term_goal, admin_user, tmp_path
):
    target = rule.setup(fractal, short_term_goal)
    if entry == "page":
        said = rule.page(owner_client, target)
    elif entry == "api":
        client = APIClient()
        client.force_authenticate(owner)
        said = rule.api(client, target)
    elif entry == "admin":
        said = rule.admin(admin_user, target)
    else:
        said = rule.command(target, owner, tmp_path)
        assert re.search(rule.message, said)
        return  # the fractal was removed before the refused import
    assert re.search(rule.message, said)
    rule.unchanged(target)
