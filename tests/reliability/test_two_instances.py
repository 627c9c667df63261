"""Two app instances on different ports, one PostgreSQL, one scheduler process: they serve the demo together."""

import socket

import pytest

from tests.reliability.harness import (
    Gunicorn,
    Scheduler,
    fresh_database,
    http,
    migrate_and_seed,
    record_measurements,
    seed_world,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.reliability]


def test_two_instances_share_crossings_and_the_scheduler_leader(workdir):
    with fresh_database("two") as url:
        migrate_and_seed(url, workdir)
        world = seed_world(url, shipments=4)
        officer = {"Authorization": f"Bearer {world['tokens']['officer']}"}
        exporter = {"Authorization": f"Bearer {world['tokens']['exporter']}"}
        first, second = world["shipments"][:2]
        scheduler = Scheduler(url, workdir, SCHEDULER_HEARTBEAT_SECONDS=2, SCHEDULER_RENEW_SECONDS=2)
        a = Gunicorn(url, workdir, workers=2, name="instance-a")
        b = Gunicorn(url, workdir, workers=2, name="instance-b")
        try:
            scheduler.start()
            a.start()
            b.start()
            assert a.port != b.port

            # a crossing recorded through A is seen through B, by the exporter and by the officer's queue
            arrived = {"shipment": first, "event": "arrived"}
            status, _headers, answer = http(
                "POST",
                f"{a.base}/api/v1/gates/MOC-BAI/crossings",
                body=arrived,
                headers={**officer, "Idempotency-Key": "a-1"},
            )
            assert status == 201, answer
            event_id = answer["event"]["id"]
            status, _headers, shipment = http("GET", f"{b.base}/api/v1/shipments/{first}", headers=exporter)
            assert status == 200 and shipment["status"] == "at_gate"
            assert shipment["version"] == answer["shipment"]["version"]
            status, _headers, timeline = http("GET", f"{b.base}/api/v1/shipments/{first}/events", headers=exporter)
            assert status == 200
            assert [e["id"] for e in timeline["items"] if e["event"] == "arrived"] == [event_id]
            status, _headers, queue = http("GET", f"{b.base}/api/v1/gates/MOC-BAI/queue", headers=officer)
            assert status == 200 and first in [item["reference"] for item in queue["items"]]

            # the tablet retries through the other instance: the same answer, no second event
            status, _headers, again = http(
                "POST",
                f"{b.base}/api/v1/gates/MOC-BAI/crossings",
                body=arrived,
                headers={**officer, "Idempotency-Key": "a-1"},
            )
            assert status == 201 and again == answer

            # and the other way round: B records, A reads; a stale version through A is refused
            status, _headers, answer_b = http(
                "POST",
                f"{b.base}/api/v1/gates/MOC-BAI/crossings",
                body={"shipment": first, "event": "lane_assigned", "lane": "yellow"},
                headers={**officer, "Idempotency-Key": "b-1"},
            )
            assert status == 201, answer_b
            status, _headers, seen = http("GET", f"{a.base}/api/v1/shipments/{first}", headers=exporter)
            assert status == 200 and seen["version"] == answer_b["shipment"]["version"]
            status, _headers, _body = http(
                "POST",
                f"{a.base}/api/v1/gates/MOC-BAI/crossings",
                body={"shipment": second, "event": "arrived"},
                headers={**officer, "Idempotency-Key": "a-2"},
            )
            assert status == 201

            # one scheduler leads, and both instances name the same leader and heartbeat
            def same_leader():
                states = [http("GET", f"{server.base}/api/v1/health")[2] for server in (a, b)]
                leaders = [(s or {}).get("scheduler") or {} for s in states]
                if leaders[0].get("leader") and leaders[0] == leaders[1] and leaders[0].get("heartbeat_at"):
                    return leaders[0]
                return None

            leader = wait_until(same_leader, 60, 0.5)
            assert leader, f"no common scheduler leader:\n{scheduler.log_path.read_text()[-2000:]}"
            assert leader["leader"] == f"{socket.gethostname()}:{scheduler.process.pid}"
        finally:
            for process in (a, b, scheduler):
                process.stop()
    record_measurements(
        "two_instances",
        {"instances": 2, "workers_each": 2, "scheduler_leader_seen_by_both": leader["leader"], "passed": True},
    )
