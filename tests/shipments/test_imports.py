"""Bulk import of products and goods lines: preview with per-row errors saves nothing; confirm saves all or none."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook

from border_trade.auth.models import Role
from border_trade.products.imports import COLUMNS as PRODUCT_COLUMNS
from border_trade.products.models import Product
from border_trade.shipments import services
from border_trade.shipments.imports import COLUMNS as ITEM_COLUMNS
from border_trade.shipments.models import Shipment, ShipmentStatus
from border_trade.shipments.schemas import ShipmentInSchema
from tests.factories import make_shipment

PRODUCTS = [
    [
        "name_vi",
        "name_en",
        "hs_code",
        "ocop_stars",
        "ocop_certificate_no",
        "unit",
        "net_weight_per_unit_kg",
        "ocop_decision_on",
    ],
    # a recognition names its decision's date (the OCOP register derives the 36-month validity from it)
    ["Mãng cầu Bà Đen", "Custard apple", "0810.90.94", "4", "05/QĐ", "KGM", "1", "2025-03-01"],
    ["Muối tôm Tây Ninh", "Shrimp salt", "21039029", "", "", "PCE", "0.2", ""],
]
ITEMS = [
    [
        "description_vi",
        "hs_code",
        "quantity",
        "unit",
        "net_weight_kg",
        "gross_weight_kg",
        "unit_price",
        "origin_criterion",
    ],
    ["Muối tôm", "21039029", "100", "PCE", "20", "22", "2", "WO"],
    ["Bánh tráng", "19059070", "300", "PCE", "90", "95", "1.5", "WO"],
]


def csv_bytes(rows, delimiter=","):
    return ("\ufeff" + "\r\n".join(delimiter.join(row) for row in rows) + "\r\n").encode("utf-8")


def xlsx_bytes(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([_excel_value(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _excel_value(cell):
    """Type numbers as a person in Excel would (HS codes with a leading zero lose it, as in real files)."""
    if re.fullmatch(r"\d+", cell):
        return int(cell)
    if re.fullmatch(r"\d+\.\d+", cell):
        return float(cell)
    return cell or None


def upload(client, url, content, filename):
    return client.post(url, data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def preview_key(response):
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def products_of(user):
    return Product.query.filter_by(organisation_id=user.organisation_id).all()


# --- products ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_product_preview_shows_row_errors_and_saves_nothing(login_as, kind):
    client = login_as(Role.EXPORTER)
    rows = [*PRODUCTS, ["", "No Vietnamese name", "99999999", "7", "", "KGM", "-1", ""]]
    content = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    preview = client.get(preview_key(upload(client, "/products/import", content, f"products.{kind}")))
    assert preview.status_code == 200
    assert 'data-line="2" data-ok="true"' in preview.text and 'data-line="3" data-ok="true"' in preview.text
    assert 'data-line="4" data-ok="false"' in preview.text
    bad = preview.text.split('data-line="4"')[1]
    for field in ("name_vi", "ocop_stars", "net_weight_per_unit_kg"):
        assert f'data-error-field="{field}"' in bad
    assert 'id="confirm-import" disabled' in preview.text
    assert products_of(client.user) == []


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_product_confirm_saves_every_row(login_as, db, kind):
    client = login_as(Role.EXPORTER)
    content = csv_bytes(PRODUCTS, ";") if kind == "csv" else xlsx_bytes(PRODUCTS)
    location = preview_key(upload(client, "/products/import", content, f"products.{kind}"))
    preview = client.get(location)
    assert 'id="import-ready"' in preview.text
    confirmed = client.post(location, data={"confirm": "1"})
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/products")
    saved = sorted(products_of(client.user), key=lambda p: p.name_vi)
    assert [(p.name_vi, p.hs_code, p.unit) for p in saved] == [
        ("Muối tôm Tây Ninh", "21039029", "PCE"),
        ("Mãng cầu Bà Đen", "08109094", "KGM"),
    ]
    assert saved[0].net_weight_per_unit_kg == Decimal("0.2")
    assert client.get(location).status_code == 404  # the kept file is gone once saved


def test_product_confirm_with_one_bad_row_saves_nothing(login_as, db):
    client = login_as(Role.EXPORTER)
    rows = [*PRODUCTS, ["Sầu riêng", "", "99999999", "", "", "KGM", ""]]  # well formed, but the HS code is unknown
    location = preview_key(upload(client, "/products/import", csv_bytes(rows), "products.csv"))
    preview = client.get(location)
    assert 'data-line="4" data-ok="false"' in preview.text
    refused = client.post(location, data={"confirm": "1"})
    assert refused.status_code == 422
    assert 'data-line="4" data-ok="false"' in refused.text
    assert products_of(client.user) == []


def test_unreadable_files_and_unknown_columns_are_refused_at_upload(login_as):
    client = login_as(Role.EXPORTER)
    unknown = upload(client, "/products/import", csv_bytes([["name_vi", "colour"], ["A", "red"]]), "p.csv")
    assert unknown.status_code == 422 and "colour" in unknown.text
    assert upload(client, "/products/import", b"\x00\x01 not a table", "p.pdf").status_code == 422
    assert upload(client, "/products/import", b"PK\x03\x04broken", "p.xlsx").status_code == 422
    assert upload(client, "/products/import", csv_bytes([["name_vi"]]), "p.csv").status_code == 422


def test_kept_uploads_belong_to_their_uploader(login_as):
    owner = login_as(Role.EXPORTER)
    location = preview_key(upload(owner, "/products/import", csv_bytes(PRODUCTS), "products.csv"))
    other = login_as(Role.EXPORTER)
    assert other.get(location).status_code == 404
    assert other.post(location, data={"confirm": "1"}).status_code == 404
    assert owner.get("/products/import/not-a-key").status_code == 404
    assert products_of(other.user) == []


def test_cancel_drops_the_kept_upload(login_as):
    client = login_as(Role.EXPORTER)
    location = preview_key(upload(client, "/products/import", csv_bytes(PRODUCTS), "products.csv"))
    assert client.post(location, data={"cancel": "1"}).status_code == 302
    assert client.get(location).status_code == 404
    assert products_of(client.user) == []


def test_templates_hold_the_header_row(login_as):
    client = login_as(Role.EXPORTER)
    products = client.get("/products/import/template.csv")
    assert products.status_code == 200 and products.mimetype == "text/csv"
    assert products.data.decode("utf-8-sig").strip() == ",".join(PRODUCT_COLUMNS)
    items = client.get("/shipments/import/template.csv")
    assert items.data.decode("utf-8-sig").strip() == ",".join(ITEM_COLUMNS)


# --- goods lines of a shipment -------------------------------------------------------------------------------------


@pytest.fixture
def draft(exporter, payload):
    return services.create_shipment(exporter, ShipmentInSchema().load(payload()))


def item_url(shipment):
    return f"/shipments/{shipment.id}/import"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_item_preview_shows_row_errors_and_saves_nothing(login_as, exporter, melon, draft, db, kind):
    client = login_as(exporter)
    rows = [
        *ITEMS,
        ["Hàng lạ", "99999999", "1", "PCE", "1", "1", "1", "WO"],  # unknown HS code (a database check)
        ["Sai cân", "21039029", "1", "PCE", "10", "5", "1", "WO"],  # gross below net (a schema check)
        ["Thiếu tiêu chí", "21039029", "1", "PCE", "1", "1", "1", ""],  # preferential tariff needs a criterion
    ]
    content = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    preview = client.get(preview_key(upload(client, item_url(draft), content, f"items.{kind}")))
    assert preview.status_code == 200
    assert 'data-line="2" data-ok="true"' in preview.text
    assert re.search(r'data-line="4" data-ok="false".*?data-error-field="hs_code"', preview.text, re.S)
    assert re.search(r'data-line="5" data-ok="false".*?data-error-field="gross_weight_kg"', preview.text, re.S)
    assert 'id="confirm-import" disabled' in preview.text
    db.session.expire_all()
    assert len(db.session.get(Shipment, draft.id).items) == 1


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_item_confirm_appends_every_row(login_as, exporter, melon, draft, db, kind):
    client = login_as(exporter)
    rows = [*ITEMS, ["", "", "50", "", "50", "55", "9.5", "WO"]]
    rows[-1] = ["Dưa lưới", "08071900", "50", "KGM", "50", "55", "9.5", "WO"]
    content = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    location = preview_key(upload(client, item_url(draft), content, f"items.{kind}"))
    assert 'id="import-ready"' in client.get(location).text
    confirmed = client.post(location, data={"confirm": "1"})
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith(f"/shipments/{draft.id}")
    db.session.expire_all()
    shipment = db.session.get(Shipment, draft.id)
    assert [(i.position, i.hs_code) for i in shipment.items] == [
        (1, "08071900"),
        (2, "21039029"),
        (3, "19059070"),
        (4, "08071900"),
    ]
    assert shipment.items[0].product_id == melon.id  # the line that was there stays as it was
    assert shipment.net_weight_kg == Decimal("4160.000")


def test_item_confirm_with_one_bad_row_saves_nothing(login_as, exporter, draft, db):
    client = login_as(exporter)
    bad = [*ITEMS, ["Hàng lạ", "99999999", "1", "PCE", "1", "1", "1", "WO"]]
    location = preview_key(upload(client, item_url(draft), csv_bytes(bad), "items.csv"))
    refused = client.post(location, data={"confirm": "1"})
    assert refused.status_code == 422 and 'data-line="4" data-ok="false"' in refused.text
    db.session.expire_all()
    assert len(db.session.get(Shipment, draft.id).items) == 1


def test_a_row_that_went_bad_after_the_preview_stops_the_whole_import(login_as, exporter, draft, db):
    draft.preferential_tariff = False
    db.session.commit()
    client = login_as(exporter)
    rows = [[*ITEMS[0][:-1]], *[row[:-1] for row in ITEMS[1:]]]  # no origin criterion: fine without the tariff
    location = preview_key(upload(client, item_url(draft), csv_bytes(rows), "items.csv"))
    assert 'id="import-ready"' in client.get(location).text
    draft.preferential_tariff = True  # the shipment now claims the tariff, so every line needs a criterion
    db.session.commit()
    refused = client.post(location, data={"confirm": "1"})
    assert refused.status_code == 422
    for line in (2, 3):
        assert re.search(
            rf'data-line="{line}" data-ok="false".*?data-error-field="origin_criterion"', refused.text, re.S
        )
    db.session.expire_all()
    assert len(db.session.get(Shipment, draft.id).items) == 1


def test_items_import_refused_for_others_and_after_submission(login_as, exporter, exporter2, draft, xamat_officer):
    assert login_as(exporter2).get(item_url(draft)).status_code == 404
    assert login_as(xamat_officer).get(item_url(draft)).status_code == 403
    submitted = make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED)
    client = login_as(exporter)
    assert client.get(item_url(submitted)).status_code == 409
    location = preview_key(upload(client, item_url(draft), csv_bytes(ITEMS), "items.csv"))
    other_shipment = make_shipment(exporter.organisation)
    # a kept file belongs to the shipment it was uploaded for
    assert client.get(location.replace(f"/{draft.id}/", f"/{other_shipment.id}/")).status_code == 404


def test_import_upload_page_renders(login_as):
    from border_trade.auth.models import Role
    from tests.factories import make_shipment

    client = login_as(Role.EXPORTER)
    shipment = make_shipment(client.user.organisation)
    page = client.get(f"/shipments/{shipment.id}/import")
    assert page.status_code == 200 and b'id="import-form"' in page.data


def test_both_upload_pages_link_their_template_and_their_way_back(login_as, exporter, draft):
    client = login_as(exporter)
    products = client.get("/products/import").text
    assert 'id="template-link" href="/products/import/template.csv"' in products
    assert 'btn-lg" href="/products">' in products
    items = client.get(item_url(draft)).text
    assert 'id="template-link" href="/shipments/import/template.csv"' in items
    assert f'btn-lg" href="/shipments/{draft.id}">{draft.reference}</a>' in items
    assert f"· {draft.reference}</h1>" in items and "·" not in products.split("<h1")[1].split("</h1>")[0]
    assert ", ".join(ITEM_COLUMNS) in items and ", ".join(PRODUCT_COLUMNS) in products
