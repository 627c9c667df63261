"""Write audit entries inside the caller's transaction."""

from flask import has_request_context, request
from sqlalchemy.orm.base import instance_state

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
    """Add one audit entry to the session; the calling service commits it with its own change."""
    if obj is not None:
        object_type = object_type or obj.__tablename__.rstrip("s")
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_email=actor_email or getattr(actor, "email", None),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        address=client_address(),
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry


_COLUMNS = ("at", "actor_id", "actor_email", "action", "object_type", "object_id", "address", "before", "after")


def write_entry(action, *, actor, obj, before=None, after=None):
    """Write one audit entry in the caller's transaction without an ORM object (in `writes.batched()`: with the
    batch's flush), after the entries recorded before it with `record`, so the trail keeps its order.

    For a hot path (a gate event) whose entry nobody reads back; the same row as `record` would write.
    """
    write_pending_entries()
    row = {
        "at": utcnow(),
        "actor_id": actor.id,
        "actor_email": actor.email,
        "action": action,
        "object_type": obj.__tablename__.rstrip("s"),
        "object_id": str(obj.id),
        "address": client_address(),
        "before": before,
        "after": after,
    }
    writes.insert_rows(AuditEntry.__table__, [row], key="audit")


def write_pending_entries():
    """Write the audit entries added to the session and not flushed yet in one statement of their own (a multi-row
    INSERT for several; at the flush of `writes.batched()` inside one), and take them out of the unit of work;
    return how many.

    For a hot path (a gate event) whose entries' ids nobody reads: they are written in the caller's transaction all
    the same, in the order they were recorded, and the commit has no audit entry left to flush.
    """
    entries = sorted(
        (obj for obj in db.session.new if isinstance(obj, AuditEntry)), key=lambda e: instance_state(e).insert_order
    )
    if not entries:
        return 0
    now = utcnow()
    rows = [{name: getattr(entry, name) for name in _COLUMNS} for entry in entries]
    for row, entry in zip(rows, entries, strict=True):
        row["at"] = row["at"] or now
        db.session.expunge(entry)
    writes.insert_rows(AuditEntry.__table__, rows, key="audit")
    return len(rows)
