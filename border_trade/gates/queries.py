"""Read helpers for gates and provinces (reference data every signed-in user may read)."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..errors import NotFound
from ..extensions import db
from .models import Gate, Province


def list_gates_query(*, province=None, type=None, status=None):
    """Build the query of Vietnamese gates, filtered; `province` matches the current or former province."""
    query = sa.select(Gate)
    if province:
        codes = {province.upper()}
        matching = sa.select(Province.id).where(Province.code.in_(codes))
        query = query.where(sa.or_(Gate.province_id.in_(matching), Gate.former_province_id.in_(matching)))
    if type:
        query = query.where(Gate.type == type)
    if status:
        query = query.where(Gate.status == status)
    return query


def list_gates_in_order():
    """Return every gate for the list page: by province, international gates first, then by code."""
    related = (selectinload(Gate.province), selectinload(Gate.former_province), selectinload(Gate.counterpart))
    gates = db.session.scalars(list_gates_query().options(*related)).all()
    return sorted(gates, key=lambda g: (g.province.code, g.type.value != "international", g.code))


def get_gate_or_404(code):
    """Return the gate with this code or raise 404."""
    gate = db.session.scalar(sa.select(Gate).where(Gate.code == code.upper()))
    if gate is None:
        raise NotFound()
    return gate


def list_provinces_query(*, country=None):
    """Build the query of provinces, old and current."""
    query = sa.select(Province)
    if country:
        query = query.where(Province.country_code == country)
    return query
