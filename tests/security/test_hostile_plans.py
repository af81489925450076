"""Programs and templates: what the page form refuses, the API and the model refuse too, with a
JSON 400 naming the field, and nothing is written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions.models import Program, ProgramBlock, SessionTemplate

from .conftest import signed_in
from .world import diff, snapshot


def api_url(world, path):
    return f"/api/fractals/{world.root.pk}/{path}"


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({"name": "Only a name"}, {"start_date", "end_date"}),
        ({"name": "No end", "start_date": "2026-03-01"}, {"end_date"}),
        ({"name": "No start", "end_date": "2026-03-31"}, {"start_date"}),
        ({"name": "Null dates", "start_date": None, "end_date": None}, {"start_date", "end_date"}),
    ],
)
def test_an_api_program_without_both_dates_is_a_400_naming_each_missing_date(owner_world, body, missing):
    before = snapshot()
    response = signed_in(owner_world.user).post(
        api_url(owner_world, "programs/"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert missing <= set(response.json())
    assert diff(before, snapshot()) == ""


def test_clearing_a_program_date_through_the_api_is_a_400(owner_world):
    program = owner_world.program
    before = snapshot()
    response = signed_in(owner_world.user).patch(
        api_url(owner_world, f"programs/{program.pk}/"), {"end_date": None}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "end_date" in response.json()
    assert diff(before, snapshot()) == ""


def test_the_model_refuses_a_program_without_dates_whoever_saves_it(owner_world):
    program = Program(name="Dateless", root=owner_world.root)
    with pytest.raises(ValidationError) as error:
        program.full_clean()
    assert {"start_date", "end_date"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError):
        program.save()
    assert not Program.objects.filter(name="Dateless").exists()


def outside(program):
    day = datetime.timedelta(days=1)
    return [
        ("start_date", program.start_date - day, program.start_date + day),
        ("end_date", program.end_date - day, program.end_date + day),
    ]


@pytest.mark.parametrize("which", [0, 1])
def test_an_api_block_outside_its_program_is_a_400(owner_world, which):
    program = owner_world.program
    field, start, end = outside(program)[which]
    body = {"program": str(program.pk), "name": "Outside", "start_date": f"{start}", "end_date": f"{end}"}
    before = snapshot()
    response = signed_in(owner_world.user).post(
        api_url(owner_world, "program-blocks/"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "program" in response.json()[field][0]
    assert diff(before, snapshot()) == ""


def test_moving_a_block_outside_its_program_through_the_api_is_a_400(owner_world):
    block, program = owner_world.block, owner_world.program
    before = snapshot()
    response = signed_in(owner_world.user).patch(
        api_url(owner_world, f"program-blocks/{block.pk}/"),
        {"end_date": f"{program.end_date + datetime.timedelta(days=30)}"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "end_date" in response.json()
    assert diff(before, snapshot()) == ""


def test_shrinking_a_program_past_its_block_is_refused(owner_world):
    program, block = owner_world.program, owner_world.block
    before = snapshot()
    response = signed_in(owner_world.user).patch(
        api_url(owner_world, f"programs/{program.pk}/"),
        {"end_date": f"{block.end_date - datetime.timedelta(days=1)}"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "block" in response.json()["end_date"][0]
    assert diff(before, snapshot()) == ""


def test_the_block_page_refuses_dates_outside_the_program_with_a_message(owner_world):
    program = owner_world.program
    page = reverse("block-create", kwargs={"root_id": owner_world.root.pk, "program_id": program.pk})
    start = program.start_date - datetime.timedelta(days=3)
    data = {"name": "Early", "start_date": f"{start}", "end_date": f"{program.start_date}", "color": "#aa3311"}
    before = snapshot()
    response = signed_in(owner_world.user).post(page, data)
    assert response.status_code == 400
    assert "A block cannot start before its program" in response.content.decode()
    assert diff(before, snapshot()) == ""


def test_check_integrity_reports_a_stored_block_outside_its_program(owner_world):
    from goals.integrity import find_problems

    ProgramBlock.all_objects.filter(pk=owner_world.block.pk).update(
        end_date=owner_world.program.end_date + datetime.timedelta(days=9)
    )
    problems = [str(problem) for problem in find_problems(root_ids=[owner_world.root.pk])]
    assert any(str(owner_world.block.pk) in text and "outside its program" in text for text in problems)


@pytest.mark.parametrize("method", ["post", "patch"])
def test_an_api_template_with_no_sections_is_a_400(owner_world, method):
    client = signed_in(owner_world.user)
    body = {"name": "Empty", "sections": []}
    before = snapshot()
    if method == "post":
        response = client.post(api_url(owner_world, "templates/"), body, content_type="application/json")
    else:
        path = api_url(owner_world, f"templates/{owner_world.template.pk}/")
        response = client.patch(path, body, content_type="application/json")
    assert response.status_code == 400
    assert "at least one section" in str(response.json()["sections"])
    assert diff(before, snapshot()) == ""
    assert not SessionTemplate.objects.filter(name="Empty").exists()


def test_the_model_refuses_a_template_with_no_sections(owner_world):
    with pytest.raises(ValidationError):
        SessionTemplate.create(owner_world.root, "Empty", sections=[])
    assert not SessionTemplate.all_objects.filter(name="Empty").exists()


def test_the_program_page_refuses_shrinking_past_a_block_with_a_message(owner_world):
    program, block = owner_world.program, owner_world.block
    page = reverse("program-edit", kwargs={"root_id": owner_world.root.pk, "program_id": program.pk})
    end = block.end_date - datetime.timedelta(days=1)
    data = {"name": program.name, "start_date": f"{program.start_date}", "end_date": f"{end}"}
    before = snapshot()
    response = signed_in(owner_world.user).post(page, data)
    assert response.status_code == 400
    assert "A block of this program ends after this date" in response.content.decode()
    assert diff(before, snapshot()) == ""
