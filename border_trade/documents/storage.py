"""Scans of documents: checked by content, stored outside the web root under random names."""

import contextlib
import hashlib
import secrets
from pathlib import Path

from flask import current_app

# magic numbers of the accepted types; the file name and the browser's claim are never trusted
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
MAX_SCAN_BYTES = 10 * 1024 * 1024


def sniff(head):
    """Return the MIME type of a PDF, JPEG or PNG from its first bytes, else None."""
    for signature, mime in SIGNATURES:
        if head.startswith(signature):
            return mime
    return None


def upload_dir():
    path = Path(current_app.config["UPLOAD_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_scan(content):
    """Store bytes under a new random key; return (key, sha256)."""
    key = secrets.token_hex(20)
    (upload_dir() / key).write_bytes(content)
    return key, hashlib.sha256(content).hexdigest()


def scan_path(key):
    """Return the path of a stored scan (keys are hex, so no path tricks are possible)."""
    if not key or not all(c in "0123456789abcdef" for c in key):
        raise ValueError("bad scan key")
    return upload_dir() / key


def remove_scan(key):
    """Delete a stored scan (used when the transaction that referenced it fails)."""
    with contextlib.suppress(ValueError):
        scan_path(key).unlink(missing_ok=True)
