"""A gate event's caller taken from the worker's memory and confirmed with the shipment's lock (auth.remembered, #20).

Every change that closes the door to a remembered caller closes it on the next event, with nothing written: a
revoked or expired token, a deactivated user, a changed role, a gate taken away. Refusals answered before the
lock are checked against the database too. PostgreSQL only (row versions); elsewhere every request reads its caller.
"""

import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.auth import remembered
from border_trade.auth.models import ApiToken, Role, User
from border_trade.extensions import db
from border_trade.idempotency import IdempotencyKey
from border_trade.shipments.models import Shipment, ShipmentEvent, ShipmentStatus
from border_trade.types import utcnow
from tests.factories import get_gate, make_shipment, make_user

S = ShipmentStatus


@pytest.fixture(autouse=True)
def _postgresql_only(app, request):
    if db.engine.dialect.name != "postgresql" and "elsewhere" not in request.node.name:
        pytest.skip("remembered callers are confirmed by their row version: PostgreSQL")
    remembered.forget_all()
    yield
    remembered.forget_all()


@pytest.fixture
def officer():
    return make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI"), get_gate("XA-MAT")])


@pytest.fixture
def auth(token_for, officer):
    return token_for(officer)


def submitted(gate="MOC-BAI"):
    return make_shipment(make_user(Role.EXPORTER).organisation, status=S.SUBMITTED, gate=get_gate(gate))


def arrive(client, auth, shipment, gate="MOC-BAI", key=None, **extra):
    body = {"shipment": shipment if isinstance(shipment, str) else shipment.reference, "event": "arrived", **extra}
    headers = auth | {"Idempotency-Key": key or uuid.uuid4().hex}
    return client.post(f"/api/v1/gates/{gate}/crossings", json=body, headers=headers)


def remembered_caller(client, auth):
    """One event so that the worker remembers the caller; return the remembered user's id."""
    response = arrive(client, auth, submitted())
    assert response.status_code == 201, response.json
    assert len(remembered._callers) == 1
    return next(iter(remembered._callers.values())).user.id


def nothing_written(shipment):
    db.session.expire_all()
    assert db.session.get(Shipment, shipment.id).status is S.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count()).where(ShipmentEvent.shipment_id == shipment.id)) == 0


@contextmanager
def counted():
    """Yield the list of SQL statements (not BEGIN, COMMIT, …) sent inside the block."""
    seen = []

    def count(connection, cursor, statement, parameters, context, executemany):
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_the_second_event_reads_no_token(client, auth, officer):
    remembered_caller(client, auth)
    shipment = submitted().reference  # read before counting
    with counted() as seen:
        response = arrive(client, auth, shipment)
    assert response.status_code == 201, response.json
    assert len(seen) == 2, seen  # the lock (with the caller's check) and the writes
    assert not [s for s in seen if s.startswith("SELECT api_tokens")]  # not read: checked inside the lock statement
    assert "caller_confirmed" in seen[0]
    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.actor_id == officer.id and entry.actor_email == officer.email


@pytest.mark.parametrize("change", ["revoked", "expired", "deactivated"])
def test_a_token_that_no_longer_opens_is_refused_at_the_next_event(client, auth, officer, change):
    remembered_caller(client, auth)
    token = db.session.scalars(sa.select(ApiToken)).one()
    if change == "revoked":
        token.revoked_at = utcnow()
    elif change == "expired":
        token.expires_at = utcnow()
    else:
        db.session.get(User, officer.id).is_active_account = False
    db.session.commit()
    shipment = submitted()
    response = arrive(client, auth, shipment)
    assert response.status_code == 401, response.json
    nothing_written(shipment)
    assert remembered._callers == {}  # forgotten


def test_a_changed_role_is_refused_at_the_next_event(client, auth, officer):
    remembered_caller(client, auth)
    db.session.get(User, officer.id).role = Role.VIEWER
    db.session.commit()
    shipment = submitted()
    assert arrive(client, auth, shipment).status_code == 403
    nothing_written(shipment)


def test_a_gate_taken_away_is_refused_and_a_gate_given_works_at_once(client, auth, officer):
    remembered_caller(client, auth)
    user = db.session.get(User, officer.id)
    user.gates = [get_gate("XA-MAT"), get_gate("BINH-HIEP")]  # only user_gates change, not the user's row
    db.session.commit()
    shipment = submitted()
    response = arrive(client, auth, shipment)
    assert response.status_code == 403, response.json
    nothing_written(shipment)
    other = submitted("BINH-HIEP")
    response = arrive(client, auth, other, gate="BINH-HIEP")
    assert response.status_code == 201, response.json


def test_a_changed_email_reaches_the_audit_trail_at_once(client, auth, officer):
    remembered_caller(client, auth)
    db.session.get(User, officer.id).email = "renamed@example.test"
    db.session.commit()
    response = arrive(client, auth, submitted())
    assert response.status_code == 201, response.json
    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "crossing.arrived" and entry.actor_email == "renamed@example.test"


def test_a_changed_language_is_the_language_of_the_next_refusal(client, auth, officer):
    remembered_caller(client, auth)
    db.session.get(User, officer.id).locale = "en"
    db.session.commit()
    # a refusal after the lock (the event does not fit the shipment's status), where a caller taken as unchanged
    # would answer in the remembered language (vi)
    shipment = submitted()
    body = {"shipment": shipment.reference, "event": "cleared"}
    response = client.post(
        "/api/v1/gates/MOC-BAI/crossings", json=body, headers=auth | {"Idempotency-Key": uuid.uuid4().hex}
    )
    assert response.status_code == 409, response.json
    assert response.json["message"].startswith("cleared cannot be recorded"), response.json


