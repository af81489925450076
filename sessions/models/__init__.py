from .achievement import TargetAchievement
from .note import Note, NoteContext, field_note_id
from .pause import SessionPause
from .program import Program, ProgramBlock, ProgramDay, ScheduledSession
from .session import ActivityInstance, MetricValue, PracticeSession, PracticeSessionGoal, SessionSection
from .template import SessionTemplate, TemplateActivity, TemplateSection

__all__ = [
    "ActivityInstance",
    "MetricValue",
    "Note",
    "NoteContext",
    "PracticeSession",
    "PracticeSessionGoal",
    "Program",
    "ProgramBlock",
    "ProgramDay",
    "ScheduledSession",
    "SessionPause",
    "SessionSection",
    "SessionTemplate",
    "TargetAchievement",
    "TemplateActivity",
    "TemplateSection",
    "field_note_id",
]
