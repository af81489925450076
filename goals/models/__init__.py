from .base import FractalQuerySet, FractalScopedModel, OrderedModel, SoftDeleteUnlink, root_field
from .goal import ROOT_LEVELS, SESSION_LEVELS, CompletedBy, Goal, GoalLevel
from .profile import Profile, Theme, WeekStart
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
    "OrderedModel",
    "Profile",
    "SoftDeleteUnlink",
    "Theme",
    "WeekStart",
    "root_field",
]
