"""Builders of synthetic Flask-era ``goals.db`` files, with every known defect of LEGACY_SCHEMA.md.

Ids are stable (``U("name")``) so tests can name the rows they check.
"""

import json
import sqlite3
import uuid

NS = uuid.UUID("0b6f2f0e-1a5e-4a58-8f57-6f3d8b1c2a10")


def U(name):
    return str(uuid.uuid5(NS, name))


STATE_B_SCHEMA = """
CREATE TABLE goals (id TEXT PRIMARY KEY, type TEXT, name TEXT, description TEXT, deadline TEXT, completed INTEGER,
  created_at TEXT, parent_id TEXT, root_id TEXT, duration_minutes INTEGER, session_data TEXT, targets TEXT,
  updated_at TEXT, session_start TEXT, session_end TEXT, total_duration_seconds INTEGER, template_id TEXT,
  attributes TEXT, deleted_at TEXT, sort_order INTEGER);
CREATE TABLE practice_session_goals (practice_session_id TEXT, short_term_goal_id TEXT,
  PRIMARY KEY (practice_session_id, short_term_goal_id));
CREATE TABLE activity_groups (id TEXT PRIMARY KEY, root_id TEXT, name TEXT, description TEXT, created_at TEXT,
  sort_order INTEGER, deleted_at TEXT, updated_at TEXT);
CREATE TABLE activity_definitions (id TEXT PRIMARY KEY, root_id TEXT, name TEXT, description TEXT, created_at TEXT,
  has_sets INTEGER, has_metrics INTEGER, metrics_multiplicative INTEGER, has_splits INTEGER, group_id TEXT,
  deleted_at TEXT, updated_at TEXT);
CREATE TABLE metric_definitions (id TEXT PRIMARY KEY, activity_id TEXT, name TEXT, unit TEXT, created_at TEXT,
  deleted_at TEXT, is_active INTEGER, is_top_set_metric INTEGER, is_multiplicative INTEGER, root_id TEXT,
  updated_at TEXT, sort_order INTEGER);
CREATE TABLE split_definitions (id TEXT PRIMARY KEY, activity_id TEXT, name TEXT, "order" INTEGER, created_at TEXT,
  root_id TEXT, deleted_at TEXT, updated_at TEXT);
CREATE TABLE activity_instances (id TEXT PRIMARY KEY, practice_session_id TEXT, activity_definition_id TEXT,
  created_at TEXT, time_start TEXT, time_stop TEXT, duration_seconds INTEGER, root_id TEXT, deleted_at TEXT,
  updated_at TEXT, sort_order INTEGER, completed INTEGER, notes TEXT, data TEXT);
CREATE TABLE metric_values (id TEXT PRIMARY KEY, activity_instance_id TEXT, metric_definition_id TEXT, value REAL,
  root_id TEXT, updated_at TEXT, created_at TEXT, split_definition_id TEXT);
CREATE TABLE session_templates (id TEXT PRIMARY KEY, name TEXT, description TEXT, root_id TEXT, created_at TEXT,
  template_data TEXT, deleted_at TEXT, updated_at TEXT);
CREATE TABLE programs (id TEXT PRIMARY KEY, root_id TEXT, name TEXT, description TEXT, start_date TEXT,
  end_date TEXT, created_at TEXT, updated_at TEXT, is_active INTEGER, goal_ids TEXT, weekly_schedule TEXT);
CREATE TABLE program_blocks (id TEXT PRIMARY KEY, program_id TEXT, name TEXT, start_date TEXT, end_date TEXT,
  color TEXT, goal_ids TEXT);
CREATE TABLE program_days (id TEXT PRIMARY KEY, block_id TEXT, date TEXT, day_number INTEGER, name TEXT, notes TEXT);
CREATE TABLE scheduled_sessions (id TEXT PRIMARY KEY, day_id TEXT, session_template_id TEXT, is_completed INTEGER,
  completion_data TEXT);
"""


def _insert(db, table, **values):
    columns = ", ".join(f'"{name}"' for name in values)
    marks = ", ".join("?" for _ in values)
    db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))


def _goal(db, **values):
    _insert(db, "goals", **values)


