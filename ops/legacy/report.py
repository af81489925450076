"""The per-table import report: read / imported / repaired / skipped, and every skipped row."""

from collections import Counter, OrderedDict
from dataclasses import dataclass, field

ALREADY_IMPORTED = "already imported (this id exists)"


@dataclass
class TableCounts:
    read: int = 0
    imported: int = 0
    repaired: int = 0
    skipped: int = 0


@dataclass
class ImportReport:
    path: str = ""
    state: str = ""
    dry_run: bool = False
    tables: OrderedDict = field(default_factory=OrderedDict)
    skipped: list = field(default_factory=list)  # (table, id, reason)
    repairs: list = field(default_factory=list)  # (table, id, what)
    repaired_rows: set = field(default_factory=set)
    source_tz: str = ""
    file_tables: OrderedDict = field(default_factory=OrderedDict)  # every table of the file: rows, status
    clocks: Counter = field(default_factory=Counter)  # how many times were read each way
    not_kept: list = field(default_factory=list)  # (table, id, what): data with no home, said plainly

    def clock(self, how, count=1):
        self.clocks[how] += count

    def lost(self, table, row_id, what):
        self.not_kept.append((table, str(row_id), what))

    def counts(self, table):
        return self.tables.setdefault(table, TableCounts())

    def read(self, table, count=1):
        self.counts(table).read += count

    def imported(self, table, count=1):
        self.counts(table).imported += count

    def repaired(self, table, row_id, what):
        if (table, str(row_id)) not in self.repaired_rows:
            self.repaired_rows.add((table, str(row_id)))
            self.counts(table).repaired += 1
        self.repairs.append((table, str(row_id), what))

    def skip(self, table, row_id, reason):
        self.counts(table).skipped += 1
        self.skipped.append((table, str(row_id), reason))

    def reasons_for(self, table=None, row_id=None):
        return [
            reason
            for skipped_table, skipped_id, reason in self.skipped
            if (table is None or skipped_table == table) and (row_id is None or skipped_id == str(row_id))
        ]

    def already_imported(self, table):
        return sum(
            1 for skipped_table, _id, reason in self.skipped if skipped_table == table and reason == ALREADY_IMPORTED
        )

    def as_dict(self):
        """The full report (for --report FILE and the web page). Per table: read = imported + skipped,
        where skipped includes the rows already imported by an earlier run; repaired counts imported
        rows that were changed on the way (a subset of imported)."""
        return {
            "path": self.path,
            "state": self.state,
            "dry_run": self.dry_run,
            "source_tz": self.source_tz,
            "file_tables": {name: dict(info) for name, info in self.file_tables.items()},
            "tables": {
                name: {
                    "read": counts.read,
                    "imported": counts.imported,
                    "repaired": counts.repaired,
                    "skipped": counts.skipped,
                    "already_imported": self.already_imported(name),
                }
                for name, counts in self.tables.items()
            },
            "clocks": dict(self.clocks),
            "repairs": [{"table": t, "row": r, "what": w} for t, r, w in self.repairs],
            "skipped": [{"table": t, "row": r, "reason": w} for t, r, w in self.skipped],
            "not_kept": [{"table": t, "row": r, "what": w} for t, r, w in self.not_kept],
        }

    def lines(self):
        width = max([len(name) for name in self.tables] + [5])
        header = f"{'table':<{width}}  {'read':>7}  {'imported':>8}  {'repaired':>8}  {'skipped':>7}"
        yield header
        yield "-" * len(header)
        for name, counts in self.tables.items():
            yield (
                f"{name:<{width}}  {counts.read:>7}  {counts.imported:>8}  {counts.repaired:>8}  {counts.skipped:>7}"
            )
        if self.file_tables:
            yield ""
            yield "Tables of the file:"
            for name, info in self.file_tables.items():
                reason = f" ({info['reason']})" if info.get("reason") else ""
                yield f"  {name}: {info['rows']} row(s), {info['status']}{reason}"
        if self.clocks:
            yield ""
            yield "Clocks:"
            for how, count in sorted(self.clocks.items()):
                yield f"  {how}: {count}"
        already = Counter(table for table, _id, reason in self.skipped if reason == ALREADY_IMPORTED)
        if already:
            yield ""
            yield "Already imported (ids exist, skipped):"
            for table, count in already.items():
                yield f"  {table}: {count} row(s)"
        others = [row for row in self.skipped if row[2] != ALREADY_IMPORTED]
        if others:
            yield ""
            yield "Skipped rows:"
            for table, row_id, reason in others:
                yield f"  {table} {row_id}: {reason}"
        if self.repairs:
            yield ""
            yield "Repairs:"
            for table, row_id, what in self.repairs:
                yield f"  {table} {row_id}: {what}"
        if self.not_kept:
            yield ""
            yield "Not kept (no place for it in this version):"
            for table, row_id, what in self.not_kept:
                yield f"  {table} {row_id}: {what}"
