"""The checks a booking asks of a vehicle, the rules data they read, and matching free text to the register."""

import csv
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.errors import Invalid
from border_trade.extensions import db
from border_trade.fleet import rules, services
from border_trade.fleet.models import Driver, PermitKind, PlateCountry, Vehicle
from border_trade.fleet.rules import gate_allowed_for_vehicle, permit_valid_on, registration_valid_on
from tests.factories import make_organisation, make_user

TODAY = date(2026, 12, 3)


def vehicle(**overrides):
    values = dict(
        organisation_id=1,
        plate="70H-123.45",
        country=PlateCountry.VN,
        registration_expires_on=TODAY + timedelta(days=200),
        permit_number="VN-KH 0001/2026",
        permit_issued_by="Sở Xây dựng Tây Ninh",
        permit_kind=PermitKind.COMMERCIAL,
        permit_valid_from=TODAY - timedelta(days=30),
        permit_valid_to=TODAY + timedelta(days=300),
    )
    values.update(overrides)
    return Vehicle(**values)


def test_permit_that_expired_yesterday_is_refused_and_today_is_its_last_day():
    assert not permit_valid_on(vehicle(permit_valid_to=TODAY - timedelta(days=1)), TODAY)
    assert permit_valid_on(vehicle(permit_valid_to=TODAY), TODAY)
    assert not permit_valid_on(vehicle(permit_valid_from=TODAY + timedelta(days=1)), TODAY)
    assert not permit_valid_on(vehicle(permit_number=None), TODAY)
    assert not permit_valid_on(None, TODAY)


def test_a_permit_is_never_used_past_what_the_decree_allows():
    # a commercial permit lasts one year (Decree 119/2021), whatever end date was typed
    long = vehicle(permit_valid_from=date(2026, 1, 1), permit_valid_to=date(2028, 1, 1))
    assert permit_valid_on(long, date(2026, 12, 31))
    assert not permit_valid_on(long, date(2027, 1, 1))
    # a non-commercial permit lasts 30 days
    once = vehicle(permit_kind=PermitKind.NON_COMMERCIAL, permit_valid_from=TODAY, permit_valid_to=None)
    assert permit_valid_on(once, TODAY + timedelta(days=29))
    assert not permit_valid_on(once, TODAY + timedelta(days=30))
    assert rules.max_days_per_trip("commercial") == 30


def test_registration_checks_its_expiry_day():
    assert registration_valid_on(vehicle(registration_expires_on=TODAY), TODAY)
    assert not registration_valid_on(vehicle(registration_expires_on=TODAY - timedelta(days=1)), TODAY)
    assert registration_valid_on(vehicle(registration_expires_on=None), TODAY)


@pytest.mark.parametrize("gate", ["MOC-BAI", "XA-MAT", "TINH-BIEN", "HA-TIEN", "HOA-LU", "LE-THANH", "BU-PRANG"])
def test_the_agreements_gate_pairs_are_allowed(gate):
    assert gate_allowed_for_vehicle(vehicle(), gate)
    assert gate_allowed_for_vehicle(vehicle(), gate.lower())


@pytest.mark.parametrize("gate", ["VINH-XUONG", "TAN-NAM", "KA-TUM", "PHUOC-TAN", "NOWHERE", "", None])
def test_gates_outside_the_agreement_are_refused(gate):
    assert not gate_allowed_for_vehicle(vehicle(), gate)


def test_rules_data_names_a_source_for_every_fact_and_gates_that_exist():
    data = rules.rules()
    with open(rules.RULES_PATH.parent / "gates.csv", encoding="utf-8") as handle:
        known = {row["code"] for row in csv.DictReader(handle)}
    pairs = data["gate_pairs"]["items"]
    assert len(pairs) == 9 and {p["gate"] for p in pairs} <= known
    assert all(p["source"] and isinstance(p["unverified"], bool) for p in pairs)
    assert {p["gate"] for p in pairs if p["unverified"]} == {"BINH-HIEP", "DINH-BA"}
    assert data["permit"]["source"] and data["permit"]["kinds"]["commercial"]["valid_days"] == 365
    classes = rules.licence_classes()
    assert {"A1", "B", "C1", "CE", "D2E", "DE", "B2", "FC", "FE"} <= set(classes)
    assert len(classes) == len(set(classes))
    assert all(source for _group, _classes, source, _unverified in rules.licence_class_sources())


