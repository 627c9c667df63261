"""Quick, in-process companions of the database-restart test (part of the default run, any database).

Under load the database went away after a request had authenticated; the 503 handler rolled the session back,
which expires the user, and choosing the answer's language read the user's preference again from the dead
database: a 500 instead of a 503. These tests pin that down without stopping a server.
"""

import contextlib

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.i18n import translate_in
from border_trade.shipments import queries
from tests.factories import make_user


@contextlib.contextmanager
def database_goes_away(db):
    """From now on every statement fails as if the server had stopped."""

    def refuse(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT", {}, ConnectionRefusedError("the database system is shutting down"))

    sa.event.listen(db.engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", refuse)


@pytest.mark.parametrize("lang", [None, "km"])
def test_database_lost_after_authentication_answers_503_not_500(client, db, token_for, monkeypatch, lang):
    user = make_user(Role.EXPORTER, locale="en")
    headers = token_for(user)
    stack = contextlib.ExitStack()

    def lose_database(*args, **kwargs):
        stack.enter_context(database_goes_away(db))
        raise sa.exc.OperationalError("SELECT", {}, ConnectionResetError("server closed the connection"))

    monkeypatch.setattr(queries, "list_shipments_query", lose_database)
    with stack:
        response = client.get("/api/v1/shipments" + (f"?lang={lang}" if lang else ""), headers=headers)
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.json["code"] == 503
    assert response.headers["Retry-After"] == "5"
    # without the user's preference (unreadable now) the language still follows ?lang=, else the default
    assert response.json["message"] == translate_in("The service is temporarily unavailable.", lang or "vi")
