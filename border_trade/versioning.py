"""Optimistic concurrency for single records: `version` columns, ETags and If-Match."""

from flask_babel import gettext as _

from .errors import PreconditionFailed


def etag_value(record):
    """Return the ETag of a versioned record (changes with every write)."""
    return f"{record.id}-{record.version}"


def check_version(record, if_match):
    """Raise 412 when the client's If-Match names another version than the stored one."""
    if if_match is None:
        return
    wanted = {tag.strip().removeprefix("W/").strip('"') for tag in str(if_match).split(",")}
    if "*" not in wanted and etag_value(record) not in wanted:
        raise PreconditionFailed(
            _("The record was changed by someone else; reload it and try again."),
            current_version=record.version,
        )


def with_etag(record, status=200):
    """Return a flask-smorest view result carrying the record's ETag header."""
    return record, status, {"ETag": f'"{etag_value(record)}"'}
