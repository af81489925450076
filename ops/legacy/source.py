"""Open a legacy file read-only, refuse what is not ours, detect its schema state, read rows.

The state is decided from the whole set of tables and columns (LEGACY_SCHEMA.md): A has a
``practice_sessions`` table and no ``goals.root_id``; B keeps sessions as ``goals`` rows; C has a
``sessions`` table. A file whose tables or columns hold data this version does not read is refused
(naming them) unless the caller lists them in ``ignore``; a file missing a core table is refused.
"""

import sqlite3
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
STATE_A = "A"  # before December 27, 2025: sessions in their own table
STATE_B = "B"  # from December 27, 2025: sessions are rows of ``goals``
STATE_C = "C"  # from January 5, 2026: sessions in a ``sessions`` table again, notes
REQUIRED_GOAL_COLUMNS = {"id", "type", "name", "parent_id"}
CORE_TABLES = ["activity_definitions", "metric_definitions", "activity_instances", "metric_values", "session_templates"]

# Every column of every table any known file has (all three states, every week's additions).
KNOWN_COLUMNS = {
    "goals": {
        "id",
        "type",
        "name",
        "description",
        "deadline",
        "completed",
        "created_at",
        "parent_id",
        "root_id",
        "duration_minutes",
        "session_data",
        "targets",
        "updated_at",
        "session_start",
        "session_end",
        "total_duration_seconds",
        "template_id",
        "attributes",
        "deleted_at",
        "sort_order",
        "program_day_id",
        "completed_at",
    },
    "practice_sessions": {
        "id",
        "name",
        "description",
        "completed",
        "created_at",
        "root_id",
        "session_data",
        "duration_minutes",
    },
    "practice_session_goals": {"id", "practice_session_id", "short_term_goal_id", "created_at"},
    "activity_groups": {"id", "root_id", "name", "description", "created_at", "sort_order", "deleted_at", "updated_at"},
    "activity_definitions": {
        "id",
        "root_id",
        "name",
        "description",
        "created_at",
        "has_sets",
        "has_metrics",
        "metrics_multiplicative",
        "has_splits",
        "group_id",
        "deleted_at",
        "updated_at",
        "sort_order",
    },
    "metric_definitions": {
        "id",
        "activity_id",
        "name",
        "unit",
        "created_at",
        "deleted_at",
        "is_active",
        "is_top_set_metric",
        "is_multiplicative",
        "root_id",
        "updated_at",
        "sort_order",
    },
    "split_definitions": {"id", "activity_id", "name", "order", "created_at", "root_id", "deleted_at", "updated_at"},
    "activity_instances": {
        "id",
        "practice_session_id",
        "session_id",
        "activity_definition_id",
        "created_at",
        "time_start",
        "time_stop",
        "duration_seconds",
        "root_id",
        "deleted_at",
        "updated_at",
        "sort_order",
        "completed",
        "notes",
        "data",
    },
    "metric_values": {
        "id",
        "activity_instance_id",
        "metric_definition_id",
        "value",
        "root_id",
        "updated_at",
        "created_at",
        "split_definition_id",
        "deleted_at",
    },
    "session_templates": {
        "id",
        "name",
        "description",
        "root_id",
        "created_at",
        "template_data",
        "deleted_at",
        "updated_at",
    },
    "programs": {
        "id",
        "root_id",
        "name",
        "description",
        "start_date",
        "end_date",
        "created_at",
        "updated_at",
        "is_active",
        "goal_ids",
        "weekly_schedule",
        "deleted_at",
    },
    "program_blocks": {"id", "program_id", "name", "start_date", "end_date", "color", "goal_ids"},
    "program_days": {"id", "block_id", "date", "day_number", "name", "notes", "is_completed"},
    "scheduled_sessions": {"id", "day_id", "session_template_id", "is_completed", "completion_data"},
    "program_day_templates": {"id", "program_day_id", "session_template_id", "order"},
    "sessions": {
        "id",
        "root_id",
        "name",
        "description",
        "session_start",
        "session_end",
        "duration_minutes",
        "total_duration_seconds",
        "template_id",
        "program_day_id",
        "attributes",
        "created_at",
        "updated_at",
        "deleted_at",
        "completed",
        "completed_at",
    },
    "session_goals": {"session_id", "goal_id", "goal_type", "created_at"},
    "notes": {
        "id",
        "root_id",
        "context_type",
        "context_id",
        "session_id",
        "activity_instance_id",
        "activity_definition_id",
        "set_index",
        "content",
        "pinned",
        "is_pinned",
        "created_at",
        "updated_at",
        "deleted_at",
    },
}
# Tables of SQLite itself or of the old app's migration tool: nothing of the user's is in them.
BOOKKEEPING_TABLES = {"sqlite_sequence", "sqlite_stat1", "sqlite_stat4", "alembic_version"}


class LegacyFileError(Exception):
    """The file cannot be imported; nothing was written."""


