"""Open a legacy file read-only, refuse what is not ours, detect its schema state, read rows."""

import sqlite3
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
STATE_A = "A"  # before December 27, 2025: sessions in their own table
STATE_B = "B"  # after the January 2026 migration: sessions are rows of ``goals``
REQUIRED_GOAL_COLUMNS = {"id", "type", "name", "parent_id"}


class LegacyFileError(Exception):
    """The file cannot be imported; nothing was written."""


class LegacySource:
    def __init__(self, path):
        self.path = Path(path)
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
        except sqlite3.DatabaseError as error:
            raise LegacyFileError(f"{self.path} is damaged or not a SQLite database ({error}).") from error
        goal_columns = self.tables.get("goals", set())
        if not goal_columns >= REQUIRED_GOAL_COLUMNS:
            raise LegacyFileError(
                f"{self.path} is a SQLite database but not a Fractal Goals file (no goals table with "
                "id, type, name and parent_id)."
            )
        self.state = STATE_B if "root_id" in goal_columns else STATE_A

    def _open(self):
        """Read-only; a WAL file next to it is read too. A read-only folder falls back to immutable."""
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            return sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True)

    def _columns(self, table):
        return {row[1] for row in self.db.execute(f'PRAGMA table_info("{table}")')}

    def has(self, table, column=None):
        if table not in self.tables:
            return False
        return column is None or column in self.tables[table]

    def rows(self, table):
        """All rows of ``table`` as dicts; a missing table gives no rows, a missing column gives None."""
        if table not in self.tables:
            return []
        try:
            return [dict(row) for row in self.db.execute(f'SELECT * FROM "{table}"')]
        except sqlite3.DatabaseError as error:
            raise LegacyFileError(f"{self.path}: table {table} cannot be read ({error}).") from error

    def close(self):
        self.db.close()
