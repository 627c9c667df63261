"""A throw-away PostgreSQL database next to the one TEST_DATABASE_URL names (skips without PostgreSQL)."""

import contextlib
import os
import threading

import pytest
import sqlalchemy as sa


@contextlib.contextmanager
def fresh_postgres_database(suffix):
    """Create `<test database>_<suffix>` empty, yield its URL, and drop it afterwards."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL does not point at PostgreSQL")
    url = sa.engine.make_url(base)
    name = f"{url.database}_{suffix}"[:63]
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def race(app, requests):
    """Send every (method, url, json, headers) at once, each from its own thread and client; return the responses."""
    barrier = threading.Barrier(len(requests))
    responses, errors = [None] * len(requests), []

    def worker(index, method, url, body, headers):
        client = app.test_client()
        barrier.wait()
        try:
            responses[index] = client.open(url, method=method, json=body, headers=headers)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    return responses
