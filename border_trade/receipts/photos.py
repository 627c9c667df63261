"""Photos of goods as received: JPEG or PNG judged by their bytes (never the name or the browser's claim), limited
in size (RECEIPT_PHOTO_MAX_BYTES) and number per goods line (RECEIPT_PHOTOS_PER_LINE), stored outside the web root
by the documents' upload storage."""

from flask import current_app
from flask_babel import gettext as _

from ..documents import storage
from ..errors import AppError, Invalid

PHOTO_TYPES = {"image/jpeg", "image/png"}


class TooLarge(AppError):
    code = 413


def check_photos(photos_by_index):
    """Refuse photos that are too many (422), too large (413) or not JPEG/PNG by content (422).

    `photos_by_index`: {index of the line in the request: [bytes, ...]}.
    """
    config = current_app.config
    limit, per_line = config["RECEIPT_PHOTO_MAX_BYTES"], config["RECEIPT_PHOTOS_PER_LINE"]
    for index, photos in photos_by_index.items():
        path = f"lines.{index}.photos"
        if len(photos) > per_line:
            raise Invalid(errors={path: [_("At most %(num)d photos a goods line.", num=per_line)]})
        for content in photos:
            if len(content) > limit:
                message = _("A photo may be at most %(size)s MB.", size=format(limit / 1048576, "g"))
                raise TooLarge(message, errors={path: [message]})
            if storage.sniff(content[:16]) not in PHOTO_TYPES:
                raise Invalid(errors={path: [_("Only JPEG or PNG photos are accepted.")]})


def store(content):
    """Store a checked photo; return (key, mime, sha256)."""
    key, digest = storage.save_scan(content)
    return key, storage.sniff(content[:16]), digest


def path_of(photo):
    return storage.scan_path(photo.file_key)


def remove(keys):
    for key in keys:
        storage.remove_scan(key)
