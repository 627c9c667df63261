"""The audit trail is append-only: no route edits or deletes an entry, and the model refuses both."""

import pytest
import sqlalchemy as sa

from border_trade.audit.models import AuditEntry, AuditIsAppendOnly
from border_trade.audit.services import record
from border_trade.auth.models import Role
from border_trade.extensions import db
from tests.factories import make_user

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def test_no_route_writes_to_the_audit_trail(app):
    writers = [
        (sorted(rule.methods & WRITES), rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.methods & WRITES and ("audit" in rule.rule.lower() or "audit" in rule.endpoint.lower())
    ]
    assert writers == []


def test_audit_routes_refuse_every_writing_method(client, token_for):
    admin = token_for(make_user(Role.ADMIN))
    entry = record("test.entry")
    db.session.commit()
    for path in ("/api/v1/audit", f"/api/v1/audit/{entry.id}", "/api/v1/audit.csv", "/audit", "/audit.csv"):
        for method in ("PUT", "PATCH", "DELETE", "POST"):
            response = client.open(path, method=method, headers=admin, json={"action": "changed"})
            assert response.status_code in (404, 405), (method, path, response.status_code)
    db.session.expire_all()
    assert db.session.get(AuditEntry, entry.id).action == "test.entry"


def test_the_model_refuses_an_update():
    entry = record("test.entry", after={"a": 1})
    db.session.commit()
    entry.action = "test.changed"
    with pytest.raises(AuditIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).action == "test.entry"


def test_the_model_refuses_a_delete():
    entry = record("test.entry")
    db.session.commit()
    db.session.delete(entry)
    with pytest.raises(AuditIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1