def build_state_b(path):
    """A State-B file: sessions are goals rows; every known defect is present once."""
    db = sqlite3.connect(path)
    db.executescript(STATE_B_SCHEMA)
    root, old = U("root"), U("old-fractal")
    # Goals. The new root has a NULL root_id; timestamps use every format.
    _goal(db, id=root, type="UltimateGoal", name="Get strong", created_at="2025-06-01 10:00:00.000000", root_id=None)
    _goal(
        db,
        id=U("long"),
        type="LongTermGoal",
        name="Calisthenics",
        parent_id=root,
        root_id=root,
        created_at="2025-06-02T08:30:00.123456",
        updated_at="2025-06-03T08:30:00Z",
        sort_order=0,
    )
    _goal(
        db, id=U("mid"), type="MidTermGoal", name="Levers", parent_id=U("long"), root_id=None, created_at="2025-06-04"
    )
    # Root pointing at a deleted fractal.
    _goal(
        db,
        id=U("short"),
        type="ShortTermGoal",
        name="Front lever",
        parent_id=U("mid"),
        root_id=old,
        created_at="2025-06-05 09:00:00",
        deadline="2025-12-31",
        targets=json.dumps(
            [
                {
                    "id": U("target"),
                    "activity_id": U("lever-hold"),
                    "name": "Hold 10 s",
                    "description": "",
                    "metrics": [{"metric_id": U("seconds"), "value": 10}],
                },
                {"id": U("target-gone"), "activity_id": U("missing-activity"), "name": "Gone", "metrics": []},
            ]
        ),
    )
    # A row whose root differs from its parent's; a goal with NULL timestamps.
    _goal(
        db,
        id=U("long-wrong-root"),
        type="LongTermGoal",
        name="Mobility",
        parent_id=root,
        root_id=old,
        created_at=None,
        updated_at=None,
    )
    _goal(
        db,
        id=old,
        type="UltimateGoal",
        name="Old fractal",
        created_at="2025-01-01 00:00:00",
        root_id=old,
        deleted_at="2025-05-01 00:00:00",
    )
    _goal(
        db,
        id=U("old-child"),
        type="LongTermGoal",
        name="Old child",
        parent_id=old,
        root_id=root,
        created_at="2025-01-02 00:00:00",
        deleted_at="2025-05-01 00:00:00",
    )
    # An orphan goal and a goal under it.
    _goal(
        db,
        id=U("orphan-goal"),
        type="MidTermGoal",
        name="Orphan",
        parent_id=U("nowhere"),
        root_id=root,
        created_at="2025-06-01 00:00:00",
    )
    _goal(
        db,
        id=U("orphan-child"),
        type="ShortTermGoal",
        name="Orphan child",
        parent_id=U("orphan-goal"),
        root_id=root,
        created_at="2025-06-01 00:00:00",
    )
    # Test-suite roots mixed into real data, duplicated.
    for index in range(3):
        _goal(
            db,
            id=U(f"fixture-root-{index}"),
            type="UltimateGoal",
            name="Test Goal",
            root_id=None,
            created_at="2025-03-01 00:00:00",
        )
    # Sessions. S1: newer JSON form, template id only in the JSON, times only in the JSON.
    _goal(
        db,
        id=U("s1"),
        type="PracticeSession",
        name="Monday practice",
        parent_id=U("short"),
        root_id=root,
        completed=1,
        created_at="2025-07-01 12:00:00",
        template_id=None,
        attributes=json.dumps(
            {
                "template_id": U("template"),
                "template_name": "Levers day",
                "total_duration_minutes": 60,
                "session_start": "2025-07-01T10:00:00Z",
                "session_end": "2025-07-01T11:00:00Z",
                "sections": [
                    {"name": "Warm-up", "activity_ids": [U("i2"), U("i1")]},
                    {"name": "Main", "activity_ids": [U("i3"), U("ghost-instance")]},
                ],
            }
        ),
    )
    # An immediate goal whose parent is a session.
    _goal(
        db,
        id=U("immediate"),
        type="ImmediateGoal",
        name="Tuck hold",
        parent_id=U("s1"),
        root_id=root,
        created_at="2025-07-01 09:00:00",
    )
    # S2: parentless session with its own id as root, placed through practice_session_goals; older
    # JSON form with exercises and sets; a JSON stop before its start.
    _goal(
        db,
        id=U("s2"),
        type="PracticeSession",
        name="Old-style session",
        root_id=U("s2"),
        created_at="2025-07-02 12:00:00",
        session_data=json.dumps(
            {
                "template_name": "Ad hoc",
                "total_duration_minutes": 30,
                "session_start": "2025-07-02 12:00:00",
                "session_end": "2025-07-02 11:00:00",
                "sections": [
                    {
                        "name": "Strength",
                        "duration_minutes": 30,
                        "exercises": [
                            {
                                "type": "activity",
                                "activity_id": U("pull-ups"),
                                "instance_id": U("i7"),
                                "name": "Pull-ups",
                                "sets": [
                                    {
                                        "instance_id": U("i7-set1"),
                                        "completed": True,
                                        "metrics": [
                                            {"metric_id": U("reps"), "value": "5"},
                                            {"metric_id": U("weight"), "value": "10"},
                                        ],
                                    },
                                    {
                                        "instance_id": U("i7-set2"),
                                        "completed": True,
                                        "metrics": [{"metric_id": U("reps"), "value": "4"}],
                                    },
                                ],
                            },
                            {
                                "type": "activity",
                                "activity_id": U("lever-hold"),
                                "instance_id": U("json-only"),
                                "name": "Front lever hold",
                                "time_start": "2025-07-02T11:10:00",
                                "time_stop": "2025-07-02T11:11:00",
                                "metrics": [{"metric_id": U("seconds"), "value": "7"}],
                            },
                        ],
                    }
                ],
            }
        ),
    )
    # S3: a parentless session with no links: an orphan.
    _goal(db, id=U("s3"), type="PracticeSession", name="Lost session", root_id=U("s3"), created_at="2025-07-03")
    _insert(db, "practice_session_goals", practice_session_id=U("s2"), short_term_goal_id=U("short"))
    _insert(db, "practice_session_goals", practice_session_id=U("no-session"), short_term_goal_id=U("short"))

    _insert(db, "activity_groups", id=U("group"), root_id=root, name="Static holds", created_at="2025-06-01 00:00:00")
    _insert(db, "activity_groups", id=U("group-orphan"), root_id=U("gone-root"), name="Lost group")
    _insert(
        db,
        "activity_definitions",
        id=U("lever-hold"),
        root_id=root,
        name="Front lever hold",
        has_sets=0,
        has_metrics=1,
        group_id=U("group"),
        created_at="2025-06-01 00:00:00",
    )
    _insert(
        db,
        "activity_definitions",
        id=U("pull-ups"),
        root_id=root,
        name="Pull-ups",
        has_sets=1,
        has_metrics=1,
        metrics_multiplicative=1,
        created_at="2025-06-01 00:00:00",
    )
    _insert(
        db,
        "activity_definitions",
        id=U("hang"),
        root_id=root,
        name="Single-arm hang",
        has_sets=0,
        has_metrics=1,
        has_splits=1,
        created_at="2025-06-01 00:00:00",
    )
    _insert(db, "activity_definitions", id=U("activity-orphan"), root_id=U("gone-root"), name="Lost activity")
    _insert(
        db,
        "metric_definitions",
        id=U("seconds"),
        activity_id=U("lever-hold"),
        name="Hold",
        unit="s",
        root_id=None,
        is_top_set_metric=0,
    )
    _insert(
        db,
        "metric_definitions",
        id=U("reps"),
        activity_id=U("pull-ups"),
        name="Reps",
        unit="reps",
        root_id=root,
        is_top_set_metric=1,
        sort_order=0,
    )
    _insert(
        db,
        "metric_definitions",
        id=U("weight"),
        activity_id=U("pull-ups"),
        name="Weight",
        unit="kg",
        root_id=None,
        is_multiplicative=1,
        sort_order=1,
    )
    _insert(db, "metric_definitions", id=U("hang-seconds"), activity_id=U("hang"), name="Hold", unit="s", root_id=root)
    _insert(db, "metric_definitions", id=U("metric-orphan"), activity_id=U("gone-activity"), name="Lost", unit="")
    _insert(db, "split_definitions", id=U("left"), activity_id=U("hang"), name="Left", order=0, root_id=root)
    _insert(db, "split_definitions", id=U("right"), activity_id=U("hang"), name="Right", order=1, root_id=None)

    _insert(
        db,
        "activity_instances",
        id=U("i1"),
        practice_session_id=U("s1"),
        activity_definition_id=U("lever-hold"),
        created_at="2025-07-01 12:00:00",
        time_start="2025-07-01 10:05:00",
        time_stop="2025-07-01 10:06:30",
        root_id=root,
        completed=1,
    )
    _insert(
        db,
        "activity_instances",
        id=U("i2"),
        practice_session_id=U("s1"),
        activity_definition_id=U("pull-ups"),
        created_at="2025-07-01 12:00:00",
        root_id=None,
        data=json.dumps(
            {
                "sets": [
                    {
                        "instance_id": U("set-a"),
                        "completed": True,
                        "metrics": [{"metric_id": U("reps"), "value": "8"}, {"metric_id": U("weight"), "value": "20"}],
                    },
                    {
                        "instance_id": U("set-b"),
                        "completed": True,
                        "metrics": [{"metric_id": U("reps"), "value": "6"}, {"metric_id": U("weight"), "value": ""}],
                    },
                ]
            }
        ),
    )
    # A stop before its start.
    _insert(
        db,
        "activity_instances",
        id=U("i3"),
        practice_session_id=U("s1"),
        activity_definition_id=U("hang"),
        created_at="2025-07-01 12:00:00",
        time_start="2025-07-01 10:30:00",
        time_stop="2025-07-01 10:20:00",
        data="{}",
    )
    # A row missing from the session JSON; orphans of every kind.
    _insert(
        db,
        "activity_instances",
        id=U("i4"),
        practice_session_id=U("s1"),
        activity_definition_id=U("lever-hold"),
        created_at=None,
    )
    _insert(
        db,
        "activity_instances",
        id=U("i5"),
        practice_session_id=U("gone-session"),
        activity_definition_id=U("lever-hold"),
    )
    _insert(
        db, "activity_instances", id=U("i6"), practice_session_id=U("s1"), activity_definition_id=U("gone-activity")
    )
    _insert(
        db,
        "activity_instances",
        id=U("i7"),
        practice_session_id=U("s2"),
        activity_definition_id=U("pull-ups"),
        created_at="2025-07-02 12:00:00",
        data=None,
    )

    _insert(
        db,
        "metric_values",
        id=U("v1"),
        activity_instance_id=U("i1"),
        metric_definition_id=U("seconds"),
        value=12.5,
        root_id=None,
    )
    _insert(
        db,
        "metric_values",
        id=U("v2"),
        activity_instance_id=U("i3"),
        metric_definition_id=U("hang-seconds"),
        value=30,
        root_id=root,
        split_definition_id=U("left"),
    )
    _insert(
        db,
        "metric_values",
        id=U("v3"),
        activity_instance_id=U("i1"),
        metric_definition_id=U("gone-metric"),
        value=1,
        root_id=root,
    )
    _insert(
        db,
        "metric_values",
        id=U("v4"),
        activity_instance_id=U("i3"),
        metric_definition_id=U("hang-seconds"),
        value=25,
        root_id=root,
    )
    _insert(
        db,
        "metric_values",
        id=U("v5"),
        activity_instance_id=U("gone-instance"),
        metric_definition_id=U("seconds"),
        value=3,
    )

    _insert(
        db,
        "session_templates",
        id=U("template"),
        name="Levers day",
        root_id=root,
        created_at="2025-06-10",
        template_data=json.dumps(
            {
                "total_duration_minutes": 40,
                "sections": [
                    {
                        "name": "Warm-up",
                        "duration_minutes": 10,
                        "activities": [{"activity_id": U("pull-ups"), "name": "P"}],
                    },
                    {
                        "name": "Skill",
                        "exercises": [{"activity_id": U("lever-hold")}, {"activity_id": U("gone-activity")}],
                    },
                ],
            }
        ),
    )
    _insert(db, "session_templates", id=U("template-orphan"), name="Lost template", root_id=U("gone-root"))

    block_ms, table_block_ms = "1767200643898", "1767900000000"
    _insert(
        db,
        "programs",
        id=U("program"),
        root_id=root,
        name="Winter block",
        start_date="2026-01-05",
        end_date="2026-02-01",
        created_at="2025-12-20 10:00:00",
        is_active=1,
        goal_ids=json.dumps([U("short")]),
        weekly_schedule=json.dumps(
            [
                {
                    "id": block_ms,
                    "name": "Base",
                    "startDate": "2026-01-05",
                    "endDate": "2026-01-11",
                    "color": "#FF8800",
                    "weeklySchedule": {
                        "monday": [U("template")],
                        "tuesday": [],
                        "wednesday": [],
                        "thursday": [U("template")],
                        "friday": [],
                        "saturday": [],
                        "sunday": [],
                        "daily": [],
                    },
                }
            ]
        ),
    )
    _insert(
        db,
        "program_blocks",
        id=table_block_ms,
        program_id=U("program"),
        name="Peak",
        start_date="2026-01-12",
        end_date="2026-02-01",
        color="#00AA00",
        goal_ids=json.dumps([U("short"), U("nowhere")]),
    )
    _insert(
        db,
        "program_days",
        id=U("day"),
        block_id=table_block_ms,
        date="2026-01-13",
        day_number=None,
        name="Heavy",
        notes="Go",
    )
    _insert(db, "program_days", id=U("day-orphan"), block_id="1700000000000", date="2026-01-14", name="Lost")
    _insert(
        db, "scheduled_sessions", id=U("scheduled"), day_id=U("day"), session_template_id=U("template"), is_completed=1
    )
    _insert(db, "scheduled_sessions", id=U("scheduled-orphan"), day_id=U("gone-day"), session_template_id=None)
    db.commit()
    db.close()
    return path


