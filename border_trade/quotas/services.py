"""Use cases of tariff quotas: reserve at `submitted`, use at `crossed` (once), release at `cancelled`/`returned`,
the admin's edit, and loading the quota records shipped in border_trade/data/tariff_quotas.json.

reserve/consume/release run inside the caller's transaction (the shipment's move or gate event) and never commit.
Each takes the quota's row lock (SELECT … FOR UPDATE) and changes its totals with one conditional UPDATE, and the
table's CHECK constraints refuse `reserved + used > quantity` as a last stop: `remaining` never goes below zero.
"""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.services import record
from ..auth.permissions import require
from ..enums import Role
from ..errors import Conflict, Forbidden, Invalid
from ..extensions import db
from ..gates.models import Gate
from ..types import utcnow
from .counting import count
from .models import ClaimState, QuotaClaim, TariffQuota
from .queries import claim_of, get_quota_or_404, quota_by_code

DATA = Path(__file__).resolve().parent.parent / "data" / "tariff_quotas.json"


def _refuse(message, **errors):
    raise Conflict(message, errors={field: [text] for field, text in errors.items()})


def reserve(code, *, shipment_id, gate_code, direction, lines, on, now=None):
    """Reserve the quota quantity of a shipment's lines [(hs_code, net_weight_kg)] on quota `code`.

    Answers 409 naming the field when the shipment is not an import, the day lies outside the quota's period, the
    gate is not one of the quota's gates, no line's HS code belongs to the quota, or the quantity exceeds what
    remains. A shipment already holding a reservation (sent back to ready, then submitted again) is set to the new
    quantity. Returns the claim.
    """
    now = now or utcnow()
    quota = quota_by_code(code, lock=True)
    if quota is None:
        _refuse(_("No tariff quota has this code."), under_quota=_("No tariff quota has this code."))
    if str(direction) != "import":
        _refuse(
            _("Only an import can be under a tariff quota."),
            under_quota=_("Only an import can be under a tariff quota."),
        )
    if not quota.period_from <= on <= quota.period_to:
        message = _(
            "Quota %(code)s runs from %(start)s to %(end)s.",
            code=quota.code,
            start=quota.period_from.isoformat(),
            end=quota.period_to.isoformat(),
        )
        _refuse(message, under_quota=message)
    gate_code = (gate_code or "").upper()
    if gate_code not in (quota.gates or []):
        message = _("%(gate)s is not one of the gates of quota %(code)s.", gate=gate_code, code=quota.code)
        _refuse(message, under_quota=message, entry_gate=message)
    quantity, matched = count(lines, quota.hs_prefixes, quota.unit)
    if not matched:
        prefixes = ", ".join(str(entry["prefix"]) for entry in quota.hs_prefixes)
        message = _(
            "No goods line has an HS code of quota %(code)s (%(prefixes)s).", code=quota.code, prefixes=prefixes
        )
        _refuse(message, under_quota=message, items=message)

    claim = claim_of(shipment_id, lock=True)
    if claim is not None and claim.state is ClaimState.USED:
        _refuse(
            _("The shipment has already used its quota."), under_quota=_("The shipment has already used its quota.")
        )
    held = Decimal("0")
    if claim is not None and claim.state is ClaimState.RESERVED:
        if claim.quota_id != quota.id:
            _release_claim(claim, now)
        else:
            held = claim.quantity
    delta = quantity - held
    quota_id = quota.id
    if not _add_reserved(quota, delta):
        db.session.expire(quota)
        message = _(
            "%(quantity)s %(unit)s exceeds what remains of quota %(code)s: %(remaining)s %(unit)s.",
            quantity=quantity,
            unit=quota.unit,
            code=quota.code,
            remaining=quota.remaining,
        )
        _refuse(message, under_quota=message)
    values = dict(quota_id=quota_id, quantity=quantity, state=ClaimState.RESERVED, gate_code=gate_code)
    values.update(reserved_at=now, used_at=None, released_at=None)
    if claim is None:
        claim = QuotaClaim(shipment_id=shipment_id, **values)
        db.session.add(claim)
    else:
        for name, value in values.items():
            setattr(claim, name, value)
    db.session.flush()
    return claim


