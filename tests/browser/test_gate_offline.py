"""The gate tablet in a real browser: events tapped offline are kept, sent once back online, never twice;
refusals are shown; the camera reads the manifest's QR code."""

import base64
import json
import re
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from border_trade.auth.models import User
from border_trade.extensions import db
from border_trade.shipments.models import EventKind, Shipment, ShipmentEvent, ShipmentStatus
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, eventually
from tests.factories import get_gate, make_shipment

pytestmark = pytest.mark.browser

S = ShipmentStatus
SEND_TIMEOUT = 30_000  # ms: the page retries on `online` and every 15 s


def submitted_shipment(live_server, plate="70H-555.01"):
    """Create a shipment submitted for Mộc Bài today in the live server's database; return its reference."""
    with live_server.app.app_context():
        exporter = db.session.scalar(sa.select(User).where(User.email == "exporter@demo.test"))
        shipment = make_shipment(
            exporter.organisation,
            status=S.SUBMITTED,
            gate=get_gate("MOC-BAI"),
            planned_crossing_on=datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date(),
            vehicle_plate=plate,
        )
        reference = shipment.reference
        db.session.remove()
    return reference


def gate_events(live_server, reference):
    """Return (status, lane, Counter of gate events, events) of a shipment in the live server's database."""
    with live_server.app.app_context():
        shipment = db.session.scalar(sa.select(Shipment).where(Shipment.reference == reference))
        events = list(
            db.session.scalars(
                sa.select(ShipmentEvent)
                .where(ShipmentEvent.shipment_id == shipment.id, ShipmentEvent.kind == EventKind.CROSSING)
                .order_by(ShipmentEvent.id)
            )
        )
        result = (
            shipment.status,
            shipment.lane.value if shipment.lane else None,
            Counter(e.event for e in events),
            [(e.event, e.occurred_at, e.recorded_at) for e in events],
        )
        db.session.remove()
    return result


def watch_errors(page):
    """Collect script errors and CSP refusals (network failures while offline are expected)."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error"
            and "net::ERR" not in message.text
            and "Failed to load resource" not in message.text
            else None
        ),
    )
    return errors


def open_gate(page, sign_in):
    sign_in(page, "gate_officer")
    page.goto("/gate")
    page.wait_for_url("**/gate/MOC-BAI")
    page.wait_for_selector("#gate-app")
    return page


def record(page, reference, event, lane=None):
    """Select the truck, tap the event's button, then confirm it (the second tap)."""
    page.click(f'#queue li[data-reference="{reference}"] .truck-select')
    expect(page.locator("#sel-reference")).to_have_text(reference)
    button = page.locator(f'#event-buttons [data-event="{event}"]')
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    if lane:
        page.click(f"#field-lane .lane-{lane}")
    page.click("#confirm-ok")
    expect(page.locator("#confirm-dialog")).to_be_hidden()


def test_events_tapped_offline_are_sent_once_back_online(page, live_server, sign_in):
    reference = submitted_shipment(live_server)
    errors = watch_errors(page)
    open_gate(page, sign_in)
    expect(page.locator(f'#queue li[data-reference="{reference}"]')).to_have_attribute("data-allowed", "arrived")

    page.context.set_offline(True)
    record(page, reference, "arrived")
    expect(page.locator("#unsent-count")).to_have_text("1")
    expect(page.locator("#gate-app")).to_have_attribute("data-online", "false")
    # the page already knows the truck is at the gate: the lane button is offered before anything was sent
    record(page, reference, "lane_assigned", lane="green")
    expect(page.locator("#unsent-count")).to_have_text("2")
    expect(page.locator("#outbox-list li")).to_have_count(2)
    queued = page.eval_on_selector_all("#outbox-list li", "items => items.map(li => li.dataset.event)")
    assert queued == ["arrived", "lane_assigned"]
    stored = page.evaluate("window.borderTradeGate.outbox()")
    assert [entry["body"]["event"] for entry in stored] == ["arrived", "lane_assigned"]
    assert len({entry["key"] for entry in stored}) == 2
    assert all(entry["body"]["occurred_at"][-6] in "+-" for entry in stored)  # ISO with an offset
    assert gate_events(live_server, reference)[2] == Counter()

    page.context.set_offline(False)
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=SEND_TIMEOUT)
    expect(page.locator("#outbox-empty")).to_be_visible()
    expect(page.locator("#gate-app")).to_have_attribute("data-online", "true")
    status, lane, counts, events = gate_events(live_server, reference)
    assert counts == Counter({"arrived": 1, "lane_assigned": 1})
    assert status is S.AT_GATE and lane == "green"
    for _name, occurred_at, recorded_at in events:
        assert occurred_at <= recorded_at  # the tap time, not the time it reached the server
    expect(page.locator(f'#queue li[data-reference="{reference}"]')).to_have_attribute("data-status", "at_gate")
    assert page.evaluate("window.borderTradeGate.outbox()") == []
    assert errors == []


