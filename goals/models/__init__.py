from .base import FractalQuerySet, FractalScopedModel, OrderedModel, SoftDeleteUnlink, root_field
from .goal import ROOT_LEVELS, SESSION_LEVELS, CompletedBy, CompletionMode, Goal, GoalLevel
from .pause import GoalPause
from .profile import MapLayout, Profile, Theme, TreeView, WeekStart
from .token import ApiToken

__all__ = [
    "ROOT_LEVELS",
    "SESSION_LEVELS",
    "ApiToken",
    "CompletedBy",
    "CompletionMode",
    "FractalQuerySet",
    "FractalScopedModel",
    "Goal",
    "GoalLevel",
    "GoalPause",
    "MapLayout",
    "OrderedModel",
    "Profile",
    "SoftDeleteUnlink",
    "Theme",
    "TreeView",
    "WeekStart",
    "root_field",
]
