"""Who may see which gates: the caller's scope, narrowed by `province=` and `gate=`.

Province officers and viewers see the gates of their province, including those of the provinces merged
into it in 2025 (a TAY-NINH officer sees BINH-HIEP, formerly LONG-AN); admins see every gate; other roles
get 403. A `province=` or `gate=` outside the caller's scope is 403, an unknown one 422.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from ...auth.models import Organisation
from ...auth.permissions import can, gate_ids, require
from ...errors import Forbidden, Invalid
from ...extensions import db
from ...gates.models import Gate, Province
from .. import queries


def resolve_province(user, code):
    """Return the province with this code (422 when unknown, 403 when outside the user's scope)."""
    province = db.session.scalar(sa.select(Province).where(Province.code == code.strip().upper()))
    if province is None or province.country_code != "VN":
        raise Invalid(errors={"province": [_("Unknown province.")]})
    if not can(user, "report.read", province):
        raise Forbidden(_("This province is outside your scope."))
    return province


def resolve_gate(user, code):
    """Return the gate with this code (422 when unknown, 403 when outside the user's scope)."""
    gate = db.session.scalar(sa.select(Gate).where(Gate.code == code.strip().upper()))
    if gate is None:
        raise Invalid(errors={"gate": [_("Unknown gate.")]})
    if not can(user, "report.read", gate):
        raise Forbidden(_("This gate is outside your scope."))
    return gate


def scope_gate_ids(user, *, province=None, gate=None):
    """Return the gate ids a report may count (None: every gate), narrowed by `province=` and `gate=` codes."""
    require(user, "report.read")
    allowed = gate_ids(user)
    if province:
        territory = queries.gates_of_territory(resolve_province(user, province).id)
        allowed = territory if allowed is None else allowed & territory
    if gate:
        chosen = {resolve_gate(user, gate).id}
        allowed = chosen if allowed is None else allowed & chosen
    return None if allowed is None else frozenset(allowed)


def gates_in_scope(user):
    """Return the gates a user's reports cover, by province then code."""
    require(user, "report.read")
    allowed = gate_ids(user)
    query = sa.select(Gate).join(Gate.province).order_by(Province.code, Gate.code)
    if allowed is not None:
        query = query.where(Gate.id.in_(allowed) if allowed else sa.false())
    return list(db.session.scalars(query))


def exporters_in_scope(user):
    """Return the organisations whose goods crossed at the user's gates, by name."""
    require(user, "report.read")
    allowed = gate_ids(user)
    from ...shipments.models import Shipment

    crossed = sa.select(Shipment.organisation_id).where(Shipment.crossed_at.is_not(None))
    if allowed is not None:
        crossed = crossed.where(Shipment.gate_id.in_(allowed) if allowed else sa.false())
    return list(
        db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(crossed)).order_by(Organisation.name))
    )


def check_exporter(exporter_id):
    if exporter_id is not None and db.session.get(Organisation, exporter_id) is None:
        raise Invalid(errors={"exporter": [_("Unknown exporter.")]})
