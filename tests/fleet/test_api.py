"""Vehicles and drivers through the API: a trader's own register, one record per plate, denials for the others."""

import os
import threading

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.fleet.models import Vehicle
from tests.factories import make_user

VEHICLE = {
    "plate": "70h 123 45",
    "kind": "tractor",
    "registration_expires_on": "2027-06-30",
    "permit": {
        "number": "VN-KH 0123/2026",
        "issued_by": "Sở Xây dựng Tây Ninh",
        "kind": "commercial",
        "valid_from": "2026-01-15",
        "valid_to": "2027-01-14",
    },
}
DRIVER = {
    "name": "Nguyễn Văn Tài",
    "id_no": "072088001234",
    "phone": "+84 912 345 678",
    "licence_class": "CE",
    "licence_expires_on": "2030-05-01",
}


@pytest.fixture
def exporter():
    return make_user(Role.EXPORTER)


@pytest.fixture
def auth(token_for, exporter):
    return token_for(exporter)


def test_vehicle_is_stored_with_its_canonical_plate_and_permit(client, auth):
    created = client.post("/api/v1/vehicles", json=VEHICLE, headers=auth)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["plate"] == "70H-123.45" and body["country"] == "VN" and body["kind"] == "tractor"
    assert body["permit"] == VEHICLE["permit"]
    path = f"/api/v1/vehicles/{body['id']}"
    assert client.get(path, headers=auth).json == body
    changed = client.patch(path, json={"kind": "reefer"}, headers=auth | {"If-Match": created.headers["ETag"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["kind"] == "reefer" and changed.json["permit"] == VEHICLE["permit"]  # only what was asked
    stale = client.patch(path, json={"kind": "rigid"}, headers=auth | {"If-Match": created.headers["ETag"]})
    assert stale.status_code == 412
    half = client.patch(path, json={"permit": {"number": "X-1"}}, headers=auth)
    assert half.status_code == 422 and {"permit.kind", "permit.valid_from"} <= set(half.json["errors"]), half.json
    renewed = {**VEHICLE["permit"], "valid_from": "2027-01-15", "valid_to": None}
    replaced = client.patch(path, json={"permit": renewed}, headers=auth)
    assert replaced.status_code == 200 and replaced.json["permit"] == renewed
    dropped = client.patch(path, json={"permit": None}, headers=auth)
    assert dropped.status_code == 200 and dropped.json["permit"] is None


@pytest.mark.parametrize(
    "plate, canonical, country",
    [
        ("70H-12345", "70H-123.45", "VN"),
        ("70H 1234", "70H-1234", "VN"),
        ("២A-១២៣៤", "2A-1234", "KH"),
        ("ភ្នំពេញ 2ab 1234", "2AB-1234", "KH"),
    ],
)
def test_plates_of_both_countries_are_normalised(client, auth, plate, canonical, country):
    created = client.post("/api/v1/vehicles", json={"plate": plate}, headers=auth)
    assert created.status_code == 201, created.json
    assert (created.json["plate"], created.json["country"], created.json["kind"]) == (canonical, country, "rigid")


@pytest.mark.parametrize(
    "body",
    [
        {"plate": "70H-123"},
        {"plate": "ABC"},
        {"plate": ""},
        {"plate": "٧0H-1234"},
        {"plate": "70H-1234", "country": "KH"},
        {"plate": "2A-1234", "country": "VN"},
    ],
)
def test_bad_plate_is_422_naming_plate(client, auth, body):
    answer = client.post("/api/v1/vehicles?lang=en", json=body, headers=auth)
    assert answer.status_code == 422, answer.json
    assert "plate" in answer.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vehicle)) == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"plate": "70H-1234", "kind": "bus"}, "kind"),
        ({"plate": "70H-1234", "country": "TH"}, "country"),
        ({"plate": "70H-1234", "registration_expires_on": "tomorrow"}, "registration_expires_on"),
        ({"plate": "70H-1234", "permit": {"number": "1", "kind": "commercial"}}, "permit.valid_from"),
        (
            {"plate": "70H-1234", "permit": {**VEHICLE["permit"], "valid_to": "2025-01-01"}},
            "permit.valid_to",
        ),
        ({"plate": "70H-1234", "colour": "red"}, "colour"),
    ],
)
def test_bad_fields_are_422_naming_the_field(client, auth, body, field):
    answer = client.post("/api/v1/vehicles", json=body, headers=auth)
    assert answer.status_code == 422 and field in answer.json["errors"], answer.json


def test_another_spelling_of_a_registered_plate_is_409_naming_the_vehicle(client, auth):
    first = client.post("/api/v1/vehicles", json={"plate": "2A-1234"}, headers=auth).json
    again = client.post("/api/v1/vehicles?lang=en", json={"plate": "២a ១២៣៤"}, headers=auth)
    assert again.status_code == 409
    assert again.json["existing_id"] == first["id"] and "plate" in again.json["errors"]
    assert str(first["id"]) in again.json["message"]
    other = client.post("/api/v1/vehicles", json={"plate": "70H-1234"}, headers=auth).json
    clash = client.patch(f"/api/v1/vehicles/{other['id']}", json={"plate": "2a1234"}, headers=auth)
    assert clash.status_code == 409 and clash.json["existing_id"] == first["id"]
    assert client.get(f"/api/v1/vehicles/{other['id']}", headers=auth).json["plate"] == "70H-1234"


