"""Small Flask-era (state B) goals.db files with hostile content, built from scratch.

Only the columns of ``LEGACY_SCHEMA.md`` state B; enough rows to reach every reader of the import.
"""

import json
import sqlite3
import uuid

SCHEMA = """
CREATE TABLE goals (id TEXT PRIMARY KEY, type TEXT, name TEXT, description TEXT, deadline TEXT,
  completed INTEGER, created_at TEXT, parent_id TEXT, root_id TEXT, duration_minutes INTEGER,
  session_data TEXT, targets TEXT, updated_at TEXT, session_start TEXT, session_end TEXT,
  total_duration_seconds INTEGER, template_id TEXT, attributes TEXT, deleted_at TEXT, sort_order INTEGER);
CREATE TABLE practice_session_goals (practice_session_id TEXT, short_term_goal_id TEXT,
  PRIMARY KEY (practice_session_id, short_term_goal_id));
CREATE TABLE activity_definitions (id TEXT PRIMARY KEY, root_id TEXT, name TEXT, description TEXT,
  created_at TEXT, has_sets INTEGER, has_metrics INTEGER, metrics_multiplicative INTEGER,
  has_splits INTEGER, group_id TEXT, deleted_at TEXT, updated_at TEXT);
CREATE TABLE metric_definitions (id TEXT PRIMARY KEY, activity_id TEXT, name TEXT, unit TEXT,
  created_at TEXT, deleted_at TEXT, is_active INTEGER, is_top_set_metric INTEGER,
  is_multiplicative INTEGER, root_id TEXT, updated_at TEXT, sort_order INTEGER);
CREATE TABLE activity_instances (id TEXT PRIMARY KEY, practice_session_id TEXT,
  activity_definition_id TEXT, created_at TEXT, time_start TEXT, time_stop TEXT,
  duration_seconds INTEGER, root_id TEXT, deleted_at TEXT, updated_at TEXT, sort_order INTEGER,
  completed INTEGER, notes TEXT, data TEXT);
CREATE TABLE metric_values (id TEXT PRIMARY KEY, activity_instance_id TEXT,
  metric_definition_id TEXT, value REAL, root_id TEXT, updated_at TEXT, created_at TEXT,
  split_definition_id TEXT);
CREATE TABLE session_templates (id TEXT PRIMARY KEY, name TEXT, description TEXT, root_id TEXT,
  created_at TEXT, template_data TEXT, deleted_at TEXT, updated_at TEXT);
"""

LEVELS = ["UltimateGoal", "LongTermGoal", "MidTermGoal", "ShortTermGoal"]


def new_id():
    return str(uuid.uuid4())


def build_state_b(path, name="Legacy root", goal_overrides=None, extra=None, sessions=1):
    """A consistent file: a root down to a short-term goal, an activity, sessions with values.

    ``goal_overrides`` changes columns of the short-term goal; ``extra(db, ids)`` adds rows.
    Returns the ids by role.
    """
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    ids = {"root": new_id()}
    parent = None
    for level in LEVELS:
        goal_id = ids["root"] if level == "UltimateGoal" else new_id()
        ids[level] = goal_id
        row = {
            "id": goal_id,
            "type": level,
            "name": name if level == "UltimateGoal" else f"{level} of {name}",
            "description": "",
            "completed": 0,
            "created_at": "2025-12-01 10:00:00",
            "parent_id": parent,
            "root_id": ids["root"],
            "targets": "[]",
            "sort_order": 0,
        }
        if level == "ShortTermGoal":
            row.update(goal_overrides or {})
        insert(db, "goals", row)
        parent = goal_id
    ids["activity"], ids["metric"] = new_id(), new_id()
    insert(
        db,
        "activity_definitions",
        {"id": ids["activity"], "root_id": ids["root"], "name": "Hold", "has_sets": 0, "has_metrics": 1},
    )
    insert(
        db,
        "metric_definitions",
        {"id": ids["metric"], "activity_id": ids["activity"], "name": "seconds", "unit": "s", "root_id": ids["root"]},
    )
    for index in range(sessions):
        session_id, instance_id = new_id(), new_id()
        data = {"sections": [{"name": "Main", "activity_ids": [instance_id]}]}
        insert(
            db,
            "goals",
            {
                "id": session_id,
                "type": "PracticeSession",
                "name": f"Session {index}",
                "completed": 1,
                "created_at": "2025-12-02 10:00:00",
                "parent_id": ids["ShortTermGoal"],
                "root_id": ids["root"],
                "session_data": json.dumps(data),
                "attributes": json.dumps(data),
            },
        )
        insert(
            db,
            "practice_session_goals",
            {"practice_session_id": session_id, "short_term_goal_id": ids["ShortTermGoal"]},
        )
        insert(
            db,
            "activity_instances",
            {
                "id": instance_id,
                "practice_session_id": session_id,
                "activity_definition_id": ids["activity"],
                "created_at": "2025-12-02 10:00:00",
                "time_start": "2025-12-02 10:00:00",
                "time_stop": "2025-12-02 10:05:00",
                "duration_seconds": 300,
                "root_id": ids["root"],
            },
        )
        insert(
            db,
            "metric_values",
            {
                "id": new_id(),
                "activity_instance_id": instance_id,
                "metric_definition_id": ids["metric"],
                "value": 10 + index,
                "root_id": ids["root"],
            },
        )
    if extra:
        extra(db, ids)
    db.commit()
    db.close()
    return ids


def insert(db, table, row):
    columns = ", ".join(f'"{column}"' for column in row)
    marks = ", ".join("?" for _ in row)
    db.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(row.values()))
