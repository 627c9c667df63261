"""No English is left on any page read in Khmer or Vietnamese.

Every GET page of the app (app.url_map, API and static files aside) is opened as each role of the demo world, and
anonymously, after switching the language; its visible text (text nodes, plus the placeholder, title, aria-label,
alt and confirm texts and button values, plus the gate tablet's string table) must hold no English UI word.
Data is not UI: every string stored in the database (names, addresses, codes ...) is taken out of the text first,
as are e-mail addresses, codes, numbers and the brand words below. Text inside an element whose `lang` differs from
the page's (the language switcher's "English") or marked translate="no", and <code>/<pre>, is not checked.
"""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from border_trade.extensions import db

LANGS = ("km", "vi")
DEMO_PASSWORD = "demo-pass-2026"
ROLES = {
    "admin": "admin@demo.test",
    "exporter": "exporter@demo.test",
    "gate_officer": "officer.mocbai@demo.test",
    "province_officer": "province.tayninh@demo.test",
    "viewer": None,  # made for the test: the demo has none
    "anonymous": None,
}
# Endpoints that are not pages: files, assets and redirects.
NOT_PAGES = {"static", "bootstrap.static", "assets.font", "assets.favicon", "auth.set_language", "gate.service_worker"}
NOT_PAGES |= {"receipts.public_photo", "receipts.app_photo"}  # receipt photos (#18): files, not pages
# Pages that answer 500 for reasons outside translation; remove an entry once the page works.
KNOWN_BROKEN = {}

# Brand and technical words that stay as they are in every language (longest first when removed).
BRAND = (
    "border-trade",
    "e-Form D",
    "Form D",
    "API",
    "OCOP",
    "HS",
    "ATIGA",
    "PDF",
    "CSV",
    "XLSX",
    "Excel",
    "QR",
    "JSON",
    "Webhooks",
    "Webhook",
    "webhook",
    "FOB",
    "C/O",
    "Incoterms",
)

# Words that only occur in English UI text; checked case-insensitively, one word at a time.
_WORDS = """
    the and of to for with your you yours our we this that these those there here is are was were be been being has
    have had not no yes none all any some each every other more less than then from by at on in into out or if it
    its as an a about after before between under over only also but so can cannot could would should will may must
    please sign save saved cancel cancelled add added edit delete deleted remove removed update updated create
    created status shipment shipments gate gates date dates name names search filter filters download downloads
    upload submit submitted next previous back home menu page pages new open close closed show hide view details
    detail list lists account accounts password user users role roles scope settings language product products
    document documents paper papers truck trucks driver plate seal seals value values weight total totals report
    reports rule rules notification notifications message messages error errors warning required optional missing
    expired expires expiring valid invalid active inactive deactivated revoked token tokens goods line lines item
    items export exporter exporters import consignee invoice certificate customs declaration border province officer
    officers administrator viewer lane queue crossing crossed arrived held cleared draft ready delivered returned
    rejected inspection inspected release released hold today yesterday tomorrow week month year day days hours hour
    minutes minute time quantity unit price currency address phone email country origin number reference type code
    note notes reason why when where which who what how welcome hello confirm check file files template row rows
    column columns period group groups per january february march april june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday
"""
ENGLISH_WORDS = frozenset(_WORDS.split())
# Plain-ASCII Vietnamese syllables that are also English words: not evidence of English on a Vietnamese page.
VIETNAMESE_SYLLABLES = {"an", "in", "on", "do", "to", "no", "can", "day", "may", "so", "hang", "me", "ma", "la", "ca"}
# Dates formatted for English readers. (CLDR's own Khmer times carry "AM"/"PM": that is Khmer locale data.)
ENGLISH_PATTERNS = {
    "km": (re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec) \d{1,2}, \d{4}\b"),),
    "vi": (
        re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec) \d{1,2}, \d{4}\b"),
        re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s?[AP]M\b"),  # vi has a 24-hour clock
    ),
}
# e-mail addresses, paths, file names, codes, numbers, times and {placeholders} of rule templates
# (and a value quoted as typed, e.g. "export" in an error naming the values a column accepts)
DATA_TOKEN = re.compile(r"\S*[@/_\\:=#%\d]\S*|\S*\w\.\w\S*|\{\w*\}|\"[\w-]+\"|“[\w-]+”")
CODE_WORD = re.compile(r"^[A-Z][A-Z0-9]+$")  # MOC-BAI, KGM, BT ...
SKIPPED_TAGS = {"script", "style", "noscript", "template", "code", "pre", "kbd", "samp", "head"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
TEXT_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "data-confirm")


