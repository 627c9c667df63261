"""Import limits: a zip bomb, a huge or odd workbook, or an endless CSV is refused at upload, fast and in little
memory, with the reason on the file field; an accepted file is read once and its rows kept for preview and confirm."""

import functools
import io
import json
import os
import random
import re
import string
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from flask_babel import force_locale
from openpyxl import Workbook

import border_trade.spreadsheets as spreadsheets
from border_trade.auth.models import Role
from border_trade.products.imports import COLUMNS, read_product_rows
from border_trade.products.models import Product
from border_trade.spreadsheets import SheetError
from tests.factories import make_shipment

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
UNUSUAL = "The workbook is packed in an unusual way (encrypted or oddly named parts); save it again as .xlsx."
HEADER = ["name_vi", "hs_code", "unit"]
GOOD = [HEADER, ["Mãng cầu Bà Đen", "08109094", "KGM"], ["Muối tôm Tây Ninh", "21039029", "PCE"]]
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""  # noqa: E501
PACKAGE_RELS = f"""<Relationships xmlns="{RELS}">
<Relationship Id="rId1" Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = f"""<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}">
<sheets><sheet name="Products" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = f"""<Relationships xmlns="{RELS}">
<Relationship Id="rId1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{OFFICE}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""


@functools.cache
def _noise():
    """1 MiB of letters in no order: deflate packs it barely (its window is 32 KiB), unlike a run of "A"."""
    return "".join(random.Random(14).choices(string.ascii_letters, k=MIB)).encode()


def _filler(out, total, noise=False):
    """Write `total` bytes of "A" (or of noise) in 1 MiB pieces: the test never holds the inflated part in memory."""
    piece = _noise() if noise else b"A" * MIB
    while total > 0:
        out.write(piece[: min(total, MIB)])
        total -= MIB


def workbook(rows=GOOD, *, strings_filler=0, sheet_filler=0, noise=False, level=6, extra=(), prolog=""):
    """Return a valid XLSX (shared strings, one sheet) of `rows`, built by hand with zipfile, streaming.

    `strings_filler` bytes go into one unused shared string, `sheet_filler` bytes into an inline-string cell of a
    last row: compressed, a few hundred MiB of "A" make a zip bomb of a few hundred KiB (`noise` fills with letters
    that barely compress). `extra` adds (name, bytes) members; `prolog` goes before the sheet's root element.
    """
    texts = sorted({cell for row in rows for cell in row})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w") as out:
            out.write(f'<sst xmlns="{MAIN}">'.encode())
            for text in texts:
                out.write(f"<si><t>{text}</t></si>".encode())
            if strings_filler:
                out.write(b"<si><t>")
                _filler(out, strings_filler, noise)
                out.write(b"</t></si>")
            out.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as out:
            out.write(f'{prolog}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for number, row in enumerate(rows, start=1):
                cells = "".join(f'<c t="s"><v>{texts.index(cell)}</v></c>' for cell in row)
                out.write(f'<row r="{number}">{cells}</row>'.encode())
            if sheet_filler:
                out.write(f'<row r="{len(rows) + 1}"><c t="inlineStr"><is><t>'.encode())
                _filler(out, sheet_filler, noise)
                out.write(b"</t></is></c></row>")
            out.write(b"</sheetData></worksheet>")
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    """Two workbooks of ~300 KiB-1.3 MiB that inflate to 300 MiB: in the shared strings, and in a sheet."""
    folder = tmp_path_factory.mktemp("bombs")
    paths = {}
    for part, options in (("strings", {"strings_filler": 300 * MIB}), ("sheet", {"sheet_filler": 300 * MIB})):
        paths[part] = folder / f"{part}.xlsx"
        paths[part].write_bytes(workbook(level=6 if part == "strings" else 1, **options))
    return paths


def upload(client, url, content, filename):
    return client.post(url, data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def file_error(response):
    """Return the message shown under the upload form's file field."""
    match = re.search(r'id="file"[^>]*>\s*<div class="invalid-feedback">([^<]+)</div>', response.text)
    assert match, response.text
    return match.group(1)


def refusal(content, filename="products.xlsx"):
    with force_locale("en"), pytest.raises(SheetError) as caught:
        read_product_rows(content, filename)
    assert caught.value.errors == {"file": [caught.value.message]}  # the API's 422 names the field
    return caught.value.message


# --- zip bombs -----------------------------------------------------------------------------------------------------


