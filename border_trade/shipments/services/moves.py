"""The exporter's status moves with their preconditions, and the paperwork checklist."""

from flask_babel import gettext as _

from ...audit.services import record
from ...auth.permissions import require
from ...documents.rules import evaluate, item_problems
from ...documents.services import active_rules
from ...errors import Conflict
from ...extensions import db
from ...gates.models import GateStatus
from ...i18n import current_language
from ...quotas import services as quotas
from ...types import utcnow
from ..models import Direction, ShipmentStatus
from ..workflow import exporter_move_allowed
from .common import (
    add_status_event,
    check_version,
    current_documents,
    document_facts,
    facts_of,
    local_today,
    snapshot,
    visible_shipment_or_404,
)

S = ShipmentStatus


def shipment_requirements(user, id_or_reference, *, locale=None, shipment=None):
    """Return the paperwork checklist of a shipment the user may see (texts in the reader's language)."""
    shipment = shipment or visible_shipment_or_404(user, id_or_reference)
    return evaluate(
        facts_of(shipment),
        document_facts(current_documents(shipment.id)),
        active_rules(),
        locale or current_language(),
    )


def move_shipment(user, id_or_reference, *, to, note=None, if_match=None, now=None):
    """Move a shipment along the status flow once every precondition holds; 409 lists every unmet one."""
    now = now or utcnow()
    shipment = visible_shipment_or_404(user, id_or_reference, lock=True)
    require(user, "shipment.move", shipment)
    check_version(shipment, if_match)
    target = S(to)
    if not exporter_move_allowed(shipment.status, target):
        raise Conflict(
            _("A %(current)s shipment cannot become %(target)s.", current=shipment.status.label, target=target.label),
            errors={"status": [_("The shipment is %(status)s.", status=shipment.status.label)]},
            current_status=shipment.status.value,
        )
    problems = unmet_preconditions(shipment, target, now)
    if problems:
        raise Conflict(
            _("The shipment cannot become %(status)s yet.", status=target.label),
            errors=problems,
            current_status=shipment.status.value,
        )
    if target is S.SUBMITTED and shipment.under_quota:  # tariff quota: reserve now (409 naming the field)
        lines = [(item.hs_code, item.net_weight_kg) for item in shipment.items]
        quotas.reserve(
            shipment.under_quota,
            shipment_id=shipment.id,
            gate_code=shipment.gate.code,
            direction=shipment.direction,
            lines=lines,
            on=local_today(now),
            now=now,
        )
    elif target in (S.CANCELLED, S.DRAFT):
        quotas.release(shipment.id, now=now)  # give back a reservation (none: nothing happens)
    before = snapshot(shipment)
    add_status_event(shipment, to=target, actor=user, now=now, note=note)
    db.session.flush()
    record(f"shipment.{target.value}", actor=user, obj=shipment, before=before, after=snapshot(shipment))
    db.session.commit()
    return shipment


def unmet_preconditions(shipment, target, now):
    """Return {field path: [messages]} for everything that stops the move (empty when it may go ahead)."""
    problems = {}

    def add(path, message):
        problems.setdefault(path, []).append(message)

    if target in (S.READY, S.SUBMITTED):
        if not shipment.items:
            add("items", _("Add at least one goods line."))
        for path, messages in item_problems(facts_of(shipment)).items():
            for message in messages:
                add(path, str(message))
        if shipment.value_vnd is None:
            add(
                "currency",
                _(
                    "No exchange rate for %(currency)s on or before the planned crossing date.",
                    currency=shipment.currency.value,
                ),
            )
        gate = shipment.gate
        if gate.status is not GateStatus.OPEN or not gate.accepts_goods:
            if shipment.direction is Direction.IMPORT:
                add("entry_gate", _("The entry gate is %(status)s now.", status=gate.status.label))
            else:
                add("exit_gate", _("The exit gate is %(status)s now.", status=gate.status.label))
        if not shipment.vehicle_plate and not shipment.transhipment:
            add("vehicle", _("Give the truck, or mark the goods for transhipment at the gate."))
        if shipment.planned_crossing_on < local_today(now):
            add("planned_crossing_on", _("The planned crossing date is in the past."))
    if target is S.SUBMITTED:
        requirements = shipment_requirements(None, None, shipment=shipment)
        for line in requirements.unmet():
            label = active_rules().document_label(line.document_type, current_language())
            message = (
                _("%(document)s is missing (rule %(rule)s).", document=label, rule=line.rule)
                if line.status == "missing"
                else _("%(document)s has expired (rule %(rule)s).", document=label, rule=line.rule)
            )
            add(f"documents.{line.document_type}", message)
        for blocker in requirements.blocking:
            add(f"blocking.{blocker.code}", blocker.message)
    return problems