def _add_reserved(quota, delta):
    """Add `delta` to the quota's reserved quantity in one conditional UPDATE; False when too little remains."""
    table = TariffQuota
    condition = [table.id == quota.id]
    if delta > 0:
        condition.append(table.quantity - table.reserved - table.used >= delta)
    result = db.session.execute(
        sa.update(table).where(*condition).values(reserved=table.reserved + delta),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(quota)
    return result.rowcount == 1


def _move_claim(claim, to, now):
    """Move a reserved claim to `to` once: False when another transaction moved it first (or it was not reserved)."""
    stamp = {ClaimState.USED: "used_at", ClaimState.RELEASED: "released_at"}[to]
    result = db.session.execute(
        sa.update(QuotaClaim)
        .where(QuotaClaim.id == claim.id, QuotaClaim.state == ClaimState.RESERVED)
        .values(state=to, **{stamp: now}),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(claim)
    return result.rowcount == 1


def _release_claim(claim, now):
    if _move_claim(claim, ClaimState.RELEASED, now):
        _add_reserved(claim.quota, -claim.quantity)


def consume(shipment_id, *, now=None):
    """Move the shipment's reservation to used (its truck crossed); a second call changes nothing. Returns the claim."""
    now = now or utcnow()
    claim = claim_of(shipment_id, lock=True)
    if claim is None or claim.state is not ClaimState.RESERVED:
        return claim
    quota = db.session.scalar(
        sa.select(TariffQuota)
        .where(TariffQuota.id == claim.quota_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    quantity = claim.quantity
    if _move_claim(claim, ClaimState.USED, now):
        db.session.execute(
            sa.update(TariffQuota)
            .where(TariffQuota.id == quota.id)
            .values(reserved=TariffQuota.reserved - quantity, used=TariffQuota.used + quantity),
            execution_options={"synchronize_session": False},
        )
        db.session.expire(quota)
    return claim


def release(shipment_id, *, now=None):
    """Give back the shipment's reservation (cancelled, returned); nothing happens without one. Returns the claim."""
    now = now or utcnow()
    claim = claim_of(shipment_id, lock=True)
    if claim is None or claim.state is not ClaimState.RESERVED:
        return claim
    db.session.scalar(
        sa.select(TariffQuota.id).where(TariffQuota.id == claim.quota_id).with_for_update()
    )  # the quota's row lock, as reserve takes it
    _release_claim(claim, now)
    return claim


# --- the admin's edit -----------------------------------------------------------------------------------------


def require_admin(user):
    """403 unless the user is an admin (401 first for anyone not signed in)."""
    require(user, "reference.read")
    if user.role is not Role.ADMIN:
        raise Forbidden(_("Only an administrator may change a tariff quota."))


def update_quota(user, code, data):
    """Change a quota's quantity, gates, source (and its unverified mark); 409 when the quantity would fall below
    what is reserved and used, 422 for a gate code that does not exist."""
    require_admin(user)
    quota = get_quota_or_404(code, lock=True)
    before = quota_snapshot(quota)
    if "gates" in data:
        gates = list(dict.fromkeys(code.strip().upper() for code in data["gates"]))
        known = set(db.session.scalars(sa.select(Gate.code).where(Gate.code.in_(gates))))
        unknown = [code for code in gates if code not in known]
        if unknown:
            raise Invalid(
                _("Some fields are invalid."),
                errors={"gates": [_("No border gate has the code %(code)s.", code=", ".join(unknown))]},
            )
        quota.gates = gates
    if "quantity" in data:
        taken = quota.reserved + quota.used
        if data["quantity"] < taken:
            message = _(
                "The quantity cannot be less than what is reserved and used: %(taken)s %(unit)s.",
                taken=taken,
                unit=quota.unit,
            )
            raise Conflict(message, errors={"quantity": [message]})
        quota.quantity = data["quantity"]
    if "source" in data:
        quota.source = data["source"].strip()
    if "unverified" in data:
        quota.unverified = data["unverified"]
        if not data["unverified"]:
            quota.unverified_fields = []
    quota.updated_by_id = user.id
    quota.updated_at = utcnow()
    db.session.flush()
    record("tariff_quota.update", actor=user, obj=quota, before=before, after=quota_snapshot(quota))
    db.session.commit()
    return quota


def quota_snapshot(quota):
    return {
        "quantity": str(quota.quantity),
        "gates": list(quota.gates or []),
        "source": quota.source,
        "unverified": quota.unverified,
    }


# --- the records shipped with the application -------------------------------------------------------------------


def load_quotas(path=DATA):
    """Insert or update the quotas of the data file by code; rows an admin has edited are left alone, and the
    reserved and used totals are never touched. Returns how many rows were added or changed (no commit)."""
    with open(path, encoding="utf-8") as handle:
        records = json.load(handle)["quotas"]
    changes = 0
    for entry in records:
        values = {
            "name_vi": entry["name"]["vi"],
            "name_km": entry["name"].get("km"),
            "name_en": entry["name"].get("en"),
            "hs_prefixes": entry["hs_prefixes"],
            "unit": entry["unit"],
            "period_from": date.fromisoformat(entry["period_from"]),
            "period_to": date.fromisoformat(entry["period_to"]),
            "quantity": Decimal(entry["quantity"]),
            "gates": entry["gates"],
            "origin_document": entry.get("origin_document"),
            "source": entry["source"],
            "unverified": bool(entry.get("unverified")),
            "unverified_fields": entry.get("unverified_fields", []),
        }
        quota = quota_by_code(entry["code"])
        if quota is None:
            db.session.add(TariffQuota(code=entry["code"], reserved=Decimal("0"), used=Decimal("0"), **values))
            changes += 1
            continue
        if quota.updated_by_id is not None:
            continue
        changed = [name for name, value in values.items() if getattr(quota, name) != value]
        if "quantity" in changed and values["quantity"] < quota.reserved + quota.used:
            changed.remove("quantity")  # never below what shipments hold
        for name in changed:
            setattr(quota, name, values[name])
        changes += bool(changed)
    db.session.flush()
    return changes