STATE_A_SCHEMA = """
CREATE TABLE goals (id TEXT PRIMARY KEY, type TEXT, name TEXT, description TEXT, deadline TEXT, completed INTEGER,
  created_at TEXT, parent_id TEXT, targets TEXT);
CREATE TABLE practice_sessions (id TEXT PRIMARY KEY, name TEXT, description TEXT, completed INTEGER,
  created_at TEXT, root_id TEXT, session_data TEXT, duration_minutes INTEGER);
CREATE TABLE practice_session_goals (id INTEGER PRIMARY KEY, practice_session_id TEXT, short_term_goal_id TEXT,
  created_at TEXT);
CREATE TABLE session_templates (id TEXT PRIMARY KEY, name TEXT, description TEXT, root_id TEXT, created_at TEXT,
  template_data TEXT);
CREATE TABLE activity_definitions (id TEXT PRIMARY KEY, root_id TEXT, name TEXT, description TEXT, created_at TEXT,
  has_sets INTEGER, has_metrics INTEGER);
CREATE TABLE metric_definitions (id TEXT PRIMARY KEY, activity_id TEXT, name TEXT, unit TEXT, created_at TEXT);
CREATE TABLE activity_instances (id TEXT PRIMARY KEY, practice_session_id TEXT, activity_definition_id TEXT,
  created_at TEXT, time_start TEXT, time_stop TEXT, duration_seconds INTEGER);
CREATE TABLE metric_values (id TEXT PRIMARY KEY, activity_instance_id TEXT, metric_definition_id TEXT, value REAL);
"""


