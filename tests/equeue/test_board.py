"""The public board of a gate: its figures, no personal data in the JSON or the page, no sign-in, 404 for an
unknown gate, three languages with Khmer first, a page that reloads itself, and a rate limit."""

from datetime import timedelta

import pytest

from border_trade.enums import Direction
from border_trade.equeue.board import board
from border_trade.equeue.slots import LOCAL, local_today
from border_trade.extensions import db, limiter
from border_trade.shipments.models import ShipmentStatus
from border_trade.types import utcnow
from tests.equeue.conftest import every_day, set_capacity
from tests.factories import get_gate, make_shipment

S = ShipmentStatus
PLATES = ("70H-111.11", "70H-222.22", "2A-3333", "70H-444.44", "70H-555.55", "70H-666.66", "70H-777.77")


@pytest.fixture
def gate_world(exporter):
    """At MOC-BAI: 2 exports and 1 import waiting, 1 inspecting, 1 held, 2 crossed in the last 2 hours (30 and
    60 minutes at the gate); at XA-MAT one waiting truck that MOC-BAI's board must not count."""
    now = utcnow()
    org = exporter.organisation
    names = iter(PLATES)

    def truck(status, direction=Direction.EXPORT, gate="MOC-BAI", **extra):
        return make_shipment(
            org,
            status=status,
            direction=direction,
            gate=get_gate(gate),
            vehicle_plate=next(names),
            driver_name="Nguyễn Văn Bí Mật",
            **extra,
        )

    shipments = [
        truck(S.AT_GATE, arrived_at=now - timedelta(minutes=20)),
        truck(S.AT_GATE, arrived_at=now - timedelta(minutes=10)),
        truck(S.AT_GATE, Direction.IMPORT, arrived_at=now - timedelta(minutes=5)),
        truck(S.INSPECTING, arrived_at=now - timedelta(minutes=40)),
        truck(S.HELD, arrived_at=now - timedelta(minutes=90)),
        truck(S.CROSSED, arrived_at=now - timedelta(minutes=40), crossed_at=now - timedelta(minutes=10)),
        truck(S.CROSSED, arrived_at=now - timedelta(minutes=70), crossed_at=now - timedelta(minutes=10)),
    ]
    make_shipment(org, status=S.AT_GATE, gate=get_gate("XA-MAT"), vehicle_plate="70H-888.88")
    set_capacity(template=every_day("export", start="00:00", end="24:00") + every_day("import", capacity=0))
    return now, shipments


def test_the_board_counts_the_gate_and_shows_the_next_free_slot(client, gate_world):
    now, shipments = gate_world
    response = client.get("/api/v1/public/gates/moc-bai/board")  # no token
    assert response.status_code == 200, response.json
    body = response.json
    assert body["gate"] == "MOC-BAI"
    assert body["waiting"] == {"export": 2, "import": 1}
    assert (body["inspecting"], body["held"]) == (1, 1)
    assert body["avg_dwell_minutes_2h"] == 45.0
    assert body["next_free_slot"]["import"] is None  # no import capacity
    free = body["next_free_slot"]["export"]
    assert free["start"].endswith("+07:00") and free["end"] > free["start"]
    assert body["updated_at"].endswith("+07:00")
    today = local_today(now)  # both crossed 10 minutes ago: yesterday when the local day is younger than that
    crossed = [s for s in shipments if s.crossed_at and s.crossed_at.astimezone(LOCAL).date() == today]
    assert body["crossed_today"] == len(crossed)


def test_the_board_carries_no_personal_data(client, gate_world):
    _now, shipments = gate_world
    secrets = [*PLATES, "Nguyễn Văn Bí Mật", "70H-888.88"] + [s.reference for s in shipments]
    secrets += [shipments[0].organisation.name, shipments[0].consignee_name]
    text = client.get("/api/v1/public/gates/MOC-BAI/board").get_data(as_text=True)
    page = client.get("/board/MOC-BAI").get_data(as_text=True)
    for secret in secrets:
        assert secret not in text and secret not in page, secret
    assert set(client.get("/api/v1/public/gates/MOC-BAI/board").json) == {
        "gate",
        "waiting",
        "inspecting",
        "held",
        "crossed_today",
        "next_free_slot",
        "avg_dwell_minutes_2h",
        "updated_at",
    }


def test_an_unknown_gate_is_404(client):
    assert client.get("/api/v1/public/gates/NO-SUCH-GATE/board").status_code == 404
    assert client.get("/board/NO-SUCH-GATE").status_code == 404


def test_the_page_for_drivers(client, gate_world):
    response = client.get("/board/MOC-BAI?lang=km")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    gate = get_gate("MOC-BAI")
    assert '<html lang="km">' in page and (gate.name_km or gate.name_vi) in page
    assert 'data-board-refresh="60"' in page and "/static/js/board.js" in page and 'http-equiv="refresh"' not in page
    assert "<script>" not in page and " onclick=" not in page  # nothing inline: the CSP allows 'self' only
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    # the language switch: Khmer, then Vietnamese, then English
    switch = [page.index(f"/board/MOC-BAI?lang={code}") for code in ("km", "vi", "en")]
    assert switch == sorted(switch)
    assert 'data-figure="waiting-export"' in page and ">2<" in page.replace(" ", "").replace("\n", "")
    vi = client.get("/board/MOC-BAI?lang=vi").get_data(as_text=True)
    assert '<html lang="vi">' in vi and gate.name_vi in vi
    en = client.get("/board/MOC-BAI?lang=en").get_data(as_text=True)
    assert "Next free slot" in en and "Waiting to export" in en


def test_the_board_is_rate_limited(app, client):
    app.config["BOARD_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        codes = [client.get("/api/v1/public/gates/MOC-BAI/board").status_code for _ in range(4)]
        pages = [client.get("/board/MOC-BAI").status_code for _ in range(4)]
    finally:
        app.config["BOARD_RATE_LIMIT"] = "60 per minute"
        limiter.reset()
    assert codes == [200, 200, 200, 429]
    assert pages == [200, 200, 200, 429]  # the page has its own budget of the same size


def test_the_board_locks_nothing(app, gate_world):
    """A read only: it neither flushes nor commits anything."""
    now, _shipments = gate_world
    board(get_gate("MOC-BAI"), now)
    assert not db.session.new and not db.session.dirty
