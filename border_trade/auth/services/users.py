"""User administration: accounts with their role and scope, deactivation, password resets.

`by` is the administrator acting; `by=None` means the operator at the command line (`flask users ...`).
"""

import email_validator
from flask_babel import gettext as _

from ...audit.services import record
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...i18n import LANGUAGES
from .. import queries, throttle
from ..models import Role, User
from ..passwords import hash_password
from ..permissions import require
from .account import validate_password
from .credentials import end_sessions, revoke_api_tokens

OPERATOR = "cli"  # actor shown in the audit trail for command-line changes


def reset_password(user_id, password, *, by=None, keep_session=None):
    """Give a user a new password (administrators, operators); the user's sessions end and API tokens are revoked.

    `keep_session` spares the acting administrator's own session when they reset their own password.
    """
    user = _managed(user_id, by)
    validate_password(password, user.email, field="password")
    user.password_hash = hash_password(password)
    _record_change("user.password_reset", by, user)
    end_sessions(user, keep=keep_session if by is not None and by.id == user.id else None)
    _revoke_tokens(user, by, reason="password_reset")
    throttle.clear(user.email)  # the owner may sign in at once, wherever they failed before
    db.session.commit()
    return user


def create_user(*, email, name, role, password, organisation=None, gates=(), province=None, locale="vi", by=None):
    """Create an account with its role and scope (organisation, gates or province, as the role needs).

    `organisation` is an id or tax id, `gates` gate codes, `province` a province code.
    :raises Invalid: naming each wrong field; an e-mail already in use is one.
    """
    if by is not None:
        require(by, "user.manage")
    errors = {}
    email = _clean_email(email, errors)
    if email and queries.get_user_by_email(email) is not None:
        errors["email"] = [_("An account with this e-mail address exists already.")]
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    role = _clean_role(role, errors)
    if locale not in LANGUAGES:
        errors["locale"] = [_("Must be one of: %(choices)s.", choices=", ".join(LANGUAGES))]
    try:
        validate_password(password, email, field="password")
    except Invalid as error:
        errors.update(error.errors)
    user = User(email=email or "", name=name, role=role or Role.VIEWER, locale=locale)
    if role is not None:
        _apply_scope(user, role, organisation, gates, province, errors)
    if errors:
        raise Invalid(errors=errors)
    user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    _record_change("user.create", by, user, after=snapshot(user))
    db.session.commit()
    return user


def update_user(user_id, *, by=None, **changes):
    """Change a user's name, e-mail, role or scope (keys: name, email, role, organisation, gates, province).

    A role change is recorded as `user.role_change` with the role and scope before and after.
    :raises Conflict: when administrators try to take away their own administrator role.
    """
    user = _managed(user_id, by)
    if by is not None and user.id == by.id and changes.get("role", user.role) != Role.ADMIN:
        raise Conflict(_("You cannot take away your own administrator role."))
    before = snapshot(user)
    errors = {}
    if "name" in changes:
        user.name = (changes["name"] or "").strip()
        if not user.name:
            errors["name"] = [_("This field is required.")]
    if "email" in changes:
        email = _clean_email(changes["email"], errors)
        other = queries.get_user_by_email(email) if email else None
        if other is not None and other.id != user.id:
            errors["email"] = [_("An account with this e-mail address exists already.")]
        elif email:
            user.email = email
    role = _clean_role(changes.get("role", user.role), errors)
    if role is not None:
        user.role = role
        _apply_scope(
            user,
            role,
            changes.get("organisation", user.organisation_id),
            changes.get("gates", [g.code for g in user.gates]),
            changes.get("province", user.province.code if user.province else None),
            errors,
        )
    if errors:
        db.session.rollback()
        raise Invalid(errors=errors)
    after = snapshot(user)
    changed = [key for key in after if after[key] != before[key]]
    if not changed:
        return user
    action = "user.role_change" if "role" in changed else "user.update"
    _record_change(action, by, user, before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    db.session.commit()
    return user


def deactivate_user(user_id, *, by=None):
    """Stop an account: its sessions end and its API tokens are revoked.

    :raises Conflict: when administrators try to deactivate themselves.
    """
    user = _managed(user_id, by)
    if by is not None and user.id == by.id:
        raise Conflict(_("You cannot deactivate your own account."))
    if not user.is_active_account:
        return user
    user.is_active_account = False
    _record_change("user.deactivate", by, user, before={"is_active": True}, after={"is_active": False})
    end_sessions(user)
    _revoke_tokens(user, by, reason="deactivated")
    db.session.commit()
    return user


def activate_user(user_id, *, by=None):
    """Let a deactivated account sign in again."""
    user = _managed(user_id, by)
    if user.is_active_account:
        return user
    user.is_active_account = True
    _record_change("user.activate", by, user, before={"is_active": False}, after={"is_active": True})
    db.session.commit()
    return user


def snapshot(user):
    """Return the audited facts about a user: identity, role, scope and state (never the password)."""
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role.value if user.role else None,
        "organisation_id": user.organisation.id if user.organisation is not None else None,
        "province": user.province.code if user.province else None,
        "gates": [g.code for g in user.gates],
        "is_active": bool(user.is_active_account),
    }


def _managed(user_id, by):
    if by is None:
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound()
        return user
    return queries.managed_user_or_404(user_id, by)


def _revoke_tokens(user, by, *, reason):
    return revoke_api_tokens(user, reason=reason, actor=by, actor_email=OPERATOR if by is None else None)


def _record_change(action, by, user, *, before=None, after=None):
    if by is None:
        return record(action, actor_email=OPERATOR, obj=user, before=before, after=after)
    return record(action, actor=by, obj=user, before=before, after=after)


def _clean_email(value, errors):
    value = (value or "").strip()
    try:
        return email_validator.validate_email(value, check_deliverability=False, test_environment=True).normalized
    except email_validator.EmailNotValidError:
        errors["email"] = [_("Not a valid e-mail address.")]
        return None


def _clean_role(value, errors):
    try:
        return Role(value)
    except ValueError:
        errors["role"] = [_("Must be one of: %(choices)s.", choices=", ".join(Role.values()))]
        return None


def _apply_scope(user, role, organisation, gates, province, errors):
    """Give the user exactly the scope the role needs and clear the rest."""
    user.organisation, user.gates, user.province = None, [], None
    if role is Role.EXPORTER:
        found = queries.get_organisation(organisation)
        if found is None or found.kind not in queries.EXPORTING_KINDS:
            errors["organisation"] = [_("Choose the exporter's organisation.")]
        user.organisation = found
    elif role is Role.GATE_OFFICER:
        codes = [c.strip().upper() for c in gates or () if c and c.strip()]
        found = queries.get_gates(codes)
        unknown = sorted(set(codes) - {g.code for g in found})
        if unknown:
            errors["gates"] = [_("Unknown gate: %(codes)s.", codes=", ".join(unknown))]
        elif not found:
            errors["gates"] = [_("Choose at least one gate.")]
        user.gates = found
    elif role in (Role.PROVINCE_OFFICER, Role.VIEWER):
        found = queries.get_province(province) if province else None
        if found is None or found.country_code != "VN":
            errors["province"] = [_("Choose a Vietnamese province.")]
        elif found.successor_id is not None:
            errors["province"] = [
                _("%(old)s was merged into %(new)s; choose %(new)s.", old=found.code, new=found.current().code)
            ]
        else:
            user.province = found
