"""Small helpers shared by the session app's pages."""

from django.urls import reverse


def session_url(session):
    return reverse("session-detail", kwargs={"root_id": session.root_id, "session_id": session.pk})
