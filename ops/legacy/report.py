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

    def lines(self):
        width = max([len(name) for name in self.tables] + [5])
        header = f"{'table':<{width}}  {'read':>7}  {'imported':>8}  {'repaired':>8}  {'skipped':>7}"
        yield header
        yield "-" * len(header)
        for name, counts in self.tables.items():
            yield (
                f"{name:<{width}}  {counts.read:>7}  {counts.imported:>8}  {counts.repaired:>8}  {counts.skipped:>7}"
            )
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
