"""A shipment's truck and driver are linked to the trader's fleet register (issue 17): by vehicle_id/driver_id, or
by free text matched on the canonical plate (added when new); another organisation's records read as unknown."""

import os

import pytest
import sqlalchemy as sa

from border_trade.extensions import db
from border_trade.fleet.models import Driver, Vehicle
from border_trade.shipments.models import Shipment
from tests.pg import race


@pytest.fixture
def register(client, auth):
    """The exporter's registered reefer 70H-123.45 and driver; return their ids."""
    vehicle = client.post("/api/v1/vehicles", json={"plate": "70H-123.45", "kind": "reefer"}, headers=auth)
    driver = client.post("/api/v1/drivers", json={"name": "Nguyễn Văn Tài", "id_no": "072088001234"}, headers=auth)
    assert vehicle.status_code == driver.status_code == 201, (vehicle.json, driver.json)
    return vehicle.json["id"], driver.json["id"]


@pytest.fixture
def theirs(client, token_for, exporter2):
    """Another exporter's vehicle and driver (ids)."""
    headers = token_for(exporter2)
    vehicle = client.post("/api/v1/vehicles", json={"plate": "70H-999.99"}, headers=headers).json
    driver = client.post("/api/v1/drivers", json={"name": "Lê Văn Ba", "id_no": "079000000001"}, headers=headers).json
    return vehicle["id"], driver["id"]


def create(client, auth, body):
    return client.post("/api/v1/shipments", json=body, headers=auth)


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_free_text_in_khmer_digits_links_to_the_registered_vehicle(client, auth, payload, register):
    vehicle_id, _driver_id = register
    typed = {"plate": "៧០h ១២៣ ៤៥", "driver_name": "Nguyễn Văn Tài", "driver_id_no": "072088001234"}
    response = create(client, auth, payload(vehicle=typed))
    assert response.status_code == 201, response.json
    vehicle = response.json["vehicle"]
    assert (vehicle["id"], vehicle["plate"], vehicle["country"]) == (vehicle_id, "70H-123.45", "VN")
    assert vehicle["driver_id"] == register[1]
    assert count(Vehicle) == 1 and count(Driver) == 1  # no second record of the same truck or driver
    again = client.get(f"/api/v1/shipments/{response.json['id']}", headers=auth).json["vehicle"]
    assert again == vehicle


def test_a_new_plate_and_driver_are_added_to_the_register(client, auth, payload, register):
    body = payload(vehicle={"plate": "2a 1234", "driver_name": "Sok Dara", "trailer_plate": "70R-009.87"})
    response = create(client, auth, body)
    assert response.status_code == 201, response.json
    vehicle = response.json["vehicle"]
    assert vehicle["id"] not in (None, register[0]) and (vehicle["plate"], vehicle["country"]) == ("2A-1234", "KH")
    assert vehicle["trailer_plate"] == "70R-009.87"
    listed = client.get("/api/v1/vehicles?q=2A1234", headers=auth).json["items"]
    assert [v["id"] for v in listed] == [vehicle["id"]]
    drivers = client.get("/api/v1/drivers?q=dara", headers=auth).json["items"]
    assert [d["id"] for d in drivers] == [vehicle["driver_id"]]


def test_vehicle_id_and_driver_id_fill_the_truck_from_the_register(client, auth, payload, register):
    vehicle_id, driver_id = register
    response = create(client, auth, payload(vehicle={"vehicle_id": vehicle_id, "driver_id": driver_id}))
    assert response.status_code == 201, response.json
    assert response.json["vehicle"] == {
        "id": vehicle_id,
        "plate": "70H-123.45",
        "country": "VN",
        "trailer_plate": None,
        "driver_id": driver_id,
        "driver_name": "Nguyễn Văn Tài",
        "driver_id_no": "072088001234",
    }


