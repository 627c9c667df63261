"""The OCOP register on the catalogue pages (issue 19): the form asks for the decision, never the expiry; errors sit
on their fields; the derived validity and a lapsed recognition show; three languages; denials."""

import re
from datetime import date, timedelta

import pytest

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.products.models import Product
from border_trade.products.ocop import DecisionLevel, OcopProductGroup
from tests.factories import make_product, make_user

FORM = {
    "name_vi": "Mãng cầu Bà Đen",
    "hs_code": "0810.90.94",
    "ocop_stars": "3",
    "ocop_certificate_no": "07/QĐ-UBND",
    "ocop_decision_on": "2025-03-15",
    "ocop_decision_level": "district",
    "ocop_decision_authority": "UBND huyện Tân Châu",
    "ocop_product_group": "food",
    "province_code": "TAY-NINH",
    "unit": "KGM",
}


def invalid_fields(html):
    return set(re.findall(r'name="([a-z_]+)"[^>]*class="[^"]*is-invalid', html)) | set(
        re.findall(r'class="[^"]*is-invalid[^"]*"[^>]*name="([a-z_]+)"', html)
    )


@pytest.mark.parametrize("lang", ["vi", "km", "en"])
def test_the_form_asks_for_the_decision_not_the_expiry(login_as, lang):
    page = login_as(Role.EXPORTER).get(f"/products/new?lang={lang}")
    assert page.status_code == 200
    for name in ("ocop_decision_on", "ocop_decision_level", "ocop_decision_authority", "ocop_product_group"):
        assert f'name="{name}"' in page.text, name
    assert 'name="ocop_certificate_expires_on"' not in page.text
    assert 'value="community_tourism"' in page.text and 'value="central"' in page.text


def test_saving_derives_the_expiry_and_the_list_shows_the_decision(login_as):
    client = login_as(Role.EXPORTER)
    response = client.post("/products/new", data=FORM)
    assert response.status_code == 302, response.text
    product = db.session.scalars(db.select(Product).filter_by(organisation_id=client.user.organisation_id)).one()
    assert product.ocop_certificate_expires_on == date(2028, 3, 15)
    assert product.ocop_decision_level is DecisionLevel.DISTRICT
    assert product.ocop_product_group is OcopProductGroup.FOOD
    listing = client.get("/products?lang=en").text
    assert "District people&#39;s committee" in listing or "District people's committee" in listing
    edit = client.get(f"/products/{product.id}/edit?lang=en").text
    assert "data-ocop-validity" in edit and "36 months from the decision" in edit


def test_errors_sit_on_their_fields_and_nothing_is_saved(login_as):
    client = login_as(Role.EXPORTER)
    future = (date.today() + timedelta(days=30)).isoformat()
    response = client.post(
        "/products/new?lang=en", data=FORM | {"ocop_decision_level": "central", "ocop_decision_on": future}
    )
    assert response.status_code == 422
    assert {"ocop_decision_level", "ocop_decision_on"} <= invalid_fields(response.text)
    after_1489 = client.post("/products/new?lang=en", data=FORM | {"ocop_decision_on": "2025-07-06"})
    assert after_1489.status_code == 422 and "ocop_decision_level" in invalid_fields(after_1489.text)
    assert "Provincial people" in after_1489.text  # the message names the level that decides then
    assert db.session.query(Product).filter_by(organisation_id=client.user.organisation_id).count() == 0


def test_a_lapsed_recognition_is_marked(login_as):
    client = login_as(Role.EXPORTER)
    lapsed = make_product(client.user.organisation, ocop_certificate_expires_on=date.today() - timedelta(days=2))
    listing = client.get("/products?lang=vi").text
    row = listing[listing.index(f'data-product-id="{lapsed.id}"') :]
    assert "data-ocop-lapsed" in row[: row.index("</tr>")]
    edit = client.get(f"/products/{lapsed.id}/edit?lang=en").text
    assert "documents print no OCOP stars" in edit and "data-ocop-lapsed" in edit


def test_an_older_recognition_keeps_its_recorded_expiry_when_edited(login_as):
    client = login_as(Role.EXPORTER)
    product = make_product(
        client.user.organisation, ocop_certificate_no="01/QĐ", ocop_certificate_expires_on=date(2027, 3, 14)
    )
    data = {"name_vi": "Dưa lưới Tân Châu", "hs_code": "08071900", "ocop_stars": "4", "ocop_certificate_no": "01/QĐ",
            "unit": "KGM", "version": str(product.version)}  # fmt: skip
    assert client.post(f"/products/{product.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    kept = db.session.get(Product, product.id)
    assert kept.name_vi == "Dưa lưới Tân Châu" and kept.ocop_certificate_expires_on == date(2027, 3, 14)
    assert "as recorded" in client.get(f"/products/{product.id}/edit?lang=en").text


def test_other_roles_and_organisations_are_refused(login_as):
    owner = make_user(Role.EXPORTER)
    theirs = make_product(owner.organisation)
    intruder = login_as(Role.EXPORTER)
    assert intruder.post(f"/products/{theirs.id}/edit", data=FORM | {"version": "1"}).status_code == 404
    assert login_as(Role.PROVINCE_OFFICER).post("/products/new", data=FORM).status_code == 403
