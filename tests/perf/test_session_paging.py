"""Deep pages of the sessions list and API: every session exactly once, in order, even when many
sessions share a timestamp; the last page is read from the other end of the index."""

import datetime

import pytest
from django.urls import reverse

from sessions.models import PracticeSession
from sessions.pagination import MirroredPaginator
from sessions.views.listing import PAGE_SIZE, sessions_of
from tests.factories import PracticeSessionFactory

SAME_TIME = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def crowded(fractal, short_term_goal):
    """61 sessions: 40 started at the same moment (and created at the same moment), 21 apart."""
    sessions = []
    for index in range(61):
        started = SAME_TIME if index < 40 else SAME_TIME - datetime.timedelta(days=index)
        session = PracticeSessionFactory(root=fractal, goals=[short_term_goal], started_at=started)
        sessions.append(session)
    PracticeSession.objects.filter(pk__in=[s.pk for s in sessions[:40]]).update(created_at=SAME_TIME)
    return sessions


def test_mirrored_pages_hold_every_row_once_in_the_forward_order(crowded, fractal):
    queryset = sessions_of(fractal).order_by("-when", "-created_at")
    paginator = MirroredPaginator(queryset, 7)
    seen = [session.pk for number in paginator.page_range for session in paginator.page(number)]
    forward = list(paginator.object_list.values_list("pk", flat=True))
    assert seen == forward
    assert len(set(seen)) == len(crowded)


def test_the_sessions_page_lists_every_session_once_across_its_pages(owner_client, fractal, crowded):
    url = reverse("session-list", args=[fractal.pk])
    names = []
    for number in range(1, 4):
        page = owner_client.get(url, {"page": number}).content.decode()
        names += [session.name for session in crowded if f">{session.name}<" in page]
    assert sorted(names) == sorted(session.name for session in crowded)
    assert len(names) == len(set(names)) == 61
    last = owner_client.get(url, {"page": 3}).content.decode()
    assert "Page 3 of 3" in last and "« Newest" in last
    first = owner_client.get(url).content.decode()
    assert f'page={-(-61 // PAGE_SIZE)}">Oldest »' in first


def test_the_sessions_api_pages_by_number_hold_every_session_once(owner_client, fractal, crowded):
    url = f"/api/fractals/{fractal.pk}/sessions/"
    ids = []
    for number in (1, 2):
        body = owner_client.get(url, {"page": number}).json()
        assert body["count"] == 61
        ids += [row["id"] for row in body["results"]]
    last = owner_client.get(url, {"page": "last"}).json()
    assert last["results"][-1]["id"] == ids[-1]
    assert len(ids) == len(set(ids)) == 61


def test_the_sessions_api_cursor_pages_hold_every_session_once(owner_client, fractal, crowded):
    url = f"/api/fractals/{fractal.pk}/sessions/?cursor="
    ids = []
    while url:
        body = owner_client.get(url).json()
        assert "count" not in body
        ids += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(ids) == len(set(ids)) == 61


def test_a_bad_cursor_is_a_404_not_a_500(owner_client, fractal, crowded):
    response = owner_client.get(f"/api/fractals/{fractal.pk}/sessions/", {"cursor": "not-a-cursor!"})
    assert response.status_code == 404


def test_a_strangers_sessions_are_not_paged(stranger_client, fractal, crowded):
    assert stranger_client.get(f"/api/fractals/{fractal.pk}/sessions/", {"cursor": ""}).status_code == 404
    assert stranger_client.get(reverse("session-list", args=[fractal.pk]), {"page": 3}).status_code == 404