def build_state_a(path):
    """A State-A file: sessions in their own table, no root_id on goals, older JSON forms."""
    db = sqlite3.connect(path)
    db.executescript(STATE_A_SCHEMA)
    root = U("a-root")
    _insert(db, "goals", id=root, type="LongTermGoal", name="Run a marathon", created_at="2025-10-01 07:00:00")
    _insert(db, "goals", id=U("a-mid"), type="MidTermGoal", name="Base", parent_id=root, created_at="2025-10-02")
    _insert(
        db,
        "goals",
        id=U("a-short"),
        type="ShortTermGoal",
        name="10 km",
        parent_id=U("a-mid"),
        created_at="2025-10-03T06:00:00Z",
        targets=json.dumps(
            [
                {
                    "id": "legacy-target-1",
                    "activity_id": U("a-run"),
                    "name": "Fast",
                    "metrics": [{"metric_id": U("a-km"), "value": "10"}],
                }
            ]
        ),
    )
    _insert(db, "goals", id=U("a-orphan"), type="ShortTermGoal", name="Lost", parent_id=U("a-gone"))
    _insert(db, "activity_definitions", id=U("a-run"), root_id=root, name="Run", has_sets=0, has_metrics=1)
    _insert(db, "activity_definitions", id=U("a-intervals"), root_id=root, name="Intervals", has_sets=1, has_metrics=1)
    _insert(db, "metric_definitions", id=U("a-km"), activity_id=U("a-run"), name="Distance", unit="km")
    _insert(db, "metric_definitions", id=U("a-sec"), activity_id=U("a-intervals"), name="Time", unit="s")
    _insert(
        db,
        "practice_sessions",
        id=U("a-s1"),
        name="Long run",
        completed=1,
        created_at="2025-10-05 08:00:00",
        root_id=root,
        duration_minutes=60,
        session_data=json.dumps(
            {
                "template_id": U("a-template"),
                "template_name": "Run day",
                "sections": [
                    {
                        "name": "Run",
                        "duration_minutes": 50,
                        "exercises": [
                            {
                                "activity_id": U("a-run"),
                                "instance_id": U("a-i1"),
                                "metrics": [{"metric_id": U("a-km"), "value": "12"}],
                            },
                            {
                                "activity_id": U("a-intervals"),
                                "instance_id": U("a-i2"),
                                "sets": [
                                    {"metrics": [{"metric_id": U("a-sec"), "value": "95"}]},
                                    {"metrics": [{"metric_id": U("a-sec"), "value": ""}]},
                                ],
                            },
                            {"activity_id": U("a-gone-activity"), "instance_id": U("a-ghost")},
                        ],
                    }
                ],
            }
        ),
    )
    _insert(db, "practice_sessions", id=U("a-s2"), name="Orphan run", root_id=U("a-gone-root"))
    _insert(db, "practice_session_goals", id=1, practice_session_id=U("a-s1"), short_term_goal_id=U("a-short"))
    _insert(db, "practice_session_goals", id=2, practice_session_id=U("a-s1"), short_term_goal_id=U("a-mid"))
    _insert(
        db,
        "activity_instances",
        id=U("a-i1"),
        practice_session_id=U("a-s1"),
        activity_definition_id=U("a-run"),
        created_at="2025-10-05 08:00:00",
        time_start="2025-10-05T06:00:00.500000",
        time_stop="2025-10-05T07:00:00.500000",
    )
    _insert(
        db,
        "activity_instances",
        id=U("a-i2"),
        practice_session_id=U("a-s1"),
        activity_definition_id=U("a-intervals"),
        created_at="2025-10-05 08:00:00",
    )
    _insert(db, "metric_values", id=U("a-v1"), activity_instance_id=U("a-i1"), metric_definition_id=U("a-km"), value=12)
    _insert(
        db,
        "session_templates",
        id=U("a-template"),
        name="Run day",
        root_id=root,
        created_at="2025-10-01",
        template_data=json.dumps({"sections": [{"name": "Run", "exercises": []}]}),
    )
    db.commit()
    db.close()
    return path


