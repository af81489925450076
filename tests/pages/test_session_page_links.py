"""Pages: the session page's "Save as template" and "Duplicate" lead somewhere that works."""

import re

import pytest
from django.urls import reverse

from sessions.models import PracticeSession, SessionTemplate
from tests.factories import ActivityInstanceFactory, PracticeSessionFactory, SessionSectionFactory
from tests.pages.session_data import set_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(fractal, short_term_goal):
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Pull day")
    section = SessionSectionFactory(session=session, name="Main")
    ActivityInstanceFactory(session=session, section=section, activity=set_activity(fractal))
    return session


def page_of(client, session):
    url = reverse("session-detail", kwargs={"root_id": session.root_id, "session_id": session.pk})
    return client.get(url).content.decode()


def test_following_save_as_template_saves_this_session_as_a_template(owner_client, session):
    link = re.search(r'href="([^"]+)" id="save-as-template"', page_of(owner_client, session)).group(1)
    link = link.replace("&amp;", "&")
    form = owner_client.get(link)
    assert form.status_code == 200
    assert str(form.context["form"]["session"].value()) == str(session.pk)
    response = owner_client.post(link, {"session": session.pk, "name": ""})
    template = SessionTemplate.objects.get()
    assert response.status_code == 302 and template.name == "Pull day"
    assert [name for name, _, _ in template.section_plan()] == ["Main"]


def test_the_duplicate_button_copies_the_session_unstarted(owner_client, session):
    action = re.search(
        r'action="([^"]+)" class="inline">[^<]*<input[^>]*><button[^>]*id="duplicate-session"',
        page_of(owner_client, session),
    )
    assert action is not None
    owner_client.post(action.group(1))
    copy = PracticeSession.objects.exclude(pk=session.pk).get()
    assert copy.started_at is None and copy.name == "Pull day"
