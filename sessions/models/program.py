import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from goals.models import SESSION_LEVELS, FractalScopedModel, OrderedModel, root_field
from goals.rules import TimeOrder

LIVE = Q(deleted_at__isnull=True)
PROGRAM_TIME_ORDER = TimeOrder("start_date", "end_date", "A program cannot end before it starts.")
BLOCK_TIME_ORDER = TimeOrder("start_date", "end_date", "A block cannot end before it starts.")
COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def validate_color(value):
    if not COLOR_RE.match(value or ""):
        raise ValidationError("Enter a colour as #RRGGBB.")


class Program(FractalScopedModel):
    root = root_field(db_index=False)  # covered by program_root_start_idx
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    goals = models.ManyToManyField("goals.Goal", related_name="programs", blank=True, db_table="program_goals")

    time_order = PROGRAM_TIME_ORDER

    class Meta(FractalScopedModel.Meta):
        db_table = "programs"
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                name="program_end_after_start",
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                violation_error_message=PROGRAM_TIME_ORDER.message,
            ),
        ]
        indexes = [models.Index(fields=["root", "start_date"], name="program_root_start_idx")]

    def __str__(self):
        return self.name

    def validate_rules(self):
        # Both dates, as the page form and the old app asked (programs imported from the old app
        # without dates keep them empty until they are next edited).
        errors = {}
        if self.start_date is None:
            errors["start_date"] = "A program needs a start date."
        if self.end_date is None:
            errors["end_date"] = "A program needs an end date."
        if errors:
            raise ValidationError(errors)
        PROGRAM_TIME_ORDER.check_object(self)
        if not self._state.adding:
            # Its blocks must stay inside (the block rule seen from the program's side).
            blocks = ProgramBlock.objects.filter(program_id=self.pk)
            if blocks.filter(start_date__lt=self.start_date).exists():
                errors["start_date"] = "A block of this program starts before this date; move the block first."
            if blocks.filter(end_date__gt=self.end_date).exists():
                errors["end_date"] = "A block of this program ends after this date; move the block first."
        if errors:
            raise ValidationError(errors)


class ProgramBlock(FractalScopedModel, OrderedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="blocks", db_index=False)
    name = models.CharField(max_length=255)
    start_date = models.DateField()
    end_date = models.DateField()
    color = models.CharField(max_length=7, default="#4f7cac", validators=[validate_color])
    goals = models.ManyToManyField(
        "goals.Goal", related_name="program_blocks", blank=True, db_table="program_block_goals"
    )
    legacy_id = models.CharField(
        max_length=40, blank=True, editable=False, help_text="The old app's block id (a JavaScript timestamp)."
    )

    soft_delete = {"program": "cascade"}
    time_order = BLOCK_TIME_ORDER

    class Meta(FractalScopedModel.Meta):
        db_table = "program_blocks"
        ordering = ["start_date", "sort_order"]
        constraints = [
            models.CheckConstraint(
                name="block_end_after_start",
                condition=Q(end_date__gte=F("start_date")),
                violation_error_message=BLOCK_TIME_ORDER.message,
            ),
        ]
        indexes = [models.Index(fields=["program", "start_date"], name="block_program_start_idx")]

    def __str__(self):
        return self.name

    def derive_root_id(self):
        return self.program.root_id

    def siblings(self):
        return ProgramBlock.objects.filter(program_id=self.program_id)

    def validate_rules(self):
        errors = {}
        if BLOCK_TIME_ORDER.broken_by(self.start_date, self.end_date):
            errors["end_date"] = BLOCK_TIME_ORDER.message
        try:
            validate_color(self.color)
        except ValidationError as error:
            errors["color"] = error.messages[0]
        program = self.program if self.program_id else None
        if program is not None and self.start_date and self.end_date:
            if program.start_date and self.start_date < program.start_date:
                errors["start_date"] = f"A block cannot start before its program ({program.start_date:%Y-%m-%d})."
            if program.end_date and self.end_date > program.end_date:
                errors["end_date"] = f"A block cannot end after its program ({program.end_date:%Y-%m-%d})."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def integrity_rules(cls):
        return [
            (
                cls.all_objects.filter(
                    Q(program__start_date__isnull=False, start_date__lt=F("program__start_date"))
                    | Q(program__end_date__isnull=False, end_date__gt=F("program__end_date"))
                ),
                "block outside its program's dates",
                None,
            )
        ]

    def dates(self):
        day = self.start_date
        while day <= self.end_date:
            yield day
            day += datetime.timedelta(days=1)

    def schedule(self, template, weekdays):
        """Schedule ``template`` on the given weekdays (0 = Monday) of the block.

        Creates the missing days; days that already exist keep what they have and get the
        template added once. Returns the scheduled sessions created.
        """
        weekdays = {int(day) for day in weekdays}
        if not weekdays or not weekdays <= set(range(7)):
            raise ValidationError({"weekdays": "Choose at least one weekday."})
        if template.root_id != self.root_id:
            raise ValidationError({"template": "This template belongs to another fractal."})
        created = []
        with transaction.atomic():
            days = {day.date: day for day in ProgramDay.objects.filter(block=self, date__isnull=False)}
            for date in self.dates():
                if date.weekday() not in weekdays:
                    continue
                day = days.get(date)
                if day is None:
                    day = ProgramDay(block=self, date=date, name=template.name)
                    day.save()
                    days[date] = day
                elif ScheduledSession.objects.filter(day=day, template=template).exists():
                    continue
                scheduled = ScheduledSession(day=day, template=template)
                scheduled.save()
                created.append(scheduled)
        return created

    def session_goals(self):
        """Goals a session started from this block serves: the block's, else the program's."""
        goals = [goal for goal in self.goals.all() if goal.level in SESSION_LEVELS and goal.deleted_at is None]
        if not goals:
            goals = [
                goal for goal in self.program.goals.all() if goal.level in SESSION_LEVELS and goal.deleted_at is None
            ]
        return goals


