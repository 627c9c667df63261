"""Bulk import of goods lines into a draft shipment from a CSV or XLSX table: all rows are added, or none."""

import re

from flask_babel import gettext as _
from flask_babel import ngettext
from marshmallow import ValidationError

from ..auth.permissions import require
from ..documents.rules import item_problems
from ..errors import Conflict, Invalid, flatten_errors
from ..spreadsheets import hs_code_text, read_rows
from .models import Direction, Shipment
from .queries import visible_shipment_or_404
from .schemas import MAX_ITEMS, ItemInSchema
from .services import update_shipment
from .services.common import facts_of

# the very per-line database checks update_shipment runs (product of the organisation, HS code in the catalogue)
from .services.create import replace_items
from .workflow import EDITABLE

# `direction` (optional: an empty cell or no column means the shipment's own, export for an export) says which way
# the goods go; a row must go the way its shipment goes (an export's lines cannot land in an import, nor the reverse)
COLUMNS = (*ItemInSchema().fields, "direction")
NORMALISE = {"hs_code": hs_code_text}
ITEM_PATH = re.compile(r"^items\.(\d+)\.(.+)$")


def read_item_rows(content, filename):
    """Read an uploaded goods-lines table into rows (raise SheetError when the file is not such a table)."""
    return read_rows(content, filename, COLUMNS, normalise=NORMALISE)


def importable_shipment(user, id_or_reference):
    """Return a shipment the user may add goods lines to; 404 when not visible, 403/409 when not allowed now."""
    shipment = visible_shipment_or_404(user, id_or_reference)
    require(user, "shipment.write", shipment)
    if shipment.status not in EDITABLE:
        raise Conflict(
            _(
                "A shipment can be changed only while it is a draft or ready; it is %(status)s.",
                status=shipment.status.label,
            ),
            current_status=shipment.status.value,
        )
    return shipment


def check_item_rows(user, id_or_reference, rows):
    """Validate each row as update_shipment would, saving nothing; return (shipment, general errors)."""
    shipment = importable_shipment(user, id_or_reference)
    general = []
    if len(shipment.items) + len(rows) > MAX_ITEMS:
        general.append(_("A shipment holds at most %(max)d goods lines.", max=MAX_ITEMS))
    for row in rows:
        row.data, row.errors = None, {}
        values = dict(row.values)
        direction = (values.pop("direction", None) or shipment.direction.value).strip().lower()
        if direction not in Direction.values():
            row.errors = {"direction": [_("Write export or import.")]}
            continue
        if direction != shipment.direction.value:
            row.errors = {
                "direction": [
                    _("This shipment is an import: leave the cell empty or write import.")
                    if shipment.direction is Direction.IMPORT
                    else _("This shipment is an export: leave the cell empty or write export.")
                ]
            }
            continue
        try:
            row.data = ItemInSchema().load(values)
        except ValidationError as error:
            row.errors = flatten_errors(error.messages)
    loaded = [row for row in rows if row.ok]
    if loaded:
        # a detached copy carrying what the per-item rules look at; it never reaches the session
        trial = Shipment(
            direction=shipment.direction,
            regime=shipment.regime,
            preferential_tariff=shipment.preferential_tariff,
            transhipment=shipment.transhipment,
            residents=shipment.residents,
            vehicle_plate=shipment.vehicle_plate,
            planned_crossing_on=shipment.planned_crossing_on,
        )
        problems = replace_items(trial, [row.data for row in loaded], user.organisation_id)
        if not problems:
            problems = {path: [str(m) for m in messages] for path, messages in item_problems(facts_of(trial)).items()}
        _attach(problems, loaded, general)
    for row in rows:
        if not row.ok:
            row.data = None
    return shipment, general


def import_items(user, id_or_reference, rows, *, if_match=None):
    """Append every row to the shipment's goods lines in one transaction, or none when any row is invalid (422)."""
    shipment, general = check_item_rows(user, id_or_reference, rows)
    bad = [row for row in rows if not row.ok]
    if bad or general:
        raise Invalid(_summary(bad, general), errors=_error_paths(bad, general))
    existing = [_as_input(item) for item in shipment.items]
    try:
        return update_shipment(user, shipment.id, {"items": existing + [row.data for row in rows]}, if_match=if_match)
    except Invalid as error:
        # the service checked the whole list again; name the uploaded rows it refused
        offset = len(existing)
        extra = []
        for path, messages in (error.errors or {}).items():
            match = ITEM_PATH.match(path)
            index = int(match.group(1)) - offset if match else -1
            if 0 <= index < len(rows):
                rows[index].errors.setdefault(match.group(2), []).extend(str(m) for m in messages)
            else:
                extra.extend(str(m) for m in messages)
        bad = [row for row in rows if not row.ok]
        raise Invalid(_summary(bad, extra), errors=_error_paths(bad, extra)) from None


def _attach(problems, loaded, general):
    for path, messages in problems.items():
        match = ITEM_PATH.match(path)
        if match and int(match.group(1)) < len(loaded):
            loaded[int(match.group(1))].errors.setdefault(match.group(2), []).extend(str(m) for m in messages)
        else:
            general.extend(str(m) for m in messages)


def _summary(bad, general):
    if bad:
        return ngettext(
            "%(num)d row has errors; nothing was saved.", "%(num)d rows have errors; nothing was saved.", len(bad)
        )
    return general[0] if general else _("Some fields are invalid.")


def _error_paths(bad, general):
    errors = {f"rows.{row.number}.{name}": messages for row in bad for name, messages in row.errors.items()}
    if general:
        errors["file"] = list(general)
    return errors


def _as_input(item):
    """Return a stored goods line in the shape update_shipment takes, so existing lines stay as they are."""
    return {
        "product_id": item.product_id,
        "description_vi": item.description_vi,
        "description_km": item.description_km,
        "description_en": item.description_en,
        "hs_code": item.hs_code,
        "quantity": item.quantity,
        "unit": item.unit,
        "packages": item.packages,
        "package_type": item.package_type,
        "marks": item.marks,
        "net_weight_kg": item.net_weight_kg,
        "gross_weight_kg": item.gross_weight_kg,
        "unit_price": item.unit_price,
        "origin_criterion": item.origin_criterion,
        "fob_value": item.fob_value,
    }
