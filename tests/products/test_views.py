"""Catalogue pages: list and search, add, edit with versions, archive, and who may do what."""

import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.products.models import Product
from tests.factories import make_product, make_user

FORM = {
    "name_vi": "Mãng cầu Bà Đen",
    "name_km": "ទៀប បាដែន",
    "name_en": "Ba Den custard apple",
    "hs_code": "0810.90.94",
    "ocop_stars": "4",
    "ocop_group": "food",
    "ocop_certificate_no": "07/QĐ-UBND",
    "ocop_decision_on": "2025-03-15",
    "ocop_decision_level": "province",
    "ocop_decision_authority": "UBND tỉnh Tây Ninh",
    "ocop_product_group": "food",
    "producer": "HTX Bà Đen",
    "province_code": "TAY-NINH",
    "unit": "KGM",
    "net_weight_per_unit_kg": "1",
}


def products_of(organisation):
    return Product.query.filter_by(organisation_id=organisation.id).all()


def test_exporter_adds_a_product_and_sees_it_listed(login_as, db):
    client = login_as(Role.EXPORTER)
    page = client.get("/products/new")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text or "csrf" not in page.text
    response = client.post("/products/new", data=FORM)
    assert response.status_code == 302, response.text
    [product] = products_of(client.user.organisation)
    assert product.hs_code == "08109094" and product.ocop_stars == 4
    assert product.province.code == "TAY-NINH"
    listing = client.get("/products")
    assert f'data-product-id="{product.id}"' in listing.text
    assert 'lang="km"' in listing.text
    searched = client.get("/products?q=custard")
    assert f'data-product-id="{product.id}"' in searched.text
    assert 'data-product-id="' not in client.get("/products?q=durian").text


def test_invalid_product_shows_field_errors_and_saves_nothing(login_as):
    client = login_as(Role.EXPORTER)
    response = client.post("/products/new", data=FORM | {"hs_code": "99999999", "ocop_certificate_no": ""})
    assert response.status_code == 422
    assert "is-invalid" in response.text
    assert products_of(client.user.organisation) == []


def test_edit_uses_the_version_and_refuses_a_stale_form(login_as, db):
    client = login_as(Role.EXPORTER)
    product = make_product(client.user.organisation, ocop_certificate_no="01/QĐ")
    form = client.get(f"/products/{product.id}/edit")
    assert form.status_code == 200 and 'value="Dưa lưới"' in form.text
    data = FORM | {"name_vi": "Dưa lưới Tân Châu", "version": str(product.version)}
    assert client.post(f"/products/{product.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Product, product.id).name_vi == "Dưa lưới Tân Châu"
    stale = client.post(f"/products/{product.id}/edit", data=data | {"name_vi": "Other"})
    assert stale.status_code == 412
    db.session.expire_all()
    assert db.session.get(Product, product.id).name_vi == "Dưa lưới Tân Châu"


def test_archive_hides_the_product(login_as, db):
    client = login_as(Role.EXPORTER)
    product = make_product(client.user.organisation)
    assert client.post(f"/products/{product.id}/archive").status_code == 302
    assert f'data-product-id="{product.id}"' not in client.get("/products").text
    assert db.session.scalar(sa.select(Product.is_archived).where(Product.id == product.id)) is True


def test_other_organisation_gets_404(login_as):
    owner = make_user(Role.EXPORTER)
    product = make_product(owner.organisation)
    client = login_as(Role.EXPORTER)
    assert f'data-product-id="{product.id}"' not in client.get("/products").text
    assert client.get(f"/products/{product.id}/edit").status_code == 404
    assert client.post(f"/products/{product.id}/archive").status_code == 404


def test_admin_reads_every_catalogue_but_cannot_write(login_as):
    owner = make_user(Role.EXPORTER)
    product = make_product(owner.organisation)
    client = login_as(Role.ADMIN)
    listing = client.get("/products")
    assert listing.status_code == 200 and f'data-product-id="{product.id}"' in listing.text
    assert owner.organisation.name in listing.text
    assert client.get("/products/new").status_code == 403
    assert client.post(f"/products/{product.id}/archive").status_code == 403


def test_officers_and_anonymous_are_kept_out(login_as, client):
    assert login_as(Role.GATE_OFFICER).get("/products").status_code == 403
    anonymous = client.get("/products")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
