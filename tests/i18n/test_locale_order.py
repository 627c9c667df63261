"""The language of an answer (API.md): `?lang=`, then the signed-in person's stored preference, then
`Accept-Language` among vi, km, en, then vi; pages put the anonymous visitor's `lang` cookie before
`Accept-Language`. On pages an explicit choice becomes the stored preference; signing in keeps it."""

import re

import pytest

from border_trade.auth.models import Role, User
from border_trade.extensions import db
from tests.factories import PASSWORD, make_user


def page_language(response):
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def api_language(response):
    """The language of an API error message (a 404 body), told apart by its text."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    texts = {}
    for lang in ("vi", "km", "en"):
        with force_locale(lang):
            texts[_("No such shipment.")] = lang
    return texts[response.json["message"]]


def stored(user):
    db.session.expire_all()
    return db.session.get(User, user.id).locale


@pytest.fixture
def khmer_user(token_for):
    user = make_user(Role.EXPORTER, locale="km")
    user.headers = token_for(user)
    return user


MISSING = "/api/v1/shipments/999999"


def test_api_stored_preference_comes_before_accept_language(client, khmer_user):
    response = client.get(MISSING, headers={**khmer_user.headers, "Accept-Language": "en"})
    assert response.status_code == 404 and api_language(response) == "km"


def test_api_lang_parameter_comes_first_and_never_changes_the_preference(client, khmer_user):
    response = client.get(MISSING + "?lang=en", headers={**khmer_user.headers, "Accept-Language": "vi"})
    assert api_language(response) == "en" and stored(khmer_user) == "km"


def test_api_without_a_preference_follows_accept_language_then_vi(client, token_for):
    user = make_user(Role.EXPORTER, locale=None)
    headers = token_for(user)
    assert api_language(client.get(MISSING, headers={**headers, "Accept-Language": "km, en;q=0.5"})) == "km"
    assert api_language(client.get(MISSING, headers={**headers, "Accept-Language": "fr"})) == "vi"


def test_api_ignores_the_pages_cookie(client, token_for):
    user = make_user(Role.EXPORTER, locale=None)
    client.set_cookie("lang", "km")
    assert api_language(client.get(MISSING, headers={**token_for(user), "Accept-Language": "en"})) == "en"


def test_pages_lang_parameter_beats_the_preference_and_becomes_it(login_as):
    client = login_as(Role.VIEWER, locale="km")
    assert page_language(client.get("/account?lang=en")) == "en"
    assert stored(client.user) == "en"
    assert page_language(client.get("/account", headers={"Accept-Language": "vi"})) == "en"


def test_pages_preference_beats_the_cookie_and_accept_language(login_as):
    client = login_as(Role.VIEWER, locale="km")
    client.set_cookie("lang", "en")
    assert page_language(client.get("/account", headers={"Accept-Language": "vi"})) == "km"


def test_the_switch_becomes_the_preference(login_as):
    client = login_as(Role.VIEWER, locale="km")
    client.get("/lang/en")
    assert stored(client.user) == "en" and page_language(client.get("/account")) == "en"


def test_anonymous_pages_lang_then_cookie_then_accept_language_then_vi(client):
    assert page_language(client.get("/login", headers={"Accept-Language": "km"})) == "km"
    assert page_language(client.get("/login", headers={"Accept-Language": "fr"})) == "vi"
    client.set_cookie("lang", "en")
    assert page_language(client.get("/login", headers={"Accept-Language": "km"})) == "en"
    assert page_language(client.get("/login?lang=km", headers={"Accept-Language": "vi"})) == "km"


@pytest.mark.parametrize("choose", ["/lang/en", "/login?lang=en"])
def test_signing_in_keeps_the_language_chosen_on_the_sign_in_page(client, choose):
    user = make_user(Role.VIEWER, locale="km")
    client.get(choose)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD}, follow_redirects=True)
    assert page_language(response) == "en"
    assert stored(user) == "en" and page_language(client.get("/account")) == "en"


def test_signing_in_without_a_choice_uses_the_stored_preference(client):
    user = make_user(Role.VIEWER, locale="km")
    client.get("/login", headers={"Accept-Language": "en"})
    client.post("/login", data={"email": user.email, "password": PASSWORD}, headers={"Accept-Language": "en"})
    assert page_language(client.get("/account", headers={"Accept-Language": "en"})) == "km"
    assert stored(user) == "km"


def test_a_lang_parameter_on_a_form_post_is_not_saved(login_as):
    client = login_as(Role.VIEWER, locale="km")
    client.post("/account/password?lang=en", data={"current_password": "wrong", "new_password": "x", "confirm": "x"})
    assert stored(client.user) == "km"
