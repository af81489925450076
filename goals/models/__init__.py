from .base import FractalQuerySet, FractalScopedModel, OrderedModel, SoftDeleteUnlink, root_field
from .goal import ROOT_LEVELS, SESSION_LEVELS, Goal, GoalLevel
from .profile import Profile, Theme, WeekStart
from .token import ApiToken

__all__ = [
    "ROOT_LEVELS",
    "SESSION_LEVELS",
    "ApiToken",
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
