"""Notice texts, rendered in the reader's language from a kind and its parameters."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

KINDS = {
    "document_expiring": _l("A document expires soon"),
    "document_expired": _l("A document has expired"),
    "shipment_reverted": _l("A shipment went back to ready"),
    "ocop_expiring": _l("An OCOP recognition expires soon"),
    "ocop_expired": _l("An OCOP recognition has expired"),
    "truck_stuck": _l("A truck is stuck at a gate"),
    "crossing_missed": _l("A planned crossing date passed"),
    "booking_called": _l("A booked truck is called to the gate"),  # e-queue (#17)
    "booking_confirm": _l("A booking must be confirmed"),  # e-queue: after three no-shows (#17)
    "receipt_delivered": _l("A shipment was received"),  # receipt by the buyer (#18)
    "receipt_discrepancy": _l("A shipment was delivered with a discrepancy"),
    "origin_follow_up": _l("No answer yet on an origin proof"),  # origin proof (#18)
    "einvoice_due": _l("An export's e-invoice is due"),  # e-invoice deadline (#18)
}


def render(kind, params):
    """Return the notice text for a kind with its parameters, in the active locale."""
    p = params or {}
    if kind == "document_expiring":
        return ngettext(
            "%(document)s %(number)s of shipment %(reference)s expires in %(num)d day (%(date)s).",
            "%(document)s %(number)s of shipment %(reference)s expires in %(num)d days (%(date)s).",
            p.get("days", 0),
            document=_document_label(p.get("document_type")),
            number=p.get("number", ""),
            reference=p.get("reference", ""),
            date=p.get("date", ""),
        )
    if kind == "document_expired":
        return _(
            "%(document)s %(number)s of shipment %(reference)s expired on %(date)s.",
            document=_document_label(p.get("document_type")),
            number=p.get("number", ""),
            reference=p.get("reference", ""),
            date=p.get("date", ""),
        )
    if kind == "shipment_reverted":
        return _(
            "Shipment %(reference)s went back to ready: %(document)s %(number)s expired before the crossing.",
            reference=p.get("reference", ""),
            document=_document_label(p.get("document_type")),
            number=p.get("number", ""),
        )
    if kind == "ocop_expiring":
        return ngettext(
            "The OCOP recognition of %(product)s expires in %(num)d day (%(date)s).",
            "The OCOP recognition of %(product)s expires in %(num)d days (%(date)s).",
            p.get("days", 0),
            product=p.get("product", ""),
            date=p.get("date", ""),
        )
    if kind == "ocop_expired":
        return _(
            "The OCOP recognition of %(product)s expired on %(date)s: its stars may no longer be printed.",
            product=p.get("product", ""),
            date=p.get("date", ""),
        )
    if kind == "truck_stuck":
        return ngettext(
            "Truck %(plate)s (%(reference)s) has been at %(gate)s for %(num)d hour.",
            "Truck %(plate)s (%(reference)s) has been at %(gate)s for %(num)d hours.",
            p.get("hours", 0),
            plate=p.get("plate") or "—",
            reference=p.get("reference", ""),
            gate=p.get("gate", ""),
        )
    if kind == "crossing_missed":
        return _(
            "Shipment %(reference)s was planned to cross at %(gate)s on %(date)s and has not arrived.",
            reference=p.get("reference", ""),
            gate=p.get("gate", ""),
            date=p.get("date", ""),
        )
    if kind == "booking_called":
        return _(
            "Truck %(plate)s of shipment %(reference)s (booking %(code)s) is called to %(gate)s: it must arrive by "
            "%(deadline)s.",
            plate=p.get("plate") or "—",
            reference=p.get("reference", ""),
            code=p.get("code", ""),
            gate=p.get("gate", ""),
            deadline=p.get("deadline", ""),
        )
    if kind == "booking_confirm":
        return _("Confirm booking %(code)s of shipment %(reference)s (%(gate)s, %(slot)s) by %(deadline)s, or it is "
                 "released: after three no-shows in 30 days, bookings are confirmed the day before.",
                 code=p.get("code", ""), reference=p.get("reference", ""), gate=p.get("gate", ""),
                 slot=p.get("slot", ""), deadline=p.get("deadline", ""))  # fmt: skip
    if kind == "receipt_delivered":
        return _("Receipt of shipment %(reference)s was confirmed: every goods line in full and in good order.",
                 reference=p.get("reference", ""))  # fmt: skip
    if kind == "receipt_discrepancy":
        return _("Shipment %(reference)s was delivered with a discrepancy on goods lines %(lines)s.",
                 reference=p.get("reference", ""), lines=p.get("lines", ""))  # fmt: skip
    if kind == "origin_follow_up":
        return _("The importing customs has not yet answered on the origin proof %(proof)s of shipment %(reference)s, "
                 "crossed on %(date)s: record whether it was utilised or rejected.",
                 proof=p.get("proof", ""), reference=p.get("reference", ""), date=p.get("date", ""))  # fmt: skip
    if kind == "einvoice_due":
        return _("The e-invoice of shipment %(reference)s, cleared on %(cleared)s, is due by %(date)s: issue it and "
                 "record its form, series and number.",
                 reference=p.get("reference", ""), cleared=p.get("cleared", ""), date=p.get("date", ""))  # fmt: skip
    return str(KINDS.get(kind, kind))


def _document_label(document_type):
    from ..documents.models import DocumentType

    try:
        return str(DocumentType(document_type).label)
    except ValueError:
        return document_type or ""
