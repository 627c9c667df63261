"""The site's icon: browsers ask for /favicon.ico on a first visit whatever the page links to."""

import re


def test_favicon_ico_is_served_as_an_image_to_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype.startswith("image/")
    assert response.get_data()[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert response.headers["Cache-Control"].startswith("public") or "max-age" in response.headers["Cache-Control"]


def test_every_page_links_the_icons_it_serves(client):
    html = client.get("/login").get_data(as_text=True)
    links = re.findall(r'<link rel="icon" href="([^"]+)"[^>]*>', html)
    assert links == ["/favicon.ico", "/static/favicon.svg"]
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.get_data(as_text=True).startswith("<svg ")


def test_the_icon_is_only_read(client):
    assert client.post("/favicon.ico").status_code == 405
    assert client.get("/favicon.png").status_code == 404