class ProgramDay(FractalScopedModel, OrderedModel):
    block = models.ForeignKey(ProgramBlock, on_delete=models.CASCADE, related_name="days", db_index=False)
    date = models.DateField(null=True, blank=True)
    day_number = models.PositiveIntegerField(null=True, blank=True)
    name = models.CharField(max_length=255, blank=True)
    notes = models.TextField(blank=True)

    soft_delete = {"block": "cascade"}

    class Meta(FractalScopedModel.Meta):
        db_table = "program_days"
        ordering = ["date", "day_number", "sort_order"]
        constraints = [
            models.CheckConstraint(
                name="day_has_date_or_number",
                condition=Q(date__isnull=False) | Q(day_number__isnull=False),
                violation_error_message="A program day needs a date or a day number.",
            ),
            models.UniqueConstraint(
                fields=["block", "date"],
                condition=LIVE & Q(date__isnull=False),
                name="program_day_unique_live_date",
                violation_error_message="This block already has a day on this date.",
            ),
        ]
        indexes = [models.Index(fields=["block", "date"], name="day_block_date_idx")]

    def __str__(self):
        return self.name or (self.date.isoformat() if self.date else f"Day {self.day_number}")

    def derive_root_id(self):
        return self.block.root_id

    def siblings(self):
        return ProgramDay.objects.filter(block_id=self.block_id)

    def validate_rules(self):
        if self.date is None and self.day_number is None:
            raise ValidationError("A program day needs a date or a day number.")
        block = self.block
        if self.date and not (block.start_date <= self.date <= block.end_date):
            raise ValidationError({"date": "The date is outside the block."})

    def update(self, **fields):
        """Edit this one day (date, name, notes); the date must stay inside the block and be free.

        Other days of the block are never touched.
        """
        allowed = {"date", "name", "notes"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"Cannot edit {', '.join(sorted(unknown))} of a program day.")
        if self.deleted_at is not None:
            raise ValidationError("This day is in the trash.")
        for name, value in fields.items():
            setattr(self, name, value)
        try:
            self.full_clean()
        except ValidationError:
            self.refresh_from_db(fields=list(fields))  # nothing changed: not in memory either
            raise
        self.save(update_fields=list(fields))
        return self

    def copy_to(self, date):
        """Copy this day (name, notes, scheduled templates) to another date of the block."""
        with transaction.atomic():
            copy = ProgramDay(block=self.block, date=date, name=self.name, notes=self.notes)
            copy.full_clean()
            copy.save()
            for scheduled in ScheduledSession.objects.filter(day=self).order_by("sort_order"):
                ScheduledSession(day=copy, template_id=scheduled.template_id).save()
        return copy


class ScheduledSession(FractalScopedModel, OrderedModel):
    day = models.ForeignKey(ProgramDay, on_delete=models.CASCADE, related_name="scheduled_sessions", db_index=False)
    template = models.ForeignKey(
        "practice_sessions.SessionTemplate", on_delete=models.SET_NULL, null=True, blank=True, related_name="scheduled"
    )
    session = models.OneToOneField(
        "practice_sessions.PracticeSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scheduled_session",
    )
    completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    soft_delete = {"day": "cascade", "template": "keep", "session": "keep"}

    class Meta(FractalScopedModel.Meta):
        db_table = "scheduled_sessions"
        ordering = ["sort_order", "created_at"]
        constraints = [
            models.CheckConstraint(
                name="scheduled_completed_at_only_when_completed",
                condition=Q(completed=True) | Q(completed_at__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["day", "sort_order"], name="scheduled_day_order_idx")]

    def __str__(self):
        return f"{self.template or 'Session'} on {self.day}"

    def derive_root_id(self):
        return self.day.root_id

    def scope_relations(self):
        relations = []
        if self.template_id:
            relations.append(("template", self.template))
        if self.session_id:
            relations.append(("session", self.session))
        return relations

    def siblings(self):
        return ScheduledSession.objects.filter(day_id=self.day_id)

    def start(self, goals=None, when=None):
        """Create the practice session from the template and link it to this scheduled one."""
        with transaction.atomic():
            locked = ScheduledSession.objects.select_for_update().get(pk=self.pk)
            if locked.session_id is not None:
                raise ValidationError("This scheduled session has already been started.")
            if self.template is None:
                raise ValidationError("This scheduled session has no template.")
            goals = goals if goals is not None else self.day.block.session_goals()
            session = self.template.create_session(goals, started_at=when or timezone.now())
            self.session = session
            self.save(update_fields=["session"])
        return session
