"""Goal targets from the goals.targets JSON."""

from activities.models import Target, TargetMetric

from ..convert import (
    as_uuid,
    derived_uuid,
    load_json,
    parse_number,
    text,
)


class TargetsStage:
    def _targets(self):
        targets, thresholds = [], []
        for goal_id, raw in self.goal_targets.items():
            if goal_id not in self.goals:
                continue
            data, problem = load_json(raw)
            if problem:
                self.report.skip("targets", goal_id, f"goal targets: {problem}")
                continue
            if not data:
                continue
            goal = self.goals[goal_id]
            for position, item in enumerate(data if isinstance(data, list) else []):
                self.report.read("targets")
                if not isinstance(item, dict):
                    self.report.skip("targets", f"{goal_id}#{position}", "not a target object")
                    continue
                target_id = as_uuid(item.get("id")) or derived_uuid("target", goal_id, item.get("id") or position)
                activity = as_uuid(item.get("activity_id"))
                info = self.activities.get(activity)
                if info is None or info.root != goal.root:
                    self.report.skip(
                        "targets", target_id, f"its activity {item.get('activity_id')} does not exist here"
                    )
                    continue
                pairs = []
                for metric_item in item.get("metrics") or []:
                    self.report.read("target_metrics")
                    metric = as_uuid((metric_item or {}).get("metric_id"))
                    pair_id = derived_uuid("target-metric", target_id, metric)
                    if self.metrics.get(metric) != activity:
                        self.report.skip("target_metrics", pair_id, f"metric {metric} is not a metric of the activity")
                        continue
                    try:
                        threshold = parse_number(metric_item.get("value"))
                    except ValueError as error:
                        self.report.skip("target_metrics", pair_id, str(error))
                        continue
                    if any(existing.metric_id == metric for existing in pairs):
                        self.report.skip("target_metrics", pair_id, "a second threshold for the same metric")
                        continue
                    pairs.append(
                        TargetMetric(
                            id=pair_id,
                            root_id=goal.root,
                            target_id=target_id,
                            metric_id=metric,
                            threshold=threshold,
                            created_at=goal.created_at,
                            updated_at=goal.created_at,
                            deleted_at=goal.deleted_at,
                        )
                    )
                if not pairs:
                    self.report.skip("targets", target_id, "no usable metric threshold")
                    continue
                targets.append(
                    Target(
                        id=target_id,
                        root_id=goal.root,
                        goal_id=goal_id,
                        activity_id=activity,
                        name=text(item.get("name"), 255),
                        description=text(item.get("description")),
                        sort_order=position,
                        created_at=goal.created_at,
                        updated_at=goal.created_at,
                        deleted_at=goal.deleted_at,
                    )
                )
                thresholds.extend(pairs)
        unusable = self.save(Target, "targets", targets)
        self.save(TargetMetric, "target_metrics", [pair for pair in thresholds if pair.target_id not in unusable])
