"""Logging sets quickly: copy the previous set into a new one, and confirm a set in one tap."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import MetricValue
from .records import products_batch


def copy_set(instance, from_set, to_set):
    """Give ``to_set`` the values of ``from_set`` (cells it already has are kept); returns the new values."""
    if not instance.activity.has_sets or from_set < 1 or to_set <= from_set:
        return []
    with transaction.atomic(), products_batch():
        values = list(MetricValue.objects.filter(instance=instance, set_number__in=[from_set, to_set]))
        taken = {(value.metric_id, value.split_id) for value in values if value.set_number == to_set}
        created = []
        for value in values:
            if value.set_number != from_set or (value.metric_id, value.split_id) in taken:
                continue
            copy = MetricValue(instance=instance, metric_id=value.metric_id, split_id=value.split_id, set_number=to_set)
            copy.value = value.value
            copy.save()
            created.append(copy)
    return created


def confirm_set(instance, set_number, last_time=()):
    """Mark set ``set_number`` done, or not done again when it already is ("✓" toggles).

    Cells of the set left empty take the value the same set had last time (``last_time``: the
    MetricValue rows of the previous instance), the way a set logger offers last time's numbers.
    A set with no value at all (and none from last time) cannot be confirmed.
    """
    if not instance.activity.has_sets:
        raise ValidationError("This activity does not record sets.")
    if set_number < 1:
        raise ValidationError("Give a set number (1 or more).")
    with transaction.atomic(), products_batch():
        values = list(MetricValue.objects.filter(instance=instance, set_number=set_number))
        if values and all(value.confirmed for value in values):
            MetricValue.objects.filter(pk__in=[value.pk for value in values]).update(
                confirmed=False, updated_at=timezone.now()
            )
            return False
        have = {(value.metric_id, value.split_id) for value in values}
        metrics = {metric.pk for metric in instance.activity.metrics.filter(is_active=True)}
        splits = set(instance.activity.splits.values_list("pk", flat=True)) if instance.activity.has_splits else None
        for old in last_time:
            key = (old.metric_id, old.split_id)
            if old.set_number != set_number or key in have or old.metric_id not in metrics:
                continue
            if splits is not None and old.split_id not in splits:
                continue
            fresh = MetricValue(
                instance=instance, metric_id=old.metric_id, split_id=old.split_id, set_number=set_number
            )
            fresh.value = old.value
            fresh.confirmed = True
            fresh.save()
            values.append(fresh)
            have.add(key)
        if not values:
            raise ValidationError(f"Enter a value for set {set_number} before confirming it.")
        MetricValue.objects.filter(pk__in=[value.pk for value in values]).update(
            confirmed=True, updated_at=timezone.now()
        )
    return True
