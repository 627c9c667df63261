"""Each demo role lands on its own home in Khmer and Vietnamese (chosen on the sign-in page), and every number on
the trader's and the province's home links to a list (or report figure) showing the same number."""

import pytest
import sqlalchemy as sa

from border_trade.seed.demo import DEMO_PASSWORD

from .conftest import DEMO_LOGINS

pytestmark = pytest.mark.browser

LANDING = {
    "exporter": '[data-home="trader"]',
    "province_officer": '[data-home="province"]',
    "admin": '[data-home="admin"]',
    "gate_officer": "#gate-app, [data-gate]",
}


@pytest.fixture
def keep_preferences(live_server):
    """Give the demo accounts back their stored languages after a test that signs in with another one."""
    from border_trade.auth.models import User
    from border_trade.extensions import db

    with live_server.app.app_context():
        before = dict(db.session.execute(sa.select(User.email, User.locale)).all())
        db.session.remove()
    yield
    with live_server.app.app_context():
        for user in db.session.scalars(sa.select(User).where(User.email.in_(before))):
            user.locale = before[user.email]
        db.session.commit()
        db.session.remove()


def sign_in_from(page, lang, who):
    """Open the sign-in page in `lang` (the switch's ?lang=), sign in, and return where it landed."""
    page.goto(f"/login?lang={lang}")
    page.fill('#login-form input[name="email"]', DEMO_LOGINS[who])
    page.fill('#login-form input[name="password"]', DEMO_PASSWORD)
    with page.expect_navigation():
        page.click('#login-form [type="submit"]')
    page.wait_for_selector(f'[data-user-menu="{DEMO_LOGINS[who]}"]', state="attached")
    return page


@pytest.mark.parametrize("lang", ["km", "vi"])
def test_each_role_lands_on_its_own_home_in_the_language_of_the_sign_in_page(
    browser, live_server, keep_preferences, lang
):
    for who, landing in LANDING.items():
        context = browser.new_context(base_url=live_server.url, locale="km-KH" if lang == "vi" else "vi-VN")
        context.set_default_timeout(10_000)
        page = sign_in_from(context.new_page(), lang, who)
        try:
            assert page.get_attribute("html", "lang") == lang, who
            if who == "gate_officer":
                assert page.url.endswith("/gate/MOC-BAI"), page.url
            else:
                assert page.locator(landing).count() == 1, who
                assert page.locator("h1").count() == 1, who
        finally:
            context.close()


def follow_every_number(page, context):
    """Open each number's link in a second tab and compare: a list's length, or the report's figure."""
    links = page.eval_on_selector_all(
        "a[data-figure]",
        """links => links.map(a => ({href: a.getAttribute('href'), key: a.dataset.figure, number: a.dataset.number,
            check: a.dataset.check, text: a.querySelector('[data-value]').textContent.trim()}))""",
    )
    assert links
    by_page = {}
    for link in links:  # several figures share a report page: open each page once
        by_page.setdefault(link["href"], []).append(link)
    other = context.new_page()
    for href, figures in by_page.items():
        other.goto(href)
        for link in figures:
            if link["check"] == "rows":
                total = int(other.get_attribute("[data-total]", "data-total"))
                rows = other.locator("tbody tr[data-reference], tbody tr[data-booking]").count()
                assert total == int(link["number"]), link
                per_page = 50 if href.startswith("/bookings") else 25  # one page of the list
                assert rows == min(total, per_page), link
            else:
                shown = other.locator(link["check"]).first.text_content().strip()
                assert shown == link["text"], link
    other.close()
    return links


@pytest.mark.parametrize("who", ["exporter", "province_officer"])
def test_every_number_on_the_home_links_to_as_many(browser, live_server, keep_preferences, who):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = sign_in_from(context.new_page(), "vi", who)
    try:
        links = follow_every_number(page, context)
        assert any(int(float(link["number"])) > 0 for link in links), "the demo gives some work to see"
        if who == "province_officer":
            assert page.locator("progress").count() >= 1
    finally:
        context.close()
