"""The activity library: groups, definitions, metrics, splits."""

from collections import defaultdict

from activities.models import ActivityDefinition, ActivityGroup, MetricDefinition, SplitDefinition, claims_top_set

from ..convert import (
    as_bool,
    as_int,
    as_uuid,
    text,
)
from .base import ActivityInfo


class ActivitiesStage:
    def _library(self):
        used = ActivityGroup.live_names(self.roots)
        groups = []
        for position, row in enumerate(self.read_rows("activity_groups")):
            pk = self.row_id("activity_groups", row)
            if pk is None:
                continue
            root = self.fractal_of("activity_groups", pk, row.get("root_id"))
            if root is None:
                continue
            created, updated, deleted = self.stamps("activity_groups", pk, row, self.goals[root].created_at)
            name = self.unique_name(
                ActivityGroup, used, root, text(row.get("name"), 255) or "Group", "activity_groups", pk, deleted
            )
            groups.append(
                ActivityGroup(
                    id=pk,
                    root_id=root,
                    name=name,
                    description=text(row.get("description")),
                    sort_order=max(as_int(row.get("sort_order")) or position, 0),
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            self.groups[pk] = root
        self.save(ActivityGroup, "activity_groups", groups, self.groups)

        used = ActivityDefinition.live_names(self.roots)
        definitions = []
        for position, row in enumerate(self.read_rows("activity_definitions")):
            pk = self.row_id("activity_definitions", row)
            if pk is None:
                continue
            root = self.fractal_of("activity_definitions", pk, row.get("root_id"))
            if root is None:
                continue
            group = as_uuid(row.get("group_id"))
            if group is not None and self.groups.get(group) != root:
                self.report.repaired("activity_definitions", pk, f"group {group} is missing or elsewhere; ungrouped")
                group = None
            created, updated, deleted = self.stamps("activity_definitions", pk, row, self.goals[root].created_at)
            name = text(row.get("name"), 255) or "Activity"
            name = self.unique_name(ActivityDefinition, used, root, name, "activity_definitions", pk, deleted)
            definition = ActivityDefinition(
                id=pk,
                root_id=root,
                name=name,
                description=text(row.get("description")),
                group_id=group,
                has_sets=as_bool(row.get("has_sets")),
                has_metrics=as_bool(row.get("has_metrics"), default=True),
                metrics_multiplicative=as_bool(row.get("metrics_multiplicative")),
                has_splits=as_bool(row.get("has_splits")),
                sort_order=position,
                created_at=created,
                updated_at=updated,
                deleted_at=deleted,
            )
            definitions.append(definition)
            self.activities[pk] = ActivityInfo(root, definition.has_sets, definition.has_splits)
        self.save(ActivityDefinition, "activity_definitions", definitions, self.activities)

        activity_ids = list(self.activities)
        taken = set(
            MetricDefinition.all_objects.filter(
                activity__in=activity_ids, is_top_set_metric=True, deleted_at__isnull=True
            ).values_list("activity_id", flat=True)
        )
        metrics = []
        for pk, row, activity, info, name, sort_order, (created, updated, deleted) in self._activity_parts(
            MetricDefinition, "metric_definitions", "value", "sort_order", activity_ids
        ):
            legacy_root = as_uuid(row.get("root_id"))
            if legacy_root != info.root and self.source.has("metric_definitions", "root_id"):
                self.report.repaired("metric_definitions", pk, "root_id was NULL or wrong; derived from the activity")
            is_top = as_bool(row.get("is_top_set_metric"))
            if not claims_top_set(taken, activity, is_top, live=deleted is None):
                self.report.repaired("metric_definitions", pk, "a second top-set metric of its activity; unset")
                is_top = False
            metrics.append(
                MetricDefinition(
                    id=pk,
                    root_id=info.root,
                    activity_id=activity,
                    name=name,
                    unit=text(row.get("unit"), 30),
                    is_active=as_bool(row.get("is_active"), default=True),
                    is_top_set_metric=is_top,
                    is_multiplicative=as_bool(row.get("is_multiplicative")),
                    sort_order=sort_order,
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            self.metrics[pk] = activity
        self.save(MetricDefinition, "metric_definitions", metrics, self.metrics)

        splits = []
        for pk, _row, activity, info, name, sort_order, (created, updated, deleted) in self._activity_parts(
            SplitDefinition, "split_definitions", "split", "order", activity_ids
        ):
            splits.append(
                SplitDefinition(
                    id=pk,
                    root_id=info.root,
                    activity_id=activity,
                    name=name,
                    sort_order=sort_order,
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            self.splits[pk] = activity
        self.save(SplitDefinition, "split_definitions", splits, self.splits)

    def _activity_parts(self, model, table, default_name, order_column, activity_ids):
        """What metric and split rows share: id, their activity (orphans reported), a live-unique name
        within the activity, the sort order (the file's, else the count so far) and the stamps.
        Yields ``(pk, row, activity, info, name, sort_order, stamps)``."""
        taken, count = model.live_names(activity_ids), defaultdict(int)
        for row in self.read_rows(table):
            pk = self.row_id(table, row)
            if pk is None:
                continue
            activity = as_uuid(row.get("activity_id"))
            info = self.activities.get(activity)
            if info is None:
                self.report.skip(table, pk, f"orphan: its activity {row.get('activity_id')} does not exist")
                continue
            stamps = self.stamps(table, pk, row)
            name = self.unique_name(
                model, taken, activity, text(row.get("name"), 100) or default_name, table, pk, stamps[2]
            )
            order = as_int(row.get(order_column))
            yield pk, row, activity, info, name, order if order is not None and order >= 0 else count[activity], stamps
            count[activity] += 1
