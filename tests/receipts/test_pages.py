"""The buyer's page /receipt/<token> (Khmer first, the language switch, photos sniffed and size-limited, CSRF, the
recorded receipt read-only) and the importer's confirmation of an import in the app."""

import io
import re

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.receipts.models import Receipt, ReceiptPhoto
from border_trade.shipments.models import ShipmentStatus
from tests.factories import make_user
from tests.receipts.conftest import GIF, JPEG, PNG


def form(received=("400", "480"), conditions=("ok", "short"), **extra):
    data = {}
    for n, (quantity, condition) in enumerate(zip(received, conditions, strict=True), start=1):
        data[f"received-{n}"] = quantity
        data[f"condition-{n}"] = condition
        data[f"note-{n}"] = ""
    return data | extra


def photo(content, name):
    return (io.BytesIO(content), name)


def test_the_page_opens_in_khmer_with_the_goods_and_no_personal_data(client, token, crossed, trader):
    page = client.get(f"/receipt/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="km">' in html
    assert "ត្រសក់ស្រូវ" in html and "ស្វាយស្រស់" in html  # each line's Khmer description
    assert crossed.reference in html and crossed.consignee_name in html
    assert trader.email not in html and trader.name not in html
    assert 'name="received-1"' in html and 'name="condition-2"' in html and 'name="declaration_no"' in html
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("lang", "marker", "description"), [("vi", "Dưa lưới", "Dưa lưới"), ("en", "Melons", "Melons")]
)
def test_the_visitor_may_switch_language(client, token, crossed, lang, marker, description):
    assert f'<html lang="{lang}">' in client.get(f"/receipt/{token}?lang={lang}").get_data(as_text=True)
    switched = client.get(f"/lang/{lang}?next=/receipt/{token}")
    assert switched.status_code == 302 and switched.headers["Location"].endswith(f"/receipt/{token}")
    html = client.get(f"/receipt/{token}").get_data(as_text=True)  # the switch's cookie
    assert f'<html lang="{lang}">' in html and description in html


def test_confirming_on_the_page_with_a_photo_shows_the_receipt_read_only(client, token, crossed):
    data = form(declaration_no="KH-123") | {
        "note-2": "Thiếu 20 kg",
        "photos-2": [photo(JPEG, "a.jpg"), photo(PNG, "b.png")],
    }
    response = client.post(f"/receipt/{token}", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="receipt-form"' not in html
    assert 'data-receipt-line="2" data-condition="short"' in html and "Thiếu 20 kg" in html and "KH-123" in html
    photos = db.session.scalars(sa.select(ReceiptPhoto).order_by(ReceiptPhoto.id)).all()
    assert [p.mime for p in photos] == ["image/jpeg", "image/png"]
    sent = client.get(f"/receipt/{token}/photos/{photos[0].id}")
    assert sent.status_code == 200 and sent.data == JPEG and sent.mimetype == "image/jpeg"
    assert client.get(f"/receipt/x/photos/{photos[0].id}").status_code == 404
    db.session.refresh(crossed)
    assert crossed.status is ShipmentStatus.DELIVERED
    again = client.post(f"/receipt/{token}", data=form(), content_type="multipart/form-data")
    assert again.status_code == 200 and 'id="receipt-form"' not in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Receipt)) == 1


@pytest.mark.parametrize(("content", "name"), [(GIF, "goods.png"), (b"<html><script>x</script></html>", "goods.jpg")])
def test_a_photo_that_is_not_jpeg_or_png_by_content_is_422(client, token, crossed, content, name):
    data = form() | {"photos-2": [photo(content, name)]}
    response = client.post(f"/receipt/{token}", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "JPEG" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Receipt)) == 0
    db.session.refresh(crossed)
    assert crossed.status is ShipmentStatus.CROSSED


def test_a_photo_over_the_size_limit_is_413(client, token, crossed, app):
    app.config["RECEIPT_PHOTO_MAX_BYTES"] = 1000
    try:
        data = form() | {"photos-2": [photo(JPEG + b"\x00" * 1000, "big.jpg")]}
        response = client.post(f"/receipt/{token}", data=data, content_type="multipart/form-data")
    finally:
        app.config["RECEIPT_PHOTO_MAX_BYTES"] = 5 * 1024 * 1024
    assert response.status_code == 413
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReceiptPhoto)) == 0


def test_too_many_photos_on_a_line_is_422(client, token, crossed, app):
    data = form() | {"photos-1": [photo(JPEG, f"{n}.jpg") for n in range(app.config["RECEIPT_PHOTOS_PER_LINE"] + 1)]}
    assert client.post(f"/receipt/{token}", data=data, content_type="multipart/form-data").status_code == 422


