"""A trader downloads the invoice from the shipment page in vi+en and the file reads back in both languages (#19)."""

import shutil
import subprocess

import pytest
import sqlalchemy as sa

from border_trade.auth.models import User
from border_trade.enums import Direction
from border_trade.extensions import db
from border_trade.shipments.models import Shipment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("pdftotext", "pdftoppm", "qpdf")), reason="poppler-utils/qpdf missing"
    ),
]


def an_export_of(live_server, email):
    with live_server.app.app_context():
        organisation_id = db.session.scalar(sa.select(User.organisation_id).where(User.email == email))
        return db.session.scalar(
            sa.select(Shipment.id)
            .where(Shipment.organisation_id == organisation_id, Shipment.direction == Direction.EXPORT)
            .order_by(Shipment.id)
            .limit(1)
        )


def test_a_trader_downloads_the_invoice_in_vi_en_and_it_reads_back_in_both_languages(
    page, sign_in, live_server, tmp_path
):
    shipment_id = an_export_of(live_server, "exporter@demo.test")
    sign_in(page, "exporter")
    page.goto(f"/shipments/{shipment_id}")
    link = page.locator('[data-pdf-link="commercial-invoice"]')
    assert "lang=vi,km" in link.get_attribute("href")  # vi+km by default
    assert page.locator("#pdf-pair-submit").is_hidden()  # the script applies the select itself

    page.select_option("#pdf-pair", "vi-en")
    assert "lang=vi%2Cen" in link.get_attribute("href")
    assert "pair=vi-en" in page.url  # a reload keeps the pair
    assert page.locator('#generated-documents [data-pdf-state][data-pair="vi-en"]').first.is_visible()
    assert page.locator('#generated-documents [data-pdf-state][data-pair="vi-km"]').first.is_hidden()
    with page.expect_download() as download_info:
        link.click()
    pdf = tmp_path / "invoice.pdf"
    download_info.value.save_as(pdf)

    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["qpdf", "--check", str(pdf)], check=True, capture_output=True)
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split()
    )
    assert "Hóa đơn thương mại" in text and "Commercial invoice" in text
    assert "Người mua" in text and "Buyer" in text
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))

    page.reload()  # the issued revision now shows for vi+en, with its verification page
    state = page.locator('[data-pdf="commercial-invoice"] [data-pdf-state][data-pair="vi-en"]')
    assert state.locator("[data-revision]").get_attribute("data-revision") == "1"
    with page.expect_navigation():
        state.locator("[data-verify-link]").click()
    assert page.locator('[data-verdict="valid"]').is_visible()
