from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .base import FractalQuerySet, FractalScopedModel, LiveManager, OrderedModel, root_field


class GoalLevel(models.TextChoices):
    ULTIMATE = "UltimateGoal", "Ultimate goal"
    LONG_TERM = "LongTermGoal", "Long-term goal"
    MID_TERM = "MidTermGoal", "Mid-term goal"
    SHORT_TERM = "ShortTermGoal", "Short-term goal"
    IMMEDIATE = "ImmediateGoal", "Immediate goal"
    MICRO = "MicroGoal", "Micro goal"
    NANO = "NanoGoal", "Nano goal"

    @classmethod
    def ordered(cls):
        return list(cls)

    @property
    def depth(self):
        return GoalLevel.ordered().index(self)

    @property
    def next_level(self):
        levels = GoalLevel.ordered()
        index = levels.index(self)
        return levels[index + 1] if index + 1 < len(levels) else None

    def may_parent(self, level):
        """The level rule, once: a goal's child is exactly one level below it."""
        return self.next_level is not None and self.next_level == level

    @property
    def previous_level(self):
        index = GoalLevel.ordered().index(self)
        return GoalLevel.ordered()[index - 1] if index > 0 else None


ROOT_LEVELS = (GoalLevel.ULTIMATE, GoalLevel.LONG_TERM, GoalLevel.MID_TERM, GoalLevel.SHORT_TERM)
SESSION_LEVELS = (GoalLevel.SHORT_TERM, GoalLevel.IMMEDIATE)


