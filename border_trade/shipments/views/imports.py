"""Adding goods lines to a draft shipment from a CSV or XLSX table: upload, preview with errors, confirm."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ...errors import Invalid
from ...extensions import db
from ...pages import csv_template, keep_upload, me, requires
from ...spreadsheets import drop_upload, load_upload
from .. import imports
from ..forms import ConfirmForm, ItemsImportForm
from .blueprint import blp

IMPORT_KIND = "shipment_items"


@blp.route("/import/template.csv")
@requires("shipment.write")
def import_template():
    """Download an empty goods-lines table: the header row the import expects."""
    return csv_template(imports.COLUMNS, "shipment-items-template.csv")


@blp.route("/<int:shipment_id>/import", methods=["GET", "POST"])
@requires("shipment.write")
def import_upload(shipment_id):
    """Upload a table of goods lines for a draft shipment; it is kept on the server and checked row by row."""
    shipment = imports.importable_shipment(me(), shipment_id)
    form = ItemsImportForm()
    key = keep_upload(form, imports.read_item_rows, kind=IMPORT_KIND, target=shipment.id)
    if key:
        return redirect(url_for("shipments.import_preview", shipment_id=shipment.id, key=key))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "imports/upload.html",
        title=_("Import goods lines"),
        subtitle=shipment.reference,
        template_url=url_for("shipments.import_template"),
        back_url=url_for("shipments.detail", shipment_id=shipment.id),
        back_label=shipment.reference,
        form=form,
        columns=imports.COLUMNS,
    ), status


@blp.route("/<int:shipment_id>/import/<key>", methods=["GET", "POST"])
@requires("shipment.write")
def import_preview(shipment_id, key):
    """Show every row with its errors; confirming appends all rows to the shipment in one go, or none."""
    user = me()
    rows, filename = load_upload(key, owner_id=user.id, kind=IMPORT_KIND, target=shipment_id)  # read at upload
    form = ConfirmForm()
    general, status = [], 200
    if request.method == "POST":
        if not form.validate_on_submit():
            raise Invalid(_("The form expired; reload the page and try again."))
        if "cancel" in request.form:
            drop_upload(key)
            flash(_("The import was cancelled; nothing was saved."), "info")
            return redirect(url_for("shipments.detail", shipment_id=shipment_id))
        try:
            shipment = imports.import_items(user, shipment_id, rows)
        except Invalid as error:
            db.session.rollback()
            status = 422
            general = [str(error.message), *list((error.errors or {}).get("file", []))]
            shipment = imports.importable_shipment(user, shipment_id)
        else:
            drop_upload(key)
            flash(ngettext("%(num)d goods line added.", "%(num)d goods lines added.", len(rows)), "success")
            return redirect(url_for("shipments.detail", shipment_id=shipment.id))
    else:
        shipment, general = imports.check_item_rows(user, shipment_id, rows)
    return render_template(
        "imports/preview.html",
        title=_("Import goods lines"),
        subtitle=shipment.reference,
        filename=filename,
        columns=imports.COLUMNS,
        rows=rows,
        general=general,
        form=form,
        back_url=url_for("shipments.import_upload", shipment_id=shipment.id),
    ), status
