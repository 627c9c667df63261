"""Who may attempt what: the action → roles table, and the check by role alone (shared: no domain, no database).

Any layer may ask `can(user, action)` / `require(user, action)`. A check against a record too (a gate, a province,
an organisation's shipment, a token) is `auth.permissions.can(user, action, obj)`, which starts from this table.
"""

from flask_babel import gettext as _

from .enums import Role
from .errors import Forbidden

# action -> roles allowed to attempt it (the record itself is then checked against the user's scope)
ACTIONS = {
    "reference.read": {Role.ADMIN, Role.EXPORTER, Role.GATE_OFFICER, Role.PROVINCE_OFFICER, Role.VIEWER},
    "product.read": {Role.ADMIN, Role.EXPORTER},
    "product.write": {Role.EXPORTER},
    "fleet.read": {Role.ADMIN, Role.EXPORTER},  # a trader's vehicles and drivers (admins read every register)
    "fleet.write": {Role.EXPORTER},
    "shipment.read": {Role.ADMIN, Role.EXPORTER, Role.GATE_OFFICER, Role.PROVINCE_OFFICER, Role.VIEWER},
    "shipment.write": {Role.EXPORTER},
    "shipment.move": {Role.EXPORTER, Role.ADMIN},
    "document.write": {Role.EXPORTER},
    "crossing.record": {Role.GATE_OFFICER},
    "gate.queue": {Role.GATE_OFFICER, Role.ADMIN, Role.PROVINCE_OFFICER, Role.VIEWER},
    "report.read": {Role.ADMIN, Role.PROVINCE_OFFICER, Role.VIEWER},
    "province.write": {Role.ADMIN, Role.PROVINCE_OFFICER},  # linkage groups and targets of one's own province
    "audit.read": {Role.ADMIN},
    "user.manage": {Role.ADMIN},
    "rules.read": {Role.ADMIN},
    "scheduler.read": {Role.ADMIN},
    "webhook.manage": {Role.EXPORTER},
    "notification.read": {Role.ADMIN, Role.EXPORTER, Role.GATE_OFFICER, Role.PROVINCE_OFFICER, Role.VIEWER},
    # one's own account: profile, password; API tokens (an admin may also revoke anyone's)
    "account.manage": {Role.ADMIN, Role.EXPORTER, Role.GATE_OFFICER, Role.PROVINCE_OFFICER, Role.VIEWER},
    "token.manage": {Role.ADMIN, Role.EXPORTER, Role.GATE_OFFICER, Role.PROVINCE_OFFICER, Role.VIEWER},
}


def can(user, action):
    """Tell whether an active, signed-in user's role may attempt an action (no record checked)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in ACTIONS.get(action, set())


def require(user, action):
    """Raise 403 unless the user's role may attempt the action."""
    if not can(user, action):
        raise Forbidden(_("You are not allowed to do this."))
