"""A benchmark world: N realistic shipments with their goods lines and timelines, inserted in bulk.

`flask seed --bench N` calls `seed_bench`. Crossings spread from January 2024 to today over every gate,
about forty exporters and every OCOP product group, in USD, VND and KHR, so the 2025 mergers and the
exchange rates show in the reports. PostgreSQL gets the rows through COPY, with the tables' secondary indexes
and foreign keys dropped for the load and rebuilt after it (in the same transaction), and every month of the
timelines given its partition first; other databases get multi-row Core inserts. Ids are reserved up front, so
the seed can run on a database that has data.
The random generator is seeded: the same N on an empty database gives the same rows.
"""

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from ..extensions import db
from ..gates.models import Gate, GateType
from ..scheduler import partitions
from ..shipments.models import Currency, EventKind, ShipmentStatus
from . import world
from .bench_catalogue import CONSIGNORS, IMPORT_SHARE, INBOUND_GOODS, bench_exporters, bench_products
from .bulk import BulkWriter, last_reference, update_counters
from .world import LOCAL, demo_rate, load_rates

FIRST_DAY = date(2024, 1, 1)
BATCH = 5000
CENT = Decimal("0.01")

# relative traffic per gate type; the big road-transport pairs get more (Mộc Bài: 700-800 trucks a day)
TYPE_WEIGHT = {GateType.INTERNATIONAL: 6.0, GateType.MAIN: 1.5, GateType.SECONDARY: 0.5}
BUSY_GATES = {"MOC-BAI": 30.0, "XA-MAT": 12.0, "TINH-BIEN": 10.0, "HOA-LU": 8.0, "VINH-XUONG": 8.0, "BINH-HIEP": 7.0}
CURRENCIES = ((Currency.USD, 0.75), (Currency.VND, 0.18), (Currency.KHR, 0.07))

DRIVERS = ("Nguyễn Văn Tâm", "Trần Minh Đức", "Lê Văn Hậu", "Huỳnh Tấn Lộc", "Phạm Văn Sơn", "Võ Thanh Tùng")
CONSIGNEES = (
    "Angkor Fresh Import Co., Ltd.",
    "Phnom Penh Food Trading Co., Ltd.",
    "Bavet Wholesale Market",
    "Mekong Agro Distribution Co., Ltd.",
    "Siem Reap Hospitality Supplies",
)
S = ShipmentStatus


@dataclass
class BenchSummary:
    exporters: int
    products: int
    shipments: int
    items: int
    events: int
    rates: int


def seed_bench(n, *, today=None, seed=2026, progress=None):
    """Insert `n` realistic shipments with their goods lines and events; return what was added.

    :param progress: called with the number of shipments written after each batch (for a progress bar).
    """
    rng = random.Random(seed)
    today = today or datetime.now(UTC).astimezone(LOCAL).date()
    rates = load_rates(today + timedelta(days=30))
    db.session.flush()
    gates = list(db.session.scalars(sa.select(Gate).order_by(Gate.code)))
    exporters, new_exporters = bench_exporters()
    products, new_products = bench_products(rng, exporters)
    db.session.commit()

    writer = BulkWriter(db.session.connection())
    shipment_ids = writer.reserve("shipments", n)
    plan = _Plan(rng, today, gates, exporters, products)
    counters = {}
    totals = {"items": 0, "events": 0}
    _month_partitions(plan.days[0], today)
    with writer.indexes_built_after():
        batch = {"shipments": [], "shipment_items": [], "shipment_events": []}
        for index in range(n):
            shipment, items, events = plan.shipment(shipment_ids[0] + index, counters)
            batch["shipments"].append(shipment)
            batch["shipment_items"] += items
            batch["shipment_events"] += events
            if len(batch["shipments"]) >= BATCH or index == n - 1:
                totals["items"] += len(batch["shipment_items"])
                totals["events"] += len(batch["shipment_events"])
                writer.write(batch)
                if progress:
                    progress(len(batch["shipments"]))
                batch = {"shipments": [], "shipment_items": [], "shipment_events": []}
    update_counters(counters)
    db.session.commit()
    writer.analyze()
    return BenchSummary(new_exporters, new_products, n, totals["items"], totals["events"], rates)


