from django.contrib import admin

from goals.admin_base import FractalChoiceForm, ScopedAdmin, ScopedInline

from .models import (
    ActivityInstance,
    MetricValue,
    Note,
    PracticeSession,
    PracticeSessionGoal,
    Program,
    ProgramBlock,
    ProgramDay,
    ScheduledSession,
    SessionPause,
    SessionSection,
    SessionTemplate,
    TargetAchievement,
    TemplateActivity,
    TemplateSection,
)


class GoalLinkInline(ScopedInline):
    model = PracticeSessionGoal
    fields = ("goal",)
    raw_id_fields = ("goal",)
    readonly_fields = ()
    show_change_link = False


class SectionInline(ScopedInline):
    model = SessionSection
    fields = ("name", "planned_minutes", "rest_seconds", "sort_order", "deleted_at")


class PauseInline(ScopedInline):
    model = SessionPause
    fields = ("started_at", "ended_at", "deleted_at")
    show_change_link = False


class NoteInline(ScopedInline):
    """The notes of a session, or of an instance (and its sets); the Notes admin edits any note."""

    model = Note
    fields = ("body", "pinned", "set_number", "deleted_at")
    readonly_fields = ("deleted_at",)


class SessionNoteInline(NoteInline):
    fk_name = "session"
    fields = ("body", "pinned", "deleted_at")


class InstanceNoteInline(NoteInline):
    fk_name = "instance"


class InstanceInline(ScopedInline):
    model = ActivityInstance
    fields = (
        "activity",
        "section",
        "time_start",
        "time_stop",
        "duration_seconds",
        "completed",
        "sort_order",
        "deleted_at",
    )
    readonly_fields = ("duration_seconds", "deleted_at")
    raw_id_fields = ("activity", "section")


class ValueInline(ScopedInline):
    model = MetricValue
    fields = ("metric", "split", "set_number", "value", "confirmed", "deleted_at")
    raw_id_fields = ("metric", "split")


@admin.register(PracticeSession)
class PracticeSessionAdmin(ScopedAdmin):
    form = FractalChoiceForm
    list_display = ("name", "fractal", "started_at", "ended_at", "total_duration_seconds", "completed", "is_live")
    list_filter = ("completed",)
    search_fields = ("name", "attached_notes__body", "id")
    list_select_related = ("root", "template")
    raw_id_fields = ("template",)
    date_hierarchy = "created_at"
    inlines = [GoalLinkInline, SectionInline, PauseInline, InstanceInline, SessionNoteInline]
    readonly_fields = ("total_duration_seconds",)
    fields = (
        "fractal",
        "name",
        "description",
        "template",
        "started_at",
        "ended_at",
        "planned_minutes",
        "total_duration_seconds",
        "completed",
        "completed_at",
    )


@admin.register(Note)
class NoteAdmin(ScopedAdmin):
    list_display = ("__str__", "fractal", "context", "pinned", "created_at", "is_live")
    list_filter = ("pinned",)
    search_fields = ("body", "id")
    list_select_related = ("root",)
    raw_id_fields = ("goal", "session", "activity", "instance")


@admin.register(SessionSection)
class SessionSectionAdmin(ScopedAdmin):
    list_display = ("name", "session", "fractal", "planned_minutes", "sort_order", "is_live")
    search_fields = ("name", "session__name", "id")
    list_select_related = ("root", "session")
    raw_id_fields = ("session",)


@admin.register(ActivityInstance)
class ActivityInstanceAdmin(ScopedAdmin):
    list_display = (
        "activity",
        "session",
        "fractal",
        "time_start",
        "time_stop",
        "duration_seconds",
        "completed",
        "is_live",
    )
    list_filter = ("completed",)
    search_fields = ("activity__name", "session__name", "id")
    list_select_related = ("root", "activity", "session")
    raw_id_fields = ("session", "section", "activity")
    readonly_fields = ("duration_seconds",)
    inlines = [ValueInline, InstanceNoteInline]


@admin.register(MetricValue)
class MetricValueAdmin(ScopedAdmin):
    list_display = ("metric", "value", "set_number", "split", "instance", "fractal", "created_at", "is_live")
    search_fields = ("metric__name", "instance__activity__name", "id")
    list_select_related = ("root", "metric", "split", "instance__activity")
    raw_id_fields = ("instance", "metric", "split")


