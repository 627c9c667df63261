"""What the reliability tests assert after a run: every acknowledged record is in the database exactly once and
nothing is half-written. Reads the database with plain SQL, not through the app."""

import statistics
from collections import Counter, defaultdict

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

CROSSING_OPS = {"arrived", "lane_assigned", "replay", "retry"}
AT_GATE_OR_LATER = {"at_gate", "inspecting", "held", "cleared", "crossed", "delivered", "returned"}


def acknowledged(row):
    return row["status"] is not None and 200 <= row["status"] < 300


def summarize(rows, seconds):
    """Counts by outcome and operation, throughput and latency of the answered requests."""
    statuses = Counter()
    for row in rows:
        statuses["no answer" if row["status"] is None else f"{row['status'] // 100}xx"] += 1
    answered = [row["ms"] for row in rows if row["status"] is not None and row["status"] < 500]
    quantiles = statistics.quantiles(answered, n=100) if len(answered) >= 2 else [0.0] * 99
    return {
        "requests": len(rows),
        "acknowledged": sum(1 for row in rows if acknowledged(row)),
        "by_class": dict(sorted(statuses.items())),
        "by_status": dict(sorted(Counter(str(row["status"]) for row in rows).items())),
        "by_operation": dict(sorted(Counter(row["op"] for row in rows).items())),
        "requests_per_second": round(len(rows) / seconds, 1) if seconds else None,
        "latency_ms": {
            "p50": round(quantiles[49], 1),
            "p95": round(quantiles[94], 1),
            "p99": round(quantiles[98], 1),
            "max": round(max(answered, default=0.0), 1),
        },
    }


def server_errors(rows):
    return [row for row in rows if row["status"] is not None and row["status"] >= 500]


def read_state(url):
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as c:
            shipments = {
                row.reference: row
                for row in c.execute(
                    sa.text(
                        "SELECT s.id, s.reference, s.status, s.lane, s.created_by_id,"
                        " (SELECT count(*) FROM shipment_items i WHERE i.shipment_id = s.id) AS items"
                        " FROM shipments s"
                    )
                )
            }
            events = {
                row.id: row
                for row in c.execute(
                    sa.text(
                        "SELECT e.id, e.event, e.lane, e.to_status, s.reference FROM shipment_events e"
                        " JOIN shipments s ON s.id = e.shipment_id WHERE e.kind = 'crossing'"
                    )
                )
            }
            created = Counter(
                row.reference
                for row in c.execute(
                    sa.text(
                        "SELECT s.reference FROM shipment_events e JOIN shipments s ON s.id = e.shipment_id"
                        " WHERE e.kind = 'status' AND e.event = 'created'"
                    )
                )
            )
            keys = {
                row.key: row
                for row in c.execute(sa.text("SELECT key, response_status, response_body FROM idempotency_keys"))
            }
            audits = c.execute(
                sa.text(
                    "SELECT action, object_id, after FROM audit_entries"
                    " WHERE action LIKE 'crossing.%' OR action = 'shipment.create'"
                )
            ).all()
    finally:
        engine.dispose()
    return {"shipments": shipments, "events": events, "created": created, "keys": keys, "audits": audits}


def verify(url, rows, *, exporter_id):
    """Compare what clients were told with what the database holds; return (figures, problems)."""
    state = read_state(url)
    shipments, events, keys = state["shipments"], state["events"], state["keys"]
    problems = []
    lost = 0

    # 1. every acknowledged answer names a record that exists, as the answer described it
    for row in rows:
        if not acknowledged(row):
            continue
        if row["op"] in CROSSING_OPS:
            event = events.get(row.get("event_id"))
            if event is None or event.reference != row["body"]["shipment"] or event.event != row["body"]["event"]:
                lost += 1
                problems.append(f"acknowledged {row['op']} {row['key']} -> event {row.get('event_id')} not found")
            stored = keys.get(row["key"])
            if stored is None or (stored.response_body or {}).get("event", {}).get("id") != row.get("event_id"):
                problems.append(f"key {row['key']}: stored answer differs from the one sent")
            if row.get("replay_of_event") is not None and row.get("event_id") != row["replay_of_event"]:
                problems.append(f"replay of {row['key']} answered another event ({row.get('event_id')})")
        elif row["op"] == "create":
            shipment = shipments.get(row.get("reference"))
            if shipment is None or shipment.id != row.get("shipment_id"):
                lost += 1
                problems.append(f"acknowledged shipment {row.get('reference')} not found")

    # 2. each gate event was written whole: one idempotency key and one audit entry per event, no orphans
    key_events = Counter(
        (row.response_body or {}).get("event", {}).get("id") for row in keys.values() if row.response_status == 201
    )
    audit_events = Counter((a.after or {}).get("event_id") for a in state["audits"] if a.action.startswith("crossing."))
    if set(key_events) != set(events) or any(n != 1 for n in key_events.values()):
        problems.append(
            f"gate events and idempotency keys differ: {len(events)} events, {sum(key_events.values())} keys, "
            f"{len(set(events) - set(key_events))} events without key, {len(set(key_events) - set(events))} keys "
            "without event"
        )
    if set(audit_events) != set(events) or any(n != 1 for n in audit_events.values()):
        problems.append(f"gate events and audit entries differ: {len(events)} events, {sum(audit_events.values())}")

    # 3. the status flow: a truck at the gate (or later) arrived exactly once; one still submitted never did
    arrivals = Counter(e.reference for e in events.values() if e.event == "arrived")
    for reference, shipment in shipments.items():
        count = arrivals.get(reference, 0)
        if shipment.status in AT_GATE_OR_LATER and count != 1:
            problems.append(f"{reference} is {shipment.status} with {count} arrived events")
        if shipment.status not in AT_GATE_OR_LATER and count:
            problems.append(f"{reference} is {shipment.status} but has {count} arrived events")
        if shipment.items < 1:
            problems.append(f"{reference} has no goods line")
    last_lane = {}
    for event_id in sorted(events):
        event = events[event_id]
        if event.event == "lane_assigned":
            last_lane[event.reference] = event.lane
    for reference, lane in last_lane.items():
        if shipments[reference].lane != lane:
            problems.append(f"{reference}: lane {shipments[reference].lane}, last lane event says {lane}")

    # 4. shipments created through the API: one "created" event and one audit entry each
    created_audits = Counter(a.object_id for a in state["audits"] if a.action == "shipment.create")
    api_created = [s for s in shipments.values() if s.created_by_id == exporter_id and state["created"][s.reference]]
    for shipment in shipments.values():
        if state["created"][shipment.reference] > 1:
            problems.append(f"{shipment.reference} has {state['created'][shipment.reference]} created events")
    for shipment in api_created:
        if created_audits[str(shipment.id)] != 1:
            problems.append(f"{shipment.reference} has {created_audits[str(shipment.id)]} audit entries")

    by_event = defaultdict(int)
    for event in events.values():
        by_event[event.event] += 1
    figures = {
        "records_lost": lost,
        "gate_events_in_db": len(events),
        "gate_events_by_kind": dict(sorted(by_event.items())),
        "shipments_created_in_db": len(api_created),
        "acknowledged_records": sum(1 for row in rows if acknowledged(row) and row["op"] != "replay"),
        "half_written": len(problems),
    }
    return figures, problems
