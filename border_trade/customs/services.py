"""Use cases of a shipment's customs declaration: record or change it, and the red-channel rule at clearance.

Who may write: the shipment's trader and the officers of its gate (records outside the caller's scope answer 404,
other roles 403). The handoff files and the ACDD are read by the trader, the gate's officers, the province's
officers in scope and admins (viewers 403).
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from ..audit.services import record
from ..declaration_numbers import declaration_number_problem
from ..enums import Role
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..permissions import require
from ..shipments.queries import visible_shipment_or_404
from ..types import utcnow
from . import acdd, handoff
from .models import Channel, CustomsDeclaration, DeclarationStatus
from .queries import declaration_of, default_profile_name, profiles, type_code, was_inspected

WRITERS = frozenset({Role.EXPORTER, Role.GATE_OFFICER})
READERS = frozenset({Role.ADMIN, Role.EXPORTER, Role.GATE_OFFICER, Role.PROVINCE_OFFICER})
FIELDS = ("number", "type_code", "registered_at", "channel", "cleared_at", "status")


def may_record(user):
    """Tell whether the user's role may record a declaration (the shipment is then checked against the scope)."""
    return getattr(user, "role", None) in WRITERS


def shipment_for_reading(user, id_or_reference):
    """Return the shipment whose customs data the user may read, or raise 404 (outside scope) / 403 (role)."""
    require(user, "shipment.read")
    shipment = visible_shipment_or_404(user, id_or_reference)
    if user.role not in READERS:
        raise Forbidden(_("You are not allowed to do this."))
    return shipment


def get_declaration(user, id_or_reference):
    """Return the customs declaration of a shipment the user may see, or raise 404."""
    require(user, "shipment.read")
    shipment = visible_shipment_or_404(user, id_or_reference)
    declaration = declaration_of(shipment.id)
    if declaration is None:
        raise NotFound(_("No customs declaration is recorded for this shipment."))
    return declaration


def validation_errors(shipment, data):
    """Return {field: [message]} for a number or type code that does not fit the shipment's direction."""
    errors = {}
    problem = declaration_number_problem(data.get("number"), shipment.direction)
    if problem:
        errors["number"] = [problem]
    code = (data.get("type_code") or "").strip().upper()
    known = type_code(code)
    if known is None:
        errors["type_code"] = [_("%(code)s is not a type code of the customs' table.", code=code or "—")]
    elif known.direction != shipment.direction.value:
        if known.direction == "export":
            message = _("%(code)s is a type code for exports; this shipment is an import.", code=code)
        else:
            message = _("%(code)s is a type code for imports; this shipment is an export.", code=code)
        errors["type_code"] = [message]
    return errors


def record_declaration(user, id_or_reference, data, *, now=None):
    """Record or replace the customs declaration of a shipment; commit. Return (declaration, created)."""
    now = now or utcnow()
    require(user, "shipment.read")
    shipment = visible_shipment_or_404(user, id_or_reference, lock=True)
    if user.role not in WRITERS:
        raise Forbidden(_("You are not allowed to do this."))
    errors = validation_errors(shipment, data)
    if errors:
        raise Invalid(_("Some fields are invalid."), errors=errors)
    declaration = declaration_of(shipment.id)
    created = declaration is None
    before = None if created else _snapshot(declaration)
    if created:
        declaration = CustomsDeclaration(shipment=shipment, created_at=now)
        db.session.add(declaration)
    declaration.number = data["number"].strip()
    declaration.type_code = data["type_code"].strip().upper()
    declaration.registered_at = data.get("registered_at")
    declaration.channel = data.get("channel")
    declaration.cleared_at = data.get("cleared_at")
    declaration.status = data.get("status") or DeclarationStatus.REGISTERED
    declaration.updated_by = user
    declaration.updated_at = now
    record(
        "customs.declaration",
        actor=user,
        object_type="customs_declaration",
        object_id=shipment.id,
        before=before,
        after=_snapshot(declaration) | {"shipment": shipment.reference},
    )
    try:
        db.session.commit()
    except (sa.exc.IntegrityError, StaleDataError):
        db.session.rollback()
        raise Conflict(
            _("Someone else saved this shipment's customs declaration at the same moment; reload it.")
        ) from None
    return declaration, created


def clearance_problem(shipment):
    """Return why the shipment may not be cleared now (a red-channel declaration without an inspection), or None.

    Called by the gate event `cleared` (crossings) inside its transaction, before the event is added.
    """
    declaration = declaration_of(shipment.id)
    if declaration is None or declaration.status is DeclarationStatus.CANCELLED:
        return None
    if declaration.channel is Channel.RED and not was_inspected(shipment.id):
        return _("The customs declaration is in the red channel: the goods must be inspected before clearance.")
    return None


def handoff_for(user, id_or_reference, profile_name=None):
    """Return the customs data handoff of a shipment in the named column layout (422 naming `profile` if unknown)."""
    shipment = shipment_for_reading(user, id_or_reference)
    name = (profile_name or default_profile_name()).strip().lower()
    profile = profiles().get(name)
    if profile is None:
        known = ", ".join(sorted(profiles()))
        raise Invalid(
            errors={"profile": [_("No handoff profile %(name)s; use one of: %(known)s.", name=name, known=known)]}
        )
    return handoff.build(shipment, declaration_of(shipment.id), profile)


def acdd_for(user, id_or_reference):
    """Return the ASEAN Customs Declaration Document's 15 fields of a shipment (units as UN/ECE Rec 20 codes)."""
    shipment = shipment_for_reading(user, id_or_reference)
    return acdd.build(shipment, declaration_of(shipment.id), profiles()["unece"])


def _snapshot(declaration):
    values = {name: getattr(declaration, name) for name in FIELDS}
    return {
        name: (value.isoformat() if hasattr(value, "isoformat") else getattr(value, "value", value))
        for name, value in values.items()
    }
