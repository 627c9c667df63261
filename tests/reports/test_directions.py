"""/reports/volume in both directions: `direction` as a filter and a dimension, export/import/balance totals, scope."""

from decimal import Decimal

import pytest

from border_trade.auth.models import Role
from tests.factories import get_gate, get_province, make_user

AUGUST = "from=2025-08-01&to=2025-08-31"


def volume(client, headers, query):
    response = client.get(f"/api/v1/reports/volume?{AUGUST}&{query}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_without_direction_every_measure_sums_both(client, token_for, admin, both_ways):
    body = volume(client, token_for(admin), "province=TAY-NINH&group_by=gate")
    totals = body["totals"]
    assert totals["shipments"] == 5
    assert totals["value_usd"] == "27601.01"  # 7,600 out + 20,001.01 in
    assert (totals["export_value_usd"], totals["import_value_usd"]) == ("7600.00", "20001.01")
    assert totals["balance_usd"] == "-12401.01"  # export − import: Tây Ninh bought more than it sold
    assert totals["gross_weight_kg"] == "31162.400"  # 430 + 430 + 20,100 + 2.4 + 10,200
    assert [(r["gate"], r["value_usd"]) for r in body["rows"]] == [
        ("BINH-HIEP", "1.01"),
        ("MOC-BAI", "8800.00"),
        ("XA-MAT", "18800.00"),
    ]


def test_direction_filter(client, token_for, admin, both_ways):
    headers = token_for(admin)
    imports = volume(client, headers, "province=TAY-NINH&direction=import&group_by=gate")["totals"]
    assert (imports["shipments"], imports["value_usd"]) == (3, "20001.01")
    assert (imports["export_value_usd"], imports["import_value_usd"], imports["balance_usd"]) == (
        "0.00",
        "20001.01",
        "-20001.01",
    )
    exports = volume(client, headers, "province=TAY-NINH&direction=export&group_by=gate")
    assert [(r["gate"], r["shipments"]) for r in exports["rows"]] == [("MOC-BAI", 1), ("XA-MAT", 1)]
    assert exports["totals"]["balance_usd"] == "7600.00"
    assert exports["filters"]["direction"] == "export"


def test_direction_as_a_dimension(client, token_for, admin, both_ways):
    headers = token_for(admin)
    body = volume(client, headers, "province=TAY-NINH&group_by=direction")
    assert [(r["direction"], r["shipments"], r["value_usd"]) for r in body["rows"]] == [
        ("export", 2, "7600.00"),
        ("import", 3, "20001.01"),
    ]
    by_gate = volume(client, headers, "province=TAY-NINH&group_by=gate,direction")
    assert [(r["gate"], r["direction"], r["value_usd"]) for r in by_gate["rows"]] == [
        ("BINH-HIEP", "import", "1.01"),
        ("MOC-BAI", "export", "3800.00"),
        ("MOC-BAI", "import", "5000.00"),
        ("XA-MAT", "export", "3800.00"),
        ("XA-MAT", "import", "15000.00"),
    ]
    # a goods dimension measures lines: the totals still split by direction
    lines = volume(client, headers, "province=TAY-NINH&group_by=direction,hs_chapter")
    assert {(r["direction"], r["hs_chapter"]) for r in lines["rows"]} == {
        ("export", "08"),
        ("import", "07"),
        ("import", "08"),
        ("import", "40"),
    }
    assert lines["totals"]["export_value_usd"] == "7600.00"


def test_regime_names_and_order(client, token_for, admin, both_ways):
    headers = token_for(admin)
    body = volume(client, headers, "province=TAY-NINH&group_by=regime,direction")
    assert [(r["regime"], r["direction"], r["shipments"]) for r in body["rows"]] == [
        ("commercial", "export", 2),
        ("commercial", "import", 1),
        ("border_resident", "import", 1),
        ("temporary_import_reexport", "import", 1),
    ]
    older = volume(client, headers, "province=TAY-NINH&regime=export")  # the older spelling of commercial
    assert older["totals"]["shipments"] == 3 and older["filters"]["regime"] == "commercial"


def test_exports_carry_the_direction(client, token_for, admin, both_ways):
    import csv
    import io

    from openpyxl import load_workbook

    headers = token_for(admin)
    text = client.get(
        f"/api/v1/reports/volume.csv?{AUGUST}&province=TAY-NINH&group_by=direction", headers=headers
    ).get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == "direction" and [line[0] for line in lines[1:3]] == ["export", "import"]
    data = client.get(
        f"/api/v1/reports/volume.xlsx?{AUGUST}&province=TAY-NINH&group_by=direction&lang=en", headers=headers
    ).data
    book = load_workbook(io.BytesIO(data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Direction" and [r[0] for r in rows[1:3]] == ["Export", "Import"]
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert Decimal(str(about["Balance, export − import (USD)"])) == Decimal("-12401.01")


@pytest.mark.parametrize(
    ("query", "field"),
    [("direction=sideways", "direction"), ("regime=smuggling", "regime"), ("group_by=direction,bearing", "group_by")],
)
def test_bad_direction_or_regime_is_422(client, token_for, admin, query, field):
    response = client.get(f"/api/v1/reports/volume?{AUGUST}&{query}", headers=token_for(admin))
    assert response.status_code == 422 and field in response.json["errors"], response.json


def test_scope_holds_for_imports(client, token_for, officer, both_ways):
    """An import's gate is Shipment.gate_id: the Tây Ninh officer sees BINH-HIEP (Long An) imports, not An Giang's."""
    mine = volume(client, token_for(officer), "direction=import&group_by=gate")
    assert [(r["gate"], r["shipments"]) for r in mine["rows"]] == [("BINH-HIEP", 1), ("MOC-BAI", 1), ("XA-MAT", 1)]
    an_giang = make_user(Role.PROVINCE_OFFICER, province=get_province("AN-GIANG"))
    headers = token_for(an_giang)
    theirs = volume(client, headers, "direction=import&group_by=gate")
    assert [(r["gate"], r["shipments"]) for r in theirs["rows"]] == [("TINH-BIEN", 1)]
    for query in ("direction=import&province=TAY-NINH", "direction=import&gate=MOC-BAI"):
        assert client.get(f"/api/v1/reports/volume?{AUGUST}&{query}", headers=headers).status_code == 403
    for role, extra in ((Role.EXPORTER, {}), (Role.GATE_OFFICER, {"gates": [get_gate("MOC-BAI")]})):
        caller = make_user(role, **extra)
        response = client.get(f"/api/v1/reports/volume?{AUGUST}&direction=import", headers=token_for(caller))
        assert response.status_code == 403, role
