"""The plain ``notes`` text of sessions and activity instances becomes Note rows.

Each Note made here has an id derived from its owner (``field_note_id``), so the reverse finds
exactly these notes, writes their text back into the field and removes them; notes written
later are left alone. A note keeps its owner's times and, for an owner in the trash, its
``deleted_at`` (it went to the trash with it). Written on the database being migrated
(safe_migrate migrates a working copy).
"""

import uuid

from django.db import migrations

# Frozen here on purpose: sessions.models.note.field_note_id derives the same ids for documents
# and files of the old formats; a migration must not change when that code does.
NAMESPACE = uuid.UUID("6f1c5d0e-52a4-4f0b-9a59-3c1f4d6e2b71")
OWNERS = (("PracticeSession", "session"), ("ActivityInstance", "instance"))
BATCH = 1000


def field_note_id(context, owner_id):
    return uuid.uuid5(NAMESPACE, f"{context}:{owner_id}")


def fields_to_notes(apps, schema_editor):
    alias = schema_editor.connection.alias
    Note = apps.get_model("practice_sessions", "Note")
    for model_name, context in OWNERS:
        model = apps.get_model("practice_sessions", model_name)
        rows = (
            model._base_manager.using(alias)
            .exclude(notes="")
            .values_list("pk", "root_id", "notes", "created_at", "updated_at", "deleted_at")
            .order_by("pk")
        )
        batch = []
        for pk, root_id, text, created_at, updated_at, deleted_at in rows.iterator(chunk_size=BATCH):
            if not text.strip():
                continue  # whitespace only: nothing to keep
            batch.append(
                Note(
                    id=field_note_id(context, pk),
                    root_id=root_id,
                    body=text,
                    pinned=False,
                    created_at=created_at,
                    updated_at=updated_at,
                    deleted_at=deleted_at,
                    **{f"{context}_id": pk},
                )
            )
            if len(batch) >= BATCH:
                Note._base_manager.using(alias).bulk_create(batch)
                batch = []
        Note._base_manager.using(alias).bulk_create(batch)


def notes_to_fields(apps, schema_editor):
    alias = schema_editor.connection.alias
    Note = apps.get_model("practice_sessions", "Note")
    for model_name, context in OWNERS:
        model = apps.get_model("practice_sessions", model_name)
        notes = (
            Note._base_manager.using(alias)
            .filter(**{f"{context}__isnull": False})
            .values_list("pk", f"{context}_id", "body", "deleted_at")
            .order_by("pk")
        )
        mine = [row for row in notes.iterator(chunk_size=BATCH) if row[0] == field_note_id(context, row[1])]
        for start in range(0, len(mine), BATCH):
            chunk = mine[start : start + BATCH]
            owners = model._base_manager.using(alias).in_bulk([owner_id for _pk, owner_id, _body, _deleted in chunk])
            changed = []
            for _pk, owner_id, body, deleted_at in chunk:
                owner = owners.get(owner_id)
                # A note the user deleted on its own (its owner still live) is not written back.
                if owner is not None and (deleted_at is None or owner.deleted_at is not None):
                    owner.notes = body
                    changed.append(owner)
            model._base_manager.using(alias).bulk_update(changed, ["notes"], batch_size=BATCH)
            Note._base_manager.using(alias).filter(pk__in=[row[0] for row in chunk]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("practice_sessions", "0010_merge_series_and_record_indexes"),
    ]

    operations = [
        migrations.RunPython(fields_to_notes, notes_to_fields),
    ]