@pytest.mark.parametrize(
    "case",
    ["unknown shipment", "invalid body", "replay", "future time", "other gate"],
)
def test_a_revoked_token_gets_401_whatever_else_is_wrong(client, auth, officer, case):
    shipment = submitted()
    key = uuid.uuid4().hex
    assert arrive(client, auth, shipment, key=key).status_code == 201  # remembered now
    assert len(remembered._callers) == 1
    db.session.scalars(sa.select(ApiToken)).one().revoked_at = utcnow()
    db.session.commit()
    if case == "unknown shipment":
        response = arrive(client, auth, "VN-2099-999999")
    elif case == "invalid body":
        response = client.post(
            "/api/v1/gates/MOC-BAI/crossings",
            json={"event": "arrived"},
            headers=auth | {"Idempotency-Key": uuid.uuid4().hex},
        )
    elif case == "replay":
        response = arrive(client, auth, shipment, key=key)
    elif case == "future time":
        response = arrive(client, auth, submitted(), occurred_at="2099-01-01T00:00:00Z")
    else:
        response = arrive(client, auth, submitted(), gate="CHANG-RIEC")
    assert response.status_code == 401, (case, response.json)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # the security headers on the new answer


def test_refusals_to_a_valid_remembered_caller_are_unchanged(client, auth):
    remembered_caller(client, auth)
    assert arrive(client, auth, "VN-2099-999999").status_code == 404
    response = client.post(
        "/api/v1/gates/MOC-BAI/crossings", json={"event": "arrived"}, headers=auth | {"Idempotency-Key": "k" * 20}
    )
    assert response.status_code == 422 and "shipment" in response.json["errors"], response.json
    assert arrive(client, auth, submitted(), gate="CHANG-RIEC").status_code == 403
    shipment = submitted()
    key = uuid.uuid4().hex
    first = arrive(client, auth, shipment, key=key)
    again = arrive(client, auth, shipment, key=key)
    assert first.status_code == again.status_code == 201 and first.json == again.json
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey)) == 2  # refusals store nothing


def test_a_caller_is_read_again_after_the_memory_lapses(client, auth, monkeypatch):
    remembered_caller(client, auth)
    monkeypatch.setattr(remembered, "KEEP_SECONDS", -1)
    shipment = submitted().reference  # read before counting
    with counted() as seen:
        assert arrive(client, auth, shipment).status_code == 201
    assert seen[0].startswith("SELECT api_tokens")  # read from the database again


def test_the_memory_keeps_the_most_recent_callers_only(client, token_for, monkeypatch):
    monkeypatch.setattr(remembered, "MOST", 2)
    officers = [make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]) for _ in range(3)]
    for officer in officers:
        assert arrive(client, token_for(officer), submitted()).status_code == 201
    assert [found.user.id for found in remembered._callers.values()] == [officers[1].id, officers[2].id]


def test_nothing_commits_for_an_unconfirmed_caller(app, auth, officer):
    from flask import g

    from border_trade.api import set_api_user

    with app.test_request_context("/api/v1/gates/MOC-BAI/crossings", method="POST", headers=auth):
        set_api_user(officer, remembered.CallerCheck("x" * 64, officer.id, "1"))
        with pytest.raises(RuntimeError, match="confirmed"):
            db.session.commit()
        db.session.rollback()
        g.api_caller_check.confirmed = True
        db.session.commit()


def test_other_endpoints_read_their_caller_every_time(client, auth):
    remembered_caller(client, auth)
    with counted() as seen:
        assert client.get("/api/v1/gates/MOC-BAI/queue", headers=auth).status_code == 200
    assert seen[0].startswith("SELECT api_tokens")


def test_elsewhere_every_event_reads_its_caller(client, auth):
    response = arrive(client, auth, submitted())
    assert response.status_code == 201, response.json
    if db.engine.dialect.name == "postgresql":
        assert len(remembered._callers) == 1
    else:  # no row versions to confirm a remembered caller by
        assert remembered._callers == {}
        shipment = submitted().reference
        with counted() as seen:
            assert arrive(client, auth, shipment).status_code == 201
        assert seen[0].startswith("SELECT api_tokens")


def test_a_caller_read_after_a_commit_is_remembered_whole(app, officer):
    """Reading a token may record its last use and commit, which expires its user: the copy kept is whole."""
    from border_trade.auth.tokens import caller_for_token, new_token

    raw, _record = new_token(officer)
    db.session.commit()
    with app.test_request_context("/"):
        user, check = caller_for_token(raw)
        assert check is None and user.id == officer.id
    kept = next(iter(remembered._callers.values())).user
    state = sa.inspect(kept)
    assert state.detached and {"id", "email", "role", "locale"} <= set(state.dict)
    assert [gate.code for gate in kept.gates] == ["MOC-BAI", "XA-MAT"]
    user = db.session.get(User, officer.id)
    user.name = "Renamed"
    db.session.commit()  # expires the user, as recording the token's last use does
    assert "email" not in sa.inspect(user).dict
    remembered.remember("x" * 64, user, "1")
    copy = sa.inspect(remembered._callers["x" * 64].user)
    assert copy.dict["name"] == "Renamed" and copy.dict["email"] == officer.email
