import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.models import ActivityDefinition, MetricDefinition, SplitDefinition, validate_finite
from goals.dates import RANGE_MESSAGE, is_sane
from goals.models import SESSION_LEVELS, FractalScopedModel, OrderedModel, root_field
from goals.rules import TimeOrder

LIVE = Q(deleted_at__isnull=True)
# The time-order rules of sessions and timers, once (models, forms, API, check_integrity, data generator).
SESSION_TIME_ORDER = TimeOrder("started_at", "ended_at", "A session cannot end before it starts.")
INSTANCE_TIME_ORDER = TimeOrder("time_start", "time_stop", "The stop time cannot be before the start time.")


def whole_seconds(start, stop):
    return int((stop - start).total_seconds())


@dataclass
class CompletionResult:
    """What completing a session achieved, for pages and the API to show."""

    session: "PracticeSession"
    targets_met: list = field(default_factory=list)
    goals_completed: list = field(default_factory=list)


class PracticeSession(FractalScopedModel):
    root = root_field(db_index=False)  # covered by session_root_created_idx
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    goals = models.ManyToManyField(
        "goals.Goal",
        through="PracticeSessionGoal",
        through_fields=("session", "goal"),
        related_name="practice_sessions",
        blank=True,
    )
    template = models.ForeignKey(
        "practice_sessions.SessionTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    planned_minutes = models.PositiveIntegerField(null=True, blank=True)
    total_duration_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    soft_delete = {"template": "keep"}
    time_order = SESSION_TIME_ORDER
    # A session whose every goal link goes to the trash (its goals deleted) goes with them.
    soft_delete_with_all = ("goal_links",)

    class Meta(FractalScopedModel.Meta):
        db_table = "practice_sessions"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="session_end_after_start",
                condition=Q(ended_at__isnull=True) | Q(started_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                violation_error_message=SESSION_TIME_ORDER.message,
            ),
            models.CheckConstraint(
                name="session_duration_not_negative",
                condition=Q(total_duration_seconds__isnull=True) | Q(total_duration_seconds__gte=0),
            ),
            models.CheckConstraint(
                name="session_completed_at_only_when_completed",
                condition=Q(completed=True) | Q(completed_at__isnull=True),
            ),
        ]
        indexes = [
            # Live rows only: a page deep into a list (OFFSET) then skips index entries alone.
            models.Index(
                fields=["root", "-created_at"], name="session_root_created_idx", condition=Q(deleted_at__isnull=True)
            ),
            models.Index(fields=["root", "started_at"], name="session_root_started_idx"),
            models.Index(fields=["root", "completed"], name="session_root_completed_idx"),
            # The sessions list: newest first by started (else created) time, live rows only, so a
            # page (even the last) is read from the index instead of sorting every session.
            models.Index(
                F("root"),
                Coalesce("started_at", "created_at").desc(),
                F("created_at").desc(),
                name="session_root_when_idx",
                condition=Q(deleted_at__isnull=True),
            ),
            # The analytics streaks: every completed live session of a fractal in time order,
            # read from the index alone (the whole history, without a sort or a table lookup).
            models.Index(
                F("root"),
                Coalesce("started_at", "created_at"),
                name="session_root_done_when_idx",
                condition=Q(completed=True, deleted_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.name

    def scope_relations(self):
        return [("template", self.template)] if self.template_id else []

    def validate_rules(self):
        SESSION_TIME_ORDER.check_object(self)
        if not self.completed and self.completed_at is not None:
            raise ValidationError({"completed_at": "Only a completed session has a completion time."})
        if self.completed and self.started_at and self.ended_at:
            # Derived from the session's own times and its pauses, so editing either keeps it true.
            self.total_duration_seconds = self.active_seconds(self.ended_at)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"started_at", "ended_at", "completed"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "total_duration_seconds"}
        super().save(*args, **kwargs)

    @classmethod
    def integrity_rules(cls):
        return [
            (
                cls.all_objects.filter(SESSION_TIME_ORDER.broken_rows()),
                "session ends before it starts",
                {"ended_at": None, "total_duration_seconds": None},
            )
        ]

    # --- the session's own times, as a user enters them ---------------------------------
    LONGEST = datetime.timedelta(hours=24)
    CLOCK_SLACK = datetime.timedelta(minutes=1)  # a device clock a little ahead is not "the future"

    @classmethod
    def check_times(cls, started_at, ended_at, completed=False, now=None):
        """The one rule for times typed by a user (session page, "Log a past session", the API).

        The end is after the start, both are within the accepted years (goals/dates.py) and not in
        the future, and a session lasts at most 24 hours; a completed session has both times.
        """
        now = now or timezone.now()
        errors = {}
        if completed and (started_at is None or ended_at is None):
            errors["started_at" if started_at is None else "ended_at"] = "A completed session has a start and an end."
        if ended_at is not None and started_at is None:
            errors.setdefault("started_at", "Enter a start time as well.")
        for name, value in (("started_at", started_at), ("ended_at", ended_at)):
            if not is_sane(value):
                errors.setdefault(name, RANGE_MESSAGE)  # the one accepted range (goals/dates.py)
            elif value is not None and value > now + cls.CLOCK_SLACK:
                errors.setdefault(name, "This time is in the future.")
        if started_at is not None and ended_at is not None:
            if ended_at <= started_at:
                errors.setdefault("ended_at", "A session must end after it starts.")
            elif ended_at - started_at > cls.LONGEST:
                errors.setdefault("ended_at", "A session lasts at most 24 hours.")
        if errors:
            raise ValidationError(errors)

    def set_times(self, started_at, ended_at):
        """Change the session's start and end (a completed session's duration follows)."""
        self.check_times(started_at, ended_at, completed=self.completed)
        self.started_at = started_at
        self.ended_at = ended_at
        self.save(update_fields=["started_at", "ended_at"])
        return self

    # --- creation and goals --------------------------------------------------------------
    @classmethod
    def clean_goals(cls, root, goals):
        """Validate the goals a session serves: at least one, short-term or immediate, same fractal."""
        goals = list(goals)
        if not goals:
            raise ValidationError({"goals": "Link the session to at least one short-term or immediate goal."})
        root_id = getattr(root, "pk", root)
        for goal in goals:
            if goal.root_id != root_id:
                raise ValidationError({"goals": "A linked goal belongs to another fractal."})
            if goal.level not in SESSION_LEVELS:
                raise ValidationError({"goals": f"“{goal.name}” is not a short-term or immediate goal."})
            if goal.deleted_at is not None:
                raise ValidationError({"goals": f"“{goal.name}” is in the trash."})
        return goals

    @classmethod
    def create(cls, root, goals, name, sections=(), **fields):
        """Create a session linked to ``goals``; ``sections`` is a list of (name, planned_minutes)."""
        with transaction.atomic():
            goals = cls.clean_goals(root, goals)
            session = cls(name=name, **fields)
            session.root_id = getattr(root, "pk", root)
            session.full_clean()
            session.save()
            session.set_goals(goals)
            for section_name, minutes in sections:
                SessionSection(session=session, name=section_name, planned_minutes=minutes).save()
        return session

    def set_goals(self, goals):
        from sessions.targets import batch

        goals = self.clean_goals(self.root_id, goals)
        with transaction.atomic(), batch():
            wanted = {goal.pk for goal in goals}
            # Unlinking removes the link row itself; the goal and the session both stay.
            PracticeSessionGoal.all_objects.filter(session=self).exclude(goal_id__in=wanted).hard_delete()
            existing = set(PracticeSessionGoal.all_objects.filter(session=self).values_list("goal_id", flat=True))
            for goal in goals:
                if goal.pk not in existing:
                    PracticeSessionGoal(session=self, goal=goal).save()

    # --- lifecycle -----------------------------------------------------------------------
    @property
    def is_running(self):
        return self.started_at is not None and not self.completed

    def pause_list(self):
        """The session's pauses, oldest first (from a prefetch when the page made one)."""
        from .pause import SessionPause

        if self.pk is None or self._state.adding:
            return []
        cached = getattr(self, "_prefetched_objects_cache", {}).get("pauses")
        if cached is not None:
            return sorted(cached, key=lambda pause: pause.started_at)
        return list(SessionPause.objects.filter(session_id=self.pk).order_by("started_at"))

    @property
    def open_pause(self):
        return next((pause for pause in self.pause_list() if pause.ended_at is None), None)

    @property
    def is_paused(self):
        return self.is_running and self.open_pause is not None

    def active_seconds(self, until=None):
        """Whole seconds from the start to ``until`` (default: the end, else now), pauses left out."""
        from .pause import paused_seconds

        if self.started_at is None:
            return None
        until = until or self.ended_at or timezone.now()
        until = max(until, self.started_at)
        return max(0, whole_seconds(self.started_at, until) - paused_seconds(self.pause_list(), self.started_at, until))

    def pause(self, when=None):
        """Pause the running clock; the time until ``resume`` does not count towards the duration."""
        from .pause import SessionPause

        with transaction.atomic():
            locked = PracticeSession.objects.select_for_update().get(pk=self.pk)
            if not locked.is_running:
                raise ValidationError("Only a session in progress can be paused.")
            if SessionPause.objects.filter(session=locked, ended_at__isnull=True).exists():
                raise ValidationError("This session is already paused.")
            when = when or timezone.now()
            if when < locked.started_at:
                raise ValidationError("A pause cannot start before the session does.")
            last = SessionPause.objects.filter(session=locked).order_by("-started_at").first()
            if last is not None and when < last.ended_at:
                raise ValidationError("A pause cannot start before the previous one ended.")
            pause = SessionPause(session=locked, started_at=when)
            pause.save()
        getattr(self, "_prefetched_objects_cache", {}).pop("pauses", None)
        return pause

    def resume(self, when=None):
        from .pause import SessionPause

        with transaction.atomic():
            PracticeSession.objects.select_for_update().get(pk=self.pk)
            pause = SessionPause.objects.filter(session_id=self.pk, ended_at__isnull=True).first()
            if pause is None:
                raise ValidationError("This session is not paused.")
            when = when or timezone.now()
            if when < pause.started_at:
                raise ValidationError("The session cannot resume before it was paused.")
            pause.ended_at = when
            pause.save(update_fields=["ended_at"])
        getattr(self, "_prefetched_objects_cache", {}).pop("pauses", None)
        return pause

    def start(self, when=None):
        if self.completed:
            raise ValidationError("This session is already complete.")
        self.started_at = when or timezone.now()
        self.ended_at = None
        self.save(update_fields=["started_at", "ended_at"])
        return self

    def add_activity(self, activity, section=None, **fields):
        if activity.root_id != self.root_id:
            raise ValidationError({"activity": "This activity belongs to another fractal."})
        if activity.deleted_at is not None:
            raise ValidationError({"activity": "This activity is in the trash."})
        instance = ActivityInstance(session=self, section=section, activity=activity, **fields)
        instance.full_clean()
        instance.save()
        return instance

    def complete(self, when=None):
        """Finish the session: stop running timers, derive the duration, evaluate targets."""
        from sessions.targets import batch, evaluate_for_session

        from .program import ScheduledSession

        with transaction.atomic(), batch():
            locked = PracticeSession.objects.select_for_update().get(pk=self.pk)
            if locked.completed:
                self.refresh_from_db()
                return CompletionResult(session=self)
            when = when or timezone.now()
            from .pause import SessionPause

            # A paused session completes at the moment it was paused: the pause ends there.
            for pause in SessionPause.objects.filter(session=self, ended_at__isnull=True):
                pause.ended_at = max(when, pause.started_at)
                pause.save(update_fields=["ended_at"])
            getattr(self, "_prefetched_objects_cache", {}).pop("pauses", None)
            for instance in ActivityInstance.objects.filter(
                session=self, time_start__isnull=False, time_stop__isnull=True
            ):
                instance.time_stop = max(when, instance.time_start)
                instance.save(update_fields=["time_stop", "duration_seconds"])
            # A session logged after the fact takes its times from its activities, not from
            # when "complete" was pressed; "now" only when nothing was timed at all.
            times = ActivityInstance.objects.filter(session=self).aggregate(
                first=Min("time_start"), last=Max("time_stop")
            )
            if self.started_at is None:
                self.started_at = min(times["first"], when) if times["first"] else when
            if self.ended_at is None:
                last = times["last"]
                self.ended_at = max(last if last else when, self.started_at)
            self.completed = True
            self.completed_at = when
            self.save()
            ScheduledSession.objects.filter(session=self).update(completed=True, completed_at=when, updated_at=when)
            return evaluate_for_session(self)

    def reopen(self):
        with transaction.atomic():
            self.completed = False
            self.completed_at = None
            self.save(update_fields=["completed", "completed_at"])
            from .program import ScheduledSession

            ScheduledSession.objects.filter(session=self).update(completed=False, completed_at=None)
        return self

    def reorder_instances(self, ids, section=None):
        return ActivityInstance.reorder(ActivityInstance.objects.filter(session=self, section=section), ids)


class PracticeSessionGoal(FractalScopedModel):
    root = root_field(db_index=False)  # covered by session_goal_root_updated_idx
    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="goal_links", db_index=False)
    goal = models.ForeignKey("goals.Goal", on_delete=models.CASCADE, related_name="session_links", db_index=False)

    soft_delete = {"session": "cascade", "goal": "cascade"}

    class Meta(FractalScopedModel.Meta):
        db_table = "practice_session_goals"
        constraints = [
            models.UniqueConstraint(fields=["session", "goal"], name="session_goal_unique"),
        ]
        indexes = [
            models.Index(fields=["goal", "session"], name="session_goal_goal_idx"),
            models.Index(fields=["root", "updated_at"], name="session_goal_root_updated_idx"),
        ]

    def __str__(self):
        return f"{self.session} → {self.goal}"

    def derive_root_id(self):
        return self.session.root_id

    def scope_relations(self):
        return [("goal", self.goal)]

    def validate_rules(self):
        if self.goal.level not in SESSION_LEVELS:
            raise ValidationError({"goal": "Sessions link to short-term or immediate goals only."})


class SessionSection(FractalScopedModel, OrderedModel):
    root = root_field(db_index=False)  # covered by section_root_updated_idx
    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="sections", db_index=False)
    name = models.CharField(max_length=255)
    planned_minutes = models.PositiveIntegerField(null=True, blank=True)
    # Rest between sets in this section (from its template section); else the activity's own.
    rest_seconds = models.PositiveIntegerField(null=True, blank=True)

    soft_delete = {"session": "cascade"}

    class Meta(FractalScopedModel.Meta):
        db_table = "session_sections"
        ordering = ["sort_order", "created_at"]
        indexes = [
            models.Index(fields=["session", "sort_order"], name="section_session_order_idx"),
            models.Index(fields=["root", "updated_at"], name="section_root_updated_idx"),
        ]

    def __str__(self):
        return self.name

    def derive_root_id(self):
        return self.session.root_id

    def siblings(self):
        return SessionSection.objects.filter(session_id=self.session_id)


