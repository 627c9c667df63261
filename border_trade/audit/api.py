"""`GET /api/v1/audit`: the append-only audit trail for administrators, as JSON pages or CSV. Nothing edits it."""

from flask import Response, current_app

from ..api import api_user
from ..api.blueprint import Blueprint
from ..api.pagination import keyset_page, page_schema
from . import queries
from .models import AuditEntry
from .schemas import AuditEntrySchema, AuditExportQuerySchema, AuditQuerySchema, csv_chunks

blp = Blueprint("audit_api", __name__, url_prefix="/api/v1", description="The audit trail (administrators)")

AuditPageSchema = page_schema(AuditEntrySchema, "AuditEntryPage")


def _filters(args):
    return {key: args.get(key) for key in ("actor", "action", "object", "from_", "to")}


@blp.route("/audit")
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditPageSchema)
def list_entries(args):
    """List audit entries, newest first: sign-ins, failed sign-ins, tokens, user changes (before/after)."""
    query = queries.visible_audit_entries(api_user(), **_filters(args))
    return keyset_page(query, [AuditEntry.id], limit=args["limit"], cursor=args.get("cursor"), descending=True)


@blp.route("/audit.csv")
@blp.arguments(AuditExportQuerySchema, location="query")
@blp.response(200, description="CSV, newest first", content_type="text/csv")
def export_entries(args):
    """Export the filtered audit trail as CSV (UTF-8), newest first."""
    query = queries.visible_audit_entries(api_user(), **_filters(args))
    entries = queries.iter_newest_first(query, app=current_app._get_current_object())
    return Response(
        csv_chunks(entries),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