class VisibleText(HTMLParser):
    """Collect the texts a reader sees or hears, with the page's language."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.stack = []  # (tag, skipped)
        self.texts = []
        self.strings_json = []

    @property
    def skipped(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
            return
        foreign = attrs.get("lang") not in (None, "", self.lang)
        skipped = self.skipped or tag in SKIPPED_TAGS or foreign or attrs.get("translate") == "no"
        if tag == "title":
            skipped = False
        if tag == "script" and attrs.get("id") == "gate-strings":
            self.strings_json.append(True)
        if not skipped:
            for name in TEXT_ATTRIBUTES:
                if attrs.get(name):
                    self.texts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in VOID_TAGS:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if self.strings_json and self.stack and self.stack[-1][0] == "script":
            import json

            self.strings_json.pop()
            self.texts.extend(v for v in _strings(json.loads(data)) if v)
            return
        if not self.skipped and data.strip():
            self.texts.append(data)


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def english_left(text, lang, data=()):
    """Return the English UI words (or English-formatted dates) found in one text, once data is taken out."""
    for pattern in ENGLISH_PATTERNS.get(lang, ()):
        found = pattern.findall(text)
        if found:
            return found
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    for word in BRAND:
        text = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", " ", text)
    text = DATA_TOKEN.sub(" ", text)
    words = ENGLISH_WORDS - VIETNAMESE_SYLLABLES if lang == "vi" else ENGLISH_WORDS
    found = []
    for token in re.findall(r"[A-Za-z][A-Za-z'’-]*", text):
        for part in re.split(r"[-'’]", token):
            if part and not CODE_WORD.match(part) and len(part) > 1 and part.lower() in words:
                found.append(part)
    return found


def stored_strings():
    """Every free-text value in the database (enum columns aside: those must be shown through their labels)."""
    values = set()
    for table in db.metadata.sorted_tables:
        columns = [
            c for c in table.columns if isinstance(c.type, sa.String | sa.Text) and not isinstance(c.type, sa.Enum)
        ]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            values.update(v.strip() for v in row if isinstance(v, str) and len(v.strip()) >= 3)
    return sorted(values, key=len, reverse=True)


# --- the demo world and what fills the path parameters -------------------------------------------------------


@pytest.fixture
def world(app):
    from border_trade.auth.models import Role, User
    from border_trade.documents import pdfs
    from border_trade.seed.demo import load_demo
    from border_trade.shipments.models import Shipment, ShipmentStatus
    from border_trade.shipments.scoping import visible_shipments
    from border_trade.shipments.services import pdfs as shipment_pdfs
    from tests.factories import make_user

    load_demo()
    users = {
        role: db.session.scalar(sa.select(User).where(User.email == email)) for role, email in ROLES.items() if email
    }
    users["viewer"] = make_user(Role.VIEWER, email="viewer@demo.test", name="Viewer Demo")
    shipments = {}
    for role, user in users.items():
        by_status = {}
        for shipment in db.session.scalars(visible_shipments(user).order_by(Shipment.id)):
            by_status.setdefault(shipment.status, shipment.id)
        shipments[role] = by_status
    admin = users["admin"]
    crossed = db.session.scalar(
        sa.select(Shipment).where(Shipment.status == ShipmentStatus.CROSSED).order_by(Shipment.id).limit(1)
    )
    issued = shipment_pdfs.issue(admin, crossed.id, "commercial-invoice", ("vi", "km"))
    return {
        "users": users,
        "shipments": shipments,
        "verify_tokens": [pdfs.verification_token(issued.record), "forged-token", _receipt_token()],
    }


def _receipt_token():
    """A live receipt link of a crossed export (#18): `/receipt/<token>` shares the `token` parameter with /verify."""
    from border_trade.auth.models import Role, User
    from border_trade.receipts.links import create_link, token_of
    from border_trade.shipments.models import Direction, Shipment, ShipmentStatus

    shipment = db.session.scalar(
        sa.select(Shipment)
        .where(Shipment.status == ShipmentStatus.CROSSED, Shipment.direction == Direction.EXPORT)
        .order_by(Shipment.id)
        .limit(1)
    )
    trader = db.session.scalar(
        sa.select(User).where(User.organisation_id == shipment.organisation_id, User.role == Role.EXPORTER).limit(1)
    )
    return token_of(create_link(trader, shipment.id))


def _parameter_values(name, role, world):
    """Return the values to try for one path parameter, as this role; [] when the role has nothing to show."""
    from border_trade.products.models import Product

    user = world["users"].get(role)
    by_status = world["shipments"].get(role, {})
    if name == "code":
        return ["MOC-BAI"]  # a gate with a gate officer, a queue and crossings in the demo
    if name == "shipment_id":
        return list(by_status.values())
    if name == "product_id":
        org = user.organisation_id if user is not None and user.organisation_id else None
        query = sa.select(Product.id).order_by(Product.id).limit(1)
        if org:
            query = query.where(Product.organisation_id == org)
        return list(db.session.scalars(query))
    if name in ("vehicle_id", "driver_id"):  # the fleet register (#17): the role's organisation's first record
        from border_trade.fleet.models import Driver, Vehicle

        model = Vehicle if name == "vehicle_id" else Driver
        org = user.organisation_id if user is not None and user.organisation_id else None
        query = sa.select(model.id).order_by(model.id).limit(1)
        return list(db.session.scalars(query.where(model.organisation_id == org) if org else query))
    if name == "booking_id":  # the e-queue (#17): the first booking of the role's organisation, if any
        from border_trade.equeue.models import Booking

        org = user.organisation_id if user is not None and user.organisation_id else None
        query = sa.select(Booking.id).order_by(Booking.id).limit(1)
        return list(db.session.scalars(query.where(Booking.organisation_id == org) if org else query))
    if name == "user_id":
        return [world["users"]["exporter"].id, world["users"]["gate_officer"].id]
    if name == "token":
        return world["verify_tokens"]
    if name == "key":
        return ["upload"]  # filled by _upload below
    if name == "document_id":
        return []  # scans are files, not pages
    raise AssertionError(f"tests/i18n/test_pages.py: no demo value for the path parameter <{name}>; add one")


def _upload(client, form_path, template_path):
    """Post the CSV template with one bad row to an import form; return the preview page's path (or None)."""
    template = client.get(template_path)
    header = next(csv.reader(io.StringIO(template.get_data(as_text=True)))) if template.status_code == 200 else []
    body = io.StringIO()
    writer = csv.writer(body)
    writer.writerow(header)
    writer.writerow(["?"] * len(header))
    data = {"file": (io.BytesIO(body.getvalue().encode()), "rows.csv")}
    response = client.post(form_path, data=data, content_type="multipart/form-data")
    return response.headers.get("Location") if response.status_code in (302, 303) else None


def _sign_in(app, role, world, lang):
    client = app.test_client()
    user = world["users"].get(role)
    if user is not None:
        from tests.factories import PASSWORD

        password = PASSWORD if role == "viewer" else DEMO_PASSWORD
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, f"signing in as {role} failed"
    client.get(f"/lang/{lang}")  # the switcher: saved on the account, or in a cookie
    return client


def _pages(app, role, world, client):
    """Yield (endpoint, path) for every GET page, with demo values in its path parameters."""
    from flask import url_for

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.rule.startswith("/api"):
            continue
        if rule.endpoint in KNOWN_BROKEN:
            continue
        names = sorted(rule.arguments)
        combos = [{}]
        for name in names:
            values = _parameter_values(name, role, world)
            combos = [dict(c, **{name: v}) for c in combos for v in values]
        for combo in combos:
            if combo.get("key") == "upload":
                blueprint = rule.endpoint.split(".")[0]
                with app.test_request_context():
                    form_path = url_for(f"{blueprint}.import_upload", **{k: v for k, v in combo.items() if k != "key"})
                    template_path = url_for(f"{blueprint}.import_template")
                location = _upload(client, form_path, template_path)
                if location:
                    yield rule.endpoint, location
                continue
            with app.test_request_context():
                path = url_for(rule.endpoint, **combo)
            yield rule.endpoint, path


def _leftovers(html, lang, data):
    parser = VisibleText()
    parser.feed(html)
    assert parser.lang == lang, f"<html lang> is {parser.lang!r}, not {lang!r}"
    problems = []
    for text in parser.texts:
        words = english_left(text, lang, data)
        if words:
            problems.append(f"{' '.join(text.split())[:140]!r} ({', '.join(words[:5])})")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_no_english_left_on_any_page(app, world, lang):
    data = stored_strings()
    problems, rendered = [], set()
    for role in ROLES:
        client = _sign_in(app, role, world, lang)
        seen = set()
        for endpoint, path in _pages(app, role, world, client):
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path, follow_redirects=True)
            html = response.get_data(as_text=True) if response.mimetype == "text/html" else None
            response.close()
            assert response.status_code < 500, f"{role} GET {path}: {response.status_code}"
            if html is None:
                continue
            if response.status_code == 200 and not response.history:  # a redirect (to /login) is not this page
                rendered.add(endpoint)
            # error pages (403, 404, 409 ...) are read too: they must speak the language as well
            for problem in _leftovers(html, lang, data):
                problems.append(f"[{role}] {path}: {problem}")
    pages = {
        r.endpoint
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and r.endpoint not in NOT_PAGES and not r.rule.startswith("/api")
    }
    non_html = {"audit.export", "products.import_template", "shipments.import_template", "shipments.document_file"}
    pages -= set(KNOWN_BROKEN)
    assert not (pages - rendered - non_html), f"never rendered as a page: {sorted(pages - rendered - non_html)}"
    assert not problems, f"{len(problems)} English text(s) left in {lang}:\n" + "\n".join(sorted(set(problems)))