def test_the_bomb_builder_makes_a_readable_workbook_when_small():
    rows = read_product_rows(workbook(strings_filler=1000, sheet_filler=10), "products.xlsx")
    assert [row.values for row in rows] == [
        {"name_vi": "Mãng cầu Bà Đen", "hs_code": "08109094", "unit": "KGM"},
        {"name_vi": "Muối tôm Tây Ninh", "hs_code": "21039029", "unit": "PCE"},
        {"name_vi": "A" * 10},
    ]


@pytest.mark.parametrize("part", ["strings", "sheet"])
def test_a_zip_bomb_is_refused_on_both_import_pages(login_as, bombs, part):
    content = bombs[part].read_bytes()
    assert len(content) < 1.5 * MIB
    client = login_as(Role.EXPORTER)
    shipment = make_shipment(client.user.organisation)
    for url in ("/products/import", f"/shipments/{shipment.id}/import"):
        tracemalloc.start()
        started = time.perf_counter()
        try:
            response = upload(client, f"{url}?lang=en", content, "bomb.xlsx")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert response.status_code == 422
        assert file_error(response) == "The workbook is too large once unpacked (more than 24 MB)."
        assert time.perf_counter() - started < 10  # generous: the refusal reads the archive's directory only
        assert peak < 50 * MIB, peak
    assert Product.query.count() == 0


