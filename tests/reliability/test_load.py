"""Sustained load on gunicorn (2 workers) over a migrated PostgreSQL database: no 5xx, nothing acknowledged lost."""

import pytest

from tests.reliability import checks
from tests.reliability.harness import (
    Gunicorn,
    Load,
    fresh_database,
    record_measurements,
    seconds,
    world_for_load,
)

pytestmark = [pytest.mark.slow, pytest.mark.reliability]


def test_sustained_load_answers_without_server_errors_and_loses_nothing(workdir):
    duration = seconds()
    with fresh_database("load") as url:
        world = world_for_load(url, workdir, duration)
        server = Gunicorn(url, workdir, workers=2)
        try:
            server.start()
            load = Load(workdir, server.base, world, duration=duration).start()
            rows = load.wait()
        finally:
            server.stop()
        summary = checks.summarize(rows, duration)
        figures, problems = checks.verify(url, rows, exporter_id=world["user_ids"]["exporter"])
    errors = checks.server_errors(rows)
    unanswered = [row for row in rows if row["status"] is None]
    record_measurements(
        "load",
        {
            "seconds": duration,
            "workers": 2,
            "client_threads": 4,
            **summary,
            **figures,
            "server_errors": len(errors),
            "unanswered": len(unanswered),
            "problems": problems[:20],
        },
    )
    assert summary["acknowledged"] > 0
    assert not errors, errors[:5]
    assert not unanswered, unanswered[:5]
    assert figures["records_lost"] == 0
    assert not problems, problems[:20]
