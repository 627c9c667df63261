"""Report endpoints: JSON shape, CSV and XLSX equal to the JSON rows, dwell percentiles, scope, bad parameters."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from border_trade.auth.models import Role
from tests.factories import get_province, make_user

from .conftest import local

PERIOD = "from=2024-01-01&to=2025-12-31"


@pytest.fixture
def world(flat_rates, crossed, exporter_org, other_exporter_org):
    crossed(exporter_org, local(2024, 6, 10), gate="BINH-HIEP", dwell_minutes=10, vehicle_plate="62C-100.01")
    crossed(exporter_org, local(2025, 3, 10), gate="MOC-BAI", dwell_minutes=20, vehicle_plate="70H-111.11")
    crossed(exporter_org, local(2025, 3, 12), gate="MOC-BAI", dwell_minutes=30, vehicle_plate="70H-111.11")
    crossed(other_exporter_org, local(2025, 8, 1), gate="XA-MAT", dwell_minutes=40, vehicle_plate="=cmd|' /C calc'!A0")
    crossed(other_exporter_org, local(2025, 8, 2), gate="XA-MAT", dwell_minutes=100, vehicle_plate="70H-222.22")
    crossed(
        exporter_org, local(2025, 8, 3), gate="TINH-BIEN", dwell_minutes=600, vehicle_plate="67C-300.03"
    )  # AN-GIANG


def get(client, path, headers):
    return client.get(path, headers=headers)


def test_volume_json_shape(client, token_for, admin, world):
    response = client.get(f"/api/v1/reports/volume?{PERIOD}&group_by=gate,month", headers=token_for(admin))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["group_by"] == ["gate", "month"]
    assert (body["from"], body["to"], body["province_as"]) == ("2024-01-01", "2025-12-31", "current")
    first = body["rows"][0]
    assert first == {
        "gate": "BINH-HIEP",
        "month": "2024-06",
        "shipments": 1,
        "trucks": 1,
        "gross_weight_kg": "430.000",
        "net_weight_kg": "400.000",
        "value_usd": "3800.00",
        "value_vnd": "95000000",
        "missing_rates": 0,
    }
    assert body["totals"]["shipments"] == 6
    assert body["totals"]["trucks"] == 6  # truck trips (issue 20): 70H-111.11 on 10 and 12 March is two trips
    assert body["totals"]["value_usd"] == "22800.00"
    assert body["totals"]["value_vnd"] == "570000000"
    assert body["missing_rates"] == []


def test_province_officer_sees_the_merged_province_only(client, token_for, officer, world):
    headers = token_for(officer)
    body = client.get(f"/api/v1/reports/volume?{PERIOD}&group_by=gate", headers=headers).json
    assert [(r["gate"], r["shipments"]) for r in body["rows"]] == [("BINH-HIEP", 1), ("MOC-BAI", 2), ("XA-MAT", 2)]
    assert body["totals"]["shipments"] == 5  # not TINH-BIEN (An Giang)
    recorded = client.get(
        f"/api/v1/reports/volume?{PERIOD}&group_by=province&province_as=recorded", headers=headers
    ).json
    assert [(r["province"], r["shipments"]) for r in recorded["rows"]] == [("LONG-AN", 1), ("TAY-NINH", 4)]
    long_an = client.get(f"/api/v1/reports/volume?{PERIOD}&group_by=gate&province=LONG-AN", headers=headers)
    assert long_an.status_code == 200 and long_an.json["totals"]["shipments"] == 1
    assert client.get(f"/api/v1/reports/dwell?{PERIOD}&gate=BINH-HIEP", headers=headers).json["count"] == 1


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/reports/volume?{PERIOD}&province=AN-GIANG",
        f"/api/v1/reports/volume?{PERIOD}&gate=TINH-BIEN",
        f"/api/v1/reports/volume.csv?{PERIOD}&province=AN-GIANG",
        f"/api/v1/reports/volume.xlsx?{PERIOD}&gate=TINH-BIEN",
        f"/api/v1/reports/dwell?{PERIOD}&gate=TINH-BIEN",
        "/api/v1/reports/monthly.pdf?province=AN-GIANG&month=2025-08",
    ],
)
def test_another_province_is_forbidden(client, token_for, officer, world, path):
    response = client.get(path, headers=token_for(officer))
    assert response.status_code == 403
    assert response.json["code"] == 403


@pytest.mark.parametrize("role", [Role.EXPORTER, Role.GATE_OFFICER])
def test_exporters_and_gate_officers_get_no_reports(client, token_for, role):
    headers = token_for(make_user(role))
    for path in ("volume", "volume.csv", "volume.xlsx", "dwell", "monthly.pdf?month=2025-08&province=TAY-NINH"):
        assert client.get(f"/api/v1/reports/{path}", headers=headers).status_code == 403, path


def test_viewers_read_like_province_officers_and_anonymous_callers_sign_in(client, token_for, world):
    viewer = make_user(Role.VIEWER, province=get_province("TAY-NINH"))
    body = client.get(f"/api/v1/reports/volume?{PERIOD}&group_by=province", headers=token_for(viewer)).json
    assert body["totals"]["shipments"] == 5
    assert client.get(f"/api/v1/reports/volume?{PERIOD}").status_code == 401


def test_admins_see_every_gate(client, token_for, admin, world):
    body = client.get(f"/api/v1/reports/volume?{PERIOD}&group_by=province", headers=token_for(admin)).json
    assert [(r["province"], r["shipments"]) for r in body["rows"]] == [("AN-GIANG", 1), ("TAY-NINH", 5)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("group_by=gate,month,day,exporter", "group_by"),
        ("group_by=gate,colour", "group_by"),
        ("from=2025-02-01&to=2025-01-01", "to"),
        ("from=yesterday", "from"),
        ("province_as=later", "province_as"),
        ("ocop_stars=7", "ocop_stars"),
        ("hs_chapter=8", "hs_chapter"),
        ("product_group=jewellery", "product_group"),
        ("gate=NOWHERE", "gate"),
        ("province=ATLANTIS", "province"),
        ("exporter=0", "exporter"),
        ("colour=blue", "colour"),
    ],
)
def test_bad_parameters_answer_422_naming_the_field(client, token_for, admin, query, field):
    response = client.get(f"/api/v1/reports/volume?{query}", headers=token_for(admin))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


def _json_rows(body):
    return body["rows"], body["totals"]


def test_csv_holds_the_json_rows_and_totals(client, token_for, admin, world):
    headers = token_for(admin)
    query = f"{PERIOD}&group_by=exporter,gate&lang=en"
    rows, totals = _json_rows(client.get(f"/api/v1/reports/volume?{query}", headers=headers).json)
    response = client.get(f"/api/v1/reports/volume.csv?{query}", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header, *body, last = table
    assert header == ["exporter", "exporter_name", "gate", *MEASURES]
    assert [dict(zip(header, line, strict=True)) for line in body] == [
        {key: "" if row[key] is None else str(row[key]) for key in header} for row in rows
    ]
    assert last[0] == "Total"
    assert dict(zip(header[3:], last[3:], strict=True)) == {key: str(totals[key]) for key in header[3:]}


MEASURES = ["shipments", "trucks", "gross_weight_kg", "net_weight_kg", "value_usd", "value_vnd", "missing_rates"]


def test_csv_defuses_spreadsheet_formulas(client, token_for, admin, flat_rates, crossed):
    from tests.factories import make_organisation

    crossed(make_organisation(name='=HYPERLINK("http://x")'), local(2025, 3, 10))
    response = client.get(f"/api/v1/reports/volume.csv?{PERIOD}&group_by=exporter", headers=token_for(admin))
    assert "'=HYPERLINK" in response.get_data(as_text=True)


def test_xlsx_holds_the_json_rows_and_totals(client, token_for, admin, world):
    headers = token_for(admin)
    query = f"{PERIOD}&group_by=gate,month&lang=en"
    rows, totals = _json_rows(client.get(f"/api/v1/reports/volume?{query}", headers=headers).json)
    response = client.get(f"/api/v1/reports/volume.xlsx?{query}", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    header, *lines, last = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:3] == ["Gate", "Month", "Shipments"]
    keys = ["gate", "month", *MEASURES]

    def normal(key, value):
        if key in ("gross_weight_kg", "net_weight_kg", "value_usd", "value_vnd"):
            return Decimal(str(value)).normalize()
        return value

    assert [{k: normal(k, v) for k, v in zip(keys, line, strict=True)} for line in lines] == [
        {k: normal(k, row[k]) for k in keys} for row in rows
    ]
    assert last[0] == "Total"
    assert {k: normal(k, v) for k, v in zip(keys[2:], last[2:], strict=True)} == {
        k: normal(k, totals[k]) for k in keys[2:]
    }
    assert sheet.cell(row=2, column=6).number_format == "#,##0.000"
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert about["From"].date() == date(2024, 1, 1)


def test_dwell_percentiles(client, token_for, admin, world):
    headers = token_for(admin)
    body = client.get(f"/api/v1/reports/dwell?{PERIOD}&province=TAY-NINH", headers=headers).json
    # 10, 20, 30, 40 and 100 minutes from arrived to crossed
    assert body == {"avg_minutes": 40.0, "p50_minutes": 30.0, "p90_minutes": 76.0, "count": 5}
    gate = client.get(f"/api/v1/reports/dwell?{PERIOD}&gate=XA-MAT", headers=headers).json
    assert gate == {"avg_minutes": 70.0, "p50_minutes": 70.0, "p90_minutes": 94.0, "count": 2}
    everything = client.get(f"/api/v1/reports/dwell?{PERIOD}", headers=headers).json
    assert everything["count"] == 6 and everything["p50_minutes"] == 35.0
    empty = client.get("/api/v1/reports/dwell?from=2023-01-01&to=2023-01-31", headers=headers).json
    assert empty == {"avg_minutes": None, "p50_minutes": None, "p90_minutes": None, "count": 0}
    assert client.get("/api/v1/reports/dwell?from=2025-02-01&to=2025-01-01", headers=headers).status_code == 422


def test_reports_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path in ("volume", "volume.csv", "volume.xlsx", "dwell", "monthly.pdf"):
        assert f"/api/v1/reports/{path}" in paths
    parameters = {p["name"] for p in paths["/api/v1/reports/volume"]["get"]["parameters"]}
    assert {"from", "to", "group_by", "province", "gate", "province_as", "product_group", "ocop_stars"} <= parameters
