"""rows.loaded: a Core row made the session's persistent object, as an ORM query would load it (crossings/locking)."""

import sqlalchemy as sa
from sqlalchemy import inspect

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.rows import loaded
from border_trade.shipments.models import Shipment, ShipmentStatus
from tests.factories import get_gate, make_shipment, make_user


def _stored(reference):
    return db.session.execute(
        sa.select(Shipment.__table__.c.id, Shipment.__table__.c.status).where(
            Shipment.__table__.c.reference == reference
        )
    ).one()


def test_a_row_becomes_a_clean_persistent_object_whose_other_columns_load_when_read(app):
    shipment = make_shipment(make_user(Role.EXPORTER).organisation, gate=get_gate("MOC-BAI"))
    reference, organisation_id = shipment.reference, shipment.organisation_id
    db.session.commit()
    db.session.expunge_all()
    row = _stored(reference)
    instance = loaded(Shipment, {"id": row.id, "status": row.status})
    state = inspect(instance)
    assert state.persistent and not db.session.dirty
    assert instance is db.session.get(Shipment, row.id)  # in the identity map: the same object everywhere
    assert instance.status is ShipmentStatus.DRAFT
    assert "organisation_id" not in state.dict and instance.organisation_id == organisation_id  # loaded when read
    instance.status = ShipmentStatus.SUBMITTED  # and written by the unit of work like any other
    db.session.commit()
    assert _stored(reference).status is ShipmentStatus.SUBMITTED


def test_an_object_already_in_the_session_gets_the_values_read(app):
    shipment = make_shipment(make_user(Role.EXPORTER).organisation, gate=get_gate("MOC-BAI"))
    db.session.commit()
    assert shipment.status is ShipmentStatus.DRAFT  # loaded in the session
    db.session.execute(
        sa.update(Shipment.__table__).where(Shipment.__table__.c.id == shipment.id).values(status="submitted")
    )
    row = _stored(shipment.reference)
    again = loaded(Shipment, {"id": row.id, "status": row.status})
    assert again is shipment and shipment.status is ShipmentStatus.SUBMITTED
    assert not db.session.dirty
