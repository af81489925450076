"""An activity's personal records: a section of its page in the library, and a page of its own."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import get_template
from django.views.decorators.http import require_safe

from activities.models import ActivityDefinition
from goals.access import get_fractal_for_user, get_scoped_or_404

from ..records import activity_records

RECORDS_PANEL = get_template("sessions/partials/activity_records.html")


def records_panel(request, fractal, definition):
    """The records section of the activity's page (registered with activities.panels)."""
    return RECORDS_PANEL.render(
        {"fractal": fractal, "definition": definition, "records": activity_records(definition)}, request
    )


@login_required
@require_safe
def activity_records_page(request, root_id, activity_id):
    fractal = get_fractal_for_user(request.user, root_id)
    definition = get_scoped_or_404(ActivityDefinition.objects, fractal, pk=activity_id)
    context = {"fractal": fractal, "definition": definition, "records": activity_records(definition)}
    return render(request, "sessions/activity_records.html", context)
