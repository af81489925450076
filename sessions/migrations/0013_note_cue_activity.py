"""Notes learn the activity they are a cue for (their own, or their instance's), with an index that
serves "the latest notes of these activities" on the session page. Filled on the database being
migrated; the reverse drops the column (nothing else to undo)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def fill(apps, schema_editor):
    alias = schema_editor.connection.alias
    Note = apps.get_model("practice_sessions", "Note")
    ActivityInstance = apps.get_model("practice_sessions", "ActivityInstance")
    notes = Note._base_manager.using(alias)
    notes.filter(activity__isnull=False).update(cue_activity=models.F("activity"))
    of_instance = ActivityInstance._base_manager.using(alias).filter(pk=OuterRef("instance_id")).values("activity_id")
    notes.filter(instance__isnull=False).update(cue_activity=Subquery(of_instance[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0004_target_kinds_operators_scopes"),
        ("practice_sessions", "0012_remove_session_instance_notes_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="note",
            name="cue_activity",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="activities.activitydefinition",
            ),
        ),
        migrations.AddIndex(
            model_name="note",
            index=models.Index(
                condition=Q(("deleted_at__isnull", True)),
                fields=["root", "cue_activity", "-pinned", "-created_at"],
                name="note_cue_activity_idx",
            ),
        ),
        # After the schema changes: PostgreSQL refuses to alter a table with pending trigger events.
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
