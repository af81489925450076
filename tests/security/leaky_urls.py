"""A deliberately leaky URLconf: proves the ownership matrix catches what it is meant to catch."""

from django.http import HttpResponse
from django.urls import path

from goals.models import Goal


def leaky_goal(request, root_id, goal_id):
    """Scopes nothing: shows and completes any goal by id (the bug the matrix exists to find)."""
    goal = Goal.objects.get(pk=goal_id)
    if request.method == "POST":
        goal.reopen()
    return HttpResponse(goal.name)


urlpatterns = [path("fractals/<uuid:root_id>/goals/<uuid:goal_id>/leak/", leaky_goal, name="leaky-goal")]
