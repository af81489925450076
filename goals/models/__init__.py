from .base import FractalQuerySet, FractalScopedModel, OrderedModel, SoftDeleteUnlink, root_field
from .goal import ROOT_LEVELS, SESSION_LEVELS, CompletedBy, Goal, GoalLevel
from .profile import MapLayout, Profile, Theme, TreeView, WeekStart
from .token import ApiToken

__all__ = [
    "ROOT_LEVELS",
    "SESSION_LEVELS",
    "ApiToken",
    "CompletedBy",
    "FractalQuerySet",
    "FractalScopedModel",
    "Goal",
    "GoalLevel",
    "MapLayout",
    "OrderedModel",
    "Profile",
    "SoftDeleteUnlink",
    "Theme",
    "TreeView",
    "WeekStart",
    "root_field",
]
