from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from activities.models import ActivityDefinition
from goals.models import FractalScopedModel, OrderedModel, root_field

LIVE = Q(deleted_at__isnull=True)


class SessionTemplate(FractalScopedModel):
    root = root_field(db_index=False)  # covered by template_root_name_idx
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)

    class Meta(FractalScopedModel.Meta):
        db_table = "session_templates"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "root",
                condition=LIVE,
                name="session_template_unique_live_name",
                violation_error_message="This fractal already has a template with this name.",
            ),
        ]
        indexes = [models.Index(fields=["root", "name"], name="template_root_name_idx")]

    def __str__(self):
        return self.name

    @property
    def planned_minutes(self):
        return sum(section.planned_minutes or 0 for section in self.sections.all())

    @classmethod
    def create(cls, root, name, sections, description=""):
        """``sections``: list of (name, planned_minutes, [activity definitions in order])."""
        with transaction.atomic():
            template = cls(name=name, description=description)
            template.root_id = getattr(root, "pk", root)
            template.full_clean()
            template.save()
            template.replace_sections(sections)
        return template

    def replace_sections(self, sections):
        """Make the template's sections exactly ``sections`` (old ones go to the trash)."""
        sections = list(sections)
        if not sections:
            raise ValidationError({"sections": "A template needs at least one section."})
        with transaction.atomic():
            for old in TemplateSection.objects.filter(template=self):
                old.delete()
            for position, (section_name, minutes, activities, *rest) in enumerate(sections):
                section = TemplateSection(
                    template=self,
                    name=section_name,
                    planned_minutes=minutes,
                    sort_order=position,
                    rest_seconds=rest[0] if rest else None,
                )
                section.full_clean()
                section.save()
                for index, activity in enumerate(activities):
                    entry = TemplateActivity(section=section, activity=activity, sort_order=index)
                    entry.full_clean()
                    entry.save()

    def section_plan(self, with_rest=False):
        """The template as (name, planned_minutes, [activities]) tuples, in order.

        ``with_rest`` adds each section's rest seconds as a fourth item.
        """
        sections = TemplateSection.objects.filter(template=self).prefetch_related(
            models.Prefetch(
                "activities",
                queryset=TemplateActivity.objects.select_related("activity").order_by("sort_order"),
            )
        )
        return [
            (section.name, section.planned_minutes, [entry.activity for entry in section.activities.all()])
            + ((section.rest_seconds,) if with_rest else ())
            for section in sections.order_by("sort_order")
        ]

    def create_session(self, goals, name=None, **fields):
        """A new practice session with this template's sections and activities pre-created."""
        from .session import ActivityInstance, PracticeSession, SessionSection

        if self.deleted_at is not None:
            raise ValidationError("This template is in the trash.")
        plan = self.section_plan(with_rest=True)
        with transaction.atomic():
            session = PracticeSession.create(
                self.root_id,
                goals,
                name or self.name,
                template=self,
                planned_minutes=sum(minutes or 0 for _, minutes, _, _ in plan) or None,
                **fields,
            )
            for position, (section_name, minutes, activities, rest_seconds) in enumerate(plan):
                section = SessionSection(
                    session=session,
                    name=section_name,
                    planned_minutes=minutes,
                    sort_order=position,
                    rest_seconds=rest_seconds,
                )
                section.save()
                for index, activity in enumerate(activities):
                    if activity.deleted_at is None:
                        ActivityInstance(session=session, section=section, activity=activity, sort_order=index).save()
        return session

    @classmethod
    def from_session(cls, session, name, description=""):
        """Save a session's sections and activities (in order) as a new template."""
        from .session import ActivityInstance, SessionSection

        instances = list(
            ActivityInstance.objects.filter(session=session)
            .select_related("activity")
            .order_by("sort_order", "created_at")
        )
        sections = []
        for section in SessionSection.objects.filter(session=session).order_by("sort_order"):
            activities = [instance.activity for instance in instances if instance.section_id == section.pk]
            sections.append((section.name, section.planned_minutes, activities))
        loose = [instance.activity for instance in instances if instance.section_id is None]
        if loose or not sections:
            sections.append(("Activities", None, loose))
        return cls.create(session.root_id, name, sections, description=description)

    @classmethod
    def available_name(cls, root, wanted):
        """``wanted``, or ``wanted (2)``, ``(3)``… : the first name no live template of the fractal has."""
        taken = {
            name.lower()
            for name in cls.objects.filter(root_id=getattr(root, "pk", root), name__istartswith=wanted).values_list(
                "name", flat=True
            )
        }
        name, number = wanted, 1
        while name.lower() in taken:
            number += 1
            name = f"{wanted} ({number})"
        return name

    def duplicate(self, name):
        return SessionTemplate.create(
            self.root_id, name, self.section_plan(with_rest=True), description=self.description
        )


class TemplateSection(FractalScopedModel, OrderedModel):
    template = models.ForeignKey(SessionTemplate, on_delete=models.CASCADE, related_name="sections", db_index=False)
    name = models.CharField(max_length=255)
    planned_minutes = models.PositiveIntegerField(null=True, blank=True)
    rest_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Rest between sets here, instead of each activity's own."
    )

    soft_delete = {"template": "cascade"}

    class Meta(FractalScopedModel.Meta):
        db_table = "template_sections"
        ordering = ["sort_order", "created_at"]
        indexes = [models.Index(fields=["template", "sort_order"], name="tpl_section_order_idx")]

    def __str__(self):
        return self.name

    def derive_root_id(self):
        return self.template.root_id

    def siblings(self):
        return TemplateSection.objects.filter(template_id=self.template_id)


class TemplateActivity(FractalScopedModel, OrderedModel):
    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="activities", db_index=False)
    activity = models.ForeignKey(ActivityDefinition, on_delete=models.PROTECT, related_name="template_entries")

    soft_delete = {"section": "cascade", "activity": "cascade"}

    class Meta(FractalScopedModel.Meta):
        db_table = "template_section_activities"
        ordering = ["sort_order", "created_at"]
        verbose_name_plural = "template activities"
        indexes = [models.Index(fields=["section", "sort_order"], name="tpl_activity_order_idx")]

    def __str__(self):
        return f"{self.activity} in {self.section}"

    def derive_root_id(self):
        return self.section.root_id

    def scope_relations(self):
        return [("activity", self.activity)]

    def siblings(self):
        return TemplateActivity.objects.filter(section_id=self.section_id)
