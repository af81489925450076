"""Rules that hold whatever the entry point (forms, API, admin, shell).

Plain many-to-many links of programs and blocks stay inside their fractal (they have no model of
their own to validate). Targets are re-evaluated whenever one of their inputs is saved or hard
deleted (soft delete and restore go through goals.services, whose hook does the same).
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import receiver

from activities.models import ActivityDefinition, MetricDefinition, Target, TargetKind, TargetScope
from activities.signals import target_edited
from goals.models import Goal, Profile

from .models import ActivityInstance, MetricValue, PracticeSession, PracticeSessionGoal, Program, ProgramBlock
from .records import store_activity_products, values_changed
from .targets import input_changed, reevaluate_goals, targets_changed


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


@receiver(post_save, sender=MetricValue)
@receiver(post_delete, sender=MetricValue)
def value_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    values_changed(instance.instance_id)
    if MetricValue.instance.is_cached(instance):
        input_changed(instance.instance.session_id)
    else:
        rows = ActivityInstance.all_objects.filter(pk=instance.instance_id).values_list("session_id", flat=True)
        input_changed(rows.first())


@receiver(post_save, sender=ActivityInstance)
@receiver(post_delete, sender=ActivityInstance)
@receiver(post_save, sender=PracticeSessionGoal)
@receiver(post_delete, sender=PracticeSessionGoal)
def instance_or_link_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        input_changed(instance.session_id)


@receiver(post_save, sender=PracticeSession)
def session_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        input_changed(instance.pk)


@receiver(target_edited)
def target_was_edited(sender, goal_id, **kwargs):
    targets_changed(goal_id)


@receiver(post_save, sender=ProgramBlock)
def block_changed(sender, instance, raw=False, **kwargs):
    """A block's dates are the scope of the targets scoped to it: moving it re-evaluates them."""
    if raw:
        return
    goals = Goal.objects.filter(targets__block=instance, targets__deleted_at__isnull=True).distinct()
    if goals.exists():
        reevaluate_goals(goals)


@receiver(post_save, sender=Profile)
def preferences_changed(sender, instance, raw=False, created=False, **kwargs):
    """The owner's zone and first weekday say which days and weeks a scoped or frequency target counts."""
    if raw or created:
        return
    dated = Target.objects.filter(root__owner_id=instance.user_id).filter(
        Q(kind=TargetKind.FREQUENCY) | ~Q(scope=TargetScope.ALL)
    )
    goals = Goal.objects.filter(pk__in=dated.values("goal_id"))
    if goals.exists():
        reevaluate_goals(goals)


# The stored set products (sessions.records.store_set_products) follow the activity's product
# metrics: a definition saved with another product rule stores its instances' products again.
def _product_rule(sender, obj):
    """What of ``obj`` the product rule reads, from its loaded fields only (None if deferred)."""
    names = ("metrics_multiplicative",) if sender is ActivityDefinition else PRODUCT_METRIC_FIELDS
    loaded = obj.__dict__
    if any(name not in loaded for name in names):
        return None
    return tuple(loaded[name] for name in names)


PRODUCT_METRIC_FIELDS = ("activity_id", "is_multiplicative", "is_active", "deleted_at")


@receiver(post_init, sender=ActivityDefinition)
@receiver(post_init, sender=MetricDefinition)
def remember_product_rule(sender, instance, **kwargs):
    instance._product_rule = _product_rule(sender, instance)


@receiver(post_save, sender=ActivityDefinition)
@receiver(post_save, sender=MetricDefinition)
def product_rule_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    rule = _product_rule(sender, instance)
    before = getattr(instance, "_product_rule", None)
    instance._product_rule = rule
    if created and sender is MetricDefinition and not instance.is_multiplicative:
        return  # a new metric outside the product changes no set
    if created and sender is ActivityDefinition:
        return  # no instance yet
    if rule is None or rule != before:
        if sender is MetricDefinition and before is not None and before[0] != instance.activity_id:
            store_activity_products(before[0])
        store_activity_products(instance.pk if sender is ActivityDefinition else instance.activity_id)
