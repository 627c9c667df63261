"""The department's monthly report (border-trade.xlsx / .pdf): headings I–V, both directions, totals, scope, params."""

import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from border_trade.auth.models import Role
from border_trade.enums import Direction, Regime
from border_trade.i18n import translate_in
from border_trade.reports.trade_labels import DIRECTIONS, REGIMES
from tests.factories import get_gate, get_province, make_user

XLSX = "/api/v1/reports/border-trade.xlsx"
PDF = "/api/v1/reports/border-trade.pdf"


def needs(tool):
    return pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed")


def dec(value):
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def workbook(client, headers, query="month=2025-08&lang=vi"):
    response = client.get(f"{XLSX}?{query}", headers=headers)
    assert response.status_code == 200, response.data[:400]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response, load_workbook(io.BytesIO(response.data))


def table(sheet):
    """Return the rows of a gate sheet from its header (No. | Goods | HS | Unit | Quantity | Value | Enterprises)."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if str(r[0]).split("\n")[0] in ("STT", "No."))
    return rows[start + 1 :]


def test_labels_are_the_enums_msgids(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        assert {key: str(r.label) for key, r in ((r.value, r) for r in Regime)} == REGIMES
        assert {d.value: str(d.label) for d in Direction} == DIRECTIONS


def test_xlsx_has_headings_i_to_v_with_both_directions(client, token_for, officer, both_ways, app):
    response, book = workbook(client, token_for(officer))
    assert 'filename="border-trade-tay-ninh-2025-08.xlsx"' in response.headers["Content-Disposition"]
    # all gates first, then each gate that had crossings (An Giang's TINH-BIEN is not Tây Ninh's)
    assert book.sheetnames[1:4] == ["BINH-HIEP", "MOC-BAI", "XA-MAT"]
    assert len(book.sheetnames) == 6  # + key products, parameters
    rows = table(book.worksheets[0])
    headings = [r for r in rows if r[0] in ("I", "II", "III", "IV", "V")]
    assert [r[0] for r in headings] == ["I", "II", "III", "IV", "V"]
    with app.test_request_context():
        assert [r[1] for r in headings] == [translate_in(REGIMES[r.value], "vi") for r in Regime]
        export, import_ = translate_in("Export", "vi"), translate_in("Import", "vi")
    # each heading: 1 export, 2 import
    for heading in headings:
        at = rows.index(heading)
        following = [r for r in rows[at + 1 :] if r[0] in ("1", "2")][:2]
        assert [(r[0], r[1]) for r in following] == [("1", export), ("2", import_)]
    commercial = rows.index(headings[0])
    assert rows[commercial][5:] == [pytest.approx(12600.00), 3]  # 7,600 out + 5,000 in; three enterprises
    cassava = next(r for r in rows if r[2] == "0714.10.11")
    assert (cassava[1], cassava[3], cassava[4], dec(cassava[5]), cassava[6]) == (
        "Sắn lát khô",
        "kg",
        20000,
        Decimal("5000.00"),
        1,
    )
    mango = next(r for r in rows if r[2] == "0804.50.21")
    assert dec(mango[5]) == Decimal("1.01")  # two lines of 0.50 each: the shipment's cent goes to its goods
    rubber = next(r for r in rows if r[2] == "4001.22.10")
    assert (rubber[3], rubber[4]) == ("t", 10)


def test_totals_equal_the_volume_report(client, token_for, officer, both_ways):
    headers = token_for(officer)
    _response, book = workbook(client, headers)
    volume = client.get("/api/v1/reports/volume?from=2025-08-01&to=2025-08-31&group_by=gate", headers=headers).json
    by_gate = {row["gate"]: row for row in volume["rows"]}
    for sheet in book.worksheets[:4]:
        rows = table(sheet)
        total, export, import_, balance = rows[-4:]
        expected = volume["totals"] if sheet is book.worksheets[0] else by_gate[sheet.title]
        assert dec(total[5]) == Decimal(expected["value_usd"]), sheet.title
        goods = [r for r in rows if r[2]]  # goods rows carry an HS code
        assert sum(dec(r[5]) for r in goods) == dec(total[5]), sheet.title
    total, export, import_, balance = table(book.worksheets[0])[-4:]
    assert dec(export[5]) == Decimal(volume["totals"]["export_value_usd"]) == Decimal("7600.00")
    assert dec(import_[5]) == Decimal(volume["totals"]["import_value_usd"]) == Decimal("20001.01")
    assert dec(balance[5]) == Decimal(volume["totals"]["balance_usd"]) == Decimal("-12401.01")
    assert (total[6], export[6], import_[6]) == (3, 2, 2)  # distinct enterprises, not a sum


def test_key_products_and_parameters(client, token_for, officer, both_ways):
    _response, book = workbook(client, token_for(officer), "month=2025-08&lang=en")
    rows = [list(r) for r in book.worksheets[4].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "No.")
    lines = [(r[1], r[3], dec(r[6]), r[7]) for r in rows[start + 1 :]]
    assert lines == [
        ("Export", "0807.19.00", Decimal("7600.00"), 100),
        ("Import", "4001.22.10", Decimal("15000.00"), 75),
        ("Import", "0714.10.11", Decimal("5000.00"), 25),
        ("Import", "0804.50.21", Decimal("1.01"), 0),
    ]
    about = dict(r[:2] for r in book.worksheets[5].iter_rows(values_only=True))
    assert about["Shipments"] == 5 and dec(about["Value (USD)"]) == Decimal("27601.01")


def test_two_languages_label_every_heading_twice(client, token_for, officer, both_ways, app):
    _response, book = workbook(client, token_for(officer), "month=2025-08&lang=vi,km")
    rows = table(book.worksheets[0])
    with app.test_request_context():
        expected = f"{translate_in(REGIMES['commercial'], 'vi')}\n{translate_in(REGIMES['commercial'], 'km')}"
    assert next(r for r in rows if r[0] == "I")[1] == expected
    assert any("\u1780" <= ch <= "\u17ff" for ch in expected)  # Khmer


@needs("pdftotext")
@needs("qpdf")
@needs("pdffonts")
def test_pdf_reads_back(client, token_for, officer, both_ways, tmp_path, app):
    response = client.get(f"{PDF}?month=2025-08&lang=vi,km", headers=token_for(officer))
    assert response.status_code == 200, response.data[:400]
    assert response.mimetype == "application/pdf"
    assert 'filename="border-trade-tay-ninh-2025-08.pdf"' in response.headers["Content-Disposition"]
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # every font embedded
    assert any("NotoSansKhmer" in line for line in fonts)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    with app.test_request_context():
        positions = [text.index(translate_in(REGIMES[r.value], "vi")) for r in Regime]
        assert positions == sorted(positions)  # headings I to V in order
        assert translate_in(REGIMES["commercial"], "km") in text  # shaped Khmer extracts as text
    for expected in ("Tây Ninh", "08/2025", "27.601,01", "-12.401,01", "Sắn lát khô", "0714.10.11", "BINH-HIEP"):
        assert expected in text, expected
    assert "TINH-BIEN" not in text


@pytest.mark.parametrize("path", [XLSX, PDF])
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("month=2025-08&lang=fr", "lang"),
        ("month=2025-08&lang=vi,km,en", "lang"),
        ("month=2025-08&lang=", "lang"),
        ("month=2025-13", "month"),
        ("month=August", "month"),
        ("lang=vi", "month"),
        ("month=2025-08&province=ATLANTIS", "province"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(client, token_for, officer, path, query, field):
    response = client.get(f"{path}?{query}", headers=token_for(officer))
    assert response.status_code == 422 and field in response.json["errors"], (query, response.json)


def test_scope(client, token_for, officer, admin, both_ways):
    an_giang = make_user(Role.PROVINCE_OFFICER, province=get_province("AN-GIANG"))
    for path in (XLSX, PDF):
        assert client.get(f"{path}?month=2025-08&province=TAY-NINH", headers=token_for(an_giang)).status_code == 404
        for caller in (make_user(Role.EXPORTER), make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])):
            assert client.get(f"{path}?month=2025-08&province=TAY-NINH", headers=token_for(caller)).status_code == 403
        missing = client.get(f"{path}?month=2025-08", headers=token_for(admin))
        assert missing.status_code == 422 and "province" in missing.json["errors"]
        assert client.get(f"{path}?month=2025-08&province=tay-ninh", headers=token_for(admin)).status_code == 200
        # Long An is merged into Tây Ninh: its officer may ask for it
        assert client.get(f"{path}?month=2025-08&province=LONG-AN", headers=token_for(officer)).status_code == 200
    # An Giang's own report holds An Giang's import only
    _response, book = workbook(client, token_for(an_giang))
    assert book.sheetnames[1:2] == ["TINH-BIEN"]
    assert dec(table(book.worksheets[0])[-4][5]) == Decimal("5000.00")


def test_a_month_without_crossings(client, token_for, officer, both_ways):
    _response, book = workbook(client, token_for(officer), "month=2030-01&lang=en")
    assert len(book.sheetnames) == 3  # all gates, key products, parameters
    rows = table(book.worksheets[0])
    assert [r[0] for r in rows if r[0] in ("I", "II", "III", "IV", "V")] == ["I", "II", "III", "IV", "V"]
    assert dec(rows[-4][5]) == Decimal("0.00") and rows[-4][6] == 0
    notes = [r[0] for r in book.worksheets[2].iter_rows(values_only=True)]
    idle = next(n for n in notes if n and n.startswith("Gates without crossings"))
    assert "MOC-BAI" in idle and "BINH-HIEP" in idle and "TINH-BIEN" not in idle


def test_openapi_describes_the_reports_in_both_directions(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path in (XLSX, PDF):
        parameters = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"province", "month", "lang"} <= parameters, path
    volume = {p["name"]: p for p in paths["/api/v1/reports/volume"]["get"]["parameters"]}
    assert volume["direction"]["schema"]["enum"] == ["export", "import"]
    assert "regime" in volume
