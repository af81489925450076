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


class GoalLiveManager(LiveManager.from_queryset(GoalQuerySet)):
    pass


class CompletedBy(models.TextChoices):
    HAND = "hand", "By hand"
    TARGETS = "targets", "By its targets"


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
        if errors:
            raise ValidationError(errors)

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
        child = Goal(parent=self, level=level, name=name, **fields)
        child.full_clean()
        child.save()
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
            self.save()
        return self

    def complete(self, when=None, by=CompletedBy.HAND):
        if not self.completed:
            self.completed = True
            self.completed_at = when or timezone.now()
            self.completed_by = by
            self.save(update_fields=["completed", "completed_at", "completed_by"])
        return self

    def reopen(self, by=""):
        """Reopen; ``by=CompletedBy.TARGETS`` when its targets stopped holding, so they complete it
        again once met (an open goal keeps "targets" only then; a reopen by hand clears it)."""
        if self.completed:
            self.completed = False
            self.completed_at = None
            self.completed_by = by
            self.save(update_fields=["completed", "completed_at", "completed_by"])
        return self

    @property
    def completed_by_targets(self):
        return self.completed and self.completed_by == CompletedBy.TARGETS
