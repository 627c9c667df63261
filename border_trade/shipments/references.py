"""Shipment references BT-YYYY-NNNNNN, unique under concurrent creation."""

import sqlalchemy as sa

from ..extensions import db
from .models import ReferenceCounter


def next_reference(year):
    """Take the next number of a year inside the caller's transaction (the counter row stays locked until commit)."""
    bump = (
        sa.update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_value=ReferenceCounter.last_value + 1)
        .returning(ReferenceCounter.last_value)
    )
    value = db.session.execute(bump).scalar()
    if value is None:
        try:
            with db.session.begin_nested():
                db.session.add(ReferenceCounter(year=year, last_value=1))
            value = 1
        except sa.exc.IntegrityError:
            # another transaction created the year's row first: take a number from it
            value = db.session.execute(bump).scalar()
    return f"BT-{year}-{value:06d}"