def test_a_zip_bomb_is_refused_in_a_fresh_process_that_grows_by_less_than_50_mib(bombs):
    """ru_maxrss of a separate process: what the refusal really costs (the old reader grew by ~500 MiB)."""
    script = """
import json, resource, sys, time
from border_trade import create_app
from border_trade.products.imports import read_product_rows
from border_trade.spreadsheets import SheetError
from config import TestingConfig

app = create_app(TestingConfig)
results = []
for path in sys.argv[1:]:
    content = open(path, "rb").read()
    with app.test_request_context("/?lang=en"):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        try:
            read_product_rows(content, "bomb.xlsx")
            message = None
        except SheetError as error:
            message = error.message
        seconds = time.perf_counter() - started
        grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    results.append({"message": message, "seconds": seconds, "grown_kib": grown_kib})
print(json.dumps(results))
"""
    done = subprocess.run(
        [sys.executable, "-c", script, str(bombs["strings"]), str(bombs["sheet"])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for result in json.loads(done.stdout.strip().splitlines()[-1]):
        assert result["message"] == "The workbook is too large once unpacked (more than 24 MB)."
        assert result["seconds"] < 2
        assert result["grown_kib"] < 50 * 1024, result


def test_a_workbook_compressed_far_too_well_is_refused_even_under_the_size_limits():
    message = refusal(workbook(sheet_filler=6 * MIB, level=9))  # 6 MiB into a few KiB
    assert message.startswith("The workbook is compressed far more than a real table would be (over 100 to 1)")


def test_shared_strings_over_their_own_limit_are_refused():
    assert refusal(workbook(strings_filler=5 * MIB, noise=True, level=1)) == (
        "The workbook is too large once unpacked (more than 4 MB)."
    )


def test_a_long_sheet_line_is_refused_before_openpyxl_holds_it():
    # 2 MiB of text in one cell that barely compresses: under every size and ratio limit
    content = workbook(sheet_filler=2 * MIB, noise=True, level=1)
    assert refusal(content) == (
        "The workbook is too complex to import; copy the table into a new workbook or a CSV file."
    )


# --- odd archives and XML --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../outside.xml", "/etc/passwd.xml", "xl\\worksheets\\x.xml", "xl/./x.xml"])
def test_members_with_paths_outside_the_archive_are_refused(name):
    message = refusal(workbook(extra=[(name, b"<x/>")]))
    assert message == UNUSUAL


def test_too_many_members_are_refused():
    extra = [(f"xl/media/image{i}.png", b"\x89PNG") for i in range(600)]
    assert refusal(workbook(extra=extra)) == "The workbook has more than 500 parts."


def test_a_member_packed_with_another_method_is_refused():
    content = io.BytesIO(workbook())
    with zipfile.ZipFile(content, "a") as archive:
        archive.writestr("xl/extra.xml", "<x/>" * 10, compress_type=zipfile.ZIP_LZMA)
    assert refusal(content.getvalue()) == UNUSUAL


def test_a_document_type_declaration_is_refused():
    laughs = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    assert refusal(workbook(prolog=laughs)).startswith("The workbook is too complex to import")


def test_a_row_with_too_many_cells_is_refused():
    wide = [[*HEADER, *[f"x{i}" for i in range(250)]], ["Mãng cầu", "08109094", "KGM"]]
    assert refusal(workbook(wide)) == "A line of the file has more than 200 columns."


def test_too_many_xlsx_rows_are_refused():
    rows = [HEADER, *[[f"Sản phẩm {i}", "08109094", "KGM"] for i in range(1001)]]
    assert refusal(workbook(rows)) == "The file has more than 1000 rows."


def test_a_row_far_below_the_others_is_refused_without_walking_a_million_lines():
    with zipfile.ZipFile(io.BytesIO(workbook())) as archive:  # rows 1 to 3; the last becomes row 1,000,000
        sheet = archive.read("xl/worksheets/sheet1.xml").replace(b'<row r="3">', b'<row r="1000000">')
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    started = time.perf_counter()
    assert refusal(buffer.getvalue()) == "The file has more than 1000 rows."
    assert time.perf_counter() - started < 10


def test_one_shared_string_repeated_in_every_cell_is_refused_by_the_text_limit():
    long_name = "Mãng cầu " * 100  # 900 characters, stored once, shown 1000 times
    rows = [HEADER, *[[long_name, long_name, long_name] for _ in range(1000)]]
    assert refusal(workbook(rows)) == "The file holds more than 2000000 characters of text."


# --- CSV -------------------------------------------------------------------------------------------------------------


def test_a_csv_of_endless_empty_lines_is_refused_quickly():
    content = b"name_vi,hs_code\r\n" + b"\r\n" * (2 * MIB)
    started = time.perf_counter()
    tracemalloc.start()
    try:
        message = refusal(content, "products.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message == "The file has more than 1000 rows."
    assert peak < 50 * MIB and time.perf_counter() - started < 10


def test_csv_rows_columns_cells_and_size_are_capped(app):
    many = "name_vi\r\n" + "".join(f"Sản phẩm {i}\r\n" for i in range(1001))
    assert refusal(many.encode(), "p.csv") == "The file has more than 1000 rows."
    wide = "name_vi" + ",x" * 300 + "\r\nA\r\n"
    assert refusal(wide.encode(), "p.csv") == "A line of the file has more than 200 columns."
    long_cell = "name_vi\r\n" + "A" * 1001 + "\r\n"
    assert refusal(long_cell.encode(), "p.csv") == "Line 2 holds a cell longer than 1000 characters."
    big = b"name_vi\r\n" + b"A,\r\n" * (app.config["IMPORT_MAX_BYTES"] // 4 + 1)
    assert refusal(big, "p.csv") == "The file is larger than 5 MB."


def test_a_full_size_realistic_workbook_and_csv_are_accepted():
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for i in range(1000):
        sheet.append([f"Sản phẩm {i}", f"ផលិតផល {i}", f"Product {i}", "08071900", 4, None, f"{i}/QĐ"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert len(read_product_rows(buffer.getvalue(), "products.xlsx")) == 1000
    text = ",".join(COLUMNS[:4]) + "\r\n" + "".join(f"Sản phẩm {i},,Product {i},08071900\r\n" for i in range(1000))
    assert len(read_product_rows(text.encode(), "products.csv")) == 1000


# --- read once -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_file_is_parsed_once_for_upload_previews_and_confirmation(login_as, monkeypatch, kind):
    calls = []
    for name in ("xlsx_lines", "_csv_lines"):
        original = getattr(spreadsheets, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(spreadsheets, name, counted)
    client = login_as(Role.EXPORTER)
    content = workbook() if kind == "xlsx" else "\r\n".join(",".join(row) for row in GOOD).encode()
    response = upload(client, "/products/import?lang=en", content, f"products.{kind}")
    assert response.status_code == 302
    location = response.headers["Location"]
    for _ in range(2):
        preview = client.get(location)
        assert preview.status_code == 200 and 'id="import-ready"' in preview.text
        assert "Muối tôm Tây Ninh" in preview.text
    assert client.post(location, data={"confirm": "1"}).status_code == 302
    assert calls == ["xlsx_lines" if kind == "xlsx" else "_csv_lines"]
    saved = Product.query.filter_by(organisation_id=client.user.organisation_id)
    assert {product.name_vi for product in saved} == {"Mãng cầu Bà Đen", "Muối tôm Tây Ninh"}
