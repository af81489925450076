"""Export one fractal to a versioned JSON document, and import such a document.

The document holds every row of every fractal-scoped model (deleted ones included) with all
fields and many-to-many links, in Django's serializer form, so export → import into an empty
database reproduces each row exactly (ids, timestamps, deleted_at). Rows are written with
``bulk_create``: nothing is re-derived on the way in, but every row must first pass the rules its
model's ``save()`` runs (``validate_unsaved()``, ``validate_values()``), so a document edited by
hand or written elsewhere cannot bring in what the app itself would refuse.

Documents written before sessions and instances lost their plain ``notes`` text (the same version
1 format) still import: that text becomes a Note of its session or instance, with the id the
migration that retired the field gives it (``field_note_id``), so nothing of theirs is lost.
"""

import datetime
import json

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from goals.integrity import _ordered_for_repair
from goals.models import FractalScopedModel, Goal
from sessions.models import field_note_id
from sessions.records import store_fractal_products

FORMAT = "fractal-goals.fractal"
VERSION = 1


class PortabilityError(Exception):
    pass


def exported_models():
    """Scoped models, parents first (goals, library, templates, sessions, …)."""
    return _ordered_for_repair()


def export_fractal(root, progress=None):
    if root.parent_id is not None:
        raise PortabilityError(f"{root.pk} is not a fractal root.")
    objects, counts = [], {}
    for model in exported_models():
        rows = model.all_objects.filter(root_id=root.pk).order_by("created_at", "pk")
        if model is Goal:
            rows = rows.order_by("created_at", "pk")
        serialized = serializers.serialize("python", rows)
        objects += serialized
        counts[model._meta.label] = len(serialized)
        if progress:
            progress(f"{model._meta.label}: {len(serialized)}")
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "root": str(root.pk),
        "owner": root.owner.get_username() if root.owner_id else None,
        "counts": counts,
        "objects": objects,
    }


class ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; an export must keep every microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def dumps(document):
    return json.dumps(document, cls=ExactEncoder, indent=1, ensure_ascii=False)


def load_document(text):
    try:
        document = json.loads(text)
    except ValueError as error:
        raise PortabilityError(f"not a JSON document ({error})") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PortabilityError("not a Fractal Goals fractal export")
    if document.get("version") != VERSION:
        raise PortabilityError(f"export version {document.get('version')!r} is not supported (expected {VERSION})")
    return document


def _pk(model, value, where):
    try:
        return model._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError) as error:
        raise PortabilityError(f"{where}: {value!r} is not a valid id; nothing was written") from error


# Rows of documents of the older shape that carry a plain ``notes`` text: label → the note's context.
FIELD_NOTE_OWNERS = {"practice_sessions.practicesession": "session", "practice_sessions.activityinstance": "instance"}
NOTE_LABEL = "practice_sessions.note"


def upgrade_field_notes(objects):
    """Turn the ``notes`` text of sessions and instances (older documents) into note rows, in place.

    Each note takes its owner's root and times (and its ``deleted_at``: it is in the trash with
    it); a document without such text is left as it is.
    """
    notes = []
    for item in objects:
        context = FIELD_NOTE_OWNERS.get(item.get("model"))
        if context is None or "notes" not in item["fields"]:
            continue
        fields = item["fields"]
        text = fields.pop("notes")
        if text is None or text == "":
            continue
        if not isinstance(text, str):
            raise PortabilityError(f"{item['model']} {item.get('pk')}: its notes are not text; nothing was written")
        if not text.strip():
            continue
        owner = _pk(apps.get_model(item["model"]), item.get("pk"), item["model"])
        notes.append(
            {
                "model": NOTE_LABEL,
                "pk": str(field_note_id(context, owner)),
                "fields": {
                    "root": fields.get("root"),
                    "created_at": fields.get("created_at"),
                    "updated_at": fields.get("updated_at"),
                    "deleted_at": fields.get("deleted_at"),
                    "body": text,
                    "pinned": False,
                    "goal": None,
                    "session": str(owner) if context == "session" else None,
                    "activity": None,
                    "instance": str(owner) if context == "instance" else None,
                    "set_number": None,
                },
            }
        )
    objects.extend(notes)
    _fill_cue_activities(objects)
    return len(notes)


def _fill_cue_activities(objects):
    """Notes of documents written before notes knew their cue activity: derive it (their own
    activity, or their instance's) as ``Note.save`` does."""
    activity_of = {
        str(item.get("pk")).lower(): item["fields"].get("activity")
        for item in objects
        if item.get("model") == "practice_sessions.activityinstance"
    }
    for item in objects:
        fields = item["fields"]
        if item.get("model") != NOTE_LABEL or "cue_activity" in fields:
            continue
        instance = fields.get("instance")
        fields["cue_activity"] = fields.get("activity") or (
            activity_of.get(str(instance).lower()) if instance else None
        )


