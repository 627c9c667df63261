"""The OCOP register (issue 19): the derived expiry, the deciding level by stars and date, the 919 groups, and the
API's refusals (422 naming the field), on SQLite and PostgreSQL alike."""

from datetime import date, timedelta

import pytest

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.products import imports, ocop
from border_trade.products.models import Product
from border_trade.products.ocop import DecisionLevel, OcopProductGroup, allowed_levels, expiry_of, warning_step
from border_trade.products.register import local_today
from tests.factories import make_product, make_user

D, P, C = DecisionLevel.DISTRICT, DecisionLevel.PROVINCE, DecisionLevel.CENTRAL


@pytest.mark.parametrize(
    "decided, expires",
    [
        (date(2024, 3, 15), date(2027, 3, 15)),
        (date(2024, 2, 29), date(2027, 2, 28)),  # 29 Feb: 2027 has none, the month's last day
        (date(2025, 2, 28), date(2028, 2, 28)),  # not the 29th of the leap year 2028
        (date(2021, 2, 28), date(2024, 2, 28)),
        (date(2023, 5, 31), date(2026, 5, 31)),
        (date(2022, 12, 31), date(2025, 12, 31)),
        (date(2023, 11, 30), date(2026, 11, 30)),
    ],
)
def test_expiry_is_36_months_from_the_decision(decided, expires):
    assert expiry_of(decided) == expires
    assert expiry_of(None) is None


def test_the_data_file_states_36_months_with_sources():
    data = ocop.rules_data()
    assert data["validity"]["months"] == 36 and data["validity"]["sources"]
    assert "148/QĐ-TTg" in data["validity"]["basis"] and "1489/QĐ-TTg" in data["levels"]["basis"]


@pytest.mark.parametrize(
    "stars, on, levels",
    [
        (3, date(2023, 2, 24), (D,)),  # Decision 148: the district recognises 3 stars
        (3, date(2025, 7, 5), (D,)),
        (3, date(2025, 7, 6), (P,)),  # Decision 1489, from 6 July 2025: no district level
        (4, date(2024, 1, 10), (P,)),
        (4, date(2025, 7, 6), (P,)),
        (5, date(2024, 1, 10), (C,)),
        (5, date(2026, 1, 10), (C,)),
        (3, date(2022, 6, 1), (D, P)),  # before 148: unverified, both accepted
        (2, date(2024, 1, 10), ()),
    ],
)
def test_deciding_level_by_stars_and_date(stars, on, levels):
    assert allowed_levels(stars, on) == levels
    assert ocop.level_is_unverified(on) == (on < date(2023, 2, 24))


def test_the_six_groups_of_decision_919():
    data = ocop.rules_data()["groups"]
    assert [g["code"] for g in data["codes"]] == OcopProductGroup.values()
    assert [g["vi"] for g in data["codes"]][3:5] == ["Hàng thủ công mỹ nghệ", "Sinh vật cảnh"]
    assert "919/QĐ-TTg" in data["basis"] and data["sources"]
    assert ocop.group_from_reporting_group("textile_garment") is OcopProductGroup.HANDICRAFT
    assert ocop.group_from_reporting_group("rural_tourism_service") is OcopProductGroup.COMMUNITY_TOURISM
    assert ocop.group_from_reporting_group(None) is None


@pytest.mark.parametrize(
    "days_left, step", [(91, None), (90, 90), (31, 90), (30, 30), (1, 30), (0, 30), (-1, 0), (-400, 0)]
)
def test_warning_steps(days_left, step):
    today = date(2026, 12, 1)
    assert warning_step(today + timedelta(days=days_left), today) == step


# --- the API -------------------------------------------------------------------------------------------------


@pytest.fixture
def exporter():
    return make_user(Role.EXPORTER)


@pytest.fixture
def auth(token_for, exporter):
    return token_for(exporter)


