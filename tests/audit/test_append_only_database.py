"""The database itself refuses to change or remove audit entries, even through bulk SQL."""

import pytest
import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.audit.services import record
from border_trade.extensions import db


@pytest.mark.parametrize(
    "statement",
    [
        sa.update(AuditEntry).values(action="rewritten"),
        sa.delete(AuditEntry),
    ],
)
def test_bulk_sql_cannot_rewrite_the_audit_trail(statement):
    record("test.event", object_type="thing", object_id=1, after={"ok": True})
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(statement.execution_options(synchronize_session=False))
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEntry.action)) == "test.event"