def _month_partitions(first, last):
    """On a partitioned PostgreSQL schema, give every month of the seeded timelines its partition (else the rows
    would all land in the default partition). Timelines start up to ten days before their crossing day."""
    connection = db.session.connection()
    if not partitions.is_partitioned(connection, "shipment_events"):
        return
    month = date((first - timedelta(days=11)).year, (first - timedelta(days=11)).month, 1)
    while month <= last:
        partitions.create_month(connection, "shipment_events", month)
        month = partitions.next_month(month)


class _Plan:
    """Draws one shipment after another: day, gate, exporter, goods, currency, path and times."""

    def __init__(self, rng, today, gates, exporters, products):
        self.rng = rng
        self.today = today
        # nothing happens after the end of `today`, nor after the real present
        self.now = min(datetime.combine(today + timedelta(days=1), time(0), LOCAL).astimezone(UTC), datetime.now(UTC))
        days = (today - FIRST_DAY).days + 1
        self.days = [FIRST_DAY + timedelta(days=i) for i in range(days)]
        # trade grows about 30 % a year, with a dip around Tết (late January, early February)
        weights = []
        for day in self.days:
            growth = 1.3 ** ((day - FIRST_DAY).days / 365)
            tet = 0.45 if (day.month == 1 and day.day > 20) or (day.month == 2 and day.day < 10) else 1.0
            weights.append(growth * tet)
        self.day_weights = _cumulative(weights)
        self.gates = gates
        self.gate_weights = _cumulative([BUSY_GATES.get(g.code, TYPE_WEIGHT[g.type]) for g in gates])
        self.exporters = exporters
        self.exporter_weights = _cumulative([1 / (i + 1) ** 0.8 for i in range(len(exporters))])
        self.products = products
        self.currency_weights = _cumulative([w for _c, w in CURRENCIES])
        # 2,500 trucks: plates of Tây Ninh (70), Long An (62), An Giang (67), Bình Phước (93), Đắk Nông (48)...
        self.plates = [_plate(rng) for _ in range(2500)]

    def shipment(self, shipment_id, counters):
        rng = self.rng
        day = rng.choices(self.days, cum_weights=self.day_weights)[0]
        gate = rng.choices(self.gates, cum_weights=self.gate_weights)[0]
        exporter = rng.choices(self.exporters, cum_weights=self.exporter_weights)[0]
        currency = rng.choices([c for c, _w in CURRENCIES], cum_weights=self.currency_weights)[0]
        status = self._status(day)
        if day.year not in counters:
            counters[day.year] = last_reference(day.year)
        counters[day.year] += 1
        reference = f"BT-{day.year}-{counters[day.year]:06d}"

        lines, net, gross, value = [], Decimal(0), Decimal(0), Decimal(0)
        inbound = rng.random() < IMPORT_SHARE  # a truck from Cambodia (bench_catalogue: the share's source)
        if inbound:
            currency = Currency.USD  # the seeded imports are priced in dollars, as bulk commodities are
            goods = rng.choices(INBOUND_GOODS, weights=[g[-1] for g in INBOUND_GOODS])[0]
            chosen_lines = [world.import_line_values(goods)]
        else:
            chosen = rng.sample(
                self.products[exporter.id], k=min(len(self.products[exporter.id]), rng.choice((1, 1, 2, 2, 3)))
            )
            chosen_lines = []
            for position, (product, usd_price) in enumerate(chosen, start=1):
                quantity = Decimal(rng.choice((100, 200, 300, 400, 500, 800, 1000, 1500, 2000)))
                price = _price_in(currency, usd_price * Decimal(rng.choice(("0.9", "1", "1", "1.1", "1.25"))), day)
                chosen_lines.append(
                    world.line_values(product, quantity, price, position=position, units_per_package=20)
                )
        for line in chosen_lines:
            net, gross, value = net + line["net_weight_kg"], gross + line["gross_weight_kg"], value + line["value"]
            lines.append({"shipment_id": shipment_id, **line})
        consignor = rng.choice(CONSIGNORS) if inbound else (None, None, None)
        planned = day - timedelta(days=1) if rng.random() < 0.1 else day
        vnd, usd = _totals(value, currency, planned)
        arrival = datetime.combine(day, time(6, 0), LOCAL).astimezone(UTC) + timedelta(minutes=rng.randint(0, 14 * 60))
        created = arrival - timedelta(days=rng.randint(2, 10), hours=rng.randint(0, 8))
        row = {
            "id": shipment_id,
            "reference": reference,
            "organisation_id": exporter.id,
            "status": status.value,
            "direction": "import" if inbound else "export",
            "regime": "commercial",
            "gate_id": gate.id,
            "planned_crossing_on": planned,
            "incoterm": rng.choice(("DAP", "DAP", "FCA", "CPT")),
            "currency": currency.value,
            "preferential_tariff": rng.random() < 0.7,
            "transhipment": False,
            "consignee_name": None if inbound else rng.choice(CONSIGNEES),
            "consignee_country": "KH",
            "consignor_name": consignor[0],
            "consignor_address": consignor[1],
            "consignor_country": "KH" if inbound else None,
            "consignor_tax_id": consignor[2],
            "vehicle_plate": rng.choice(self.plates),
            "driver_name": rng.choice(DRIVERS),
            "net_weight_kg": net,
            "gross_weight_kg": gross,
            "value": value,
            "value_usd": usd,
            "value_vnd": vnd,
            "arrived_at": None,
            "crossed_at": None,
            "lane": None,
            "status_before_hold": None,
            "created_at": created,
            "updated_at": created,
            "version": 1,
        }
        events = self._events(row, gate, status, arrival, created)
        _keep_in_the_past(rng, row, events, self.now)
        row["updated_at"] = max([row["created_at"], *(e["occurred_at"] for e in events)])
        return row, lines, events

    def _status(self, day):
        age = (self.today - day).days
        roll = self.rng.random()
        if age >= 3:
            if roll < 0.03:
                return S.CANCELLED
            if roll < 0.05:
                return S.RETURNED
            return S.DELIVERED if roll < 0.40 else S.CROSSED
        if age >= 1:
            return S.DELIVERED if roll < 0.1 else (S.CROSSED if roll < 0.9 else S.CLEARED)
        options = (S.SUBMITTED, S.AT_GATE, S.INSPECTING, S.HELD, S.CLEARED, S.CROSSED, S.CROSSED)
        return options[int(roll * len(options))]

    def _events(self, row, gate, status, arrival, created):
        rng = self.rng
        events = []

        def add(kind, name, before, after, at, **extra):
            events.append(
                {
                    "shipment_id": row["id"],
                    "kind": kind.value,
                    "event": name,
                    "from_status": before.value if before else None,
                    "to_status": after.value if after else None,
                    "occurred_at": at,
                    "recorded_at": at,
                    "gate_id": gate.id if kind is EventKind.CROSSING else None,
                    "lane": extra.get("lane"),
                    "reason_code": extra.get("reason_code"),
                    "late": False,
                }
            )

        add(EventKind.STATUS, "ready", S.DRAFT, S.READY, created + timedelta(hours=1))
        if status is S.CANCELLED:
            add(EventKind.STATUS, "cancelled", S.READY, S.CANCELLED, created + timedelta(hours=20))
            return events
        add(EventKind.STATUS, "submitted", S.READY, S.SUBMITTED, created + timedelta(hours=3))
        if status is S.SUBMITTED:
            return events
        at = arrival
        add(EventKind.CROSSING, "arrived", S.SUBMITTED, S.AT_GATE, at)
        row["arrived_at"] = at
        if status is S.AT_GATE:
            return events
        if status is S.HELD:
            lane = "red"
        elif status is S.INSPECTING:
            lane = rng.choice(("yellow", "red"))
        else:
            lane = rng.choices(("green", "yellow", "red"), cum_weights=(0.7, 0.92, 1.0))[0]
        # minutes at the gate: log-normal, median about 2 h 15, a long tail for inspections
        dwell = math.exp(rng.gauss(4.9, 0.55)) * (1.6 if lane != "green" else 1.0)
        steps = ["lane_assigned", "inspection_started"] if lane != "green" else []
        if status is S.HELD or (lane == "red" and rng.random() < 0.3):
            steps += ["held", "released"]
        steps += ["returned"] if status is S.RETURNED else ["cleared", "crossed"]
        last = {S.INSPECTING: "inspection_started", S.HELD: "held", S.CLEARED: "cleared"}.get(status, steps[-1])
        steps = steps[: steps.index(last) + 1]
        moves = {
            "inspection_started": S.INSPECTING,
            "held": S.HELD,
            "released": S.INSPECTING,
            "cleared": S.CLEARED,
            "crossed": S.CROSSED,
            "returned": S.RETURNED,
        }
        current = S.AT_GATE
        for number, step in enumerate(steps, start=1):
            at = arrival + timedelta(minutes=dwell * number / len(steps))
            after = moves.get(step, current)
            extra = {"lane": lane} if step in ("lane_assigned", "cleared") else {}
            if step in ("lane_assigned", "cleared"):
                row["lane"] = lane
            if step == "held":
                extra["reason_code"] = "document_check"
                row["status_before_hold"] = current.value
            if step == "released":
                row["status_before_hold"] = None
            add(EventKind.CROSSING, step, current, after, at, **extra)
            current = after
            if step == "crossed":
                row["crossed_at"] = at
        if status is S.DELIVERED:
            add(EventKind.STATUS, "delivered", S.CROSSED, S.DELIVERED, at + timedelta(hours=rng.randint(4, 40)))
            current = S.DELIVERED
        row["status"] = current.value
        return events


