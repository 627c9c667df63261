"""The shipment page in Khmer renders with the app's own Noto Sans Khmer: no boxes, no fallback font."""

import re

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role, User
from border_trade.auth.passwords import hash_password
from border_trade.extensions import db
from border_trade.shipments.models import Shipment, ShipmentStatus

pytestmark = pytest.mark.browser

KHMER = re.compile(r"[\u1780-\u17FF\u19E0-\u19FF]")
PASSWORD = "khmer-reader-2026"
EMAIL = "khmer.reader@demo.test"


@pytest.fixture
def khmer_reader(live_server):
    """An exporter of the demo cooperative who saved Khmer as their language, and one of its shipments."""
    with live_server.app.app_context():
        colleague = db.session.scalar(sa.select(User).where(User.email == "exporter@demo.test"))
        if db.session.scalar(sa.select(User).where(User.email == EMAIL)) is None:
            db.session.add(
                User(
                    email=EMAIL,
                    name="Sok Dara",
                    role=Role.EXPORTER,
                    organisation_id=colleague.organisation_id,
                    password_hash=hash_password(PASSWORD),
                    locale="km",
                )
            )
            db.session.commit()
        shipment_id = db.session.scalar(
            sa.select(Shipment.id)
            .where(Shipment.organisation_id == colleague.organisation_id, Shipment.status == ShipmentStatus.CROSSED)
            .order_by(Shipment.id)
            .limit(1)
        )
        db.session.remove()
    return shipment_id


def rendering_fonts(page, selector):
    """Return {element text: [(font family, custom?), ...]} for the elements under selector that show Khmer."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    found = {}
    for node_id in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": f"{selector} *"})["nodeIds"]:
        html = cdp.send("DOM.getOuterHTML", {"nodeId": node_id})["outerHTML"]
        own_text = re.sub(r"<[^>]+>", " ", re.sub(r"<(\w+)[^>]*>.*?</\1>", " ", html[html.find(">") + 1 :], flags=re.S))
        if not KHMER.search(own_text):
            continue
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
        if fonts:
            found[" ".join(own_text.split())[:60]] = [(f["familyName"], f["isCustomFont"]) for f in fonts]
    cdp.detach()
    return found


def test_shipment_page_in_khmer_uses_the_app_fonts(browser, live_server, sign_in, khmer_reader, tmp_path):
    context = browser.new_context(base_url=live_server.url, locale="km-KH", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, EMAIL, PASSWORD)
        page.goto(f"/shipments/{khmer_reader}")
        page.evaluate("document.fonts.ready")
        assert page.get_attribute("html", "lang") == "km"
        assert page.evaluate("""document.fonts.check('16px "Noto Sans Khmer"', 'ក')""")
        loaded = page.evaluate(
            "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/\"/g, ''))"
        )
        assert "Noto Sans Khmer" in loaded, loaded
        assert KHMER.search(page.inner_text("main")), "the page shows no Khmer"

        # Every element showing Khmer text is drawn with the app's web font, never a system fallback or .notdef.
        fonts = rendering_fonts(page, "main")
        assert fonts, "no Khmer text found in <main>"
        wrong = {text: used for text, used in fonts.items() if ("Noto Sans Khmer", True) not in used}
        assert not wrong, f"Khmer text drawn without the app's Noto Sans Khmer: {wrong}"
        page.screenshot(path=str(tmp_path / "shipment-km.png"), full_page=True)
    finally:
        context.close()
