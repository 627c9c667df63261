"""OCOP products through the API: an exporter's own catalogue only."""

import pytest

from border_trade.auth.models import Role
from tests.factories import make_product, make_user


@pytest.fixture
def exporter():
    return make_user(Role.EXPORTER)


@pytest.fixture
def auth(token_for, exporter):
    return token_for(exporter)


PRODUCT = {
    "name_vi": "Mãng cầu Bà Đen",
    "name_km": "ទៀប បាដែន",
    "name_en": "Ba Den custard apple",
    "hs_code": "08109094",
    "ocop_stars": 4,
    "ocop_group": "food",
    "ocop_certificate_no": "12/QĐ-UBND",
    "ocop_recognised_on": "2024-03-15",
    "ocop_certificate_expires_on": "2027-03-14",
    "producer": "HTX Bà Đen",
    "province_code": "TAY-NINH",
    "unit": "KGM",
    "net_weight_per_unit_kg": "1",
}


def test_create_read_update_product(client, auth):
    created = client.post("/api/v1/products", json=PRODUCT, headers=auth)
    assert created.status_code == 201, created.json
    product = created.json
    assert product["name_km"] == "ទៀប បាដែន" and product["province_code"] == "TAY-NINH"
    assert product["net_weight_per_unit_kg"] == "1.000"
    path = f"/api/v1/products/{product['id']}"
    assert client.get(path, headers=auth).json == product
    changed = client.patch(path, json={"ocop_stars": 5}, headers=auth | {"If-Match": created.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["ocop_stars"] == 5
    assert changed.json["name_vi"] == PRODUCT["name_vi"]
    stale = client.patch(path, json={"ocop_stars": 3}, headers=auth | {"If-Match": created.headers["ETag"]})
    assert stale.status_code == 412
    listing = client.get("/api/v1/products?q=bà đen", headers=auth).json
    assert [p["id"] for p in listing["items"]] == [product["id"]]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"ocop_stars": 2}, "ocop_stars"),
        ({"ocop_stars": 6}, "ocop_stars"),
        ({"hs_code": "0810"}, "hs_code"),
        ({"hs_code": "99999999"}, "hs_code"),
        ({"ocop_group": "weapons"}, "ocop_group"),
        ({"ocop_certificate_expires_on": "2020-01-01"}, "ocop_certificate_expires_on"),
        ({"province_code": "ATLANTIS"}, "province_code"),
        ({"name_vi": ""}, "name_vi"),
        ({"net_weight_per_unit_kg": "-1"}, "net_weight_per_unit_kg"),
        ({"net_weight_per_unit_kg": "١٢"}, "net_weight_per_unit_kg"),  # Arabic-Indic digits are no number
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_products_get_422_naming_the_field(client, auth, change, field):
    response = client.post("/api/v1/products", json=PRODUCT | change, headers=auth)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_products_of_another_organisation_are_invisible(client, auth, token_for):
    other = make_user(Role.EXPORTER)
    theirs = make_product(other.organisation, ocop_certificate_no="9")
    assert client.get(f"/api/v1/products/{theirs.id}", headers=auth).status_code == 404
    assert client.patch(f"/api/v1/products/{theirs.id}", json={"ocop_stars": 3}, headers=auth).status_code == 404
    assert client.get("/api/v1/products", headers=auth).json["total"] == 0
    assert client.get("/api/v1/products", headers=token_for(other)).json["total"] == 1


def test_only_exporters_write_products(client, token_for):
    for role in (Role.GATE_OFFICER, Role.PROVINCE_OFFICER, Role.VIEWER, Role.ADMIN):
        response = client.post("/api/v1/products", json=PRODUCT, headers=token_for(make_user(role)))
        assert response.status_code == 403, role
    assert client.get("/api/v1/products", headers=token_for(make_user(Role.VIEWER))).status_code == 403
