"""Hard-delete rows that have been in the trash longer than a given age.

Children go before parents, in the order of the soft-delete graph (``goals.softdelete``); the
relink records of a purged row (keys its delete cleared) go with it. A row is kept (and
reported) when deleting it would also remove a row that is live or trashed more recently, or
when a PROTECT relation still points at it (an activity definition with live instances, say).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone

from goals import softdelete
from goals.models import FractalScopedModel


@dataclass
class PurgeResult:
    cutoff: datetime.datetime
    deleted: Counter = field(default_factory=Counter)
    kept: list = field(default_factory=list)  # (table, id, reason)


def _blocking(collector, cutoff):
    """A reason the collected rows cannot all go, or None."""
    still_wanted = Q(deleted_at__isnull=True) | Q(deleted_at__gte=cutoff)
    for model, objects in collector.data.items():
        if not issubclass(model, FractalScopedModel):
            continue
        for obj in objects:
            if obj.deleted_at is None or obj.deleted_at >= cutoff:
                return f"{model._meta.db_table} {obj.pk} depends on it and is not due for purging"
    for queryset in collector.fast_deletes:
        model = queryset.model
        if issubclass(model, FractalScopedModel):
            blocker = queryset.filter(still_wanted).values_list("pk", flat=True).first()
            if blocker is not None:
                return f"{model._meta.db_table} {blocker} depends on it and is not due for purging"
    return None


def purge_deleted(older_than_days, dry_run=False, progress=None, using=DEFAULT_DB_ALIAS):
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    result = PurgeResult(cutoff=cutoff)
    with transaction.atomic(using=using):
        for model in reversed(softdelete.ordered_models()):
            table = model._meta.db_table
            due = list(model.all_objects.filter(deleted_at__lt=cutoff).order_by("deleted_at"))
            if progress and due:
                progress(f"{table}: {len(due)} row(s) due")
            for obj in due:
                if not model.all_objects.filter(pk=obj.pk).exists():
                    continue  # already removed with its parent
                collector = Collector(using=using)
                try:
                    collector.collect([obj])
                except (ProtectedError, RestrictedError) as error:
                    blockers = list(
                        error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
                    )
                    example = blockers[0] if blockers else None
                    result.kept.append(
                        (
                            table,
                            str(obj.pk),
                            f"still referenced through PROTECT by {len(blockers)} row(s)"
                            + (f", e.g. {example._meta.db_table} {example.pk}" if example is not None else ""),
                        )
                    )
                    continue
                reason = _blocking(collector, cutoff)
                if reason:
                    result.kept.append((table, str(obj.pk), reason))
                    continue
                _total, per_model = collector.delete()
                softdelete.forget_unlinks(model, [obj.pk])
                for label, count in per_model.items():
                    if count:
                        result.deleted[label] += count
        if dry_run:
            transaction.set_rollback(True, using=using)
    return result
