"""The one seed factory (border_trade/seed/world.py): a submitted shipment with its papers, built the same way for
the demo, the benchmark seed, the crossing benchmark and the reliability harness."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from bench._crossing_world import seed_crossing_world
from border_trade import create_app
from border_trade.auth.models import Role
from border_trade.documents.models import Document, DocumentType
from border_trade.equeue.models import Booking
from border_trade.extensions import db
from border_trade.seed import world
from border_trade.seed.bench import seed_bench
from border_trade.seed.demo import load_demo
from border_trade.seed.reference import load_reference
from border_trade.shipments.models import Shipment, ShipmentItem, ShipmentStatus
from border_trade.shipments.references import next_reference
from border_trade.shipments.services import shipment_requirements
from border_trade.shipments.services.moves import unmet_preconditions
from config import TestingConfig
from tests.factories import get_gate, make_product, make_user
from tests.reliability import harness

S = ShipmentStatus
NOW = datetime(2026, 5, 10, 3, 0, tzinfo=UTC)
ON = date(2026, 5, 12)


@pytest.fixture
def exporter_and_product():
    exporter = make_user(Role.EXPORTER)
    return exporter, make_product(exporter.organisation)


def _papers(shipment):
    return {d.type for d in db.session.scalars(sa.select(Document).where(Document.shipment_id == shipment.id))}


def test_a_submitted_shipment_from_the_factory_meets_every_submit_precondition(app, exporter_and_product):
    exporter, melon = exporter_and_product
    honey = make_product(
        exporter.organisation, name_vi="Mật ong", hs_code="04090000", unit="PCE", net_weight_per_unit_kg=Decimal("0.5")
    )
    world.load_rates(ON)
    lines = [
        world.goods_line(melon, Decimal(400), Decimal("1.20")),
        world.goods_line(honey, Decimal(50), Decimal(4), position=2),
    ]
    shipment = world.new_shipment(
        organisation=exporter.organisation, exporter=exporter, gate=get_gate("MOC-BAI"), on=ON, lines=lines
    )
    db.session.commit()
    with app.test_request_context():
        # a draft has no papers: the move to submitted is refused, one problem per missing document
        problems = unmet_preconditions(shipment, S.SUBMITTED, NOW)
        assert {"documents.customs_declaration", "documents.veterinary_certificate"} <= set(problems)

        papers = world.submit(shipment, actor=exporter, ready_at=NOW - timedelta(hours=2), submitted_at=NOW)
        db.session.commit()
        assert unmet_preconditions(shipment, S.SUBMITTED, NOW) == {}
        requirements = shipment_requirements(None, None, shipment=shipment)
    assert requirements.complete and requirements.unmet() == []
    # the papers follow the rules: melons (chapter 08) need a phytosanitary certificate, honey (04) a veterinary one
    assert (
        _papers(shipment)
        == {p.type for p in papers}
        == {
            DocumentType.CUSTOMS_DECLARATION,
            DocumentType.COMMERCIAL_INVOICE,
            DocumentType.PACKING_LIST,
            DocumentType.SALES_CONTRACT,
            DocumentType.CO_FORM_D,
            DocumentType.PHYTOSANITARY_CERTIFICATE,
            DocumentType.VETERINARY_CERTIFICATE,
            DocumentType.VEHICLE_PERMIT,
        }
    )
    assert shipment.status is S.SUBMITTED
    assert [(e.from_status, e.to_status) for e in shipment.events] == [(S.DRAFT, S.READY), (S.READY, S.SUBMITTED)]
    assert shipment.value_vnd is not None and shipment.net_weight_kg == Decimal("425.000")


def test_without_a_vehicle_or_preference_fewer_papers_are_needed(app, exporter_and_product):
    exporter, melon = exporter_and_product
    world.load_rates(ON)
    shipment = world.new_shipment(
        organisation=exporter.organisation,
        exporter=exporter,
        gate=get_gate("MOC-BAI"),
        on=ON,
        lines=[world.goods_line(melon, Decimal(400), Decimal("1.20"))],
        preferential_tariff=False,
        transhipment=True,
    )
    world.submit(shipment, actor=exporter, ready_at=NOW, submitted_at=NOW)
    db.session.commit()
    assert DocumentType.CO_FORM_D not in _papers(shipment)
    assert DocumentType.VEHICLE_PERMIT not in _papers(shipment)
    with app.test_request_context():
        assert shipment_requirements(None, None, shipment=shipment).complete


def test_submitted_shipments_in_bulk_are_whole_copies_with_their_own_numbers(app, exporter_and_product):
    exporter, melon = exporter_and_product
    references = world.submitted_shipments(5, exporter=exporter, product=melon, gate=get_gate("XA-MAT"), on=ON, at=NOW)
    assert references == [f"BT-2026-{n:06d}" for n in range(1, 6)]
    assert next_reference(2026) == "BT-2026-000006"  # the counter moved past the copies
    shipments = db.session.scalars(sa.select(Shipment).order_by(Shipment.id)).all()
    assert [s.reference for s in shipments] == references
    assert len({s.vehicle_plate for s in shipments}) == 5
    first = shipments[0]
    with app.test_request_context():
        for shipment in shipments:
            assert shipment.status is S.SUBMITTED and shipment.gate.code == "XA-MAT"
            assert [i.hs_code for i in shipment.items] == ["08071900"]
            assert [e.event for e in shipment.events] == ["ready", "submitted"]
            assert _papers(shipment) == _papers(first) and DocumentType.PHYTOSANITARY_CERTIFICATE in _papers(first)
            assert shipment.value_vnd == first.value_vnd is not None
            assert shipment_requirements(None, None, shipment=shipment).complete, shipment.reference
    assert db.session.scalar(sa.select(sa.func.count(ShipmentItem.id))) == 5


def _spy(monkeypatch, name):
    calls = []
    real = getattr(world, name)

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(world, name, spy)
    return calls


def test_the_demo_seed_submits_through_the_factory(app, monkeypatch):
    calls = _spy(monkeypatch, "submit")
    load_demo()
    submitted = db.session.scalars(
        sa.select(Shipment).where(Shipment.status.not_in([S.DRAFT, S.READY, S.CANCELLED]))
    ).all()
    assert len(calls) == len(submitted) > 20
    with app.test_request_context():
        for shipment in submitted:
            assert shipment_requirements(None, None, shipment=shipment).complete, shipment.reference


def test_the_bench_seed_builds_its_goods_lines_with_the_factory(monkeypatch):
    calls = _spy(monkeypatch, "line_values")
    imported = _spy(monkeypatch, "import_line_values")  # the goods lines of the trucks from Cambodia
    summary = seed_bench(30, today=date(2026, 5, 9))
    assert calls and imported
    assert len(calls) + len(imported) == summary.items == db.session.scalar(sa.select(sa.func.count(ShipmentItem.id)))


def test_the_crossing_benchmark_seeds_through_the_factory(app, monkeypatch):
    calls = _spy(monkeypatch, "submitted_shipments")
    token, references, booked = seed_crossing_world(4)
    assert len(calls) == 1 and len(references) == 4 and token and booked == []
    with app.test_request_context():
        for shipment in db.session.scalars(sa.select(Shipment)):
            assert shipment.status is S.SUBMITTED and shipment.gate.code == "MOC-BAI"
            assert shipment_requirements(None, None, shipment=shipment).complete


def test_the_reliability_harness_seeds_through_the_factory(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'harness.sqlite'}"

    class FileConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    other = create_app(FileConfig)
    with other.app_context():
        db.create_all()
        load_reference()
        db.session.remove()
    calls = _spy(monkeypatch, "submitted_shipments")
    seeded = harness.seed_world(url, shipments=3)
    assert len(calls) == 1 and len(seeded["shipments"]) == 3
    with other.app_context(), other.test_request_context():
        shipments = db.session.scalars(sa.select(Shipment)).all()
        assert sorted(s.reference for s in shipments) == sorted(seeded["shipments"])
        for shipment in shipments:
            assert shipment.status is S.SUBMITTED and shipment.organisation_id is not None
            assert shipment_requirements(None, None, shipment=shipment).complete
        db.session.remove()
        db.engine.dispose()


def test_the_crossing_benchmark_seeds_booked_trucks_too(app):
    _token, references, booked = seed_crossing_world(4, booked=2)
    assert len(references) == 4 and len(booked) == 2
    booked_references = {entry.split("|")[0] for entry in booked}
    assert len(booked_references) == 2 and not booked_references & set(references)  # two more, each with a plate
    assert all(entry.split("|")[1] for entry in booked)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 2
