"""Metric values: rows, JSON sets, old JSON exercises; written in chunks."""

from sessions.models import (
    MetricValue,
)

from ..convert import (
    as_uuid,
    derived_uuid,
    load_json,
    parse_number,
)
from .base import VALUE_CHUNK


class ValuesStage:
    def _value(self, table, pk, instance_id, metric_id, split_id, set_number, raw_value, created=None, keys=None):
        """One value as a plain row, or None (reported). ``keys`` holds the (instance, metric, split,
        set) already taken; by default the file-wide set of plain and session-JSON values."""
        instance = self.instances.get(instance_id)
        if instance is None:
            self.report.skip(table, pk, f"orphan: its activity instance {instance_id} does not exist")
            return None
        if metric_id not in self.metrics:
            self.report.skip(table, pk, f"orphan: its metric definition {metric_id} does not exist")
            return None
        if self.metrics[metric_id] != instance.activity:
            self.report.skip(table, pk, f"metric {metric_id} belongs to another activity")
            return None
        activity = self.activities[instance.activity]
        if activity.has_splits:
            if split_id is None or self.splits.get(split_id) != instance.activity:
                self.report.skip(table, pk, "its activity records values per split but no valid split is given")
                return None
        elif split_id is not None:
            self.report.repaired(table, pk, "a split on an activity without splits; the split was dropped")
            split_id = None
        if activity.has_sets and set_number is None:
            if instance_id in self.instances_with_json_sets:
                self.report.skip(table, pk, "a plain value of a set-based activity whose sets are in the JSON")
                return None
            self.report.repaired(table, pk, "a plain value of a set-based activity; recorded as set 1")
            set_number = 1
        elif not activity.has_sets and set_number is not None:
            self.report.skip(table, pk, "a set value of an activity that does not record sets")
            return None
        try:
            value = parse_number(raw_value)
        except ValueError as error:
            self.report.skip(table, pk, str(error))
            return None
        keys = self.value_keys if keys is None else keys
        key = (instance_id, metric_id, split_id, set_number)
        if key in keys:
            self.report.skip(table, pk, "a second value for the same metric, split and set")
            return None
        keys.add(key)
        created = created or instance.created_at
        return {
            "id": pk,
            "root_id": instance.root,
            "instance_id": instance_id,
            "metric_id": metric_id,
            "split_id": split_id,
            "set_number": set_number,
            "value": value,
            "created_at": created,
            "updated_at": created,
            "import_source": table,
        }

    def _add_value(self, value):
        """Values are written in chunks so that the largest table never sits in memory whole."""
        self.value_rows.append(value)
        if len(self.value_rows) >= VALUE_CHUNK:
            self.save(MetricValue, "metric_values", self.value_rows)
            self.value_rows = []

    def _json_set_values(self, instance_id, raw):
        """The set values of one instance's JSON ``data`` (called as its instance is written). Set
        values are only compared with the other values of the same blob: plain rows of an instance
        whose sets are in the JSON are skipped, and its session JSON is not read for values."""
        table = "metric_values (JSON sets)"
        data, problem = load_json(raw)
        if problem:
            self.report.skip(table, instance_id, f"activity_instances.data: {problem}")
            return
        sets = data.get("sets") if isinstance(data, dict) else None
        if not sets:
            return
        self.instances_with_json_sets.add(instance_id)
        if not isinstance(sets, list):
            self.report.skip(table, instance_id, "activity_instances.data: sets is not a list")
            return
        keys = set()
        for number, item in enumerate(sets, 1):
            metrics = item.get("metrics") if isinstance(item, dict) else None
            if not isinstance(metrics, list):
                if item:
                    self.report.skip(table, instance_id, f"activity_instances.data: set {number} is malformed")
                continue
            for metric_item in metrics:
                if not isinstance(metric_item, dict):
                    self.report.skip(
                        table, instance_id, f"activity_instances.data: a value of set {number} is malformed"
                    )
                    continue
                self.report.read(table)
                metric = as_uuid(metric_item.get("metric_id"))
                split = as_uuid(metric_item.get("split_id"))
                pk = derived_uuid("set-value", instance_id, number, metric, split)
                value = self._value(table, pk, instance_id, metric, split, number, metric_item.get("value"), keys=keys)
                if value is not None:
                    self._add_value(value)

    def _values(self):
        """Plain metric_values rows, then the values of the older session JSON (the JSON set values
        were read with their instances)."""
        for row in self.read_rows("metric_values"):
            pk = self.row_id("metric_values", row)
            if pk is None:
                continue
            instance_id = as_uuid(row.get("activity_instance_id"))
            if instance_id in self.instances and row.get("root_id") is not None:
                if as_uuid(row.get("root_id")) != self.instances[instance_id].root:
                    self.report.repaired("metric_values", pk, "root_id differed from its instance's; derived")
            elif instance_id in self.instances and self.source.has("metric_values", "root_id"):
                self.report.repaired("metric_values", pk, "root_id was NULL; derived from its instance")
            created, _updated, _deleted = (
                self.stamps("metric_values", pk, row, None) if row.get("created_at") else (None,) * 3
            )
            value = self._value(
                "metric_values",
                pk,
                instance_id,
                as_uuid(row.get("metric_definition_id")),
                as_uuid(row.get("split_definition_id")),
                None,
                row.get("value"),
                created,
            )
            if value is not None:
                self._add_value(value)
        table = "metric_values (session JSON)"
        for _session, _section, _position, exercise in self.json_exercises:
            instance_id = as_uuid(exercise.get("instance_id"))
            if instance_id in self.instances_with_json_sets:
                continue
            cells = [(None, metric) for metric in exercise.get("metrics") or []]
            for number, item in enumerate(exercise.get("sets") or [], 1):
                cells += [(number, metric) for metric in (item or {}).get("metrics") or []]
            for number, metric_item in cells:
                if not isinstance(metric_item, dict):
                    continue
                metric = as_uuid(metric_item.get("metric_id"))
                split = as_uuid(metric_item.get("split_id"))
                pk = derived_uuid("exercise-value", instance_id, number, metric, split)
                if instance_id in self.instances and (instance_id, metric, split, number) in self.value_keys:
                    continue  # already recorded in metric_values
                self.report.read(table)
                value = self._value(table, pk, instance_id, metric, split, number, metric_item.get("value"))
                if value is not None:
                    self._add_value(value)
        self.save(MetricValue, "metric_values", self.value_rows)
        self.value_rows = []
