"""SessionTemplate.available_name: the first name no live template of the fractal uses."""

from sessions.models import SessionTemplate
from tests.factories import SessionTemplateFactory


def test_a_free_name_is_kept(fractal):
    assert SessionTemplate.available_name(fractal, "Pull day") == "Pull day"


def test_a_taken_name_gets_the_next_free_number_ignoring_case(fractal):
    SessionTemplateFactory(root=fractal, name="pull day")
    SessionTemplateFactory(root=fractal, name="Pull day (2)")
    assert SessionTemplate.available_name(fractal, "Pull day") == "Pull day (3)"


def test_deleted_templates_and_other_fractals_do_not_take_names(fractal, stranger_fractal):
    SessionTemplateFactory(root=fractal, name="Pull day").delete()
    SessionTemplateFactory(root=stranger_fractal, name="Pull day")
    assert SessionTemplate.available_name(fractal, "Pull day") == "Pull day"
