"""Stop PostgreSQL under load: the app answers 503 (never 500) meanwhile and recovers by itself once it is back."""

import time

import pytest

from tests.reliability import checks
from tests.reliability.harness import (
    Gunicorn,
    Load,
    OwnPostgres,
    http,
    record_measurements,
    retry_unacknowledged,
    seconds,
    world_for_load,
)

pytestmark = [pytest.mark.slow, pytest.mark.reliability]


def test_database_outage_answers_503_and_recovers_without_losing_records(workdir):
    duration = seconds()
    outage = max(3.0, min(10.0, duration / 6))
    postgres = OwnPostgres()
    server = None
    timeline = {}
    try:
        postgres.initdb().start()
        url = postgres.url
        world = world_for_load(url, workdir, duration)
        server = Gunicorn(url, workdir, workers=2).start()
        load = Load(workdir, server.base, world, duration=duration).start()
        try:
            load.sleep_until(duration * 0.3)
            timeline["stop_called"] = time.monotonic()
            postgres.stop("fast")
            timeline["down"] = time.monotonic()
            timeline["health_while_down"] = http("GET", server.base + "/api/v1/health")[0]
            time.sleep(outage)
            timeline["start_called"] = time.monotonic()
            postgres.start()
            timeline["up"] = time.monotonic()
        finally:
            rows = load.wait()
        timeline["health_after"] = http("GET", server.base + "/api/v1/health")[0]
        retries = retry_unacknowledged(server.base, rows, world, statuses=(None, 503))
        server.stop()
        summary = checks.summarize(rows, duration)
        figures, problems = checks.verify(url, rows + retries, exporter_id=world["user_ids"]["exporter"])
    finally:
        if server is not None:
            server.stop()
        postgres.cleanup()

    during = [
        row
        for row in rows
        if timeline["down"] <= row["mono"] and row["mono"] + row["ms"] / 1000 <= timeline["start_called"]
    ]
    after = [row for row in rows if row["mono"] >= timeline["up"]]
    first_ok = next((row for row in after if checks.acknowledged(row)), None)
    recovery = round(first_ok["mono"] + first_ok["ms"] / 1000 - timeline["up"], 2) if first_ok else None
    during_statuses = {str(s): sum(1 for r in during if r["status"] == s) for s in {r["status"] for r in during}}
    errors = checks.server_errors(rows + retries)
    not_503 = [row for row in errors if row["status"] != 503]
    missing_retry_after = [row for row in rows if row["status"] == 503 and not row.get("retry_after")]
    not_json = [row for row in rows if row["status"] == 503 and "json" not in (row.get("content_type") or "")]
    record_measurements(
        "database_restart",
        {
            "seconds": duration,
            "outage_seconds": round(timeline["start_called"] - timeline["down"], 1),
            "stop_took_seconds": round(timeline["down"] - timeline["stop_called"], 2),
            "start_took_seconds": round(timeline["up"] - timeline["start_called"], 2),
            "recovered_after_seconds": recovery,
            "health_while_down": timeline["health_while_down"],
            "health_after": timeline["health_after"],
            "requests_during_outage": len(during),
            "outage_statuses": during_statuses,
            "answers_503": sum(1 for row in rows if row["status"] == 503),
            "answers_500": len(not_503),
            "retried": len(retries),
            "retries_by_status": {
                str(s): sum(1 for r in retries if r["status"] == s) for s in {r["status"] for r in retries}
            },
            **summary,
            **figures,
            "problems": problems[:20],
        },
    )
    assert not not_503, not_503[:5]
    assert during, "no request was sent while the database was down"
    assert all(row["status"] == 503 for row in during), during_statuses
    assert not missing_retry_after and not not_json
    assert timeline["health_while_down"] == 503 and timeline["health_after"] == 200
    assert recovery is not None and recovery < 10, f"no 2xx within 10 s after the database came back ({recovery})"
    assert all(retry["status"] == 201 for retry in retries), [r for r in retries if r["status"] != 201][:5]
    assert figures["records_lost"] == 0
    assert not problems, problems[:20]
