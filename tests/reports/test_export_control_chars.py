"""User text in the report exports: control characters never break the XLSX (IllegalCharacterError was a 500), and
a text that a spreadsheet would run as a formula is shown as text, in the XLSX and the CSV."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from border_trade.reports.exports import xlsx_cell
from tests.factories import make_organisation, make_product

from .conftest import local

PERIOD = "from=2025-01-01&to=2025-12-31"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAMES = {
    "Dưa\x01lưới": "Dưalưới",
    "Mật\x0bong\x1f": "Mậtong",
    "Bánh\ttráng\nTrảng Bàng": "Bánh\ttráng\nTrảng Bàng",  # tab and line feed are allowed (and carriage return)
    '\x02=HYPERLINK("http://x")': '\'=HYPERLINK("http://x")',  # the control character hid a formula
    "+84 Muối tôm": "'+84 Muối tôm",
    "@SUM(A1)": "'@SUM(A1)",
}


@pytest.fixture
def named_world(flat_rates, crossed):
    organisation = make_organisation(name="HTX\x07 Tân Châu")
    for day, name in enumerate(NAMES, start=1):
        product = make_product(organisation, name_vi=name, name_en=name, name_km=name, hs_code="08071900")
        line = {"product_id": product.id, "quantity": Decimal("10"), "unit_price": Decimal("2.00")}
        crossed(organisation, local(2025, 3, day), gate="MOC-BAI", items=[line], vehicle_plate=f"70H-100.0{day}")
    return organisation


def xlsx_values(response):
    assert response.status_code == 200, response.text
    assert response.mimetype == XLSX
    book = load_workbook(io.BytesIO(response.data))
    return book, [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_the_xlsx_export_drops_control_characters_and_defuses_formulas(client, token_for, named_world, who, request):
    headers = token_for(request.getfixturevalue(who))  # the province's officer, as in the finding, and an admin
    query = f"{PERIOD}&group_by=exporter,product&lang=en"
    book, (header, *lines, total) = xlsx_values(client.get(f"/api/v1/reports/volume.xlsx?{query}", headers=headers))
    assert header[:4] == ["Exporter id", "Exporter", "Product id", "Product"]
    assert {line[3] for line in lines} == set(NAMES.values())
    assert {line[1] for line in lines} == {"HTX Tân Châu"}
    assert total[0] == "Total"
    for row in book.worksheets[0].iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)  # no cell is a formula


def test_every_grouping_with_user_text_exports_as_xlsx(client, token_for, admin, named_world):
    for group_by in ("exporter", "product", "gate,product", "product_group,exporter"):
        response = client.get(f"/api/v1/reports/volume.xlsx?{PERIOD}&group_by={group_by}", headers=token_for(admin))
        _book, rows = xlsx_values(response)
        assert all("\x01" not in str(cell) and "\x07" not in str(cell) for row in rows for cell in row)


def test_the_reports_page_download_link_gives_the_same_clean_xlsx(login_as, officer, named_world):
    client = login_as(officer)
    response = client.get(f"/api/v1/reports/volume.xlsx?{PERIOD}&group_by=product&lang=en")
    _book, (_header, *lines, _total) = xlsx_values(response)
    assert {line[1] for line in lines} == set(NAMES.values())


def test_the_csv_export_defuses_formulas_and_leaves_numbers_alone(client, token_for, officer, named_world):
    response = client.get(f"/api/v1/reports/volume.csv?{PERIOD}&group_by=product", headers=token_for(officer))
    assert response.status_code == 200
    header, *lines, _total = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    names = {line[header.index("product_name")] for line in lines}
    assert "'+84 Muối tôm" in names and "'@SUM(A1)" in names
    assert '\x02=HYPERLINK("http://x")' in names  # a CSV holds any character; a leading \x02 is no formula
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)
    assert {line[header.index("value_usd")] for line in lines} == {"20.00"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a\x00b\x08c\x0bd\x0ce\x0ef\x1fg", "abcdefg"),
        ("tab\tnew\nline\r", "tab\tnew\nline\r"),
        ("lone \ud800 surrogate \ufffe", "lone  surrogate "),
        ("\x01-1", "'-1"),
        ("=1+1", "'=1+1"),
        ("Trảng Bàng", "Trảng Bàng"),
        (Decimal("-1.50"), Decimal("-1.50")),
        (None, None),
    ],
)
def test_xlsx_cell(value, expected):
    assert xlsx_cell(value) == expected