STATE_C_SCHEMA = (
    STATE_B_SCHEMA.replace(
        "CREATE TABLE practice_session_goals (practice_session_id TEXT, short_term_goal_id TEXT,\n"
        "  PRIMARY KEY (practice_session_id, short_term_goal_id));\n",
        "",
    )
    + """
ALTER TABLE goals ADD COLUMN program_day_id TEXT;
ALTER TABLE goals ADD COLUMN completed_at TEXT;
ALTER TABLE program_days ADD COLUMN is_completed INTEGER;
ALTER TABLE activity_instances ADD COLUMN session_id TEXT;
CREATE TABLE program_day_templates (id TEXT PRIMARY KEY, program_day_id TEXT, session_template_id TEXT,
  "order" INTEGER);
CREATE TABLE sessions (id TEXT PRIMARY KEY, root_id TEXT, name TEXT, description TEXT, session_start TEXT,
  session_end TEXT, duration_minutes INTEGER, total_duration_seconds INTEGER, template_id TEXT, program_day_id TEXT,
  attributes TEXT, created_at TEXT, updated_at TEXT, deleted_at TEXT, completed INTEGER, completed_at TEXT);
CREATE TABLE session_goals (session_id TEXT, goal_id TEXT, goal_type TEXT, created_at TEXT,
  PRIMARY KEY (session_id, goal_id));
CREATE TABLE notes (id TEXT PRIMARY KEY, root_id TEXT, context_type TEXT, context_id TEXT, session_id TEXT,
  activity_instance_id TEXT, activity_definition_id TEXT, set_index INTEGER, content TEXT, created_at TEXT,
  updated_at TEXT, deleted_at TEXT);
"""
)


