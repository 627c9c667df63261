"""The demo exporter ships melons and honey through Xa Mat: creates the shipment, registers its papers, submits."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from border_trade.extensions import db
from border_trade.products.models import Product

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def product_ids(live_server, *names):
    with live_server.app.app_context():
        found = dict(db.session.execute(sa.select(Product.name_vi, Product.id).where(Product.name_vi.in_(names))).all())
    return [found[name] for name in names]


def statuses(page):
    return page.eval_on_selector_all(
        "#requirements [data-rule]",
        "lines => Object.fromEntries(lines.map(l => [l.dataset.documentType, [l.dataset.level, l.dataset.status]]))",
    )


def submit_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_exporter_ships_melons_and_honey_through_xa_mat(page, sign_in, live_server):
    melon, honey = product_ids(live_server, "Dưa lưới Tân Châu", "Mật ong hoa cà phê")
    refused_scripts = []
    page.on(
        "console", lambda message: refused_scripts.append(message.text) if "Content Security" in message.text else None
    )
    sign_in(page, "exporter")
    assert page.get_attribute("html", "lang") == "vi"  # the demo exporter reads Vietnamese

    page.goto("/shipments/new")
    page.select_option("#exit_gate", "XA-MAT")
    page.fill("#planned_crossing_on", (date.today() + timedelta(days=4)).isoformat())
    page.fill("#consignee_name", "Angkor Fresh Import Co., Ltd.")
    page.fill("#consignee_address", "Phnom Penh")
    page.fill("#vehicle_plate", "70H-246.80")
    page.fill("#driver_name", "Nguyễn Văn Tâm")

    page.select_option("#items-0-product_id", str(melon))
    assert page.input_value("#items-0-unit") == "KGM"  # filled in from the product by the page's script
    page.fill("#items-0-quantity", "2000")
    page.fill("#items-0-net_weight_kg", "2000")
    page.fill("#items-0-gross_weight_kg", "2160")
    page.fill("#items-0-unit_price", "1.20")

    page.click("#add-item-row")  # a fourth line, added by the script
    new_line = page.locator("[data-item-row]").nth(3)
    assert new_line.get_attribute("data-index") == "3"
    page.select_option("#items-3-product_id", str(honey))
    page.fill("#items-3-quantity", "400")
    page.fill("#items-3-net_weight_kg", "200")
    page.fill("#items-3-gross_weight_kg", "230")
    page.fill("#items-3-unit_price", "4.80")
    page.click("[data-item-row][data-index='2'] [data-remove-button]")  # an unused line, removed
    submit_and_wait(page, "#save-shipment")

    assert page.get_attribute("#shipment-status", "data-status") == "draft", page.inner_text("main")
    assert page.locator("#items tbody tr").count() == 2
    lines = statuses(page)
    assert lines["phytosanitary_certificate"] == ["required", "missing"]  # melons: a plant product
    assert lines["veterinary_certificate"] == ["required", "missing"]  # honey: an animal product
    assert "co_form_d" not in lines  # no preferential tariff claimed

    submit_and_wait(page, "[data-move='ready']")
    assert page.get_attribute("#shipment-status", "data-status") == "ready"
    submit_and_wait(page, "[data-move='submitted']")  # refused: the papers are missing
    problems = page.eval_on_selector_all("#move-problems [data-problem]", "items => items.map(i => i.dataset.problem)")
    assert "documents.phytosanitary_certificate" in problems and "documents.veterinary_certificate" in problems
    assert page.get_attribute("#shipment-status", "data-status") == "ready"

    for document_type, (level, status) in statuses(page).items():
        if level != "required" or status not in ("missing", "expired"):
            continue
        form = f"form[data-register='{document_type}']"
        # a customs declaration's number is 12 digits, 3… for an export (border_trade.declaration_numbers)
        number = "305254403660" if document_type == "customs_declaration" else f"{document_type[:4].upper()}-2026-0042"
        page.fill(f"{form} [name='number']", number)
        page.fill(f"{form} [name='issued_by']", "Chi cục Kiểm dịch thực vật vùng VI")
        page.fill(f"{form} [name='issued_on']", date.today().isoformat())
        if document_type == "phytosanitary_certificate":
            page.set_input_files(
                f"{form} [name='file']", files=[{"name": "phyto.pdf", "mimeType": "application/pdf", "buffer": PDF}]
            )
        submit_and_wait(page, f"{form} [data-register-submit]")
        assert statuses(page)[document_type] == ["required", "provided"], page.inner_text("main")

    assert page.get_attribute("#requirements", "data-complete") == "true"
    assert page.locator("#documents [data-download]").count() == 1
    submit_and_wait(page, "[data-move='submitted']")
    assert page.get_attribute("#shipment-status", "data-status") == "submitted"
    assert page.locator("#timeline [data-event='submitted']").count() == 1
    assert refused_scripts == []