class LegacySource:
    def __init__(self, path, ignore=()):
        self.path = Path(path)
        self.ignore = set(ignore)
        if not self.path.is_file():
            raise LegacyFileError(f"{self.path} does not exist or is not a file.")
        with self.path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
        if header != SQLITE_HEADER:
            raise LegacyFileError(f"{self.path} is not a SQLite database.")
        try:
            self.db = self._open()
            self.db.row_factory = sqlite3.Row
            check = self.db.execute("PRAGMA quick_check").fetchall()
            if [tuple(row) for row in check] != [("ok",)]:
                raise LegacyFileError(f"{self.path} is damaged (SQLite quick_check failed).")
            self.tables = {
                row[0]: self._columns(row[0])
                for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            self.row_counts = {table: self._count(table) for table in self.tables}
        except sqlite3.DatabaseError as error:
            raise LegacyFileError(f"{self.path} is damaged or not a SQLite database ({error}).") from error
        goal_columns = self.tables.get("goals", set())
        if not goal_columns >= REQUIRED_GOAL_COLUMNS:
            raise LegacyFileError(
                f"{self.path} is a SQLite database but not a Fractal Goals file (no goals table with "
                "id, type, name and parent_id)."
            )
        self.state = self._detect_state()
        missing = [table for table in CORE_TABLES if table not in self.tables]
        if missing:
            raise LegacyFileError(
                f"{self.path} lacks the core table(s) {', '.join(f'`{name}`' for name in missing)} that every "
                "file of the old app has: it is incomplete, so nothing was imported."
            )
        self.table_status = self._classify_tables()

    def _detect_state(self):
        has_sessions = "sessions" in self.tables
        has_practice_sessions = "practice_sessions" in self.tables
        goals_have_root = "root_id" in self.tables["goals"]
        if has_sessions and has_practice_sessions:
            raise LegacyFileError(
                f"{self.path} has both a `sessions` and a `practice_sessions` table; no known state of the old "
                "app has both, so nothing was imported."
            )
        if has_sessions:
            if not {"id", "root_id"} <= self.tables["sessions"]:
                raise LegacyFileError(f"{self.path}: table `sessions` lacks id or root_id; nothing was imported.")
            return STATE_C
        if has_practice_sessions:
            if goals_have_root:
                raise LegacyFileError(
                    f"{self.path} has a `practice_sessions` table (state A) and goals.root_id (states B and C); "
                    "no known state has both, so nothing was imported."
                )
            return STATE_A
        if not goals_have_root:
            raise LegacyFileError(
                f"{self.path} has no sessions table and no goals.root_id; it matches no known state of the old "
                "app, so nothing was imported."
            )
        for evidence in ("session_goals", "notes"):
            if evidence in self.tables and self.row_counts[evidence]:
                raise LegacyFileError(
                    f"{self.path} has rows in `{evidence}` (state C) but no `sessions` table; nothing was imported."
                )
        return STATE_B

    def _classify_tables(self):
        """table → (status, reason) for every table of the file; refuses unread data not ignored."""
        status, refused = {}, []
        for table in sorted(self.tables):
            rows = self.row_counts[table]
            if table.startswith("sqlite_") or table in BOOKKEEPING_TABLES:
                status[table] = ("not read", "bookkeeping table of SQLite or of the old app's migrations")
            elif table not in KNOWN_COLUMNS:
                if table in self.ignore:
                    status[table] = ("skipped", f"{rows} row(s) not read (--ignore-table)")
                elif rows == 0:
                    status[table] = ("not read", "unknown table, empty")
                else:
                    refused.append(f"table `{table}` with {rows} rows is not read by this version")
            else:
                status[table] = ("read", "")
                for column in sorted(self.tables[table] - KNOWN_COLUMNS[table]):
                    filled = self._filled(table, column)
                    name = f"{table}.{column}"
                    if not filled:
                        continue
                    if name in self.ignore or table in self.ignore:
                        status[table] = ("read", f"column {column} ({filled} value(s)) skipped (--ignore-table)")
                    else:
                        refused.append(f"column `{name}` with {filled} values is not read by this version")
        if refused:
            raise LegacyFileError(
                "; ".join(refused) + ": nothing was imported. Pass --ignore-table NAME (a table, or table.column) "
                "to import the rest and list it as skipped."
            )
        return status

    def _open(self):
        """Read-only; a WAL file next to it is read too. A read-only folder falls back to immutable."""
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            return sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True)

    def _columns(self, table):
        return {row[1] for row in self.db.execute(f'PRAGMA table_info("{_quoted(table)}")')}

    def _count(self, table):
        return self.db.execute(f'SELECT count(*) FROM "{_quoted(table)}"').fetchone()[0]

    def _filled(self, table, column):
        name = _quoted(column)
        query = f'SELECT count(*) FROM "{_quoted(table)}" WHERE "{name}" IS NOT NULL AND "{name}" != \'\''
        return self.db.execute(query).fetchone()[0]

    def has(self, table, column=None):
        if table not in self.tables:
            return False
        return column is None or column in self.tables[table]

    def is_read(self, table):
        return table in self.tables and self.table_status.get(table, ("",))[0] == "read"

    def rows(self, table):
        """The rows of ``table`` as dicts, streamed; a missing table gives none, a missing column gives None."""
        if not self.is_read(table):
            return
        try:
            cursor = self.db.execute(f'SELECT * FROM "{_quoted(table)}"')
            columns = [item[0] for item in cursor.description]
            for row in cursor:
                yield dict(zip(columns, row, strict=True))
        except sqlite3.DatabaseError as error:
            raise LegacyFileError(f"{self.path}: table {table} cannot be read ({error}).") from error

    def close(self):
        self.db.close()


def _quoted(name):
    return str(name).replace('"', '""')
