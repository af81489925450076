"""The activity library: groups, definitions, metrics, splits."""

from collections import defaultdict

from activities.models import ActivityDefinition, ActivityGroup, MetricDefinition, SplitDefinition

from ..convert import (
    as_bool,
    as_int,
    as_uuid,
    text,
)
from .base import ActivityInfo


class ActivitiesStage:
    def _library(self):
        used = self.existing_live_names(ActivityGroup, "root", self.roots)
        groups = []
        for position, row in enumerate(self.read_rows("activity_groups")):
            pk = self.row_id("activity_groups", row)
            if pk is None:
                continue
            root = self.fractal_of("activity_groups", pk, row.get("root_id"))
            if root is None:
                continue
            created, updated, deleted = self.stamps("activity_groups", pk, row, self.goals[root].created_at)
            name = self.unique_name(used, root, text(row.get("name"), 255) or "Group", "activity_groups", pk, deleted)
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

        used = self.existing_live_names(ActivityDefinition, "root", self.roots)
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
            name = self.unique_name(used, root, name, "activity_definitions", pk, deleted)
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
        used = self.existing_live_names(MetricDefinition, "activity", activity_ids)
        top_set = set(
            MetricDefinition.all_objects.filter(
                activity__in=activity_ids, is_top_set_metric=True, deleted_at__isnull=True
            ).values_list("activity_id", flat=True)
        )
        metrics, count = [], defaultdict(int)
        for row in self.read_rows("metric_definitions"):
            pk = self.row_id("metric_definitions", row)
            if pk is None:
                continue
            activity = as_uuid(row.get("activity_id"))
            info = self.activities.get(activity)
            if info is None:
                self.report.skip(
                    "metric_definitions", pk, f"orphan: its activity {row.get('activity_id')} does not exist"
                )
                continue
            legacy_root = as_uuid(row.get("root_id"))
            if legacy_root != info.root and self.source.has("metric_definitions", "root_id"):
                self.report.repaired("metric_definitions", pk, "root_id was NULL or wrong; derived from the activity")
            created, updated, deleted = self.stamps("metric_definitions", pk, row)
            name = self.unique_name(
                used, activity, text(row.get("name"), 100) or "value", "metric_definitions", pk, deleted
            )
            is_top = as_bool(row.get("is_top_set_metric"))
            if is_top and deleted is None:
                if activity in top_set:
                    self.report.repaired("metric_definitions", pk, "a second top-set metric of its activity; unset")
                    is_top = False
                else:
                    top_set.add(activity)
            sort_order = as_int(row.get("sort_order"))
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
                    sort_order=sort_order if sort_order is not None and sort_order >= 0 else count[activity],
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            count[activity] += 1
            self.metrics[pk] = activity
        self.save(MetricDefinition, "metric_definitions", metrics, self.metrics)

        used = self.existing_live_names(SplitDefinition, "activity", activity_ids)
        splits, count = [], defaultdict(int)
        for row in self.read_rows("split_definitions"):
            pk = self.row_id("split_definitions", row)
            if pk is None:
                continue
            activity = as_uuid(row.get("activity_id"))
            info = self.activities.get(activity)
            if info is None:
                self.report.skip(
                    "split_definitions", pk, f"orphan: its activity {row.get('activity_id')} does not exist"
                )
                continue
            created, updated, deleted = self.stamps("split_definitions", pk, row)
            order = as_int(row.get("order"))
            splits.append(
                SplitDefinition(
                    id=pk,
                    root_id=info.root,
                    activity_id=activity,
                    name=self.unique_name(
                        used, activity, text(row.get("name"), 100) or "split", "split_definitions", pk, deleted
                    ),
                    sort_order=order if order is not None and order >= 0 else count[activity],
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            count[activity] += 1
            self.splits[pk] = activity
        self.save(SplitDefinition, "split_definitions", splits, self.splits)