class ActivityInstance(FractalScopedModel, OrderedModel):
    root = root_field(db_index=False)  # covered by instance_root_created_idx
    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="instances", db_index=False)
    section = models.ForeignKey(
        SessionSection, on_delete=models.SET_NULL, null=True, blank=True, related_name="instances"
    )
    activity = models.ForeignKey(ActivityDefinition, on_delete=models.PROTECT, related_name="instances", db_index=False)
    time_start = models.DateTimeField(null=True, blank=True)
    time_stop = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    completed = models.BooleanField(default=False)

    soft_delete = {"session": "cascade", "section": "cascade", "activity": "keep"}
    time_order = INSTANCE_TIME_ORDER

    class Meta(FractalScopedModel.Meta):
        db_table = "activity_instances"
        ordering = ["sort_order", "created_at"]
        constraints = [
            models.CheckConstraint(
                name="instance_stop_needs_start",
                condition=Q(time_stop__isnull=True) | Q(time_start__isnull=False),
                violation_error_message="A timer cannot stop before it has started.",
            ),
            models.CheckConstraint(
                name="instance_stop_after_start",
                condition=Q(time_stop__isnull=True) | Q(time_stop__gte=F("time_start")),
                violation_error_message=INSTANCE_TIME_ORDER.message,
            ),
            models.CheckConstraint(
                name="instance_duration_not_negative",
                condition=Q(duration_seconds__isnull=True) | Q(duration_seconds__gte=0),
            ),
        ]
        indexes = [
            models.Index(fields=["session", "sort_order"], name="instance_session_order_idx"),
            models.Index(fields=["activity", "session"], name="instance_activity_session_idx"),
            # An activity's series and records: its live instances from the index alone, with
            # their session and page order, in one contiguous range whatever the history.
            models.Index(
                fields=["activity", "session", "sort_order", "id"],
                name="instance_activity_live_idx",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(fields=["root", "created_at"], name="instance_root_created_idx"),
            models.Index(fields=["root", "updated_at"], name="instance_root_updated_idx"),
            # The analytics total of activities done counts live instances from the index alone.
            models.Index(fields=["root"], name="instance_root_live_idx", condition=Q(deleted_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.activity} in {self.session}"

    def derive_root_id(self):
        return self.session.root_id

    def scope_relations(self):
        relations = [("activity", self.activity)]
        if self.section_id:
            relations.append(("section", self.section))
        return relations

    def siblings(self):
        return ActivityInstance.objects.filter(session_id=self.session_id, section_id=self.section_id)

    def validate_rules(self):
        if self.section_id and self.section.session_id != self.session_id:
            raise ValidationError({"section": "The section belongs to another session."})
        if self.time_stop is not None:
            if self.time_start is None:
                raise ValidationError({"time_stop": "A timer cannot stop before it has started."})
            INSTANCE_TIME_ORDER.check_object(self)
            self.duration_seconds = whole_seconds(self.time_start, self.time_stop)
        else:
            self.duration_seconds = None

    @classmethod
    def integrity_rules(cls):
        return [
            (
                cls.all_objects.filter(
                    INSTANCE_TIME_ORDER.broken_rows() | Q(time_stop__isnull=False, time_start__isnull=True)
                ),
                "timer stops before it starts (or without a start)",
                {"time_stop": None, "duration_seconds": None},
            )
        ]

    # --- timer ---------------------------------------------------------------------------
    @property
    def is_running(self):
        return self.time_start is not None and self.time_stop is None

    def _locked(self):
        return ActivityInstance.objects.select_for_update().get(pk=self.pk)

    def start_timer(self, when=None):
        """Start (or restart) the timer: a fresh start clears any previous stop."""
        with transaction.atomic():
            locked = self._locked()
            locked.time_start = when or timezone.now()
            locked.time_stop = None
            locked.save(update_fields=["time_start", "time_stop", "duration_seconds"])
        self.refresh_from_db()
        return self

    def stop_timer(self, when=None):
        with transaction.atomic():
            locked = self._locked()
            if locked.time_start is None:
                raise ValidationError("This timer has not been started; start it before stopping it.")
            when = when or timezone.now()
            if INSTANCE_TIME_ORDER.broken_by(locked.time_start, when):
                raise ValidationError(INSTANCE_TIME_ORDER.message)
            locked.time_stop = when
            locked.save(update_fields=["time_stop", "duration_seconds"])
        self.refresh_from_db()
        return self

    @staticmethod
    def check_entered_times(time_start, time_stop):
        """The rules of manually entered times (page, API): a stop needs a start, and comes after it."""
        if time_stop is not None and time_start is None:
            raise ValidationError({"time_stop": "Enter a start time as well."})
        INSTANCE_TIME_ORDER.check(time_start, time_stop)

    def set_times(self, time_start, time_stop):
        """Manual entry of both times; the duration is derived again."""
        self.check_entered_times(time_start, time_stop)
        self.time_start = time_start
        self.time_stop = time_stop
        self.save(update_fields=["time_start", "time_stop", "duration_seconds"])
        return self

    # --- values --------------------------------------------------------------------------
    def record_values(self, entries):
        """Upsert values: ``entries`` are dicts with metric, split, set_number and value.

        A value of None removes that cell. Everything is validated before anything is written.
        """
        from sessions.records import products_batch
        from sessions.targets import batch

        with transaction.atomic(), batch(), products_batch():
            locked = self._locked()
            existing = {
                (value.metric_id, value.split_id, value.set_number): value
                for value in MetricValue.objects.filter(instance=locked)
            }
            to_save, to_remove, seen = [], [], set()
            for entry in entries:
                metric = entry["metric"]
                split = entry.get("split")
                set_number = entry.get("set_number")
                key = (metric.pk, getattr(split, "pk", None), set_number)
                if key in seen:
                    raise ValidationError("The same cell is given twice.")
                seen.add(key)
                value = entry.get("value")
                current = existing.get(key)
                if value is None:
                    if current is not None:
                        to_remove.append(current)
                    continue
                if current is None:
                    current = MetricValue(instance=locked, metric=metric, split=split, set_number=set_number)
                current.value = value
                current.instance = locked
                current.clean()
                to_save.append(current)
            for value in to_remove:
                value.hard_delete()
            for value in to_save:
                value.save()
        return to_save


class MetricValue(FractalScopedModel):
    """One recorded number: the only place set and non-set values are stored."""

    root = root_field(db_index=False)  # covered by value_root_created_idx
    instance = models.ForeignKey(ActivityInstance, on_delete=models.CASCADE, related_name="values")
    metric = models.ForeignKey(MetricDefinition, on_delete=models.PROTECT, related_name="values", db_index=False)
    split = models.ForeignKey(SplitDefinition, on_delete=models.PROTECT, null=True, blank=True, related_name="values")
    set_number = models.PositiveSmallIntegerField(null=True, blank=True)
    value = models.FloatField(validators=[validate_finite])
    # The set was confirmed ("✓") as done; every value of a confirmed set carries it.
    confirmed = models.BooleanField(default=False)
    # The set's product (e.g. weight × reps) on each value of a complete set of the activity's
    # product metrics, else NULL; kept by sessions.records.store_set_products on every write.
    set_product = models.FloatField(null=True, blank=True, editable=False)

    soft_delete = {"instance": "cascade", "metric": "keep", "split": "keep"}

    class Meta(FractalScopedModel.Meta):
        db_table = "metric_values"
        ordering = ["set_number", "created_at"]
        # One value per (instance, metric, split, set); NULLs never compare equal in SQL, so each
        # combination of present/absent split and set gets its own partial constraint.
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "metric", "split", "set_number"],
                condition=LIVE & Q(split__isnull=False, set_number__isnull=False),
                name="value_unique_split_set",
            ),
            models.UniqueConstraint(
                fields=["instance", "metric", "set_number"],
                condition=LIVE & Q(split__isnull=True, set_number__isnull=False),
                name="value_unique_set",
            ),
            models.UniqueConstraint(
                fields=["instance", "metric", "split"],
                condition=LIVE & Q(split__isnull=False, set_number__isnull=True),
                name="value_unique_split",
            ),
            models.UniqueConstraint(
                fields=["instance", "metric"],
                condition=LIVE & Q(split__isnull=True, set_number__isnull=True),
                name="value_unique_plain",
            ),
            models.CheckConstraint(
                name="value_set_number_positive",
                condition=Q(set_number__isnull=True) | Q(set_number__gte=1),
            ),
        ]
        indexes = [
            models.Index(fields=["metric", "value"], name="value_metric_value_idx"),
            # The values of an instance for a few metrics, read from the index alone (the activity
            # series and records walk an activity's instances and take theirs from here).
            models.Index(
                fields=["instance", "metric", "set_number", "split", "value"],
                name="value_instance_metric_idx",
                condition=LIVE,
            ),
            # The session page's records: the best earlier value (and set product) of a metric and
            # split, read as the first live earlier row of an index walk (sessions/records.py).
            models.Index(fields=["metric", "split", "value"], name="value_metric_split_value_idx"),
            # Without the split: PostgreSQL walks an index in order only after equality columns,
            # and "split IS NULL" is not one; a split activity's walk skips its other splits.
            models.Index(
                fields=["metric", "set_product"],
                name="value_set_product_idx",
                condition=Q(set_product__isnull=False),
            ),
            models.Index(fields=["root", "created_at"], name="value_root_created_idx"),
            models.Index(fields=["root", "updated_at"], name="value_root_updated_idx"),
        ]

    def __str__(self):
        return f"{self.metric.name} = {self.value:g}"

    def derive_root_id(self):
        return self.instance.root_id

    def scope_relations(self):
        relations = [("metric", self.metric)]
        if self.split_id:
            relations.append(("split", self.split))
        return relations

    def validate_rules(self):
        errors = {}
        try:
            validate_finite(self.value)
        except ValidationError as error:
            errors["value"] = error.messages[0]
        activity = self.instance.activity
        if self.metric.activity_id != activity.pk:
            errors["metric"] = "This metric belongs to another activity."
        if activity.has_splits:
            if self.split_id is None:
                errors["split"] = "Choose a split: this activity records values per split."
            elif self.split.activity_id != activity.pk:
                errors["split"] = "This split belongs to another activity."
        elif self.split_id is not None:
            errors["split"] = "This activity has no splits."
        if activity.has_sets:
            if self.set_number is None or self.set_number < 1:
                errors["set_number"] = "Give a set number (1 or more): this activity records sets."
        elif self.set_number is not None:
            errors["set_number"] = "This activity does not record sets."
        if errors:
            raise ValidationError(errors)