def build_state_c(path, extra_sql=""):
    """A State-C file (January 2026): sessions table, session_goals, notes, program-day templates, a
    session done on a program day, and timers written with both clocks (source zone Europe/Berlin)."""
    db = sqlite3.connect(path)
    db.executescript(STATE_C_SCHEMA)
    root = U("c-root")
    _goal(db, id=root, type="UltimateGoal", name="Climb 7a", root_id=root, created_at="2025-12-20 10:00:00")
    _goal(db, id=U("c-long"), type="LongTermGoal", name="Fingers", parent_id=root, root_id=root)
    _goal(db, id=U("c-mid"), type="MidTermGoal", name="Hangboard", parent_id=U("c-long"), root_id=None)
    _goal(
        db,
        id=U("c-short"),
        type="ShortTermGoal",
        name="20 mm edge",
        parent_id=U("c-mid"),
        root_id=root,
        completed=1,
        completed_at="2026-01-20 18:00:00",
    )
    _goal(
        db,
        id=U("c-immediate"),
        type="ImmediateGoal",
        name="Hang today",
        parent_id=U("c-short"),
        root_id=root,
        program_day_id=U("c-day1"),
    )
    _insert(db, "activity_definitions", id=U("c-hang"), root_id=root, name="Hang", has_sets=1, has_metrics=1)
    _insert(db, "activity_definitions", id=U("c-pull"), root_id=root, name="Pull-ups", has_sets=0, has_metrics=1)
    _insert(db, "metric_definitions", id=U("c-sec"), activity_id=U("c-hang"), name="Seconds", root_id=root)
    _insert(db, "metric_definitions", id=U("c-reps"), activity_id=U("c-pull"), name="Reps", root_id=None)
    _insert(
        db,
        "session_templates",
        id=U("c-template"),
        root_id=root,
        name="Finger day",
        template_data=json.dumps({"sections": [{"name": "Hang", "activities": [{"activity_id": U("c-hang")}]}]}),
    )
    _insert(
        db, "programs", id=U("c-program"), root_id=root, name="January", start_date="2026-01-05", end_date="2026-01-31"
    )
    _insert(
        db,
        "program_blocks",
        id=U("c-block"),
        program_id=U("c-program"),
        name="Base",
        start_date="2026-01-05",
        end_date="2026-01-31",
        color="#336699",
    )
    _insert(db, "program_days", id=U("c-day1"), block_id=U("c-block"), date="2026-01-10", is_completed=0)
    _insert(db, "program_days", id=U("c-day2"), block_id=U("c-block"), date="2026-01-11", is_completed=1)
    _insert(
        db,
        "program_day_templates",
        id=U("c-plan1"),
        program_day_id=U("c-day1"),
        session_template_id=U("c-template"),
        order=0,
    )
    _insert(
        db,
        "program_day_templates",
        id=U("c-plan-orphan"),
        program_day_id=U("c-day-gone"),
        session_template_id=U("c-template"),
        order=0,
    )
    # A new session (UTC clocks), done on program day 1.
    _insert(
        db,
        "sessions",
        id=U("c-s1"),
        root_id=root,
        name="Morning fingers",
        session_start="2026-01-10T09:00:00Z",
        session_end="2026-01-10T10:00:00Z",
        template_id=U("c-template"),
        program_day_id=U("c-day1"),
        created_at="2026-01-10 09:00:00",
        completed=1,
        completed_at="2026-01-10 10:30:00",
        attributes=json.dumps({"sections": [{"name": "Hang", "activity_ids": [U("c-i1")]}]}),
    )
    # A session migrated from state B (December, local created_at and mixed timers).
    _insert(db, "sessions", id=U("c-s2"), root_id=root, name="Old pulls", created_at="2025-12-28 10:00:00", completed=0)
    _insert(db, "session_goals", session_id=U("c-s1"), goal_id=U("c-short"), goal_type="short_term")
    _insert(db, "session_goals", session_id=U("c-s1"), goal_id=U("c-immediate"), goal_type="immediate")
    _insert(db, "session_goals", session_id=U("c-s2"), goal_id=U("c-short"), goal_type="short_term")
    _insert(db, "session_goals", session_id=U("c-s-gone"), goal_id=U("c-short"), goal_type="short_term")
    # Only session_id (a row written after the move).
    _insert(
        db,
        "activity_instances",
        id=U("c-i1"),
        session_id=U("c-s1"),
        activity_definition_id=U("c-hang"),
        root_id=root,
        created_at="2026-01-10 09:05:00",
        time_start="2026-01-10 09:05:00",
        time_stop="2026-01-10 09:10:00",
        duration_seconds=300,
        data=json.dumps(
            {
                "sets": [
                    {"instance_id": U("c-set1"), "metrics": [{"metric_id": U("c-sec"), "value": "10"}]},
                    {"instance_id": U("c-set2"), "metrics": [{"metric_id": U("c-sec"), "value": "8"}]},
                ]
            }
        ),
    )
    # Local-time timers (Berlin, UTC+1): 10:01 local is 09:01 UTC, next to the local created_at.
    _insert(
        db,
        "activity_instances",
        id=U("c-i2"),
        practice_session_id=U("c-s2"),
        session_id=U("c-s2"),
        activity_definition_id=U("c-pull"),
        created_at="2025-12-28 10:00:00",
        time_start="2025-12-28 10:01:00",
        time_stop="2025-12-28 10:11:00",
        duration_seconds=600,
    )
    # Mixed clocks in one row: a UTC start, a local stop; the old app's duration came out 70 min.
    _insert(
        db,
        "activity_instances",
        id=U("c-i3"),
        practice_session_id=U("c-s2"),
        session_id=U("c-s2"),
        activity_definition_id=U("c-pull"),
        created_at="2025-12-28 10:15:00",
        time_start="2025-12-28 09:20:00",
        time_stop="2025-12-28 10:30:00",
        duration_seconds=4200,
    )
    _insert(
        db,
        "metric_values",
        id=U("c-v1"),
        activity_instance_id=U("c-i2"),
        metric_definition_id=U("c-reps"),
        value=12,
        root_id=root,
    )
    for pk, values in {
        "c-note-session": {
            "context_type": "session",
            "context_id": U("c-s1"),
            "session_id": U("c-s1"),
            "content": "Felt strong",
        },
        "c-note-instance": {
            "context_type": "activity_instance",
            "context_id": U("c-i1"),
            "activity_instance_id": U("c-i1"),
            "content": "Left hand weaker",
        },
        "c-note-set": {
            "context_type": "set",
            "context_id": U("c-i1"),
            "activity_instance_id": U("c-i1"),
            "set_index": 1,
            "content": "Slipped",
        },
        "c-note-activity": {
            "context_type": "activity_definition",
            "context_id": U("c-hang"),
            "activity_definition_id": U("c-hang"),
            "content": "Use the 20 mm edge",
        },
        "c-note-deleted": {
            "context_type": "session",
            "session_id": U("c-s1"),
            "content": "Typo",
            "deleted_at": "2026-01-10 11:00:00",
        },
    }.items():
        _insert(db, "notes", id=U(pk), root_id=root, created_at="2026-01-10 11:00:00", **values)
    db.executescript(extra_sql)
    db.commit()
    db.close()
    return path
