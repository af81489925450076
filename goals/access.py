"""The one scoping rule: a user sees a fractal and everything under it only if they own its root.

Strangers get 404, never 403, so that existence is not revealed.
"""

from django.core.exceptions import ValidationError
from django.http import Http404

from .models import Goal


def fractals_for(user):
    """Live fractal roots owned by ``user``."""
    return Goal.objects.roots().filter(owner=user) if user.is_authenticated else Goal.objects.none()


def get_fractal_for_user(user, root_id, include_deleted=False):
    """The fractal root ``root_id`` if ``user`` owns it; Http404 otherwise."""
    manager = Goal.all_objects if include_deleted else Goal.objects
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such fractal.")
    try:
        return manager.get(pk=root_id, parent__isnull=True, owner=user)
    except (Goal.DoesNotExist, ValidationError, ValueError, TypeError):
        # A malformed id is just another id that does not exist.
        raise Http404("No such fractal.") from None


def get_scoped_or_404(queryset, root, **lookup):
    """Fetch one object of ``queryset`` inside fractal ``root``; 404 for anything else."""
    try:
        return queryset.filter(root_id=root.pk).get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("Not found.") from None
