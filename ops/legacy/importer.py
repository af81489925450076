"""Load a legacy ``goals.db`` into the current schema, in one transaction, keeping ids.

Every stage reads legacy rows, derives what the new schema needs (roots from parents, sessions out
of the goal tree, rows out of JSON), reports each row it cannot place, and bulk-inserts the rest.
Rows whose id already exists are skipped and reported, so running it twice imports nothing twice.
"""

import datetime
import os
import zoneinfo
from collections import defaultdict

from django.db import transaction

from goals.integrity import find_problems, repair
from goals.models.profile import Profile
from sessions.records import store_fractal_products

from .report import ImportReport
from .source import LegacyFileError, LegacySource
from .stages.activities import ActivitiesStage
from .stages.base import REPORT_ORDER, UNREADABLE_DATA, ImporterBase
from .stages.goals import GoalsStage
from .stages.instances import InstancesStage
from .stages.notes import NotesStage
from .stages.programs import ProgramsStage
from .stages.sessions import SessionsStage
from .stages.targets import TargetsStage
from .stages.templates import TemplatesStage
from .stages.values import ValuesStage


class LegacyImporter(
    GoalsStage,
    ActivitiesStage,
    TargetsStage,
    TemplatesStage,
    SessionsStage,
    NotesStage,
    InstancesStage,
    ValuesStage,
    ProgramsStage,
    ImporterBase,
):
    def __init__(self, path, owner, source_tz="UTC", progress=None, ignore=()):
        self.path = path
        self.ignore = tuple(ignore)
        self.owner = owner
        self.local_zone = zoneinfo.ZoneInfo(source_tz)
        self.progress = progress or (lambda line: None)
        self.report = ImportReport(path=str(path))

    # --- entry point ---------------------------------------------------------------------
    def run(self, dry_run=False):
        source = LegacySource(self.path, ignore=self.ignore)
        try:
            self.source = source
            self.report.state = source.state
            self.report.source_tz = self.local_zone.key
            for table, (status, reason) in source.table_status.items():
                self.report.file_tables[table] = {"rows": source.row_counts[table], "status": status, "reason": reason}
            self.report.dry_run = dry_run
            self.file_time = datetime.datetime.fromtimestamp(os.path.getmtime(self.path), tz=datetime.UTC)
            for table in REPORT_ORDER:
                self.report.counts(table)
            try:
                with transaction.atomic():
                    self._import_everything()
                    if dry_run:
                        transaction.set_rollback(True)
            except UNREADABLE_DATA as error:
                # Data of a shape no known file has (hostile or damaged): refuse the whole file; the
                # transaction above has been rolled back, so nothing was written.
                raise LegacyFileError(
                    f"{self.path} holds data this importer cannot read ({type(error).__name__}: {str(error)[:200]})."
                ) from error
        finally:
            source.close()
        return self.report

    def _import_everything(self):
        self.goals, self.activities, self.groups = {}, {}, {}
        self.metrics, self.splits, self.templates = {}, {}, {}
        self.sessions, self.instances = {}, {}
        self.session_extra_goals = defaultdict(list)
        self.fresh_ids, self.already_ids = set(), set()
        self.goal_days = defaultdict(list)  # legacy program day id → goals planned on it
        self.session_days = {}  # session id → legacy program day id
        self.session_objects = {}
        self.pending_notes = []  # state C notes, written once what they hang on is
        self.instance_notes = []  # notes made from activity_instances.notes
        self.section_of = {}  # instance id → (section id, position)
        self.json_exercises = []  # (session id, section id, position, exercise dict) of the older JSON form
        self.instances_with_json_sets = set()
        self.value_keys = set()
        stages = [
            ("goals", self._goals),
            ("activity library", self._library),
            ("goal targets", self._targets),
            ("templates", self._templates),
            ("practice sessions", self._sessions),
            ("activity instances", self._instances),
            ("metric values", self._values),
            ("set products", self._set_products),
            ("programs", self._programs),
            ("integrity", self._final_checks),
            ("owner's time zone", self._owner_time_zone),
        ]
        for number, (name, stage) in enumerate(stages, 1):
            self.progress(f"[{number}/{len(stages)}] {name} …")
            stage()

    def _set_products(self):
        """The values went in without save(): store their sets' products (sessions.records)."""
        for root_id in self.roots:
            store_fractal_products(root_id)

    def _owner_time_zone(self):
        """--source-tz becomes the owner's time zone while theirs is still the default."""
        profile = Profile.for_user(self.owner)
        default = Profile._meta.get_field("time_zone").default
        zone = self.local_zone.key
        if profile.time_zone == default and zone != default:
            profile.time_zone = zone
            profile.save(update_fields=["time_zone"])
            self.report.repairs.append(
                ("user_profiles", str(self.owner.pk), f"time_zone {default} → {zone} (--source-tz)")
            )

    # --- final checks ----------------------------------------------------------------------
    def _final_checks(self):
        roots = list(self.roots)
        for change in repair(root_ids=roots):
            self.report.repairs.append(("integrity", "", change))
        problems = find_problems(root_ids=roots)
        if problems:
            # The stages above must never produce this; refuse rather than write a broken fractal.
            raise LegacyFileError(
                f"the import would leave {len(problems)} integrity problem(s), e.g. {problems[0]}; rolled back."
            )


def import_legacy(path, owner, source_tz="UTC", dry_run=False, progress=None, ignore=()):
    return LegacyImporter(path, owner, source_tz=source_tz, progress=progress, ignore=ignore).run(dry_run=dry_run)
