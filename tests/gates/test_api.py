"""Reference endpoints: gates, provinces, HS codes."""

import csv

import pytest

from border_trade.auth.models import Role
from border_trade.seed.reference import DATA
from tests.factories import make_user


@pytest.fixture
def headers(token_for):
    return token_for(make_user(Role.VIEWER))


def test_gates_need_a_token(client):
    response = client.get("/api/v1/gates")
    assert response.status_code == 401
    assert response.json["code"] == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_bad_token_is_refused(client):
    response = client.get("/api/v1/gates", headers={"Authorization": "Bearer bt_not-a-real-token"})
    assert response.status_code == 401


def test_gates_lists_every_gate_of_the_reference_file(client, headers):
    with open(DATA / "gates.csv", encoding="utf-8") as handle:
        expected = {row["code"]: row for row in csv.DictReader(handle)}
    body = client.get("/api/v1/gates?limit=500", headers=headers).json
    assert body["total"] == len(expected) == 23
    assert body["next_cursor"] is None
    by_code = {g["code"]: g for g in body["items"]}
    assert set(by_code) == set(expected)
    moc_bai = by_code["MOC-BAI"]
    assert moc_bai["name_vi"] == "Cửa khẩu quốc tế Mộc Bài"
    assert moc_bai["type"] == "international"
    assert moc_bai["province_code"] == "TAY-NINH"
    assert moc_bai["country"] == "VN"
    assert moc_bai["counterpart"] == {
        "code": "BAVET",
        "name_km": "បាវិត",
        "name_en": "Bavet",
        "province_km": "ស្វាយរៀង",
        "province_en": "Svay Rieng",
    }
    assert moc_bai["opening_hours"] == "06:00-22:00"
    assert by_code["TAN-HUNG"]["counterpart"]["name_km"] is None
    for code, row in expected.items():
        assert by_code[code]["counterpart"]["name_km"] == (row["counterpart_name_km"] or None)


def test_gate_filters_are_merger_aware(client, headers):
    response = client.get("/api/v1/gates?province=TAY-NINH&limit=500", headers=headers)
    tay_ninh = {g["code"] for g in response.json["items"]}
    long_an = {g["code"] for g in client.get("/api/v1/gates?province=LONG-AN", headers=headers).json["items"]}
    assert long_an == {"BINH-HIEP", "MY-QUY-TAY", "TAN-HUNG"}
    assert long_an < tay_ninh
    assert len(tay_ninh) == 9
    international = client.get("/api/v1/gates?type=international&province=AN-GIANG", headers=headers).json["items"]
    assert {g["code"] for g in international} == {"TINH-BIEN", "VINH-XUONG", "HA-TIEN"}


def test_gate_list_pages_with_an_opaque_cursor(client, headers):
    first = client.get("/api/v1/gates?limit=10", headers=headers).json
    assert len(first["items"]) == 10 and first["total"] == 23 and first["next_cursor"]
    second = client.get(f"/api/v1/gates?limit=10&cursor={first['next_cursor']}", headers=headers).json
    third = client.get(f"/api/v1/gates?limit=10&cursor={second['next_cursor']}", headers=headers).json
    codes = [g["code"] for page in (first, second, third) for g in page["items"]]
    assert len(codes) == len(set(codes)) == 23
    assert codes == sorted(codes)
    assert third["next_cursor"] is None


@pytest.mark.parametrize(
    "query, field",
    [
        ("type=airport", "type"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("cursor=%%%", "cursor"),
        ("colour=red", "colour"),
    ],
)
def test_bad_gate_queries_name_the_field(client, headers, query, field):
    response = client.get(f"/api/v1/gates?{query}", headers=headers)
    assert response.status_code == 422
    body = response.json
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    assert field in body["errors"], body


def test_one_gate_by_code(client, headers):
    body = client.get("/api/v1/gates/binh-hiep", headers=headers).json
    assert body["code"] == "BINH-HIEP"
    assert body["former_province_code"] == "LONG-AN"
    assert body["counterpart"]["name_km"] == "ព្រៃវល្លិ៍"
    assert body["unverified"] is True


def test_unknown_gate_is_a_json_404(client, headers):
    response = client.get("/api/v1/gates/NO-SUCH-GATE", headers=headers)
    assert response.status_code == 404
    assert response.json == {"code": 404, "status": "Not Found", "message": response.json["message"]}
    assert response.json["message"]


def test_provinces_carry_the_2025_mergers(client, headers):
    body = client.get("/api/v1/provinces?limit=500", headers=headers).json
    by_code = {p["code"]: p for p in body["items"]}
    assert by_code["LONG-AN"]["valid_to"] == "2025-06-30"
    assert by_code["LONG-AN"]["successor_code"] == "TAY-NINH"
    assert by_code["LONG-AN"]["current_code"] == "TAY-NINH"
    assert by_code["TAY-NINH"]["successor_code"] is None
    assert by_code["KH-20"]["name_km"] == "ស្វាយរៀង"
    vn = client.get("/api/v1/provinces?country=VN&limit=500", headers=headers).json
    assert all(p["country"] == "VN" for p in vn["items"]) and vn["total"] == 14


@pytest.mark.parametrize(
    "q, expected",
    [
        ("0807", {"08071900"}),
        ("0805.40", {"08054000"}),
        ("mật ong", {"04090000"}),
        ("honey", {"04090000"}),
        ("ទឹកឃ្មុំ", {"04090000"}),
    ],
)
def test_hs_code_search(client, headers, q, expected):
    body = client.get("/api/v1/hs-codes", query_string={"q": q}, headers=headers).json
    assert {h["code"] for h in body["items"]} == expected
    assert body["total"] == len(expected)


def test_hs_codes_list_the_catalogue(client, headers):
    with open(DATA / "hs_codes.csv", encoding="utf-8") as handle:
        expected = {row["hs_code"] for row in csv.DictReader(handle)}
    body = client.get("/api/v1/hs-codes?limit=500", headers=headers).json
    assert body["total"] == len(expected) == 39  # 23 export lines, 16 inbound (issue 16)
    assert {h["code"] for h in body["items"]} == expected
    melon = next(h for h in body["items"] if h["code"] == "08071900")
    assert melon["formatted"] == "0807.19.00" and melon["chapter"] == "08" and melon["name_km"]
