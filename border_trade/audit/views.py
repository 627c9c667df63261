"""Pages: the audit trail for administrators, filtered, paged, and exported as CSV."""

from flask import Blueprint, Response, current_app, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from ..api.pagination import keyset_page
from . import queries
from .models import AuditEntry
from .schemas import AuditExportQuerySchema, csv_chunks

blp = Blueprint("audit", __name__)

ENTRIES_PER_PAGE = 50
FILTERS = ("actor", "action", "object", "from", "to")


def _filters():
    """Read the filter fields of the page; drop (and report) the ones that do not parse."""
    raw = {key: request.args[key].strip() for key in FILTERS if request.args.get(key, "").strip()}
    try:
        loaded = AuditExportQuerySchema().load(raw)
    except ValidationError as error:
        for field, messages in error.messages.items():
            reason = " ".join(map(str, messages))
            flash(_("Filter %(field)s ignored: %(reason)s", field=field, reason=reason), "warning")
            raw.pop(field, None)
        loaded = AuditExportQuerySchema().load(raw)
    return raw, {key: loaded.get(key) for key in ("actor", "action", "object", "from_", "to")}


@blp.route("/audit")
@login_required
def index():
    """Show the audit trail, newest first, filtered by actor, action, object and period."""
    raw, filters = _filters()
    query = queries.visible_audit_entries(current_user._get_current_object(), **filters)
    page = keyset_page(
        query, [AuditEntry.id], limit=ENTRIES_PER_PAGE, cursor=request.args.get("cursor"), descending=True
    )
    return render_template("audit/index.html", page=page, filters=raw)


@blp.route("/audit.csv")
@login_required
def export():
    """Download the filtered audit trail as CSV."""
    _raw, filters = _filters()
    query = queries.visible_audit_entries(current_user._get_current_object(), **filters)
    return Response(
        csv_chunks(queries.iter_newest_first(query, app=current_app._get_current_object())),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
