"""Write audit entries inside the caller's transaction."""

from flask import has_request_context, request

from ..extensions import db
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
