"""Use cases of a shipment's origin proof and e-invoice.

Who may write: the shipment's trader (an exporter of its organisation), from `submitted` on; records outside the
caller's scope answer 404, other roles 403. Everyone who may see the shipment may read both.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from ..audit.services import record
from ..enums import Direction, Role
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..permissions import require
from ..shipments.models import ShipmentStatus
from ..shipments.queries import visible_shipment_or_404
from ..types import utcnow
from .holidays import einvoice_due_on
from .models import EInvoice, OriginProof, ProofKind, ProofStatus

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
S = ProofStatus
# issued → presented → utilised / rejected / cancelled; a proof is first recorded as issued
MOVES = {
    None: (S.ISSUED,),
    S.ISSUED: (S.ISSUED, S.PRESENTED, S.CANCELLED),
    S.PRESENTED: (S.PRESENTED, S.UTILISED, S.REJECTED, S.CANCELLED),
    S.UTILISED: (S.UTILISED,),
    S.REJECTED: (S.REJECTED,),
    S.CANCELLED: (S.CANCELLED,),
}
# from `submitted` on (a rejected or cancelled shipment never crossed: nothing to prove)
OPEN_FROM = frozenset(
    {
        ShipmentStatus.SUBMITTED,
        ShipmentStatus.AT_GATE,
        ShipmentStatus.INSPECTING,
        ShipmentStatus.HELD,
        ShipmentStatus.CLEARED,
        ShipmentStatus.CROSSED,
        ShipmentStatus.DELIVERED,
        ShipmentStatus.RETURNED,
    }
)
# ATIGA OCP (Annex 8) rule 10: a Form D issued retroactively, no later than one year after shipment (see rules.md)
RETROACTIVE_LIMIT_DAYS = 365
FORM_D_KINDS = (ProofKind.FORM_D, ProofKind.E_FORM_D)


def local_day(moment):
    return moment.astimezone(LOCAL).date()


def proof_of(shipment_id):
    return db.session.get(OriginProof, shipment_id)


def einvoice_of(shipment_id):
    return db.session.get(EInvoice, shipment_id)


def may_write(user):
    return getattr(user, "role", None) is Role.EXPORTER


def shipment_for_writing(user, id_or_reference):
    """The shipment the user may record a proof or e-invoice for, locked; 404 outside scope, 403, 409 too early."""
    require(user, "shipment.read")
    shipment = visible_shipment_or_404(user, id_or_reference, lock=True)
    if not may_write(user) or shipment.organisation_id != user.organisation_id:
        raise Forbidden(_("You are not allowed to do this."))
    if shipment.status not in OPEN_FROM:
        raise Conflict(
            _("Submit the shipment first: its origin proof and e-invoice are recorded from submission on."),
            errors={"status": [shipment.status.value]},
        )
    return shipment


def get_proof(user, id_or_reference):
    require(user, "shipment.read")
    shipment = visible_shipment_or_404(user, id_or_reference)
    proof = proof_of(shipment.id)
    if proof is None:
        raise NotFound(_("No origin proof is recorded for this shipment."))
    return proof


def shipped_on(shipment):
    """The day of shipment: the crossing, or the planned crossing while the truck has not crossed."""
    return local_day(shipment.crossed_at) if shipment.crossed_at else shipment.planned_crossing_on


def proof_errors(shipment, data):
    """Field errors of an origin proof that does not fit the shipment (form S, retroactive limit, rejection)."""
    errors = {}
    kind, status, issued_on = data["kind"], data["status"], data.get("issued_on")
    if kind is ProofKind.FORM_S and not shipment.under_quota:
        errors["kind"] = [_("A form S is only for goods under a bilateral quota; this shipment is not under a quota.")]
    if kind in FORM_D_KINDS and issued_on is not None:
        limit = shipped_on(shipment) + timedelta(days=RETROACTIVE_LIMIT_DAYS)
        if issued_on > limit:
            errors["issued_on"] = [
                _(
                    "A Form D may be issued retroactively no later than one year after shipment (%(date)s).",
                    date=limit.isoformat(),
                )
            ]
    if status is ProofStatus.REJECTED and not (data.get("reason") or "").strip():
        errors["reason"] = [_("Give the reason the importing customs gave for the rejection.")]
    return errors


def record_proof(user, id_or_reference, data, *, now=None):
    """Record or move the shipment's origin proof; commit. Return (proof, created)."""
    now = now or utcnow()
    shipment = shipment_for_writing(user, id_or_reference)
    proof = proof_of(shipment.id)
    current = proof.status if proof else None
    allowed = MOVES[current]
    if data["status"] not in allowed:
        names = ", ".join(s.value for s in allowed)
        raise Conflict(
            _("The origin proof cannot move from %(current)s to %(wanted)s; allowed: %(allowed)s.",
              current=current.value if current else "—", wanted=data["status"].value, allowed=names),
            errors={"status": [names]},
            allowed=[s.value for s in allowed],
        )  # fmt: skip
    errors = proof_errors(shipment, data)
    if errors:
        raise Invalid(_("Some fields are invalid."), errors=errors)
    created = proof is None
    before = None if created else _proof_snapshot(proof)
    if created:
        proof = OriginProof(shipment_id=shipment.id, created_at=now)
        db.session.add(proof)
    proof.kind = data["kind"]
    proof.reference = (data.get("reference") or "").strip() or None
    proof.issued_on = data.get("issued_on")
    proof.status = data["status"]
    proof.reason = (data.get("reason") or "").strip() or None
    proof.updated_by_id = user.id
    proof.updated_at = now
    record(
        "origin.proof",
        actor=user,
        object_type="origin_proof",
        object_id=shipment.id,
        before=before,
        after=_proof_snapshot(proof) | {"shipment": shipment.reference},
    )
    db.session.commit()
    return proof, created


