"""OCOP export figures: by origin province (recorded or current), registered and exported, equal to the volume
report's OCOP rows; scope and denials; CSV and XLSX."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from border_trade.auth.models import Role
from tests.factories import get_gate, make_user

PERIOD = "from=2025-08-01&to=2025-08-31"


def ocop(client, headers, query=""):
    return client.get(f"/api/v1/reports/ocop?{PERIOD}&{query}", headers=headers)


def test_ocop_by_origin_current_and_recorded(client, token_for, admin, ocop_world):
    headers = token_for(admin)
    current = ocop(client, headers, "group_by=origin_province")
    assert current.status_code == 200, current.json
    assert current.json["rows"] == [
        {"origin_province": "DONG-THAP", "shipments": 1, "value_usd": "600.00", "products": 1},
        {"origin_province": "TAY-NINH", "shipments": 3, "value_usd": "4145.00", "products": 2},
    ]
    assert current.json["totals"] == {
        "shipments": 4,
        "value_usd": "4745.00",
        "products_exported": 3,
        "products_registered": 4,
    }
    recorded = ocop(client, headers, "group_by=origin_province&province_as=recorded").json
    assert [(r["origin_province"], r["value_usd"]) for r in recorded["rows"]] == [
        ("DONG-THAP", "600.00"),
        ("LONG-AN", "250.00"),
        ("TAY-NINH", "3895.00"),
    ]
    assert recorded["totals"]["value_usd"] == "4745.00"


def test_long_an_product_under_tay_ninh_today_and_long_an_as_recorded(client, token_for, admin, ocop_world):
    headers = token_for(admin)
    today = ocop(client, headers, "group_by=origin_province,product&province=TAY-NINH").json
    assert {(r["origin_province"], r["product_name"]) for r in today["rows"]} == {
        ("TAY-NINH", "Dưa lưới"),
        ("TAY-NINH", "Bánh tráng"),
    }
    assert today["totals"]["products_registered"] == 3  # melon, honey, and Long An's rice paper
    assert today["totals"]["products_exported"] == 2
    as_recorded = ocop(client, headers, "group_by=origin_province&province=LONG-AN&province_as=recorded").json
    assert as_recorded["rows"] == [{"origin_province": "LONG-AN", "shipments": 1, "value_usd": "250.00", "products": 1}]
    assert as_recorded["totals"]["products_registered"] == 1
    # as recorded, Tây Ninh alone no longer holds the Long An product
    tay_ninh = ocop(client, headers, "group_by=origin_province&province=TAY-NINH&province_as=recorded").json
    assert [r["origin_province"] for r in tay_ninh["rows"]] == ["TAY-NINH"]
    assert tay_ninh["totals"]["value_usd"] == "3895.00"


def test_totals_equal_the_volume_reports_ocop_rows(client, token_for, admin, officer, ocop_world):
    for user in (admin, officer):
        headers = token_for(user)
        figures = ocop(client, headers, "group_by=ocop_stars,gate").json
        volume = client.get(
            f"/api/v1/reports/volume?{PERIOD}&group_by=ocop_stars&direction=export", headers=headers
        ).json
        ocop_rows = [row for row in volume["rows"] if row["ocop_stars"] is not None]
        assert sum(Decimal(r["value_usd"]) for r in ocop_rows) == Decimal(figures["totals"]["value_usd"])
        by_stars = {}
        for row in figures["rows"]:
            by_stars[row["ocop_stars"]] = by_stars.get(row["ocop_stars"], 0) + Decimal(row["value_usd"])
        assert by_stars == {r["ocop_stars"]: Decimal(r["value_usd"]) for r in ocop_rows}


def test_province_officer_sees_their_gates_only(client, token_for, officer, ocop_world):
    body = ocop(client, token_for(officer), "group_by=gate,ocop_stars").json
    assert body["rows"] == [
        {"gate": "BINH-HIEP", "ocop_stars": 3, "shipments": 1, "value_usd": "250.00", "products": 1},
        {"gate": "MOC-BAI", "ocop_stars": 4, "shipments": 2, "value_usd": "3895.00", "products": 1},
    ]
    # their province's registered OCOP products (Long An's included); two of them crossed at their gates
    assert body["totals"]["products_registered"] == 3
    assert body["totals"]["products_exported"] == 2
    assert ocop(client, token_for(officer), "gate=DINH-BA").status_code == 403


@pytest.mark.parametrize("role", [Role.EXPORTER, Role.GATE_OFFICER])
def test_other_roles_403(client, token_for, db, role):
    extra = {"gates": [get_gate("MOC-BAI")]} if role is Role.GATE_OFFICER else {}
    user = make_user(role, **extra)
    assert ocop(client, token_for(user)).status_code == 403


def test_bad_parameters_name_the_field(client, token_for, admin, flat_rates):
    headers = token_for(admin)
    assert "group_by" in ocop(client, headers, "group_by=month").json["errors"]
    assert "province" in ocop(client, headers, "province=NOWHERE").json["errors"]
    assert "province_as" in ocop(client, headers, "province_as=then").json["errors"]
    assert "to" in client.get("/api/v1/reports/ocop?from=2025-09-01&to=2025-08-01", headers=headers).json["errors"]


def test_csv_and_xlsx_hold_the_rows(client, token_for, admin, ocop_world):
    headers = token_for(admin)
    query = f"/api/v1/reports/ocop.csv?{PERIOD}&group_by=origin_province,product&lang=en"
    response = client.get(query, headers=headers)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["origin_province", "product", "product_name", "shipments", "value_usd", "products"]
    assert rows[-1][0] == "Total" and rows[-1][4] == "4745.00"
    assert len(rows) == 2 + 3
    book = load_workbook(io.BytesIO(client.get(query.replace(".csv", ".xlsx"), headers=headers).data))
    sheet = book.active
    assert sheet.max_row == 2 + 3 + 1
    assert sheet.cell(row=sheet.max_row, column=5).value == 4745
