"""Write audit entries inside the caller's transaction."""

from flask import has_request_context, request

from .. import writes
from ..extensions import db
from ..types import utcnow
from .models import AuditEntry


def client_address():
    """Return the caller's address (ProxyFix sets remote_addr behind a proxy)."""
    return request.remote_addr if has_request_context() else None


def record(
    action, *, actor=None, obj=None, object_type=None, object_id=None, before=None, after=None, actor_email=None
):
    """Add one audit entry to the caller's transaction; the calling service commits it with its own change.

    Outside a batch it is added to the session (and returned). Inside `writes.batched()` (a gate event: a hot path
    whose entries nobody reads back) it is handed to the batch as a row, written at the batch's flush in the order
    recorded, with no ORM object (returns None).
    """
    if obj is not None:
        object_type = object_type or obj.__tablename__.rstrip("s")
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    values = {
        "actor_id": getattr(actor, "id", None),
        "actor_email": actor_email or getattr(actor, "email", None),
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "address": client_address(),
        "before": before,
        "after": after,
    }
    if writes.is_batching():
        writes.insert_rows(AuditEntry.__table__, [{"at": utcnow(), **values}], key="audit")
        return None
    entry = AuditEntry(**values)
    db.session.add(entry)
    return entry