def test_vehicle_problems_say_each_reason_and_spare_transhipped_goods(app):
    bad = vehicle(permit_valid_to=TODAY - timedelta(days=1), registration_expires_on=TODAY - timedelta(days=2))
    problems = services.vehicle_problems(bad, gate_code="VINH-XUONG", day=TODAY)
    assert set(problems) == {"vehicle.registration_expires_on", "vehicle.permit", "gate"}
    assert "VINH-XUONG" in problems["gate"][0]
    transhipped = services.vehicle_problems(bad, gate_code="VINH-XUONG", day=TODAY, transhipped=True)
    assert set(transhipped) == {"vehicle.registration_expires_on"}
    assert services.vehicle_problems(vehicle(), gate_code="MOC-BAI", day=TODAY) == {}


def test_find_or_register_matches_any_spelling_and_adds_new_plates(app):
    organisation = make_organisation()
    other = make_organisation()
    first = services.find_or_register(organisation.id, "70h 12345", kind="tractor")
    db.session.commit()
    assert (first.plate, first.country, first.kind.value) == ("70H-123.45", PlateCountry.VN, "tractor")
    assert services.find_or_register(organisation.id, "70H.123.45").id == first.id
    assert services.find_or_register(other.id, "70H-123.45").id != first.id
    khmer = services.find_or_register(organisation.id, "២A-១២៣៤")
    assert (khmer.plate, khmer.country) == ("2A-1234", PlateCountry.KH)
    assert services.find_or_register(organisation.id, "not a plate") is None
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vehicle)) == 3
    with pytest.raises(Invalid) as refused:
        services.canonical_or_invalid("not a plate", field="vehicle.plate")
    assert "vehicle.plate" in refused.value.errors


def test_find_or_register_driver_matches_the_id_number(app):
    organisation = make_organisation()
    driver = services.find_or_register_driver(organisation.id, "Nguyễn Văn Tâm", "072088001234", phone="0912345678")
    db.session.commit()
    assert services.find_or_register_driver(organisation.id, "N. V. Tâm", "072088001234").id == driver.id
    by_name = services.find_or_register_driver(organisation.id, "Lê Văn Tư")
    assert services.find_or_register_driver(organisation.id, "Lê Văn Tư").id == by_name.id
    assert services.find_or_register_driver(organisation.id, "  ") is None
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Driver)) == 2


def test_edits_are_audited_and_change_only_what_was_asked(app):
    from border_trade.audit.models import AuditEntry

    user = make_user(Role.EXPORTER)
    created = services.create_vehicle(user, {"plate": "2A-1234", "kind": "trailer"})
    services.update_vehicle(user, created.id, {"registration_expires_on": TODAY})
    assert (created.plate, created.kind.value, created.registration_expires_on) == ("2A-1234", "trailer", TODAY)
    with pytest.raises(Invalid) as refused:
        services.update_vehicle(user, created.id, {"country": "VN"})
    assert "country" in refused.value.errors
    db.session.rollback()
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["vehicle.create", "vehicle.update"]


@pytest.mark.postgres
def test_concurrent_find_or_register_of_one_plate_makes_one_vehicle(app):
    import os
    import threading

    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("race tests run on PostgreSQL")
    organisation_id = make_organisation().id
    db.session.commit()
    spellings = ["70H-123.45", "70h12345", "70H 123 45", "70H.123.45"] * 2
    barrier = threading.Barrier(len(spellings))
    ids, failures = [], []

    def worker(plate):
        with app.app_context():
            try:
                barrier.wait()
                found = services.find_or_register(organisation_id, plate)
                db.session.commit()  # the caller's transaction (a shipment) commits it
                ids.append(found.id)
            except Exception as error:
                failures.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(plate,)) for plate in spellings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == [] and len(ids) == len(spellings) and len(set(ids)) == 1, (failures, ids)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vehicle)) == 1