# --- the detector itself ---------------------------------------------------------------------------------------


def test_detector_finds_english_and_ignores_data():
    data = ["Angkor Fresh Import Co., Ltd.", "No. 45, Street 271, Phnom Penh"]
    assert english_left("Save the shipment", "km") == ["Save", "the", "shipment"]
    assert english_left("Lưu lô hàng", "vi") == []
    assert english_left("Lý do: hàng to", "vi") == []  # Vietnamese words spelt like English ones
    assert english_left("ក្រុមហ៊ុន Angkor Fresh Import Co., Ltd.", "km", data) == []
    assert english_left("ឯកសារ PDF, CSV, OCOP 4 ★, HS 0807.19, Form D, border-trade", "km") == []
    assert english_left("MOC-BAI · BT-2026-000042 · exporter@demo.test", "km") == []
    assert english_left("1 ធ្នូ 2026 · Dec 1, 2026", "km") == ["Dec 1, 2026"]
    assert english_left("1/12/26 0:05 · 12/1/26, 12:05 AM", "vi") == ["12:05 AM"]
    assert english_left("{item}៖ ផលិតផល · sha256sum file.pdf", "km") == []


def test_english_pages_are_caught(app, world):
    """The walk would see leftovers: the same pages in English are full of them."""
    client = _sign_in(app, "exporter", world, "en")
    problems = _leftovers(client.get("/shipments").get_data(as_text=True), "en", stored_strings())
    assert len(problems) > 5
