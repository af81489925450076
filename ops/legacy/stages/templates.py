"""Session templates and their JSON sections."""

from sessions.models import (
    SessionTemplate,
    TemplateActivity,
    TemplateSection,
)

from ..convert import (
    as_uuid,
    derived_uuid,
    load_json,
    text,
)


class TemplatesStage:
    def _templates(self):
        used = SessionTemplate.live_names(self.roots)
        templates, sections, entries = [], [], []
        for row in self.read_rows("session_templates"):
            pk = self.row_id("session_templates", row)
            if pk is None:
                continue
            root = self.fractal_of("session_templates", pk, row.get("root_id"))
            if root is None:
                continue
            created, updated, deleted = self.stamps("session_templates", pk, row, self.goals[root].created_at)
            name = self.unique_name(
                SessionTemplate, used, root, text(row.get("name"), 255) or "Template", "session_templates", pk, deleted
            )
            templates.append(
                SessionTemplate(
                    id=pk,
                    root_id=root,
                    name=name,
                    description=text(row.get("description")),
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            self.templates[pk] = root
            data, problem = load_json(row.get("template_data"))
            if problem is None and data is not None and not isinstance(data, dict):
                problem = "not a JSON object"
            if problem:
                self.report.repaired("session_templates", pk, f"template_data: {problem}; imported without sections")
                continue
            for index, section in self.json_objects("session_templates", pk, (data or {}).get("sections"), "sections"):
                self.report.read("template_sections")
                section_id = derived_uuid("template-section", pk, index)
                sections.append(
                    self.json_section(TemplateSection, section_id, root, section, index, (created, updated, deleted))
                )
                sections[-1].template_id = pk
                listed = [
                    item
                    for key in ("activities", "exercises")
                    for _, item in self.json_objects(
                        "session_templates", pk, section.get(key), f"sections[{index}].{key}"
                    )
                ]
                position = 0
                for item in listed:
                    self.report.read("template_section_activities")
                    activity = as_uuid(item.get("activity_id"))
                    entry_id = derived_uuid("template-activity", section_id, activity, position)
                    info = self.activities.get(activity)
                    if info is None or info.root != root:
                        self.report.skip(
                            "template_section_activities",
                            entry_id,
                            f"activity {item.get('activity_id')} does not exist in this fractal",
                        )
                        continue
                    entries.append(
                        TemplateActivity(
                            id=entry_id,
                            root_id=root,
                            section_id=section_id,
                            activity_id=activity,
                            sort_order=position,
                            created_at=created,
                            updated_at=updated,
                            deleted_at=deleted,
                        )
                    )
                    position += 1
        unusable = self.save(SessionTemplate, "session_templates", templates, self.templates)
        sections = [section for section in sections if section.template_id not in unusable]
        unusable = self.save(TemplateSection, "template_sections", sections)
        self.save(TemplateActivity, "template_section_activities", [e for e in entries if e.section_id not in unusable])