class GoalQuerySet(FractalQuerySet):
    def roots(self):
        return self.filter(parent__isnull=True)

    def owned_by(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        # Roots carry the owner themselves; everything else reaches it through the root.
        return self.filter(root__owner=user)

    def active(self):
        """Goals neither paused nor archived, nor below a paused or archived goal: one query,
        a join per level above (a tree has at most seven levels)."""
        conditions = {}
        path = ""
        for _ in GoalLevel:
            conditions[f"{path}paused_at__isnull"] = True
            conditions[f"{path}archived_at__isnull"] = True
            path += "parent__"
        return self.filter(**conditions)

    def inactive(self):
        return self.exclude(pk__in=self.active().values("pk"))


class GoalLiveManager(LiveManager.from_queryset(GoalQuerySet)):
    pass


class CompletedBy(models.TextChoices):
    HAND = "hand", "By hand"
    TARGETS = "targets", "By its targets"
    CHILDREN = "children", "By its children"


class CompletionMode(models.TextChoices):
    """Who completes a goal (``Goal.completion_mode``).

    - ``targets`` (the default, and every goal before modes existed): its targets complete it when
      all are met and reopen it when they stop holding; by hand too. A goal without targets is
      completed by hand only.
    - ``hand``: only by hand; its targets show progress but never complete or reopen it.
    - ``children``: complete exactly while it has at least one counted child and every counted
      child is complete (see ``Goal.counted_children``); neither hand nor targets change it.
    """

    TARGETS = "targets", "By its targets (or by hand)"
    HAND = "hand", "Only by hand"
    CHILDREN = "children", "When all its children are complete"


class Goal(FractalScopedModel, OrderedModel):
    root = root_field(db_index=False)  # covered by goal_root_updated_idx
    level = models.CharField(max_length=20, choices=GoalLevel.choices)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    deadline = models.DateField(null=True, blank=True)
    completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Only a goal its targets completed reopens when they stop being met (see reopen).
    completed_by = models.CharField(max_length=8, choices=CompletedBy.choices, blank=True, default="")
    completion_mode = models.CharField(
        max_length=8,
        choices=CompletionMode.choices,
        default=CompletionMode.TARGETS,
        help_text="Who completes the goal: its targets (or you), only you, or its children.",
    )
    # Own lifecycle state; a goal below a paused or archived goal is inactive too (``is_active``).
    # ``paused_at`` mirrors the start of the goal's open GoalPause (the intervals are kept there).
    paused_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        db_index=False,  # covered by goal_parent_order_idx
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fractals",
        db_index=False,  # covered by goal_owner_created_idx
        help_text="Set on fractal roots only; other goals reach their owner through the root.",
    )

    soft_delete = {"parent": "cascade"}

    objects = GoalLiveManager()
    all_objects = models.Manager.from_queryset(GoalQuerySet)()

    class Meta(FractalScopedModel.Meta):
        db_table = "goals"
        ordering = ["sort_order", "created_at"]
        constraints = [
            models.CheckConstraint(
                name="goal_owner_only_on_roots",
                condition=(Q(parent__isnull=True) & Q(owner__isnull=False))
                | (Q(parent__isnull=False) & Q(owner__isnull=True)),
                violation_error_message="Only a fractal root has an owner, and every root has one.",
            ),
            models.CheckConstraint(
                name="goal_root_is_itself_for_roots",
                condition=Q(parent__isnull=False) | Q(root=models.F("id")),
            ),
            models.CheckConstraint(
                name="goal_root_level_allowed",
                condition=Q(parent__isnull=False) | Q(level__in=[level.value for level in ROOT_LEVELS]),
                violation_error_message="A fractal root must be an ultimate, long-, mid- or short-term goal.",
            ),
            models.CheckConstraint(
                name="goal_level_valid",
                condition=Q(level__in=[level.value for level in GoalLevel]),
            ),
            models.CheckConstraint(
                name="goal_completed_at_only_when_completed",
                condition=Q(completed=True) | Q(completed_at__isnull=True),
            ),
            models.CheckConstraint(
                name="goal_completion_mode_valid",
                condition=Q(completion_mode__in=[mode.value for mode in CompletionMode]),
            ),
            models.CheckConstraint(
                name="goal_not_paused_and_archived",
                condition=Q(paused_at__isnull=True) | Q(archived_at__isnull=True),
                violation_error_message="An archived goal is not paused as well.",
            ),
        ]
        indexes = [
            # Live goals by fractal: the tree reads them level by level, the fractal list counts them.
            models.Index(fields=["root", "level"], name="goal_root_level_idx", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["parent", "sort_order"], name="goal_parent_order_idx"),
            models.Index(fields=["owner", "created_at"], name="goal_owner_created_idx"),
            models.Index(fields=["root", "updated_at"], name="goal_root_updated_idx"),
            # Upcoming deadlines (analytics): open live goals of a fractal by deadline, in the
            # list's order, so the first ten are read from the index.
            models.Index(
                fields=["root", "deadline", "sort_order", "created_at"],
                name="goal_root_open_deadline_idx",
                condition=Q(completed=False, deleted_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        goal = super().from_db(db, field_names, values)
        goal._stored_mode = goal.__dict__.get("completion_mode")
        goal._stored_parent = goal.__dict__.get("parent_id")
        return goal

    def save(self, *args, **kwargs):
        from goals.completion import sync_goal_id

        adding = self._state.adding
        super().save(*args, **kwargs)
        stored_parent = getattr(self, "_stored_parent", None)
        self._stored_parent = self.parent_id
        if adding or stored_parent != self.parent_id:
            # A new child, or one moved in or out (whatever the entry point: pages, API, admin),
            # may decide whether a parent completed by its children is complete.
            if not adding:
                sync_goal_id(stored_parent)
            sync_goal_id(self.parent_id)
        stored = getattr(self, "_stored_mode", None)
        self._stored_mode = self.completion_mode
        if stored is not None and stored != self.completion_mode:
            from goals import services
            from goals.completion import sync

            # The new mode decides from now on: children settle the goal at once, targets are
            # evaluated (the sessions app's hook).
            sync(self)
            if self.completion_mode == CompletionMode.TARGETS and not self.completed:
                # Targets already met complete it now (an open goal marked "targets" is one its
                # targets complete once they all hold; see reopen and sessions.targets).
                Goal.all_objects.filter(pk=self.pk).update(completed_by=CompletedBy.TARGETS)
                self.completed_by = CompletedBy.TARGETS
            services.after_completion_mode_change_of(self)

    @property
    def is_root(self):
        return self.parent_id is None

    @property
    def level_enum(self):
        return GoalLevel(self.level)

    @property
    def child_level(self):
        return GoalLevel(self.level).next_level

    def may_parent(self, level):
        """The level rule (``GoalLevel.may_parent``) for a child at ``level`` under this goal."""
        return GoalLevel(self.level).may_parent(GoalLevel(level))

    # --- derivation and rules ------------------------------------------------------------
    def derive_root_id(self):
        if self.parent_id is None:
            return self.pk
        return self.parent.root_id

    def scope_relations(self):
        return [("parent", self.parent)] if self.parent_id else []

    def validate_rules(self):
        errors = {}
        try:
            level = GoalLevel(self.level)
        except ValueError:
            raise ValidationError({"level": f"Unknown goal level {self.level!r}."}) from None
        if self.parent_id is None:
            if level not in ROOT_LEVELS:
                errors["level"] = "A fractal root must be an ultimate, long-, mid- or short-term goal."
            if self.owner_id is None:
                errors["owner"] = "A fractal root needs an owner."
        else:
            parent = self.parent
            if parent.pk == self.pk:
                errors["parent"] = "A goal cannot be its own parent."
            elif not GoalLevel(parent.level).may_parent(level):
                expected = GoalLevel(parent.level).next_level
                errors["level"] = (
                    f"A child of a {GoalLevel(parent.level).label.lower()} must be a {expected.label.lower()}."
                    if expected
                    else "Nano goals cannot have children."
                )
            if self.owner_id is not None:
                errors["owner"] = "Only a fractal root has an owner."
        if not self.completed and self.completed_at is not None:
            errors["completed_at"] = "Only a completed goal has a completion time."
        if self.parent_id is None and (self.paused_at or self.archived_at):
            errors["paused_at"] = "A fractal root is not paused or archived; pause or archive its goals."
        if self.completion_mode == CompletionMode.CHILDREN and level.next_level is None:
            errors["completion_mode"] = "Nano goals have no children to complete them."
        if self.paused_at and self.archived_at:
            errors["archived_at"] = "An archived goal is not paused as well."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def integrity_rules(cls):
        from .pause import GoalPause

        open_pause = GoalPause.all_objects.filter(goal_id=models.OuterRef("pk"), ended_at__isnull=True)
        return [
            (
                cls.all_objects.filter(paused_at__isnull=False).exclude(models.Exists(open_pause)),
                "goal is paused without an open pause interval",
                {"paused_at": None},
            ),
        ]

    def siblings(self):
        if self.parent_id is None:
            return Goal.objects.roots().filter(owner_id=self.owner_id)
        return Goal.objects.filter(parent_id=self.parent_id)

    # --- tree helpers --------------------------------------------------------------------
    def descendant_ids(self, include_self=False, live_only=True):
        """Ids of the subtree, one query per level (a tree has at most seven levels)."""
        manager = Goal.objects if live_only else Goal.all_objects
        ids = [self.pk] if include_self else []
        frontier = [self.pk]
        while frontier:
            frontier = list(manager.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids

    def ancestors(self):
        """The chain of ancestors, nearest first."""
        chain = []
        node = self
        while node.parent_id is not None:
            node = Goal.all_objects.get(pk=node.parent_id)
            chain.append(node)
        return chain

    # --- domain operations ---------------------------------------------------------------
    @classmethod
    def create_fractal(cls, owner, name, level=GoalLevel.ULTIMATE, **fields):
        goal = cls(owner=owner, name=name, level=level, **fields)
        goal.root_id = goal.pk
        goal.full_clean()
        goal.save()
        return goal

    def add_child(self, name, **fields):
        """Create a child goal at the next level down."""
        if self.deleted_at is not None:
            raise ValidationError("A goal in the trash cannot get new children.")
        level = self.child_level
        if level is None:
            raise ValidationError("Nano goals cannot have children.")
        with transaction.atomic():
            child = Goal(parent=self, level=level, name=name, **fields)
            child.full_clean()
            child.save()  # a new open child reopens a goal its children completed (see save)
        return child

    def move_to(self, new_parent):
        """Re-parent this goal within its fractal, keeping the level rule."""
        if self.parent_id is None:
            raise ValidationError("A fractal root cannot be moved.")
        if new_parent.root_id != self.root_id:
            raise ValidationError({"parent": "A goal can only move within its own fractal."})
        if new_parent.pk == self.pk or new_parent.pk in self.descendant_ids():
            raise ValidationError({"parent": "A goal cannot move under itself."})
        if new_parent.deleted_at is not None:
            raise ValidationError({"parent": "That goal is in the trash."})
        with transaction.atomic():
            self.parent = new_parent
            self.sort_order = None
            self.save()  # both parents' completion by children follows (see save)
        return self

    def complete(self, when=None, by=CompletedBy.HAND):
        """Complete the goal (by hand, or ``by`` its targets). Refused for a goal its children
        complete: that state follows them (see ``goals.completion``)."""
        if self.completion_mode == CompletionMode.CHILDREN and by != CompletedBy.CHILDREN:
            raise ValidationError(
                "This goal completes when all its children are complete; change its completion mode "
                "to complete it by hand."
            )
        if not self.completed:
            self._set_completed(True, when or timezone.now(), by)
        return self

    def reopen(self, by=""):
        """Reopen; ``by=CompletedBy.TARGETS`` when its targets stopped holding, so they complete it
        again once met (an open goal keeps "targets" only then; a reopen by hand clears it)."""
        if self.completion_mode == CompletionMode.CHILDREN and by != CompletedBy.CHILDREN:
            raise ValidationError(
                "This goal completes when all its children are complete: it reopens when one of them "
                "does. Change its completion mode to reopen it by hand."
            )
        if self.completed:
            self._set_completed(False, None, "" if by == CompletedBy.CHILDREN else by)
        return self

    def _set_completed(self, completed, when, by):
        from goals.completion import sync_parent

        self.completed, self.completed_at, self.completed_by = completed, when, by
        self.save(update_fields=["completed", "completed_at", "completed_by", "updated_at"])
        sync_parent(self)  # a parent completed by its children follows

    @property
    def completed_by_targets(self):
        return self.completed and self.completed_by == CompletedBy.TARGETS

    @property
    def completed_by_children(self):
        return self.completion_mode == CompletionMode.CHILDREN

    # --- lifecycle: pause and archive ----------------------------------------------------
    @property
    def is_paused(self):
        return self.paused_at is not None

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def lifecycle_state(self):
        return "archived" if self.archived_at else ("paused" if self.paused_at else "active")

    def inactive_ancestor(self):
        """The nearest paused or archived ancestor, or None."""
        for ancestor in self.ancestors():
            if ancestor.paused_at or ancestor.archived_at:
                return ancestor
        return None

    @property
    def is_active(self):
        """Neither paused nor archived itself, nor below a paused or archived goal."""
        return not (self.paused_at or self.archived_at) and self.inactive_ancestor() is None

    def _check_lifecycle_change(self):
        if self.parent_id is None:
            raise ValidationError("A fractal root is not paused or archived; pause or archive its goals.")
        if self.deleted_at is not None:
            raise ValidationError("That goal is in the trash.")

    def pause(self, when=None):
        """Pause the goal and (by inheritance) its subtree; a GoalPause records the interval.

        A paused (or archived) goal is hidden from the tree and the session goal menus unless
        asked, and is not practised from its row or page; history keeps it (linked sessions,
        filters, the API). Its completion rules keep applying: its targets are still evaluated
        and its children still complete it, so its state stays true to what was recorded (a
        session deleted while it is paused still reopens what it had completed). Its parent no
        longer counts it (goals/completion.py).
        """
        from goals.completion import sync_parent

        from .pause import GoalPause

        self._check_lifecycle_change()
        if self.archived_at:
            raise ValidationError("An archived goal cannot be paused; unarchive it first.")
        if self.paused_at:
            raise ValidationError("This goal is already paused.")
        when = when or timezone.now()
        with transaction.atomic():
            GoalPause(goal=self, started_at=when).save()
            self.paused_at = when
            self.save(update_fields=["paused_at", "updated_at"])
            sync_parent(self)  # a paused child no longer holds its parent open
        return self

    def resume(self, when=None):
        """End the goal's pause (closes its open GoalPause)."""
        from goals.completion import sync_parent

        self._check_lifecycle_change()
        if not self.paused_at:
            raise ValidationError("This goal is not paused.")
        with transaction.atomic():
            self._end_pause(when or timezone.now())
            self.save(update_fields=["paused_at", "updated_at"])
            sync_parent(self)
        return self

    def _end_pause(self, when):
        from .pause import GoalPause

        for pause in GoalPause.objects.filter(goal=self, ended_at__isnull=True):
            pause.ended_at = max(when, pause.started_at)
            pause.save()
        self.paused_at = None

    def archive(self, when=None):
        """Archive the goal and (by inheritance) its subtree; an open pause ends then."""
        from goals.completion import sync_parent

        self._check_lifecycle_change()
        if self.archived_at:
            raise ValidationError("This goal is already archived.")
        when = when or timezone.now()
        with transaction.atomic():
            if self.paused_at:
                self._end_pause(when)
            self.archived_at = when
            self.save(update_fields=["paused_at", "archived_at", "updated_at"])
            sync_parent(self)
        return self

    def unarchive(self):
        from goals.completion import sync_parent

        self._check_lifecycle_change()
        if not self.archived_at:
            raise ValidationError("This goal is not archived.")
        with transaction.atomic():
            self.archived_at = None
            self.save(update_fields=["archived_at", "updated_at"])
            sync_parent(self)
        return self
