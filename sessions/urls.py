from django.urls import path

from .views import detail, listing, notes, practice, programs, records, templates

fractal = "fractals/<uuid:root_id>/"
goal = f"{fractal}goals/<uuid:goal_id>/"
sessions = f"{fractal}sessions/"
session = f"{sessions}<uuid:session_id>/"
instance = f"{session}instances/<uuid:instance_id>/"
template = f"{fractal}templates/<uuid:template_id>/"
program = f"{fractal}programs/<uuid:program_id>/"

# Sessions list, new session, and the session page with its in-page actions.
note = f"{fractal}notes/<uuid:note_id>/"

urlpatterns = [
    path(f"{fractal}notes/", notes.note_list, name="note-list"),
    path(f"{fractal}notes/new/", notes.note_create, name="note-create"),
    path(f"{note}edit/", notes.note_edit, name="note-edit"),
    path(f"{note}pin/", notes.note_pin, name="note-pin"),
    path(f"{note}delete/", notes.note_delete, name="note-delete"),
    path(sessions, listing.session_list, name="session-list"),
    path(f"{sessions}new/", listing.session_create, name="session-create"),
    path(f"{sessions}log/", practice.log_session, name="session-log"),
    path(session, detail.session_detail, name="session-detail"),
    path(f"{session}start/", detail.session_start, name="session-start"),
    path(f"{session}complete/", detail.session_complete, name="session-complete"),
    path(f"{session}reopen/", detail.session_reopen, name="session-reopen"),
    path(f"{session}pause/", detail.session_pause, name="session-pause"),
    path(f"{session}edit/", detail.session_edit, name="session-edit"),
    path(f"{session}times/", detail.session_times, name="session-times"),
    path(f"{session}delete/", detail.session_delete, name="session-delete"),
    path(f"{session}activities/add/", detail.session_add_activity, name="session-add-activity"),
    path(f"{session}reorder/", detail.session_reorder, name="session-reorder"),
    path(f"{session}notes/add/", detail.session_note_add, name="session-note-add"),
    path(f"{session}notes/<uuid:note_id>/edit/", detail.session_note_edit, name="session-note-edit"),
    path("sessions/running/", practice.running_session, name="running-session"),
    path(f"{goal}start-practice/", practice.goal_start_practice, name="goal-start-practice"),
    path(f"{session}repeat/", practice.session_repeat, name="session-repeat"),
    path(f"{session}duplicate/", practice.session_duplicate, name="session-duplicate"),
    path(f"{fractal}activities/<uuid:activity_id>/records/", records.activity_records_page, name="activity-records"),
    path(f"{instance}move/", detail.instance_move, name="instance-move"),
    path(f"{instance}remove/", detail.instance_remove, name="instance-remove"),
    path(f"{instance}timer/", detail.instance_timer, name="instance-timer"),
    path(f"{instance}times/", detail.instance_times, name="instance-times"),
    path(f"{instance}update/", detail.instance_update, name="instance-update"),
    path(f"{instance}values/", detail.instance_values, name="instance-values"),
]

# Session templates and programs.
urlpatterns += [
    path(f"{fractal}templates/", templates.template_list, name="template-list"),
    path(f"{fractal}templates/new/", templates.template_create, name="template-create"),
    path(f"{fractal}templates/from-session/", templates.template_from_session, name="template-from-session"),
    path(f"{template}edit/", templates.template_edit, name="template-edit"),
    path(f"{template}duplicate/", templates.template_duplicate, name="template-duplicate"),
    path(f"{template}delete/", templates.template_delete, name="template-delete"),
    path(f"{template}new-session/", templates.session_from_template, name="session-from-template"),
    path(f"{template}start-practice/", practice.template_start_practice, name="template-start-practice"),
    path(f"{fractal}programs/", programs.program_list, name="program-list"),
    path(f"{fractal}programs/new/", programs.program_create, name="program-create"),
    path(program, programs.program_detail, name="program-detail"),
    path(f"{program}edit/", programs.program_edit, name="program-edit"),
    path(f"{program}delete/", programs.program_delete, name="program-delete"),
    path(f"{program}blocks/new/", programs.block_create, name="block-create"),
    path(f"{program}blocks/<uuid:block_id>/edit/", programs.block_edit, name="block-edit"),
    path(f"{program}blocks/<uuid:block_id>/delete/", programs.block_delete, name="block-delete"),
    path(f"{program}blocks/<uuid:block_id>/schedule/", programs.block_schedule, name="block-schedule"),
    path(f"{program}days/<uuid:day_id>/", programs.day_edit, name="day-edit"),
    path(f"{program}days/<uuid:day_id>/copy/", programs.day_copy, name="day-copy"),
    path(f"{program}days/<uuid:day_id>/delete/", programs.day_delete, name="day-delete"),
    path(f"{program}scheduled/<uuid:scheduled_id>/start/", practice.scheduled_start, name="scheduled-start"),
]
