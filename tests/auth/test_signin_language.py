"""The language picked on the sign-in page carries into the session and becomes the stored preference; without an
explicit choice the stored preference wins over the browser's Accept-Language (issue #19)."""

import re

from border_trade.auth.models import Role, User
from border_trade.extensions import db
from tests.factories import PASSWORD, get_province, make_user

KHMER_BROWSER = {"Accept-Language": "km-KH,km;q=0.9"}


def page_language(response):
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def stored(user):
    db.session.expire_all()
    return db.session.get(User, user.id).locale


def province_officer():
    return make_user(Role.PROVINCE_OFFICER, province=get_province("TAY-NINH"), locale="vi")


def sign_in(client, user, headers=None):
    return client.post(
        "/login", data={"email": user.email, "password": PASSWORD}, headers=headers or {}, follow_redirects=True
    )


def test_khmer_chosen_on_the_sign_in_page_is_kept_and_stored(client):
    officer = province_officer()
    assert page_language(client.get("/login?lang=km", headers=KHMER_BROWSER)) == "km"
    assert page_language(client.get("/login", headers={"Accept-Language": "vi"})) == "km"  # the page keeps it
    assert page_language(sign_in(client, officer, KHMER_BROWSER)) == "km"
    assert stored(officer) == "km"
    assert page_language(client.get("/account", headers={"Accept-Language": "en"})) == "km"


def test_the_switchs_cookie_alone_is_a_choice_that_signing_in_keeps(client):
    officer = province_officer()
    client.set_cookie("lang", "km")  # chosen with the switch in an earlier visit; this browser session is new
    assert page_language(client.get("/login", headers={"Accept-Language": "vi"})) == "km"
    assert page_language(sign_in(client, officer)) == "km" and stored(officer) == "km"


def test_without_a_choice_the_stored_preference_wins_over_the_browser(client):
    officer = province_officer()
    assert page_language(client.get("/login", headers=KHMER_BROWSER)) == "km"  # the browser's language
    landed = sign_in(client, officer, KHMER_BROWSER)
    assert page_language(landed) == "vi" and stored(officer) == "vi"


def test_a_choice_after_signing_in_becomes_the_preference_and_outlives_the_session(client):
    officer = province_officer()
    sign_in(client, officer)
    client.get("/lang/en")
    assert stored(officer) == "en"
    client.post("/logout")
    client.delete_cookie("lang")
    fresh = client.application.test_client()
    assert page_language(sign_in(fresh, officer, KHMER_BROWSER)) == "en"  # stored, before Accept-Language
