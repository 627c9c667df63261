"""The shipment form: the trader's registered vehicles and drivers as selects (text typed instead still works), and
each goods line's Khmer and English descriptions and shipping marks, which the invoice and packing list print."""

import re
from datetime import date, timedelta

import pytest

from tests.documents.test_pdf_documents import text_of
from tests.shipments.test_edit_preserves_fields import create_api, form_fields, save_edit_page


@pytest.fixture
def register(client, auth):
    vehicle = client.post("/api/v1/vehicles", json={"plate": "51C-333.33", "kind": "reefer"}, headers=auth).json
    driver = client.post("/api/v1/drivers", json={"name": "Sok Dara", "id_no": "KH0001"}, headers=auth).json
    return vehicle["id"], driver["id"]


def new_form(browser, change):
    """Open the new-shipment page, fill the crossing, consignee and `change`, press Save; return the response."""
    page = browser.get("/shipments/new")
    assert page.status_code == 200, page.text
    data = form_fields(page.text)
    data.update(
        {
            "exit_gate": "XA-MAT",
            "planned_crossing_on": (date.today() + timedelta(days=5)).isoformat(),
            "consignee_name": "Angkor Fresh",
            "items-0-description_vi": "Bánh tráng phơi sương",
            "items-0-hs_code": "19059070",
            "items-0-quantity": "100",
            "items-0-unit": "BOX",
            "items-0-net_weight_kg": "500",
            "items-0-gross_weight_kg": "520",
            "items-0-unit_price": "3.50",
        },
        submit="1",
    )
    data.update(change)
    return browser.post("/shipments/new", data=data)


def created(client, auth, response):
    assert response.status_code == 302, response.text
    shipment_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    return client.get(f"/api/v1/shipments/{shipment_id}", headers=auth).json


def test_the_selects_offer_only_the_traders_own_register(client, login_as, exporter, token_for, exporter2, register):
    theirs = client.post("/api/v1/vehicles", json={"plate": "70H-999.99"}, headers=token_for(exporter2)).json
    page = login_as(exporter).get("/shipments/new").text
    assert f'<option data-plate="51C-333.33" value="{register[0]}">' in page
    assert f'value="{register[1]}">Sok Dara · KH0001</option>' in page
    vehicles = re.search(r'<select[^>]*name="vehicle_id".*?</select>', page, re.S).group()
    assert "70H-999.99" not in page and f'value="{theirs["id"]}"' not in vehicles
    khmer = re.search(r'<input[^>]*name="items-0-description_km"[^>]*>', page).group()
    assert 'lang="km"' in khmer


def test_the_form_links_the_chosen_vehicle_and_driver(client, auth, login_as, exporter, register):
    response = new_form(login_as(exporter), {"vehicle_id": str(register[0]), "driver_id": str(register[1])})
    vehicle = created(client, auth, response)["vehicle"]
    assert (vehicle["id"], vehicle["plate"], vehicle["driver_id"], vehicle["driver_name"]) == (
        register[0],
        "51C-333.33",
        register[1],
        "Sok Dara",
    )


def test_a_plate_typed_instead_links_by_its_canonical_spelling(client, auth, login_as, exporter, register):
    response = new_form(login_as(exporter), {"vehicle_plate": "51c 333 33", "driver_name": "Sok Dara"})
    vehicle = created(client, auth, response)["vehicle"]
    assert (vehicle["id"], vehicle["plate"]) == (register[0], "51C-333.33")


def test_on_the_edit_page_the_changed_control_wins(client, auth, login_as, exporter, payload, register):
    before = create_api(client, auth, payload())  # 70H-123.45, added to the register
    browser = login_as(exporter)
    page = form_fields(browser.get(f"/shipments/{before['id']}/edit").text)
    assert page["vehicle_id"] == str(before["vehicle"]["id"]) and page["vehicle_plate"] == "70H-123.45"
    # the select changed, the plate field left showing the old plate (no JavaScript): the select wins
    assert save_edit_page(browser, before["id"], {"vehicle_id": str(register[0])}).status_code == 302
    after = client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json["vehicle"]
    assert (after["id"], after["plate"]) == (register[0], "51C-333.33")
    # the plate typed, the select left as it was: the text wins, matched to the register
    assert save_edit_page(browser, before["id"], {"vehicle_plate": "70h12345"}).status_code == 302
    again = client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json
    assert (again["vehicle"]["id"], again["vehicle"]["plate"]) == (before["vehicle"]["id"], "70H-123.45")
    # saved unchanged: nothing changes, not even the version
    assert save_edit_page(browser, before["id"]).status_code == 302
    assert client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json["version"] == again["version"]


def test_khmer_and_english_descriptions_and_marks_are_saved_and_printed(client, auth, login_as, exporter, tmp_path):
    change = {
        "items-0-description_km": "នំបញ្ចុកស្ងួត",
        "items-0-description_en": "Dew-dried rice paper",
        "items-0-marks": "SM 1-100",
    }
    shipment = created(client, auth, new_form(login_as(exporter), change))
    line = shipment["items"][0]
    assert (line["description_km"], line["description_en"], line["marks"]) == tuple(change.values())
    texts = {}
    for kind in ("commercial-invoice", "packing-list"):
        response = client.get(f"/api/v1/shipments/{shipment['id']}/pdf/{kind}?lang=en,km", headers=auth)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(response.data)
        texts[kind] = text_of(path)
    assert "Dew-dried rice paper" in texts["commercial-invoice"] and "នំបញ្ចុកស្ងួត" in texts["commercial-invoice"]
    assert "SM 1-100" in texts["packing-list"]


def test_a_product_lines_empty_khmer_and_english_mean_the_products_own(client, auth, login_as, exporter, payload):
    before = create_api(client, auth, payload())
    product_line = before["items"][0]
    browser = login_as(exporter)
    fields = form_fields(browser.get(f"/shipments/{before['id']}/edit").text)
    assert fields["items-0-description_km"] == "" and fields["items-0-description_en"] == ""
    change = {"items-0-description_en": "Netted melon, grade 1", "items-0-marks": "TC 1-400"}
    assert save_edit_page(browser, before["id"], change).status_code == 302
    line = client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json["items"][0]
    assert (line["id"], line["description_en"], line["marks"]) == (
        product_line["id"],
        "Netted melon, grade 1",
        "TC 1-400",
    )
    assert line["description_km"] == product_line["description_km"]  # the product's own, unchanged
    cleared = save_edit_page(browser, before["id"], {"items-0-description_en": ""})
    assert cleared.status_code == 302
    line = client.get(f"/api/v1/shipments/{before['id']}", headers=auth).json["items"][0]
    assert line["description_en"] == product_line["description_en"]  # empty again: the product's own
