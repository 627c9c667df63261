"""Read helpers for users, organisations and API tokens, scoped to the caller."""

import sqlalchemy as sa

from ..errors import NotFound
from ..extensions import db
from ..gates.models import Gate, Province
from ..types import ascii_id
from .models import ApiToken, Organisation, OrganisationKind, Role, User
from .permissions import can, gate_ids, province_ids, require

EXPORTING_KINDS = (OrganisationKind.EXPORTER, OrganisationKind.COOPERATIVE)


def get_user_by_email(email):
    """Return the user with this e-mail address (any case), or None."""
    email = (email or "").strip().lower()
    if not email:
        return None
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email))


def managed_user_or_404(user_id, by):
    """Return a user an administrator may manage; 403 for anyone else, 404 for an unknown id."""
    require(by, "user.manage")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def list_users_query(by, *, q=None, role=None, active=None):
    """Build the query of users an administrator sees, filtered by text, role and state."""
    require(by, "user.manage")
    query = sa.select(User)
    if q:
        needle = q.strip().lower()
        query = query.where(
            sa.or_(
                sa.func.lower(User.email).contains(needle, autoescape=True),
                sa.func.lower(User.name).contains(needle, autoescape=True),
            )
        )
    if role:
        query = query.where(User.role == Role(role))
    if active is not None:
        query = query.where(User.is_active_account.is_(active))
    return query


def list_tokens_query(by, *, owner_id=None, active=None, now=None):
    """Build the query of API tokens: the caller's own, or (administrators only) another user's."""
    require(by, "token.manage")
    owner_id = by.id if owner_id is None else owner_id
    if owner_id != by.id:
        require(by, "user.manage")
    query = sa.select(ApiToken).where(ApiToken.user_id == owner_id)
    if active is not None:
        usable = sa.and_(ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
        query = query.where(usable if active else sa.not_(usable))
    return query


def visible_token_or_404(token_id, by):
    """Return a token its owner or an administrator may see; 404 for everyone else (never reveal it exists)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or not can(by, "token.manage", token):
        raise NotFound()
    return token


def get_organisation(value):
    """Return the organisation with this id or tax id, or None."""
    value = str(value or "").strip()
    if not value:
        return None
    organisation_id = ascii_id(value)  # "٣" is no id (int() would read it as 3)
    found = db.session.get(Organisation, organisation_id) if organisation_id else None
    return found or db.session.scalar(sa.select(Organisation).where(Organisation.tax_id == value))


def get_province(code):
    return db.session.scalar(sa.select(Province).where(Province.code == (code or "").strip().upper()))


def get_gates(codes):
    """Return the gates with these codes, in code order (unknown codes are left out)."""
    codes = {c.strip().upper() for c in codes or () if c and c.strip()}
    if not codes:
        return []
    return list(db.session.scalars(sa.select(Gate).where(Gate.code.in_(codes)).order_by(Gate.code)))


def exporting_organisations():
    """Return the organisations an exporter account may belong to."""
    query = sa.select(Organisation).where(Organisation.kind.in_(EXPORTING_KINDS)).order_by(Organisation.name)
    return list(db.session.scalars(query))


def vietnamese_gates():
    return list(db.session.scalars(sa.select(Gate).where(Gate.country_code == "VN").order_by(Gate.code)))


def current_provinces():
    """Return the Vietnamese provinces that exist today (officers are scoped to one of them)."""
    query = sa.select(Province).where(Province.country_code == "VN", Province.successor_id.is_(None))
    return list(db.session.scalars(query.order_by(Province.code)))


def scope_of(user):
    """Describe what a user's role covers: organisation, gates, province (with the provinces merged into it)."""
    gates = gate_ids(user)
    provinces = province_ids(user) if user.role in (Role.PROVINCE_OFFICER, Role.VIEWER) else set()
    province_codes = sorted(db.session.scalars(sa.select(Province.code).where(Province.id.in_(provinces))))
    gate_codes = sorted(db.session.scalars(sa.select(Gate.code).where(Gate.id.in_(gates)))) if gates else []
    organisation = user.organisation if user.role is Role.EXPORTER else None
    return {
        "all": user.role is Role.ADMIN,
        "organisation": {"id": organisation.id, "name": organisation.name} if organisation else None,
        "province": user.province.code if user.province is not None and provinces else None,
        "provinces": province_codes,
        "gates": gate_codes,
    }
