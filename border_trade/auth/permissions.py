"""The one place that decides what a user may see and do (the role table itself is `border_trade.permissions`).

Every view and API endpoint reads records through the `visible_*` queries (a record outside them
answers 404) and checks actions with `can()` / `require()` (a forbidden action answers 403).
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import Forbidden
from ..gates.models import Gate, Province
from ..permissions import can as role_may
from .models import ApiToken, Role


def province_ids(user):
    """Return the ids of the user's province and of every former province merged into it (TAY-NINH ⊃ LONG-AN)."""
    if user.province_id is None:
        return set()
    from ..extensions import db

    ids = {user.province_id}
    frontier = {user.province_id}
    while frontier:
        merged = set(db.session.scalars(sa.select(Province.id).where(Province.successor_id.in_(frontier))))
        frontier = merged - ids
        ids |= merged
    return ids


def gate_ids(user):
    """Return the ids of the gates a user works at or oversees (None means every gate)."""
    if user.role is Role.ADMIN:
        return None
    if user.role is Role.GATE_OFFICER:
        return {g.id for g in user.gates}
    if user.role in (Role.PROVINCE_OFFICER, Role.VIEWER):
        from ..extensions import db

        provinces = province_ids(user)
        return set(
            db.session.scalars(
                sa.select(Gate.id).where(
                    sa.or_(Gate.province_id.in_(provinces), Gate.former_province_id.in_(provinces))
                )
            )
        )
    return set()


def can(user, action, obj=None):
    """Tell whether a user may perform an action (on an object, when given)."""
    if not role_may(user, action):
        return False
    if obj is None:
        return True
    if isinstance(obj, Gate):
        allowed = gate_ids(user)
        return allowed is None or obj.id in allowed
    if isinstance(obj, Province):
        return user.role is Role.ADMIN or obj.id in province_ids(user)
    if isinstance(obj, ApiToken):
        return user.role is Role.ADMIN or obj.user_id == user.id
    organisation_id = getattr(obj, "organisation_id", None)
    if organisation_id is not None and user.role is Role.EXPORTER:
        return organisation_id == user.organisation_id
    return True


def require(user, action, obj=None):
    """Raise 403 unless the user may perform the action."""
    if not can(user, action, obj):
        raise Forbidden(_("You are not allowed to do this."))