def check_document(document):
    """Refuse a document that reaches outside its own fractal, before anything is written.

    Every row must carry the document's root, and every link it holds (foreign keys, one-to-one,
    many-to-many) must point at a row of the document itself: a crafted document could
    otherwise re-root rows into, or link them to, another user's fractal. Returns the document's
    ids per model label.
    """
    objects = document.get("objects")
    if not isinstance(objects, list) or not objects:
        raise PortabilityError("the document holds no rows")
    if not all(isinstance(item, dict) and isinstance(item.get("fields"), dict) for item in objects):
        raise PortabilityError("the document has a malformed row")
    upgrade_field_notes(objects)
    if not isinstance(document.get("root"), str):
        raise PortabilityError(f"the document's root: {document.get('root')!r} is not a valid id; nothing was written")
    root = _pk(Goal, document["root"], "the document's root")
    allowed = {model._meta.label_lower: model for model in apps.get_models() if issubclass(model, FractalScopedModel)}
    ids = {}
    for item in objects:
        if not isinstance(item, dict) or not isinstance(item.get("fields"), dict):
            raise PortabilityError("the document has a malformed row")
        label = item.get("model")
        if label not in allowed:
            raise PortabilityError(f"unexpected model {label!r} in the document")
        pk = _pk(allowed[label], item.get("pk"), label)
        if pk in ids.setdefault(label, set()):
            raise PortabilityError(f"{label} {pk} appears twice in the document; nothing was written")
        ids[label].add(pk)
    if root not in ids.get("goals.goal", set()):
        raise PortabilityError("the document does not contain its fractal's root goal")
    for item in objects:
        model, fields = allowed[item["model"]], item["fields"]
        where = f"{item['model']} {item['pk']}"
        if _pk(Goal, fields.get("root"), where) != root:
            raise PortabilityError(
                f"{where} is from outside its own fractal (its root is not the document's root); nothing was written"
            )
        is_root_goal = model is Goal and _pk(Goal, item["pk"], where) == root
        for field in model._meta.concrete_fields:
            if not field.is_relation or field.name == "root":
                continue
            value = fields.get(field.name)
            if value is None:
                continue
            if not issubclass(field.related_model, FractalScopedModel):
                if is_root_goal:
                    continue  # the root's owner: replaced by the importing user
                raise PortabilityError(f"{where}: its {field.name} points outside the document; nothing was written")
            if _pk(field.related_model, value, where) not in ids.get(field.related_model._meta.label_lower, set()):
                raise PortabilityError(f"{where}: its {field.name} points outside the document; nothing was written")
        if is_root_goal and fields.get("parent") is not None:
            raise PortabilityError("the document's root goal has a parent; nothing was written")
        for field in model._meta.local_many_to_many:
            values = fields.get(field.name) or []
            if not isinstance(values, list):
                raise PortabilityError(f"{where}: its {field.name} is not a list; nothing was written")
            known = ids.get(field.related_model._meta.label_lower, set())
            if any(_pk(field.related_model, value, where) not in known for value in values):
                raise PortabilityError(f"{where}: its {field.name} points outside the document; nothing was written")
    return ids


def import_fractal(document, owner, progress=None):
    """Write every object of ``document``; refuse (writing nothing) if any id exists already or
    any row reaches outside the document's own fractal (see ``check_document``)."""
    by_model = check_document(document)
    for label, ids in by_model.items():
        model = apps.get_model(label)
        clashing = model.all_objects.filter(pk__in=ids).count()
        if clashing:
            raise PortabilityError(
                f"{clashing} {model._meta.verbose_name_plural} of this fractal already exist here "
                "(it was imported before); nothing was written"
            )
    counts = {}
    with transaction.atomic():
        rows, m2m_later = {}, []
        for deserialized in serializers.deserialize("python", document["objects"]):
            obj = deserialized.object
            if isinstance(obj, Goal) and obj.parent_id is None:
                obj.owner = owner
            rows.setdefault(type(obj), []).append(obj)
            if deserialized.m2m_data:
                m2m_later.append((obj, deserialized.m2m_data))
        _check_rules(rows)
        # Rows are written as they are (no save(): nothing is re-derived); links once all exist.
        for model, objects in rows.items():
            model.all_objects.bulk_create(objects, batch_size=500)
            counts[model._meta.label] = len(objects)
        for obj, m2m_data in m2m_later:
            for accessor, values in m2m_data.items():
                getattr(obj, accessor).set(values)
        # The one derived column a document cannot be trusted with (nor an older one holds).
        store_fractal_products(_pk(Goal, document["root"], "the document's root"))
    if progress:
        for label, count in counts.items():
            progress(f"{label}: {count}")
    return counts


def _check_rules(rows):
    """Run each row's model rules before anything is written; refuse the document on the first break.

    The rows' relations are pointed at the document's own (unsaved) rows, so the rules read them
    in memory. Values the rules derive (durations) are put back as the document has them: the
    import reproduces the export exactly, it only refuses what breaks a rule.
    """
    by_pk = {(model, obj.pk): obj for model, objects in rows.items() for obj in objects}
    for model, objects in rows.items():
        relations = [field for field in model._meta.concrete_fields if field.is_relation]
        for obj in objects:
            for relation in relations:
                related = by_pk.get((relation.related_model, getattr(obj, relation.attname)))
                if related is not None:
                    relation.set_cached_value(obj, related)
            stored = {field.attname: getattr(obj, field.attname) for field in model._meta.concrete_fields}
            try:
                obj.validate_unsaved()
                obj.validate_values()
            except (ValidationError, ObjectDoesNotExist) as error:
                reason = "; ".join(getattr(error, "messages", None) or [str(error)])
                raise PortabilityError(f"{model._meta.verbose_name} {obj.pk} breaks a rule: {reason}") from error
            finally:
                for attname, value in stored.items():
                    setattr(obj, attname, value)