def test_an_answer_lost_on_the_way_is_replayed_not_recorded_twice(page, live_server, sign_in):
    reference = submitted_shipment(live_server, plate="70H-555.02")
    errors = watch_errors(page)
    open_gate(page, sign_in)
    reached = []

    def lose_the_answer(route):
        reached.append(route.fetch().status)  # the server records the event...
        route.abort("internetdisconnected")  # ...but the tablet never hears back

    page.route("**/api/v1/gates/MOC-BAI/crossings*", lose_the_answer)
    record(page, reference, "arrived")
    # the failed send marks the tablet offline; the event stays queued under its key
    expect(page.locator("#gate-app")).to_have_attribute("data-online", "false")
    expect(page.locator("#unsent-count")).to_have_text("1")
    assert reached == [201]
    page.unroute("**/api/v1/gates/MOC-BAI/crossings*")

    page.click("#retry-now")
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=SEND_TIMEOUT)
    assert gate_events(live_server, reference)[2] == Counter({"arrived": 1})
    expect(page.locator("#problems")).to_be_hidden()
    assert errors == []


def test_a_refused_event_leaves_the_outbox_and_shows_the_reason(page, live_server, sign_in):
    reference = submitted_shipment(live_server, plate="70H-555.03")
    open_gate(page, sign_in)
    page.context.set_offline(True)
    record(page, reference, "arrived")
    expect(page.locator("#unsent-count")).to_have_text("1")
    with live_server.app.app_context():  # meanwhile the exporter cancels the shipment
        shipment = db.session.scalar(sa.select(Shipment).where(Shipment.reference == reference))
        shipment.status = S.CANCELLED
        db.session.commit()
        db.session.remove()

    page.context.set_offline(False)
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=SEND_TIMEOUT)
    problem = page.locator(f'#problem-list li[data-reference="{reference}"][data-event="arrived"]')
    expect(problem).to_be_visible()
    expect(problem.locator(".problem-message")).not_to_be_empty()
    assert gate_events(live_server, reference)[2] == Counter()
    problem.locator(".btn-dismiss").click()
    expect(page.locator("#problems")).to_be_hidden()


def test_a_gate_page_reloaded_without_network_opens_from_the_kept_copy(page, live_server, sign_in, sign_out):
    reference = submitted_shipment(live_server, plate="70H-555.08")
    errors = watch_errors(page)
    open_gate(page, sign_in)
    assert page.evaluate("window.borderTradeGate.offlineReady") is True  # worker registered, page and files kept
    if not page.evaluate("navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller !== null)"):
        page.reload()  # the worker activated without claiming this load (seen under load): the next load is its
        expect(page.locator("#gate-app")).to_be_visible()
    eventually(page, "navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    # taken once offline: a copy the worker was still fetching when the network went may be a few ms younger than
    # the moment before set_offline, never younger than this
    went_offline = datetime.now(UTC)
    record(page, reference, "arrived")
    expect(page.locator("#unsent-count")).to_have_text("1")
    page.reload()
    expect(page.locator("#gate-app")).to_be_visible()
    config = page.evaluate("JSON.parse(document.getElementById('gate-config').textContent)")
    assert datetime.fromisoformat(config["queue"]["server_time"]) < went_offline  # the kept copy, not a new page
    assert page.evaluate("getComputedStyle(document.querySelector('.gate-head')).display") == "flex"  # its CSS too
    expect(page.locator("#unsent-count")).to_have_text("1")  # the outbox survived the reload
    expect(page.locator(f'#queue li[data-reference="{reference}"]')).to_be_visible()

    page.context.set_offline(False)
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=SEND_TIMEOUT)
    assert gate_events(live_server, reference)[2] == Counter({"arrived": 1})
    assert errors == []

    sign_out(page)  # the sign-in page it lands on forgets the kept pages: they hold an officer's queue
    eventually(page, "caches.keys().then(keys => !keys.includes('border-trade-gate'))")


@pytest.mark.parametrize("lang", ["km", "vi", "en"])
def test_tap_times_are_on_the_24_hour_clock_of_the_gates_in_every_language(page, live_server, sign_in, lang):
    reference = submitted_shipment(live_server, plate=f"70H-555.1{len(lang)}")
    open_gate(page, sign_in)
    page.goto(f"/lang/{lang}?next=/gate/MOC-BAI")
    page.wait_for_selector("#gate-app")
    page.context.set_offline(True)
    record(page, reference, "arrived")
    tapped = page.locator("#outbox-list li .outbox-meta").first.inner_text()
    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    shown = re.search(r"(\d{2}):(\d{2})", tapped)
    assert shown, tapped
    minutes = int(shown.group(1)) * 60 + int(shown.group(2))
    assert abs(minutes - (now.hour * 60 + now.minute)) % (24 * 60) <= 2, tapped  # Vietnam's time, 24-hour
    assert not re.search(r"AM|PM|SA|CH|ព្រឹក|ល្ងាច|រសៀល", tapped), tapped
    page.context.set_offline(False)
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=SEND_TIMEOUT)


