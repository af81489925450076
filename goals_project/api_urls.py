"""One router for the whole API; each app contributes its viewsets from its ``api`` package.

Everything inside a fractal lives under ``fractals/<root_id>/``; the view resolves the fractal
for the signed-in user (404 for anyone else) before anything else happens.
"""

from django.conf import settings
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from activities.api import views as activity_views
from front.api import views as front_views
from goals.api import views as goal_views
from insights.api import views as insights_views
from sessions.api import notes as note_views
from sessions.api import views as session_views

FRACTAL = "fractals/<uuid:root_id>"


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI (its start-up script is a file, ``?script``); the UI sets inline styles, so this
    page alone allows them (scripts stay our own files only)."""

    def finalize_response(self, request, response, *args, **kwargs):
        # Not get(): its schema exclusion is a decorator on the parent's get().
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return response


router = SimpleRouter(use_regex_path=False)
router.register("fractals", goal_views.FractalViewSet, basename="fractal")
router.register(f"{FRACTAL}/goals", goal_views.GoalViewSet, basename="goal")
router.register(f"{FRACTAL}/activity-groups", activity_views.ActivityGroupViewSet, basename="activity-group")
router.register(f"{FRACTAL}/activities", activity_views.ActivityDefinitionViewSet, basename="activity")
router.register(f"{FRACTAL}/targets", session_views.TargetWithEvaluationViewSet, basename="target")
router.register(f"{FRACTAL}/sessions", session_views.PracticeSessionViewSet, basename="session")
router.register(f"{FRACTAL}/sections", session_views.SectionViewSet, basename="section")
router.register(f"{FRACTAL}/instances", session_views.ActivityInstanceViewSet, basename="instance")
router.register(f"{FRACTAL}/metric-values", session_views.MetricValueViewSet, basename="metric-value")
router.register(f"{FRACTAL}/templates", session_views.SessionTemplateViewSet, basename="template")
router.register(f"{FRACTAL}/programs", session_views.ProgramViewSet, basename="program")
router.register(f"{FRACTAL}/program-blocks", session_views.ProgramBlockViewSet, basename="program-block")
router.register(f"{FRACTAL}/program-days", session_views.ProgramDayViewSet, basename="program-day")
router.register(f"{FRACTAL}/scheduled-sessions", session_views.ScheduledSessionViewSet, basename="scheduled-session")
router.register(f"{FRACTAL}/notes", note_views.NoteViewSet, basename="note")
router.register(f"{FRACTAL}/trash", front_views.TrashViewSet, basename="trash")
router.register(f"{FRACTAL}/analytics", insights_views.AnalyticsViewSet, basename="analytics")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script under our CSP.
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path(f"{FRACTAL}/progress-tree/", front_views.ProgressTreeView.as_view(), name="progress-tree"),
    path(f"{FRACTAL}/goals/<uuid:goal_id>/copy/", front_views.GoalCopyView.as_view(), name="goal-copy"),
    path(
        f"{FRACTAL}/activities/<uuid:activity_id>/records/",
        session_views.ActivityRecordsView.as_view(),
        name="activity-records",
    ),
    path(
        f"{FRACTAL}/targets/<uuid:target_id>/history/",
        insights_views.TargetHistoryView.as_view(),
        name="target-history",
    ),
    *router.urls,
]