BODY = {
    "name_vi": "Bánh tráng phơi sương",
    "hs_code": "19059070",
    "ocop_stars": 4,
    "ocop_certificate_no": "07/QĐ-UBND",
    "ocop_decision_on": "2025-03-15",
    "ocop_decision_level": "province",
    "ocop_decision_authority": "UBND tỉnh Tây Ninh",
    "ocop_product_group": "food",
}


def test_create_derives_the_expiry_and_carries_the_register(client, auth):
    created = client.post("/api/v1/products", json=BODY, headers=auth)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["ocop_certificate_expires_on"] == "2028-03-15"
    assert body["ocop_decision_on"] == "2025-03-15" and body["ocop_decision_level"] == "province"
    assert body["ocop_decision_authority"] == "UBND tỉnh Tây Ninh" and body["ocop_product_group"] == "food"
    stored = db.session.get(Product, body["id"])
    assert stored.ocop_certificate_expires_on == date(2028, 3, 15)


def test_typed_expiry_equal_to_the_derived_one_is_accepted_and_patch_rederives(client, auth):
    created = client.post(
        "/api/v1/products", json=BODY | {"ocop_certificate_expires_on": "2028-03-15"}, headers=auth
    ).json
    path = f"/api/v1/products/{created['id']}"
    again = client.patch(path, json={k: created[k] for k in BODY if k != "hs_code"} | {"hs_code": "19059070"},
                         headers=auth | {"If-Match": f'"{created["id"]}-{created["version"]}"'})  # fmt: skip
    assert again.status_code == 200, again.json
    moved = client.patch(path, json={"ocop_decision_on": "2024-02-29"}, headers=auth)
    assert moved.status_code == 200, moved.json
    assert moved.json["ocop_certificate_expires_on"] == "2027-02-28"
    renamed = client.patch(path, json={"name_en": "Dew-dried rice paper"}, headers=auth)
    assert renamed.json["ocop_certificate_expires_on"] == "2027-02-28"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"ocop_certificate_expires_on": "2028-03-14"}, "ocop_certificate_expires_on"),  # not the derived day
        ({"ocop_decision_level": "district"}, "ocop_decision_level"),  # 4 stars: the province
        ({"ocop_decision_level": "mayor"}, "ocop_decision_level"),
        ({"ocop_stars": 3, "ocop_decision_level": "district", "ocop_decision_on": "2025-07-06"}, "ocop_decision_level"),
        ({"ocop_stars": 5, "ocop_decision_level": "province"}, "ocop_decision_level"),
        ({"ocop_stars": None, "ocop_certificate_no": None}, "ocop_decision_level"),  # a level needs stars
        ({"ocop_product_group": "textile_garment"}, "ocop_product_group"),  # the older six are not 919's
        ({"ocop_decision_on": "2031-01-01"}, "ocop_decision_on"),
        ({"ocop_decision_on": "15/03/2025"}, "ocop_decision_on"),
        ({"ocop_decision_on": None, "ocop_decision_level": None}, "ocop_decision_on"),  # stars need a decision
        ({"ocop_decision_authority": "x" * 201}, "ocop_decision_authority"),
    ],
)
def test_refusals_name_the_field(client, auth, exporter, change, field):
    response = client.post("/api/v1/products", json=BODY | change, headers=auth)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert db.session.query(Product).filter_by(organisation_id=exporter.organisation_id).count() == 0


def test_future_decision_is_refused_by_the_local_day(client, auth):
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    response = client.post("/api/v1/products", json=BODY | {"ocop_decision_on": tomorrow}, headers=auth)
    assert response.status_code == 422 and "ocop_decision_on" in response.json["errors"]
    today = client.post("/api/v1/products", json=BODY | {"ocop_decision_on": local_today().isoformat()}, headers=auth)
    assert today.status_code == 201, today.json


