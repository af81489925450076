"""Uploaded legacy files waiting for confirmation: a temporary file per upload, keyed by a random id
and the uploader's user id, so nobody else can review or import it; removed after use or an hour."""

import json
import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 3600
UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def upload_dir():
    folder = Path(getattr(settings, "LEGACY_UPLOAD_DIR", "") or Path(tempfile.gettempdir()) / "fractal-legacy-uploads")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _paths(user, upload_id):
    if not UPLOAD_ID.match(str(upload_id)):
        return None
    base = upload_dir() / f"{int(user.pk)}-{upload_id}"
    return base.with_suffix(".db"), base.with_suffix(".json")


def store(user, uploaded, meta):
    """Write an uploaded file; returns its id."""
    clean_old()
    upload_id = secrets.token_urlsafe(24)
    data_path, meta_path = _paths(user, upload_id)
    with data_path.open("wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    meta_path.write_text(json.dumps({**meta, "name": uploaded.name}))
    return upload_id


def find(user, upload_id):
    """(path, meta) of this user's upload, or None (also for another user's id)."""
    paths = _paths(user, upload_id)
    if paths is None or not paths[0].is_file() or not paths[1].is_file():
        return None
    return paths[0], json.loads(paths[1].read_text())


def discard(user, upload_id):
    paths = _paths(user, upload_id)
    for path in paths or ():
        path.unlink(missing_ok=True)


def clean_old():
    limit = time.time() - MAX_AGE_SECONDS
    for path in upload_dir().iterdir():
        if path.suffix in (".db", ".json") and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
