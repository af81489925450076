from .base import FractalQuerySet, FractalScopedModel, OrderedModel, SoftDeleteUnlink, root_field
from .goal import ROOT_LEVELS, SESSION_LEVELS, Goal, GoalLevel
from .profile import MapLayout, Profile, Theme, TreeView, WeekStart

__all__ = [
    "ROOT_LEVELS",
    "SESSION_LEVELS",
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
