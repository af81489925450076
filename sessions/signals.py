"""Keep plain many-to-many links of programs and blocks inside their fractal.

These relations have no model of their own to validate, so the check runs whenever links are
added, from any entry point (forms, API, admin, shell).
"""

from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from goals.models import Goal

from .models import Program, ProgramBlock


@receiver(m2m_changed, sender=Program.goals.through)
@receiver(m2m_changed, sender=ProgramBlock.goals.through)
def keep_goals_in_fractal(sender, instance, action, reverse, pk_set, **kwargs):
    if action != "pre_add" or not pk_set:
        return
    if reverse:
        raise ValidationError("Link programs to goals from the program side.")
    foreign = Goal.all_objects.filter(pk__in=pk_set).exclude(root_id=instance.root_id)
    if foreign.exists():
        raise ValidationError({"goals": "A goal belongs to another fractal."})