def test_a_bad_quantity_on_the_page_is_422_and_keeps_what_was_typed(client, token, crossed):
    response = client.post(f"/receipt/{token}", data=form(received=("400", "-3")), content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="-3"' in html and "is-invalid" in html


def test_the_form_needs_its_csrf_token(client, token, crossed, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/receipt/{token}", data=form(), content_type="multipart/form-data")
        assert response.status_code == 400
        page = client.get(f"/receipt/{token}").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        ok = client.post(f"/receipt/{token}", data=form(csrf_token=csrf), content_type="multipart/form-data")
        assert ok.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_dead_link_is_a_404_page(client):
    response = client.get("/receipt/not-a-token")
    assert response.status_code == 404 and response.mimetype == "text/html"


# --- imports: the Vietnamese importer confirms in the app ---------------------------------------------------------


def test_the_importer_confirms_an_import_in_the_app(login_as, trader, crossed_import):
    client = login_as(trader)
    page = client.get(f"/shipments/{crossed_import.id}")
    assert 'id="receipt-confirm-import"' in page.get_data(as_text=True)
    assert 'id="receipt-form"' in client.get(f"/shipments/{crossed_import.id}/receipt").get_data(as_text=True)
    data = {"received-1": "4980", "condition-1": "short", "note-1": "", "photos-1": [photo(PNG, "x.png")]}
    response = client.post(f"/shipments/{crossed_import.id}/receipt", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    receipt = db.session.scalar(sa.select(Receipt))
    assert receipt.confirmed_by_id == trader.id and receipt.link_id is None and receipt.has_discrepancy
    shipment_page = client.get(f"/shipments/{crossed_import.id}").get_data(as_text=True)
    assert 'id="receipt-summary"' in shipment_page and 'data-discrepancy="true"' in shipment_page
    photo_id = receipt.lines[0].photos[0].id
    assert client.get(f"/shipments/{crossed_import.id}/receipt/photos/{photo_id}").data == PNG


def test_only_the_importers_own_trader_may_confirm(login_as, crossed_import):
    other = login_as(make_user(Role.EXPORTER))
    assert other.get(f"/shipments/{crossed_import.id}/receipt").status_code == 404
    data = {"received-1": "5000", "condition-1": "ok"}
    assert other.post(f"/shipments/{crossed_import.id}/receipt", data=data).status_code == 404
    officer = login_as(Role.GATE_OFFICER)
    response = officer.post(f"/shipments/{crossed_import.id}/receipt", data=data)
    assert response.status_code in (403, 404)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Receipt)) == 0


def test_an_export_is_not_confirmed_in_the_app(login_as, trader, crossed):
    client = login_as(trader)
    assert 'id="receipt-form"' not in client.get(f"/shipments/{crossed.id}/receipt").get_data(as_text=True)
    response = client.post(f"/shipments/{crossed.id}/receipt", data=form())
    assert response.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Receipt)) == 0


# --- the trader makes the link from the shipment page -------------------------------------------------------------


def test_the_trader_makes_the_link_from_the_shipment_page_and_sees_it(login_as, trader, crossed):
    client = login_as(trader)
    page = client.get(f"/shipments/{crossed.id}").get_data(as_text=True)
    assert 'id="receipt-link-make"' in page and 'id="receipt-link-url"' not in page
    response = client.post(f"/shipments/{crossed.id}/receipt-link")
    assert response.status_code == 302
    page = client.get(f"/shipments/{crossed.id}").get_data(as_text=True)
    url = re.search(r'id="receipt-link-url" value="([^"]+)"', page).group(1)
    token = url.rsplit("/", 1)[1]
    assert client.get(f"/receipt/{token}").status_code == 200
    assert 'id="receipt-link-new"' in page


def test_only_the_trader_makes_the_link_from_the_page(login_as, crossed):
    assert login_as(make_user(Role.EXPORTER)).post(f"/shipments/{crossed.id}/receipt-link").status_code == 404
    assert login_as(Role.GATE_OFFICER).post(f"/shipments/{crossed.id}/receipt-link").status_code == 403
    assert login_as(Role.ADMIN).post(f"/shipments/{crossed.id}/receipt-link").status_code == 403


def test_the_shipment_timeline_names_the_receipt_and_each_discrepancy(client, login_as, trader, token, crossed):
    response = client.post(f"/receipt/{token}", data=form(), content_type="multipart/form-data")
    assert response.status_code == 302
    signed_in = login_as(trader)
    signed_in.get("/lang/en")
    page = signed_in.get(f"/shipments/{crossed.id}").get_data(as_text=True)
    assert "Receipt confirmed by the buyer" in page
    assert "Discrepancy on receipt: item 2, Short, 480" in page, re.findall(r"Discrepancy[^<]*", page)
    assert ">delivered<" not in page and ">discrepancy<" not in page  # no raw event names