def _keep_in_the_past(rng, row, events, now):
    """Move a timeline that would end after `now` back, whole, so its last event lies a little before it."""
    last = max(e["occurred_at"] for e in events)
    if last <= now:
        return
    shift = last - now + timedelta(minutes=rng.randint(5, 90))
    for event in events:
        event["occurred_at"] -= shift
        event["recorded_at"] = event["occurred_at"]
    for key in ("arrived_at", "crossed_at", "created_at"):
        if row[key] is not None:
            row[key] -= shift


def _plate(rng):
    province = rng.choice(("70", "62", "67", "93", "48", "49"))
    return f"{province}{rng.choice('CHLK')}-{rng.randint(100, 999)}.{rng.randint(10, 99)}"


def _cumulative(weights):
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _price_in(currency, usd_price, day):
    if currency is Currency.USD:
        return usd_price.quantize(CENT)
    vnd = usd_price * demo_rate(Currency.USD, day)
    if currency is Currency.VND:
        return vnd.quantize(Decimal(100))  # a round price in dong
    return (vnd / demo_rate(Currency.KHR, day)).quantize(Decimal(10))  # whole tens of riel


def _totals(value, currency, on):
    """Return (value_vnd, value_usd) at the planned day's demo rates, rounded like shipment totals."""
    to_vnd = Decimal(1) if currency is Currency.VND else demo_rate(currency, on)
    vnd = (value * to_vnd).quantize(Decimal(1), ROUND_HALF_UP).quantize(CENT)
    return vnd, (vnd / demo_rate(Currency.USD, on)).quantize(CENT, ROUND_HALF_UP)