@pytest.mark.parametrize("field", ["vehicle_id", "driver_id"])
def test_another_organisations_vehicle_or_driver_is_422_like_an_unknown_one(
    client, auth, payload, register, theirs, field
):
    vehicle = {"vehicle_id": register[0], "driver_id": register[1]}
    foreign = create(client, auth, payload(vehicle=vehicle | {field: theirs[field == "driver_id"]}))
    unknown = create(client, auth, payload(vehicle=vehicle | {field: 2_000_000_000}))
    assert foreign.status_code == unknown.status_code == 422, foreign.json
    assert list(foreign.json["errors"]) == [f"vehicle.{field}"]
    assert foreign.json["errors"] == unknown.json["errors"]  # the other organisation's record does not show
    assert count(Shipment) == 0


def test_a_plate_given_with_vehicle_id_must_be_that_vehicles(client, auth, payload, register):
    same = create(client, auth, payload(vehicle={"vehicle_id": register[0], "plate": "70H12345"}))
    assert same.status_code == 201 and same.json["vehicle"]["id"] == register[0], same.json
    other = create(client, auth, payload(vehicle={"vehicle_id": register[0], "plate": "51C-333.33"}))
    assert other.status_code == 422 and list(other.json["errors"]) == ["vehicle.plate"], other.json
    neither = create(client, auth, payload(vehicle={"driver_name": "Sok Dara"}))
    assert neither.status_code == 422 and "vehicle.plate" in neither.json["errors"], neither.json


def test_patching_the_plate_relinks_and_vehicle_id_links_back(client, auth, payload, register):
    vehicle_id, driver_id = register
    shipment = create(client, auth, payload(vehicle={"vehicle_id": vehicle_id, "driver_id": driver_id})).json
    url = f"/api/v1/shipments/{shipment['id']}"
    moved = client.patch(url, json={"vehicle": {"plate": "51C 333.33"}}, headers=auth)
    assert moved.status_code == 200, moved.json
    truck = moved.json["vehicle"]
    assert truck["id"] not in (None, vehicle_id) and truck["plate"] == "51C-333.33"
    assert truck["driver_id"] == driver_id and truck["driver_name"] == "Nguyễn Văn Tài"  # the driver is kept
    trailer = client.patch(url, json={"vehicle": {"trailer_plate": "70R-009.87"}}, headers=auth).json["vehicle"]
    assert trailer == truck | {"trailer_plate": "70R-009.87"}
    back = client.patch(url, json={"vehicle": {"vehicle_id": vehicle_id}}, headers=auth).json["vehicle"]
    assert (back["id"], back["plate"], back["trailer_plate"]) == (vehicle_id, "70H-123.45", "70R-009.87")
    foreign = client.patch(url, json={"vehicle": {"vehicle_id": 2_000_000_000}}, headers=auth)
    assert foreign.status_code == 422 and list(foreign.json["errors"]) == ["vehicle.vehicle_id"]
    assert client.get(url, headers=auth).json["vehicle"] == back  # nothing changed by the refused patch


def test_free_text_that_is_no_plate_stays_unlinked_and_no_truck_stays_null(client, auth, payload):
    loose = create(client, auth, payload(vehicle={"plate": "xe thuê ngoài"}))
    assert loose.status_code == 201, loose.json
    assert loose.json["vehicle"] | {"driver_name": None, "driver_id_no": None} == {
        "id": None,
        "plate": "xe thuê ngoài",
        "country": None,
        "trailer_plate": None,
        "driver_id": None,
        "driver_name": None,
        "driver_id_no": None,
    }
    none = create(client, auth, payload(vehicle=None, transhipment=True))
    assert none.status_code == 201 and none.json["vehicle"] is None, none.json
    assert count(Vehicle) == 0


@pytest.mark.postgres
def test_concurrent_shipments_with_one_new_plate_share_one_register_vehicle(app, auth, payload):
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("concurrency tests run on PostgreSQL (set TEST_DATABASE_URL)")
    spellings = ["51C-333.33", "51c 333 33", "៥១C៣៣៣៣៣", "51C33333"]
    requests = [("POST", "/api/v1/shipments", payload(vehicle={"plate": plate}), auth) for plate in spellings]
    responses = race(app, requests)
    assert [r.status_code for r in responses] == [201] * len(spellings), [r.json for r in responses]
    assert len({r.json["vehicle"]["id"] for r in responses}) == 1
    assert {r.json["vehicle"]["plate"] for r in responses} == {"51C-333.33"}
    assert count(Vehicle) == 1
