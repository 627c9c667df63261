"""Each demo role signs in through a real browser and sees its own menu and data; forms need the CSRF token."""

import pytest

from tests.browser.conftest import DEMO_LOGINS

pytestmark = pytest.mark.browser

MENU_ITEMS = {"products", "shipments", "gate", "reports", "users", "audit"}
MENUS = {
    "admin": {"users", "audit", "reports"},
    "exporter": {"products", "shipments"},
    "exporter2": {"products", "shipments"},
    "gate_officer": {"gate"},
    "gate_officer_xamat": {"gate"},
    "province_officer": {"reports"},
}
ORGANISATIONS = {
    "exporter": "Hợp tác xã Nông nghiệp Dưa lưới Tân Châu",
    "exporter2": "Công ty TNHH Bánh tráng Trảng Bàng Sương Mai",
}


def menu(page):
    shown = page.eval_on_selector_all("nav [data-nav]", "links => links.map(a => a.dataset.nav)")
    return set(shown) & MENU_ITEMS


@pytest.mark.parametrize("who", list(MENUS))
def test_each_role_sees_its_own_menu(page, sign_in, sign_out, who):
    page.goto("/")
    assert menu(page) == set()
    sign_in(page, who)
    assert menu(page) == MENUS[who]
    assert page.get_attribute("[data-user-menu]", "data-user-menu") == DEMO_LOGINS[who]
    sign_out(page)
    assert menu(page) == set()


@pytest.mark.parametrize("who", ["exporter", "exporter2"])
def test_exporters_see_only_their_own_organisation(page, sign_in, who):
    sign_in(page, who)
    page.goto("/account")
    assert page.inner_text('[data-scope="organisation"]') == ORGANISATIONS[who]
    other = ORGANISATIONS["exporter2" if who == "exporter" else "exporter"]
    assert other not in page.content()


def test_officers_see_their_gate_and_province(page, sign_in, sign_out):
    sign_in(page, "gate_officer_xamat")
    page.goto("/account")
    assert page.inner_text('[data-scope="gates"]') == "XA-MAT"
    sign_out(page)
    sign_in(page, "province_officer")
    page.goto("/account")
    assert "LONG-AN" in page.inner_text('[data-scope="province"]')  # merged into Tây Ninh


def test_admin_reads_users_and_the_audit_trail(page, sign_in):
    sign_in(page, "admin")
    with page.expect_navigation():  # read the rows of the page the click opens, not of the one it leaves
        page.click('[data-nav="users"]')
    page.wait_for_selector("#users tr[data-email]", state="attached")
    emails = set(page.eval_on_selector_all("#users tr[data-email]", "rows => rows.map(r => r.dataset.email)"))
    assert set(DEMO_LOGINS.values()) <= emails
    with page.expect_navigation():
        page.click('[data-nav="audit"]')
    assert page.locator('#audit tr[data-action="auth.sign_in"]').count() >= 1


@pytest.mark.parametrize("who", ["exporter", "gate_officer", "province_officer"])
def test_other_roles_are_refused_the_admin_pages(page, sign_in, who):
    sign_in(page, who)
    for path in ("/admin/users", "/audit"):
        assert page.goto(path).status == 403


def test_each_user_sees_only_their_own_api_tokens(page, sign_in, sign_out):
    sign_in(page, "exporter")
    page.goto("/account/tokens")
    page.fill('#token-form input[name="name"]', "erp-link")
    with page.expect_navigation():
        page.click('#token-form [type="submit"]')
    token = page.inner_text("#new-token")
    assert token.startswith("bt_") and page.locator("#tokens tr[data-token-id]").count() == 1
    sign_out(page)
    sign_in(page, "exporter2")
    page.goto("/account/tokens")
    assert page.locator("#tokens tr[data-token-id]").count() == 0 and "erp-link" not in page.content()


def test_login_without_the_csrf_token_is_refused(page, live_server):
    response = page.request.post(
        live_server("/login"), form={"email": DEMO_LOGINS["admin"], "password": "demo-pass-2026"}, max_redirects=0
    )
    assert response.status == 400
    # a form whose token was taken out is refused too, and nobody is signed in
    page.goto("/login")
    page.fill('#login-form input[name="email"]', DEMO_LOGINS["admin"])
    page.fill('#login-form input[name="password"]', "demo-pass-2026")
    page.eval_on_selector('#login-form input[name="csrf_token"]', "input => input.remove()")
    with page.expect_navigation() as navigation:
        page.click('#login-form [type="submit"]')
    assert navigation.value.status == 400
    page.goto("/account")
    assert page.url.startswith(live_server("/login"))


def test_wrong_password_keeps_you_out(page):
    page.goto("/login")
    page.fill('#login-form input[name="email"]', DEMO_LOGINS["exporter"])
    page.fill('#login-form input[name="password"]', "not-the-password")
    with page.expect_navigation():
        page.click('#login-form [type="submit"]')
    assert page.locator("[data-form-errors]").is_visible()
    assert page.locator("[data-user-menu]").count() == 0
