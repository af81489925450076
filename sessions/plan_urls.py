"""URLs of the planning pages: session templates, programs and analytics."""

from django.urls import path

from . import analytics_views, program_views, template_views

fractal = "fractals/<uuid:root_id>/"
template = fractal + "templates/<uuid:template_id>/"
program = fractal + "programs/<uuid:program_id>/"

urlpatterns = [
    path(fractal + "templates/", template_views.template_list, name="template-list"),
    path(fractal + "templates/new/", template_views.template_create, name="template-create"),
    path(fractal + "templates/from-session/", template_views.template_from_session, name="template-from-session"),
    path(template + "edit/", template_views.template_edit, name="template-edit"),
    path(template + "duplicate/", template_views.template_duplicate, name="template-duplicate"),
    path(template + "delete/", template_views.template_delete, name="template-delete"),
    path(template + "new-session/", template_views.session_from_template, name="session-from-template"),
    path(fractal + "programs/", program_views.program_list, name="program-list"),
    path(fractal + "programs/new/", program_views.program_create, name="program-create"),
    path(program, program_views.program_detail, name="program-detail"),
    path(program + "edit/", program_views.program_edit, name="program-edit"),
    path(program + "delete/", program_views.program_delete, name="program-delete"),
    path(program + "blocks/new/", program_views.block_create, name="block-create"),
    path(program + "blocks/<uuid:block_id>/edit/", program_views.block_edit, name="block-edit"),
    path(program + "blocks/<uuid:block_id>/delete/", program_views.block_delete, name="block-delete"),
    path(program + "blocks/<uuid:block_id>/schedule/", program_views.block_schedule, name="block-schedule"),
    path(program + "days/<uuid:day_id>/", program_views.day_edit, name="day-edit"),
    path(program + "days/<uuid:day_id>/copy/", program_views.day_copy, name="day-copy"),
    path(program + "days/<uuid:day_id>/delete/", program_views.day_delete, name="day-delete"),
    path(program + "scheduled/<uuid:scheduled_id>/start/", program_views.scheduled_start, name="scheduled-start"),
    path(fractal + "analytics/", analytics_views.analytics_page, name="analytics"),
]