def get_einvoice(user, id_or_reference):
    require(user, "shipment.read")
    shipment = visible_shipment_or_404(user, id_or_reference)
    einvoice = einvoice_of(shipment.id)
    if einvoice is None:
        raise NotFound(_("No e-invoice is recorded for this shipment."))
    return einvoice


def record_einvoice(user, id_or_reference, data, *, now=None):
    """Record the e-invoice issued for the shipment (form, series, number, date); commit. Return (it, created)."""
    now = now or utcnow()
    shipment = shipment_for_writing(user, id_or_reference)
    if shipment.direction is not Direction.EXPORT:
        raise Conflict(
            _("An import's invoice is issued by the seller abroad: no Vietnamese e-invoice is recorded for it."),
            errors={"direction": [shipment.direction.value]},
        )
    einvoice = einvoice_of(shipment.id)
    created = einvoice is None
    before = None if created else _einvoice_snapshot(einvoice)
    if created:
        einvoice = EInvoice(shipment_id=shipment.id, created_at=now)
        db.session.add(einvoice)
    einvoice.form = data["form"]
    einvoice.series = data["series"].upper()
    einvoice.number = data["number"]
    einvoice.issued_on = data["issued_on"]
    einvoice.updated_by_id = user.id
    einvoice.updated_at = now
    record(
        "origin.einvoice",
        actor=user,
        object_type="einvoice",
        object_id=shipment.id,
        before=before,
        after=_einvoice_snapshot(einvoice) | {"shipment": shipment.reference},
    )
    db.session.commit()
    return einvoice, created


def on_status_changed(*, shipment, event, now):
    """When an export is cleared, set its e-invoice's due day by the rule in force on the clearance day.

    Subscribed to `shipment.status_changed` (subscriptions.py); runs in the gate event's transaction.
    """
    if event.to_status is not ShipmentStatus.CLEARED or shipment.direction is not Direction.EXPORT:
        return
    cleared_on = local_day(event.occurred_at or now)
    due_on, rule = einvoice_due_on(cleared_on)
    einvoice = einvoice_of(shipment.id)
    if einvoice is None:
        einvoice = EInvoice(shipment_id=shipment.id, created_at=now)
        db.session.add(einvoice)
    einvoice.cleared_on = cleared_on
    einvoice.due_on = due_on
    einvoice.due_source = rule.effective_from.isoformat() if rule else None


def _proof_snapshot(proof):
    return {
        "kind": proof.kind.value,
        "reference": proof.reference,
        "issued_on": proof.issued_on.isoformat() if proof.issued_on else None,
        "status": proof.status.value,
        "reason": proof.reason,
    }


def _einvoice_snapshot(einvoice):
    values = {name: getattr(einvoice, name) for name in ("form", "series", "number", "issued_on", "due_on")}
    return {name: (value.isoformat() if isinstance(value, date) else value) for name, value in values.items()}


def set_certified_exporter_code(user, organisation_id, code, *, now=None):
    """Record (or clear, with an empty code) an organisation's certified-exporter authorisation code; commit.

    Admins for any organisation; an exporter for its own (another organisation answers 404); other roles 403.
    """
    from ..auth.models import Organisation

    require(user, "shipment.read")
    if user.role not in (Role.ADMIN, Role.EXPORTER):
        raise Forbidden(_("You are not allowed to do this."))
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or (user.role is Role.EXPORTER and organisation.id != user.organisation_id):
        raise NotFound(_("No such organisation."))
    before = {"certified_exporter_code": organisation.certified_exporter_code}
    organisation.certified_exporter_code = (code or "").strip() or None
    record(
        "origin.certified_exporter",
        actor=user,
        object_type="organisation",
        object_id=organisation.id,
        before=before,
        after={"certified_exporter_code": organisation.certified_exporter_code},
    )
    db.session.commit()
    return organisation
