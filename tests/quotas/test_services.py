"""Reserve at submitted, use at crossed (once), release at cancelled or returned: through the real moves."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from border_trade.enums import Direction
from border_trade.errors import Conflict
from border_trade.extensions import db
from border_trade.quotas import services as quotas
from border_trade.quotas.models import ClaimState, QuotaClaim, TariffQuota
from border_trade.shipments.models import ShipmentStatus
from border_trade.shipments.services import move_shipment
from tests.factories import get_gate

from .conftest import CODE, PADDY, make_quota, ready_rice

S = ShipmentStatus


def totals(code=CODE):
    db.session.expire_all()
    quota = db.session.scalar(sa.select(TariffQuota).where(TariffQuota.code == code))
    return quota.reserved, quota.used, quota.remaining


def claim(shipment):
    db.session.expire_all()
    return db.session.scalar(sa.select(QuotaClaim).where(QuotaClaim.shipment_id == shipment.id))


def test_submitting_reserves_and_cancelling_releases(quota, trader):
    shipment = ready_rice(trader, tonnes="20")
    move_shipment(trader, shipment.id, to="submitted")
    assert totals() == (Decimal("20.000"), Decimal("0.000"), Decimal("80.000"))
    assert claim(shipment).state is ClaimState.RESERVED and claim(shipment).gate_code == "MOC-BAI"
    move_shipment(trader, shipment.id, to="cancelled")
    assert totals() == (Decimal("0.000"), Decimal("0.000"), Decimal("100.000"))
    assert claim(shipment).state is ClaimState.RELEASED


def test_a_gate_not_on_the_quota_is_refused_at_submitted(trader):
    make_quota(gates=["XA-MAT"])
    shipment = ready_rice(trader, gate="MOC-BAI")
    with pytest.raises(Conflict) as refused:
        move_shipment(trader, shipment.id, to="submitted")
    assert "MOC-BAI" in refused.value.errors["under_quota"][0] and "entry_gate" in refused.value.errors
    db.session.rollback()
    assert totals() == (Decimal("0.000"), Decimal("0.000"), Decimal("100.000"))
    assert db.session.get(type(shipment), shipment.id).status is S.READY


def test_more_than_remains_is_refused_and_nothing_is_reserved(trader):
    make_quota(quantity="30")
    first, second = ready_rice(trader, tonnes="20"), ready_rice(trader, tonnes="20")
    move_shipment(trader, first.id, to="submitted")
    with pytest.raises(Conflict) as refused:
        move_shipment(trader, second.id, to="submitted")
    message = refused.value.errors["under_quota"][0]
    assert "20.000" in message and "10.000" in message
    db.session.rollback()
    assert totals() == (Decimal("20.000"), Decimal("0.000"), Decimal("10.000"))
    assert claim(second) is None


def test_paddy_reserves_half_its_weight(quota, trader):
    shipment = ready_rice(trader, tonnes="30", hs_code=PADDY)
    move_shipment(trader, shipment.id, to="submitted")
    assert totals()[0] == Decimal("15.000") and claim(shipment).quantity == Decimal("15.000")


def test_an_export_or_a_shipment_without_quota_goods_is_refused(quota, trader):
    with pytest.raises(Conflict) as export:
        quotas.reserve(CODE, shipment_id=1, gate_code="MOC-BAI", direction=Direction.EXPORT, lines=[], on=date.today())
    assert export.value.errors["under_quota"]
    with pytest.raises(Conflict) as mango:
        quotas.reserve(
            CODE,
            shipment_id=1,
            gate_code="MOC-BAI",
            direction=Direction.IMPORT,
            lines=[("08045021", Decimal("5000"))],
            on=date.today(),
        )
    assert set(mango.value.errors) == {"under_quota", "items"}


def test_outside_the_period_is_refused(trader):
    make_quota(period_from=date(2020, 1, 1), period_to=date(2020, 12, 31))
    shipment = ready_rice(trader)
    with pytest.raises(Conflict) as refused:
        move_shipment(trader, shipment.id, to="submitted")
    assert "2020-12-31" in refused.value.errors["under_quota"][0]


def test_crossing_uses_the_reservation_once_and_a_return_releases(quota, trader):
    crossed, returned = ready_rice(trader, tonnes="20"), ready_rice(trader, tonnes="5")
    for shipment in (crossed, returned):
        move_shipment(trader, shipment.id, to="submitted")
    quotas.consume(crossed.id)
    quotas.consume(crossed.id)  # a replay changes nothing
    quotas.release(crossed.id)  # nor does a release after the truck crossed
    quotas.release(returned.id)
    db.session.commit()
    assert totals() == (Decimal("0.000"), Decimal("20.000"), Decimal("80.000"))
    assert claim(crossed).state is ClaimState.USED and claim(returned).state is ClaimState.RELEASED


def test_submitted_again_after_a_revert_keeps_one_reservation(quota, trader):
    shipment = ready_rice(trader, tonnes="20")
    move_shipment(trader, shipment.id, to="submitted")
    shipment = db.session.get(type(shipment), shipment.id)
    shipment.status = S.READY  # what the scheduler does when a paper expires
    db.session.commit()
    move_shipment(trader, shipment.id, to="submitted")
    assert totals()[0] == Decimal("20.000")


def test_the_database_refuses_more_than_the_quantity(quota):
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(TariffQuota).values(reserved=Decimal("60"), used=Decimal("50")))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(TariffQuota).values(reserved=Decimal("-1")))
        db.session.flush()


def test_the_seed_loads_the_decree_quota_marked_unverified_and_keeps_admin_edits(app, trader):
    from border_trade.auth.models import Role
    from tests.factories import make_user

    db.session.execute(sa.delete(TariffQuota))  # the session's reference load may have left it
    assert quotas.load_quotas() == 1
    db.session.commit()
    rice = db.session.scalar(sa.select(TariffQuota).where(TariffQuota.code == "KH-RICE-2026"))
    assert rice.quantity == Decimal("300000.000") and rice.unit == "TNE" and rice.origin_document == "co_form_s"
    assert rice.unverified and "gates" in rice.unverified_fields and rice.gates == []
    assert {entry["prefix"]: entry["factor"] for entry in rice.hs_prefixes} == {"1006": "1", "100610": "0.5"}
    assert "56/2026" in rice.source and "Unverified" in rice.source
    assert quotas.load_quotas() == 0  # idempotent
    admin = make_user(Role.ADMIN)
    quotas.update_quota(admin, "KH-RICE-2026", {"gates": ["MOC-BAI"], "quantity": Decimal("250000")})
    assert quotas.load_quotas() == 0
    db.session.expire_all()
    assert rice.gates == ["MOC-BAI"] and rice.quantity == Decimal("250000.000")
    assert get_gate("MOC-BAI") is not None
