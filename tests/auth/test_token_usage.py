"""A token records when it was last used (at most every few minutes, so reads stay cheap)."""

from datetime import UTC, datetime, timedelta

from border_trade.auth.models import ApiToken, Role
from border_trade.extensions import db
from tests.factories import make_user


def test_last_used_at_is_recorded(client, token_for):
    headers = token_for(make_user(Role.VIEWER))
    token = db.session.query(ApiToken).one()
    assert token.last_used_at is None
    before = datetime.now(UTC)
    assert client.get("/api/v1/gates/MOC-BAI", headers=headers).status_code == 200
    db.session.expire_all()
    first = db.session.get(ApiToken, token.id).last_used_at
    assert first is not None and first >= before - timedelta(seconds=1)
    client.get("/api/v1/gates/MOC-BAI", headers=headers)
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at == first
