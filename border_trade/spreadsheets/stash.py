"""Keeping an upload between its preview and its confirmation: the rows read once at upload, as JSON on the server
(never in the cookie), under a random key that only its owner, for that kind and target, can use."""

import json
import os
import secrets
import time
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from ..errors import NotFound
from .common import Row

STASH_TTL_SECONDS = 24 * 3600


def _gone():
    return NotFound(_("This upload is no longer available; upload the file again."))


def _stash_dir():
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(key):
    if not key or len(key) != 32 or not all(c in "0123456789abcdef" for c in key):
        raise _gone()
    return _stash_dir() / f"{key}.json"


def stash_upload(rows, filename, *, owner_id, kind, target=None):
    """Keep the rows read from an upload under a new random key; return the key."""
    _purge_old()
    key = secrets.token_hex(16)
    path = _path(key)
    kept = {
        "owner": owner_id,
        "kind": kind,
        "target": target,
        "filename": (filename or "")[:200],
        "rows": [[row.number, row.values] for row in rows],
    }
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)  # a preview never reads half a file
    return key


def load_upload(key, *, owner_id, kind, target=None):
    """Return (rows, filename) of a kept upload of this owner, kind and target; 404 for anyone else or an old key.

    The rows are fresh Row objects, read from the kept JSON: the file is never parsed again.
    """
    path = _path(key)
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if (kept.get("owner"), kept.get("kind"), kept.get("target")) != (owner_id, kind, target):
            raise _gone()
        rows = [Row(number=int(number), values=dict(values)) for number, values in kept["rows"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise _gone() from None
    return rows, kept.get("filename") or ""


def drop_upload(key):
    """Delete a kept upload (after its confirmation or cancellation)."""
    try:
        path = _path(key)
    except NotFound:
        return
    path.unlink(missing_ok=True)
    path.with_suffix(".bin").unlink(missing_ok=True)  # the raw file kept by earlier versions


def _purge_old():
    limit = time.time() - STASH_TTL_SECONDS
    for path in _stash_dir().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
