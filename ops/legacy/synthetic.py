"""A synthetic state-C ``goals.db`` of a chosen size, for the import benchmark and the slow tests.

At ``scale=1``: about 5,000 goals, 2,000 sessions, 10,000 activity instances and 69,000 values
(metric_values rows plus JSON set values); ``scale=10`` is the issue's 10× file.
"""

import json
import sqlite3
import uuid

from .source import KNOWN_COLUMNS

ACTIVITIES = 40
SETS = 6
INSTANCES_PER_SESSION = 5
DAY_SECONDS = 86400


def _id(kind, number):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"legacy-synthetic/{kind}/{number}"))


def _time(seconds):
    """A naive timestamp ``seconds`` after 2026-01-05 00:00 (UTC in state C)."""
    days, rest = divmod(int(seconds), DAY_SECONDS)
    day = 5 + days
    month, day = 1 + (day - 1) // 28, 1 + (day - 1) % 28  # a 28-day calendar keeps dates simple and valid
    year, month = 2026 + (month - 1) // 12, 1 + (month - 1) % 12
    return f"{year:04d}-{month:02d}-{day:02d} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"


def _create(db):
    for table, columns in KNOWN_COLUMNS.items():
        if table in ("practice_sessions", "practice_session_goals"):
            continue
        names = ", ".join(f'"{name}"' + (" TEXT PRIMARY KEY" if name == "id" else "") for name in sorted(columns))
        db.execute(f"CREATE TABLE {table} ({names})")


def _insert(db, table, rows):
    columns = sorted(KNOWN_COLUMNS[table])
    names = ", ".join(f'"{column}"' for column in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    db.executemany(sql, ([row.get(column) for column in columns] for row in rows))


def build_synthetic_legacy_file(path, scale=1):
    db = sqlite3.connect(path)
    _create(db)
    root = _id("goal", "root")
    longs, mids, shorts = 5 * scale, 50 * scale, 500 * scale
    immediates = 5000 * scale - 1 - longs - mids - shorts
    created = _time(0)

    def goals():
        yield {"id": root, "type": "UltimateGoal", "name": "Synthetic", "root_id": root, "created_at": created}
        for n in range(longs):
            yield {
                "id": _id("long", n),
                "type": "LongTermGoal",
                "name": f"Long {n}",
                "parent_id": root,
                "root_id": root,
                "created_at": created,
            }
        for n in range(mids):
            yield {
                "id": _id("mid", n),
                "type": "MidTermGoal",
                "name": f"Mid {n}",
                "parent_id": _id("long", n % longs),
                "root_id": root,
                "created_at": created,
            }
        for n in range(shorts):
            yield {
                "id": _id("short", n),
                "type": "ShortTermGoal",
                "name": f"Short {n}",
                "parent_id": _id("mid", n % mids),
                "root_id": root,
                "created_at": created,
            }
        for n in range(immediates):
            yield {
                "id": _id("immediate", n),
                "type": "ImmediateGoal",
                "name": f"Immediate {n}",
                "parent_id": _id("short", n % shorts),
                "root_id": root,
                "created_at": created,
            }

    _insert(db, "goals", goals())
    _insert(
        db,
        "activity_definitions",
        (
            {
                "id": _id("activity", n),
                "root_id": root,
                "name": f"Activity {n}",
                "has_sets": n % 2,
                "has_metrics": 1,
                "created_at": created,
            }
            for n in range(ACTIVITIES)
        ),
    )
    _insert(
        db,
        "metric_definitions",
        (
            {
                "id": _id("metric", f"{n}/{m}"),
                "activity_id": _id("activity", n),
                "name": f"Metric {m}",
                "root_id": root,
                "created_at": created,
            }
            for n in range(ACTIVITIES)
            for m in range(2)
        ),
    )
    _insert(
        db,
        "session_templates",
        [
            {
                "id": _id("template", 0),
                "root_id": root,
                "name": "Daily",
                "template_data": json.dumps({"sections": []}),
                "created_at": created,
            }
        ],
    )
    sessions = 2000 * scale

    def session_rows():
        for n in range(sessions):
            start = n * 3 * 3600
            yield {
                "id": _id("session", n),
                "root_id": root,
                "name": f"Session {n}",
                "session_start": _time(start),
                "session_end": _time(start + 3600),
                "created_at": _time(start),
                "completed": 1,
                "completed_at": _time(start + 3600),
            }

    _insert(db, "sessions", session_rows())

    def links():
        for n in range(sessions):
            yield {"session_id": _id("session", n), "goal_id": _id("short", n % shorts), "goal_type": "short_term"}
            yield {
                "session_id": _id("session", n),
                "goal_id": _id("immediate", n % immediates),
                "goal_type": "immediate",
            }

    _insert(db, "session_goals", links())

    def instances():
        for n in range(sessions * INSTANCES_PER_SESSION):
            session, activity = n // INSTANCES_PER_SESSION, n % ACTIVITIES
            start = session * 3 * 3600 + (n % INSTANCES_PER_SESSION) * 600
            data = None
            if activity % 2:
                data = json.dumps(
                    {
                        "sets": [
                            {
                                "instance_id": _id("set", f"{n}/{s}"),
                                "completed": True,
                                "metrics": [
                                    {"metric_id": _id("metric", f"{activity}/{m}"), "value": str(10 + s + m)}
                                    for m in range(2)
                                ],
                            }
                            for s in range(SETS)
                        ]
                    }
                )
            yield {
                "id": _id("instance", n),
                "session_id": _id("session", session),
                "activity_definition_id": _id("activity", activity),
                "root_id": root,
                "created_at": _time(start),
                "time_start": _time(start),
                "time_stop": _time(start + 300),
                "duration_seconds": 300,
                "data": data,
            }

    _insert(db, "activity_instances", instances())

    def values():
        for n in range(sessions * INSTANCES_PER_SESSION):
            activity = n % ACTIVITIES
            if activity % 2 == 0:
                for m in range(2):
                    yield {
                        "id": _id("value", f"{n}/{m}"),
                        "activity_instance_id": _id("instance", n),
                        "metric_definition_id": _id("metric", f"{activity}/{m}"),
                        "value": 5 + m,
                        "root_id": root,
                    }

    _insert(db, "metric_values", values())
    db.commit()
    db.close()
    return path