def test_district_level_is_accepted_for_three_stars_before_decision_1489(client, auth):
    body = BODY | {"ocop_stars": 3, "ocop_decision_level": "district", "ocop_decision_on": "2025-07-05"}
    response = client.post("/api/v1/products", json=body, headers=auth)
    assert response.status_code == 201, response.json
    assert response.json["ocop_certificate_expires_on"] == "2028-07-05"


def test_api_md_client_without_decision_date_keeps_the_recorded_expiry(client, auth):
    """API.md's shape (no decision date): the expiry is recorded as given, but never beyond 36 months from today."""
    legacy = {k: v for k, v in BODY.items() if not k.startswith("ocop_decision")}
    ok = (local_today() + timedelta(days=400)).isoformat()
    created = client.post("/api/v1/products", json=legacy | {"ocop_certificate_expires_on": ok}, headers=auth)
    assert created.status_code == 201 and created.json["ocop_certificate_expires_on"] == ok
    too_late = expiry_of(local_today()) + timedelta(days=1)
    refused = client.post(
        "/api/v1/products", json=legacy | {"ocop_certificate_expires_on": too_late.isoformat()}, headers=auth
    )
    assert refused.status_code == 422 and "ocop_certificate_expires_on" in refused.json["errors"]
    nothing = client.post("/api/v1/products", json=legacy, headers=auth)
    assert nothing.status_code == 422 and "ocop_decision_on" in nothing.json["errors"]


def test_an_existing_row_keeps_its_recorded_expiry_on_an_unrelated_edit(client, auth, exporter):
    product = make_product(exporter.organisation, ocop_certificate_expires_on=date(2027, 3, 14))
    response = client.patch(f"/api/v1/products/{product.id}", json={"producer": "HTX"}, headers=auth)
    assert response.status_code == 200, response.json
    assert response.json["ocop_certificate_expires_on"] == "2027-03-14" and response.json["ocop_decision_on"] is None


@pytest.mark.parametrize(
    "lang, words",
    [("en", "decided on 2025-03-15"), ("vi", "quyết định ngày 2025-03-15"), ("km", "សម្រេចនៅថ្ងៃ 2025-03-15")],
)
def test_refusals_are_translated(client, auth, lang, words):
    body = BODY | {"ocop_decision_level": "district"}
    response = client.post(f"/api/v1/products?lang={lang}", json=body, headers=auth)
    assert response.status_code == 422
    assert words in response.json["errors"]["ocop_decision_level"][0]


def test_filter_by_product_group_and_other_organisations_stay_invisible(client, auth, token_for):
    mine = client.post("/api/v1/products", json=BODY, headers=auth).json
    client.post("/api/v1/products", json=BODY | {"ocop_product_group": "handicraft"}, headers=auth)
    listed = client.get("/api/v1/products?ocop_product_group=food", headers=auth).json
    assert [p["id"] for p in listed["items"]] == [mine["id"]]
    assert client.get("/api/v1/products?ocop_product_group=weapons", headers=auth).status_code == 422
    other = token_for(make_user(Role.EXPORTER))
    assert client.patch(f"/api/v1/products/{mine['id']}", json={"ocop_decision_on": "2025-01-01"},
                        headers=other).status_code == 404  # fmt: skip
    officer = token_for(make_user(Role.GATE_OFFICER))
    assert client.post("/api/v1/products", json=BODY, headers=officer).status_code == 403


def test_the_csv_import_takes_the_register_columns(exporter):
    header = ",".join(BODY)
    row = ",".join(str(v) for v in BODY.values())
    rows = imports.read_product_rows(f"{header}\n{row}\n{row.replace('province', 'district')}\n".encode(), "p.csv")
    imports.check_product_rows(exporter, rows)
    assert rows[0].ok and rows[0].data["ocop_decision_level"] is DecisionLevel.PROVINCE
    assert not rows[1].ok and list(rows[1].errors) == ["ocop_decision_level"]
    [saved] = imports.import_products(exporter, rows[:1])
    assert saved.ocop_certificate_expires_on == date(2028, 3, 15)
