"""A gate officer learns nothing about shipments outside their gate: the 409 API.md asks for when a shipment leaves
through another gate names neither that gate nor the shipment's status, in any language."""

import json
import uuid

import pytest

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.shipments.models import Lane, ShipmentStatus
from tests.factories import get_gate, make_shipment, make_user

S = ShipmentStatus


@pytest.fixture
def officer_auth(token_for):
    return token_for(make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]))


@pytest.fixture
def elsewhere():
    """A shipment leaving through Xa Mát, outside the Mộc Bài officer's scope."""
    exporter = make_user(Role.EXPORTER)
    return make_shipment(exporter.organisation, status=S.SUBMITTED, gate=get_gate("XA-MAT"))


def post(client, auth, reference, event="arrived", lang="en", **extra):
    return client.post(
        f"/api/v1/gates/MOC-BAI/crossings?lang={lang}",
        json={"shipment": reference, "event": event, **extra},
        headers=auth | {"Idempotency-Key": uuid.uuid4().hex},
    )


def secrets_of(shipment):
    """Every way a body could name the other gate or the shipment's status."""
    gate = shipment.gate
    words = {gate.code, gate.name_vi, gate.name_en, gate.name_km, shipment.status.value}
    for lang in ("vi", "km", "en"):
        from flask_babel import force_locale

        with force_locale(lang):
            words.add(str(shipment.status.label))
    return {word for word in words if word}


def baseline(client, auth, lang, status):
    """The answer for a shipment of yet another gate and another status than `status`: what every such answer must
    be, word for word."""
    exporter = make_user(Role.EXPORTER)
    other_status = S.CLEARED if status != S.CLEARED else S.AT_GATE
    other = make_shipment(exporter.organisation, status=other_status, gate=get_gate("BINH-HIEP"))
    return json.dumps(post(client, auth, other.reference, lang=lang).json, ensure_ascii=False)


@pytest.mark.parametrize("lang", ["vi", "km", "en"])
@pytest.mark.parametrize("status", [S.SUBMITTED, S.AT_GATE, S.INSPECTING, S.HELD, S.CLEARED, S.CROSSED])
def test_another_gates_shipment_is_a_409_that_names_neither_its_gate_nor_its_status(
    client, officer_auth, elsewhere, status, lang
):
    elsewhere.status = status
    if status == S.HELD:
        elsewhere.status_before_hold = S.AT_GATE
    db.session.commit()
    response = post(client, officer_auth, elsewhere.reference, lang=lang)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    raw = json.dumps(response.json, ensure_ascii=False)
    same = baseline(client, officer_auth, lang, status)
    assert raw == same  # nothing in it depends on the shipment's gate or status
    for word in secrets_of(elsewhere):
        # a status label may be a few words of the fixed text itself (km "នៅច្រកទ្វារ", at the gate, inside
        # "crosses at another gate"); the text is then the same for every shipment, which the line above holds
        if word in same and word not in {elsewhere.gate.code, elsewhere.gate.name_km, elsewhere.gate.name_vi}:
            continue
        assert word not in body and word not in raw, f"{word!r} leaked in {raw}"
    assert set(response.json) == {"code", "status", "message", "errors"}
    assert set(response.json["errors"]) == {"shipment"}


def test_the_409_is_the_same_whatever_the_other_shipment_is(client, officer_auth, elsewhere):
    exporter = make_user(Role.EXPORTER)
    other = make_shipment(exporter.organisation, status=S.CLEARED, gate=get_gate("BINH-HIEP"), lane=Lane.RED)
    first = post(client, officer_auth, elsewhere.reference, event="crossed", seals=["VN1"])
    second = post(client, officer_auth, other.reference, event="crossed", seals=["VN1"])
    assert first.status_code == second.status_code == 409
    assert first.json == second.json


def test_nothing_is_recorded_for_another_gates_shipment(client, officer_auth, elsewhere):
    assert post(client, officer_auth, elsewhere.reference).status_code == 409
    db.session.expire_all()
    assert elsewhere.status == S.SUBMITTED and [e.event for e in elsewhere.events] == []


def test_unsubmitted_work_elsewhere_stays_a_404(client, officer_auth):
    exporter = make_user(Role.EXPORTER)
    draft = make_shipment(exporter.organisation, status=S.DRAFT, gate=get_gate("XA-MAT"))
    response = post(client, officer_auth, draft.reference)
    assert response.status_code == 404
    assert post(client, officer_auth, "BT-2099-999999").json == response.json


def test_the_own_gates_conflict_still_names_the_status(client, officer_auth):
    exporter = make_user(Role.EXPORTER)
    here = make_shipment(exporter.organisation, status=S.CROSSED, gate=get_gate("MOC-BAI"))
    response = post(client, officer_auth, here.reference)
    assert response.status_code == 409 and response.json["current_status"] == "crossed"