FAST_CLOCK = """(() => {
  const RealDate = Date, skew = 10 * 60 * 1000;  // this tablet's clock runs ten minutes fast
  class TabletDate extends RealDate {
    constructor(...args) { if (args.length) { super(...args); } else { super(RealDate.now() + skew); } }
    static now() { return RealDate.now() + skew; }
  }
  window.Date = TabletDate;
})();"""


def test_a_tablet_clock_ten_minutes_fast_is_corrected_by_the_servers(page, live_server, sign_in):
    reference = submitted_shipment(live_server, plate="70H-555.09")
    page.add_init_script(FAST_CLOCK)
    open_gate(page, sign_in)
    warning = page.locator("#clock-warning")
    expect(warning).to_be_visible(timeout=SEND_TIMEOUT)  # learnt from the first refresh of the queue
    expect(warning).to_contain_text("10")
    record(page, reference, "arrived")
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=SEND_TIMEOUT)
    expect(page.locator("#problems")).to_be_hidden()
    status, _lane, counts, events = gate_events(live_server, reference)
    assert status == S.AT_GATE and counts == Counter({"arrived": 1})
    occurred_at, recorded_at = events[0][1], events[0][2]
    assert abs((recorded_at - occurred_at).total_seconds()) < 60  # not ten minutes in the future


def test_typed_entry_finds_a_truck_by_plate_or_reference(page, live_server, sign_in):
    reference = submitted_shipment(live_server, plate="70H-555.04")
    open_gate(page, sign_in)
    page.fill("#search", "70h55504")
    page.press("#search", "Enter")
    expect(page.locator("#sel-reference")).to_have_text(reference)
    expect(page.locator(f'#queue li[data-reference="{reference}"]')).to_be_visible()
    page.fill("#search", f"https://example.test/verify/abc?ref={reference.lower()}")
    page.press("#search", "Enter")
    expect(page.locator("#sel-reference")).to_have_text(reference)
    extract = "text => window.borderTradeGate.extractReference(text)"
    assert page.evaluate(extract, reference) == reference
    assert page.evaluate(extract, f"/verify/{token_for(reference)}") == reference
    assert page.evaluate(extract, "/verify/nothing-here") is None
    assert page.evaluate(extract, "hello") is None


def token_for(reference):
    """A signed-token look-alike whose payload names the shipment (the QR of a generated PDF)."""
    payload = base64.urlsafe_b64encode(json.dumps({"doc": "crossing-manifest", "shipment": reference}).encode())
    return payload.decode().rstrip("=") + ".c2lnbmF0dXJl"


def qr_video(path, text, width=640, height=480, scale=8, frames=10):
    """Write a Y4M video (what Chromium's fake camera plays) showing a QR code of `text`."""
    from reportlab.graphics.barcode import qrencoder

    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.make()
    count = qr.getModuleCount()
    left, top = (width - count * scale) // 2, (height - count * scale) // 2
    luma = bytearray([235]) * (width * height)
    for row in range(count):
        for col in range(count):
            if qr.isDark(row, col):
                for y in range(top + row * scale, top + (row + 1) * scale):
                    start = y * width + left + col * scale
                    luma[start : start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + bytes(luma) + chroma + chroma)


def manifest_qr_text(live_server, reference):
    """Issue the shipment's crossing manifest in the live database and return what its QR code holds."""
    from border_trade.documents import pdfs
    from border_trade.shipments.services import pdfs as shipment_pdfs

    with live_server.app.app_context():
        exporter = db.session.scalar(sa.select(User).where(User.email == "exporter@demo.test"))
        shipment = db.session.scalar(sa.select(Shipment).where(Shipment.reference == reference))
        issued = shipment_pdfs.issue(exporter, shipment.id, "crossing-manifest", "vi,km")
        url = pdfs.verification_url(issued.record)
        db.session.remove()
    return url


def test_the_camera_reads_the_manifest_qr(browser, live_server, sign_in, tmp_path):
    reference = submitted_shipment(live_server, plate="70H-555.05")
    text = manifest_qr_text(live_server, reference)
    assert "/verify/" in text and reference not in text  # an opaque token: the page asks the verification API
    video = tmp_path / "manifest.y4m"
    qr_video(video, text)
    camera = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera.new_context(base_url=live_server.url, locale="en-US", permissions=["camera"])
        context.set_default_timeout(10_000)
        page = context.new_page()
        errors = watch_errors(page)
        open_gate(page, sign_in)
        page.click("#scan-button")
        expect(page.locator("#sel-reference")).to_have_text(reference, timeout=15_000)
        expect(page.locator("#scan-dialog")).to_be_hidden()
        expect(page.locator('#event-buttons [data-event="arrived"]')).to_be_visible()
        assert errors == []
    finally:
        camera.close()