class TemplateSectionInline(ScopedInline):
    model = TemplateSection
    fields = ("name", "planned_minutes", "rest_seconds", "sort_order", "deleted_at")


class TemplateActivityInline(ScopedInline):
    model = TemplateActivity
    fields = ("activity", "sort_order", "deleted_at")
    raw_id_fields = ("activity",)


@admin.register(SessionTemplate)
class SessionTemplateAdmin(ScopedAdmin):
    form = FractalChoiceForm
    list_display = ("name", "fractal", "created_at", "is_live")
    search_fields = ("name", "id")
    list_select_related = ("root",)
    inlines = [TemplateSectionInline]
    fields = ("fractal", "name", "description")


@admin.register(TemplateSection)
class TemplateSectionAdmin(ScopedAdmin):
    list_display = ("name", "template", "fractal", "planned_minutes", "sort_order", "is_live")
    search_fields = ("name", "template__name", "id")
    list_select_related = ("root", "template")
    raw_id_fields = ("template",)
    inlines = [TemplateActivityInline]


class BlockInline(ScopedInline):
    model = ProgramBlock
    fields = ("name", "start_date", "end_date", "color", "sort_order", "deleted_at")


class DayInline(ScopedInline):
    model = ProgramDay
    fields = ("date", "day_number", "name", "notes", "deleted_at")


class ScheduledInline(ScopedInline):
    model = ScheduledSession
    fields = ("template", "session", "completed", "completed_at", "deleted_at")
    raw_id_fields = ("template", "session")


@admin.register(Program)
class ProgramAdmin(ScopedAdmin):
    form = FractalChoiceForm
    list_display = ("name", "fractal", "start_date", "end_date", "is_active", "is_live")
    list_filter = ("is_active",)
    search_fields = ("name", "id")
    list_select_related = ("root",)
    raw_id_fields = ("goals",)
    inlines = [BlockInline]
    fields = ("fractal", "name", "description", "start_date", "end_date", "is_active", "goals")


@admin.register(ProgramBlock)
class ProgramBlockAdmin(ScopedAdmin):
    list_display = ("name", "program", "fractal", "start_date", "end_date", "color", "is_live")
    search_fields = ("name", "program__name", "legacy_id", "id")
    list_select_related = ("root", "program")
    raw_id_fields = ("program", "goals")
    readonly_fields = ("legacy_id",)
    inlines = [DayInline]


@admin.register(ProgramDay)
class ProgramDayAdmin(ScopedAdmin):
    list_display = ("__str__", "date", "day_number", "block", "fractal", "is_live")
    search_fields = ("name", "block__name", "id")
    list_select_related = ("root", "block")
    raw_id_fields = ("block",)
    inlines = [ScheduledInline]


@admin.register(ScheduledSession)
class ScheduledSessionAdmin(ScopedAdmin):
    list_display = ("__str__", "day", "template", "session", "completed", "fractal", "is_live")
    list_filter = ("completed",)
    search_fields = ("template__name", "id")
    list_select_related = ("root", "day", "template", "session")
    raw_id_fields = ("day", "template", "session")


@admin.register(TargetAchievement)
class TargetAchievementAdmin(ScopedAdmin):
    list_display = ("target", "session", "achieved_at", "fractal", "is_live")
    search_fields = ("target__name", "session__name", "id")
    list_select_related = ("root", "target__activity", "session")
    raw_id_fields = ("target", "session", "instance", "split")


@admin.register(PracticeSessionGoal)
class PracticeSessionGoalAdmin(ScopedAdmin):
    list_display = ("session", "goal", "fractal", "created_at")
    search_fields = ("session__name", "goal__name", "id")
    list_select_related = ("root", "session", "goal")
    raw_id_fields = ("session", "goal")


@admin.register(TemplateActivity)
class TemplateActivityAdmin(ScopedAdmin):
    list_display = ("activity", "section", "fractal", "sort_order", "is_live")
    search_fields = ("activity__name", "section__name", "id")
    list_select_related = ("root", "activity", "section")
    raw_id_fields = ("section", "activity")