def test_the_same_plate_in_two_organisations_is_two_vehicles(client, auth, token_for):
    mine = client.post("/api/v1/vehicles", json={"plate": "70H-123.45"}, headers=auth)
    theirs = client.post("/api/v1/vehicles", json={"plate": "70H12345"}, headers=token_for(make_user(Role.EXPORTER)))
    assert mine.status_code == theirs.status_code == 201 and mine.json["id"] != theirs.json["id"]


def test_another_organisations_vehicle_is_404_and_officers_are_refused(client, auth, token_for):
    vehicle = client.post("/api/v1/vehicles", json=VEHICLE, headers=auth).json
    driver = client.post("/api/v1/drivers", json=DRIVER, headers=auth).json
    other = token_for(make_user(Role.EXPORTER))
    for path in (f"/api/v1/vehicles/{vehicle['id']}", f"/api/v1/drivers/{driver['id']}"):
        assert client.get(path, headers=other).status_code == 404
        assert (
            client.patch(path, json={"phone": "0912345678"} if "drivers" in path else {}, headers=other).status_code
            == 404
        )
    assert client.get("/api/v1/vehicles", headers=other).json["items"] == []
    officer = token_for(make_user(Role.GATE_OFFICER))
    assert client.get("/api/v1/vehicles", headers=officer).status_code == 403
    assert client.post("/api/v1/vehicles", json={"plate": "70H-9999"}, headers=officer).status_code == 403
    assert client.post("/api/v1/drivers", json=DRIVER, headers=officer).status_code == 403
    admin = token_for(make_user(Role.ADMIN))
    assert client.get(f"/api/v1/vehicles/{vehicle['id']}", headers=admin).status_code == 200
    assert client.post("/api/v1/vehicles", json={"plate": "70H-9999"}, headers=admin).status_code == 403
    assert client.get("/api/v1/vehicles").status_code == 401


def test_vehicle_list_is_keyset_paged_and_searchable(client, auth):
    ids = [
        client.post("/api/v1/vehicles", json={"plate": f"70H-{n:03d}.45"}, headers=auth).json["id"] for n in range(5)
    ]
    first = client.get("/api/v1/vehicles?limit=2", headers=auth).json
    assert first["total"] == 5 and [v["id"] for v in first["items"]] == ids[:2] and first["next_cursor"]
    second = client.get(f"/api/v1/vehicles?limit=2&cursor={first['next_cursor']}", headers=auth).json
    assert [v["id"] for v in second["items"]] == ids[2:4]
    found = client.get("/api/v1/vehicles?q=70h 00245", headers=auth).json
    assert [v["plate"] for v in found["items"]] == ["70H-002.45"]
    assert client.get("/api/v1/vehicles?cursor=%%%", headers=auth).status_code == 422


def test_driver_register_accepts_current_and_older_licence_classes(client, auth):
    created = client.post("/api/v1/drivers", json=DRIVER, headers=auth)
    assert created.status_code == 201, created.json
    assert {k: created.json[k] for k in DRIVER} == DRIVER
    older = client.post("/api/v1/drivers", json={"name": "Trần Văn Bảy", "licence_class": "fc"}, headers=auth)
    assert older.status_code == 201 and older.json["licence_class"] == "FC"
    path = f"/api/v1/drivers/{created.json['id']}"
    changed = client.patch(path, json={"licence_class": "C1E"}, headers=auth | {"If-Match": created.headers["ETag"]})
    assert (
        changed.status_code == 200 and changed.json["licence_class"] == "C1E" and changed.json["name"] == DRIVER["name"]
    )
    bad = client.patch(path, json={"licence_class": "Z9"}, headers=auth)
    assert bad.status_code == 422 and "licence_class" in bad.json["errors"]
    again = client.post("/api/v1/drivers", json={**DRIVER, "name": "Someone"}, headers=auth)
    assert again.status_code == 409 and again.json["existing_id"] == created.json["id"]
    listing = client.get("/api/v1/drivers?q=tài", headers=auth).json
    assert [d["id"] for d in listing["items"]] == [created.json["id"]]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": ""}, "name"),
        ({"name": "A", "phone": "call me"}, "phone"),
        ({"name": "A", "licence_class": "B3"}, "licence_class"),
    ],
)
def test_bad_driver_fields_are_422(client, auth, body, field):
    answer = client.post("/api/v1/drivers", json=body, headers=auth)
    assert answer.status_code == 422 and field in answer.json["errors"], answer.json


@pytest.mark.postgres
def test_two_concurrent_posts_of_one_plate_make_one_vehicle(app, auth):
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("race tests run on PostgreSQL")
    spellings = ["70H-123.45", "70h12345", "70H 123 45", "70H.123.45"] * 2
    barrier = threading.Barrier(len(spellings))
    results = []

    def worker(plate):
        client = app.test_client()
        barrier.wait()
        results.append(client.post("/api/v1/vehicles", json={"plate": plate}, headers=auth))

    threads = [threading.Thread(target=worker, args=(plate,)) for plate in spellings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * (len(spellings) - 1), codes
    winner = next(r.json["id"] for r in results if r.status_code == 201)
    assert all(r.json["existing_id"] == winner for r in results if r.status_code == 409)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vehicle)) == 1
