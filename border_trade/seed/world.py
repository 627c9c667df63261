"""The one factory of seeded shipments: goods lines, a draft, its move to submitted with the papers the rules ask for.

The demo (`seed/demo.py`), the benchmark seed (`seed/bench.py`), the crossing benchmark (`bench/`) and the
reliability harness (`tests/reliability/harness.py`) all build their shipments here, so a submitted shipment
means the same everywhere: goods lines with weights and totals, `ready` then `submitted` on its timeline, and a
registered paper for every document the active rules require (see `submitted_shipments` for thousands at once).
"""

from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..documents.models import Document, DocumentType
from ..documents.rules import evaluate
from ..documents.services import active_rules
from ..extensions import db
from ..shipments.models import (
    Currency,
    Direction,
    EventKind,
    ExchangeRate,
    ReferenceCounter,
    Regime,
    Shipment,
    ShipmentEvent,
    ShipmentItem,
    ShipmentStatus,
)
from ..shipments.money import GRAM, compute_totals, line_value
from ..shipments.references import next_reference
from ..shipments.services.common import facts_of

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
RATES_FROM = date(2024, 1, 1)
TOTALS = ("net_weight_kg", "gross_weight_kg", "value", "value_vnd", "value_usd")
CONSIGNEE = "Angkor Fresh Import Co., Ltd."
DRIVER = "Nguyễn Văn Tâm"
S = ShipmentStatus


# -- exchange rates ------------------------------------------------------------------------------------------------


def demo_rate(currency, on):
    """Return a plausible, deterministic VND rate for a day (demo data, not an official rate)."""
    days = (on - RATES_FROM).days
    usd = Decimal(24300) + Decimal(days) * Decimal("1.85") + Decimal((days * 37) % 90)
    if currency == Currency.USD:
        return usd.quantize(Decimal(1))
    return (usd / Decimal(4080 + (days * 13) % 40)).quantize(Decimal("0.000001"))


def load_rates(until):
    """Add daily USD and KHR rates from 2024-01-01 to `until` where missing; return how many were added."""
    have = set(db.session.execute(sa.select(ExchangeRate.currency, ExchangeRate.rate_on)).all())
    added = 0
    day = RATES_FROM
    while day <= until:
        for currency in (Currency.USD, Currency.KHR):
            if (currency, day) not in have:
                db.session.add(
                    ExchangeRate(currency=currency, rate_on=day, vnd_per_unit=demo_rate(currency, day), source="demo")
                )
                added += 1
        day += timedelta(days=1)
    return added


# -- goods lines and the draft -------------------------------------------------------------------------------------


def line_values(product, quantity, unit_price, *, position=1, units_per_package=10):
    """Return the columns of one goods line: `quantity` of `product` at `unit_price`, weights from the product
    (8 % packaging on top), one carton per `units_per_package` units. Bulk writers insert these as they are."""
    net = (quantity * (product.net_weight_per_unit_kg or Decimal(1))).quantize(GRAM)
    return {
        "position": position,
        "product_id": product.id,
        "description_vi": product.name_vi,
        "description_km": product.name_km,
        "description_en": product.name_en,
        "hs_code": product.hs_code,
        "quantity": quantity,
        "unit": product.unit,
        "packages": max(1, int(quantity // units_per_package)),
        "package_type": "CT",
        "net_weight_kg": net,
        "gross_weight_kg": (net * Decimal("1.08")).quantize(GRAM),
        "unit_price": unit_price,
        "value": line_value(quantity, unit_price),
        "origin_criterion": "WO",
    }


def import_line_values(goods, *, position=1, loads=1):
    """Return the columns of one goods line of an import (no catalogue product): `loads` truck loads of `goods`
    (a bench_catalogue.INBOUND_GOODS row) at its illustrative price; 1.5 % packaging on top of the net weight."""
    hs_code, name_vi, name_en, name_km, kilograms, price, _share = goods
    net = Decimal(kilograms * loads)
    unit_price = Decimal(price)
    return {
        "position": position,
        "product_id": None,
        "description_vi": name_vi,
        "description_km": name_km,
        "description_en": name_en,
        "hs_code": hs_code,
        "quantity": net,
        "unit": "KGM",
        "packages": None,
        "package_type": None,
        "net_weight_kg": net,
        "gross_weight_kg": (net * Decimal("1.015")).quantize(Decimal("0.001")),
        "unit_price": unit_price,
        "value": (net * unit_price).quantize(Decimal("0.01")),
        "origin_criterion": "WO",
    }


def goods_line(product, quantity, unit_price, **options):
    """Return `line_values` as a ShipmentItem linked to its product."""
    values = line_values(product, quantity, unit_price, **options)
    del values["product_id"]
    return ShipmentItem(product=product, **values)


def new_shipment(*, organisation, exporter, gate, on, lines, consignee=None, reference=None, number=1, **fields):
    """Build a draft shipment through `gate` planned for `on`, with its goods lines (ShipmentItems, positions in
    order) and totals at that day's rates, and add it to the session. `consignee` is an Organisation (its name,
    address and tax id are copied) or None for the usual Phnom Penh buyer; `fields` override any column (an import:
    direction=Direction.IMPORT, consignee_name=None and the consignor_* columns)."""
    values = dict(
        reference=reference or next_reference(on.year),
        organisation=organisation,
        created_by=exporter,
        regime=Regime.COMMERCIAL,
        gate=gate,
        planned_crossing_on=on,
        incoterm="DAP",
        incoterm_place="Phnom Penh",
        currency=Currency.USD,
        preferential_tariff=True,
        transhipment=False,
        consignee_name=CONSIGNEE,
        consignee_country="KH",
        vehicle_plate="70H-000.01",
        driver_name=DRIVER,
        invoice_no=f"INV-{on:%Y}-{number:04d}",
        invoice_on=on - timedelta(days=2),
    )
    if consignee is not None:
        values.update(
            consignee=consignee,
            consignee_name=consignee.name_km or consignee.name,
            consignee_address=consignee.address,
            consignee_country=consignee.country_code,
            consignee_tax_id=consignee.tax_id,
        )
    values.update(fields)
    shipment = Shipment(**values)
    shipment.items.extend(lines)
    totals = compute_totals(shipment.items, shipment.currency, on)
    for name in TOTALS:
        setattr(shipment, name, getattr(totals, name))
    db.session.add(shipment)
    return shipment


# -- moves and papers ----------------------------------------------------------------------------------------------


def move(shipment, to, *, at, actor):
    """Append an exporter's status move (from the shipment's status, draft when new) and set the status."""
    before = shipment.status or S.DRAFT
    shipment.events.append(
        ShipmentEvent(
            kind=EventKind.STATUS,
            event=to.value,
            from_status=before,
            to_status=to,
            occurred_at=at,
            recorded_at=at,
            actor=actor,
        )
    )
    shipment.status = to


def submit(shipment, *, actor, ready_at, submitted_at):
    """Move a draft to ready, then to submitted, and register the papers it needs (issued three days before the
    planned crossing, recorded at the submission); return the papers."""
    move(shipment, S.READY, at=ready_at, actor=actor)
    move(shipment, S.SUBMITTED, at=submitted_at, actor=actor)
    papers = papers_for(shipment, issued_on=shipment.planned_crossing_on - timedelta(days=3))
    for paper in papers:
        paper.created_by, paper.created_at = actor, submitted_at
    db.session.add_all(papers)
    return papers


def required_documents(shipment):
    """Return the document types the active rules require for a shipment, in the rules' order."""
    with db.session.no_autoflush:  # a shipment being built is written once, when the caller is done with it
        checklist = evaluate(facts_of(shipment), [], active_rules(), "vi")
    return [line.document_type for line in checklist.items if line.level == "required"]


def papers_for(shipment, *, issued_on):
    """Return one Document (not added) for each document the rules require, with a plausible number and issuer,
    valid well past the planned crossing."""
    invoice = shipment.invoice_no or shipment.reference
    exporter = shipment.organisation.name
    crossing = shipment.planned_crossing_on
    # type -> (number, issuer, days of validity or None)
    known = {
        DocumentType.CUSTOMS_DECLARATION: (
            f"30{crossing:%y}{shipment.reference[-6:]:0>8}",
            "Chi cục Hải quan khu vực XVII",
            15,
        ),
        DocumentType.COMMERCIAL_INVOICE: (invoice, exporter, None),
        DocumentType.PACKING_LIST: (f"PL-{invoice}", exporter, None),
        DocumentType.SALES_CONTRACT: (f"HĐ-{crossing:%Y}-{invoice[-4:]}", exporter, None),
        DocumentType.CO_FORM_D: (
            f"VN-KH {crossing:%y}/05/{invoice[-4:]}",
            "Phòng Quản lý XNK khu vực TP. Hồ Chí Minh",
            365,
        ),
        DocumentType.VEHICLE_PERMIT: (f"GPLV-{shipment.vehicle_plate}", "Sở Xây dựng tỉnh Tây Ninh", 300),
        DocumentType.PHYTOSANITARY_CERTIFICATE: (f"KDTV-{invoice[-4:]}", "Chi cục Kiểm dịch thực vật vùng II", 14),
        DocumentType.VETERINARY_CERTIFICATE: (f"TY-{invoice[-4:]}", "Chi cục Thú y vùng VI", 30),
    }
    if shipment.direction is Direction.IMPORT:  # the seller's papers come from Cambodia; declarations start with 1
        seller = shipment.consignor_name or exporter
        known.update(
            {
                DocumentType.CUSTOMS_DECLARATION: (
                    f"10{crossing:%y}{shipment.reference[-6:]:0>8}",
                    "Chi cục Hải quan khu vực XVII",
                    15,
                ),
                DocumentType.COMMERCIAL_INVOICE: (invoice, seller, None),
                DocumentType.PACKING_LIST: (f"PL-{invoice}", seller, None),
                DocumentType.PHYTOSANITARY_CERTIFICATE: (
                    f"KH-PC-{invoice[-4:]}",
                    "General Directorate of Agriculture (Cambodia)",
                    14,
                ),
                DocumentType.PLANT_QUARANTINE_REGISTRATION: (
                    f"ĐK-KDTV-{invoice[-4:]}",
                    "Chi cục Kiểm dịch thực vật vùng II",
                    30,
                ),
                DocumentType.CO_FORM_D: (f"KH-VN {crossing:%y}/{invoice[-4:]}", "Ministry of Commerce (Cambodia)", 365),
            }
        )
    papers = []
    for kind in map(DocumentType, required_documents(shipment)):
        number, issuer, days = known.get(kind, (f"{kind.value.upper()}-{invoice}", exporter, 30))
        expires = issued_on + timedelta(days=days) if days is not None else None
        papers.append(
            Document(
                shipment=shipment, type=kind, number=number, issued_by=issuer, issued_on=issued_on, expires_on=expires
            )
        )
    return papers


# -- many submitted shipments at once ------------------------------------------------------------------------------


def submitted_shipments(count, *, exporter, product, gate, on, at, plate_prefix="70H-"):
    """Add `count` submitted shipments of one goods line of `product` (400 units at 9.50 USD) leaving through `gate`
    on `on`, submitted at `at`, each with its papers, its own reference and its own truck (`plate_prefix` and five
    digits); return their references. Missing exchange rates up to `on` are added first (the demo's).

    The first is built by `new_shipment` and `submit`; the others are copies of it written in four statements
    whatever `count` (thousands a second), so load tests and benchmarks can seed as many as they need. Commits.
    """
    load_rates(on)  # totals in VND and USD need the day's rates
    year = on.year
    first = _take_numbers(year, count)
    shipment = new_shipment(
        organisation=exporter.organisation,
        exporter=exporter,
        gate=gate,
        on=on,
        lines=[goods_line(product, Decimal("400"), Decimal("9.50"))],
        reference=f"BT-{year}-{first:06d}",
        number=first,
        vehicle_plate=f"{plate_prefix}00000",
    )
    submit(shipment, actor=exporter, ready_at=at - timedelta(hours=2), submitted_at=at)
    db.session.flush()
    references = [shipment.reference, *_copy(shipment, first + 1, count - 1, plate_prefix)]
    db.session.commit()
    return references


def _take_numbers(year, count):
    """Take `count` consecutive reference numbers of a year (through the app's counter); return the first."""
    first = int(next_reference(year).rsplit("-", 1)[1])
    db.session.execute(
        sa.update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_value=ReferenceCounter.last_value + max(count - 1, 0))
    )
    return first


def _copy(template, first, count, plate_prefix):
    """Insert `count` copies of a flushed shipment numbered from `first`, with its lines, timeline and papers: one
    INSERT … SELECT per table, over a recursive CTE of numbers (PostgreSQL and SQLite alike)."""
    if count <= 0:
        return []
    year = template.planned_crossing_on.year
    table = Shipment.__table__
    numbers = sa.select(sa.literal_column("0").label("n")).cte("numbers", recursive=True)
    numbers = numbers.union_all(sa.select(numbers.c.n + sa.literal_column("1")).where(numbers.c.n < count - 1))

    def padded(start, width):  # start + n with leading zeros, in SQL
        return sa.func.substr(sa.cast(numbers.c.n + sa.literal_column(str(10**width + start)), sa.String), 2)

    names = [c.name for c in table.columns if c.name not in ("id", "reference", "vehicle_plate")]
    shipments = (
        sa.select(
            sa.literal(f"BT-{year}-") + padded(first, 6),
            sa.literal(plate_prefix) + padded(1, 5),
            *(table.c[name] for name in names),
        )
        .select_from(table.join(numbers, sa.true()))
        .where(table.c.id == template.id)
        .order_by(numbers.c.n)
    )
    db.session.execute(table.insert().from_select(["reference", "vehicle_plate", *names], shipments))
    references = [f"BT-{year}-{first + n:06d}" for n in range(count)]
    copies = table.c.reference.between(references[0], references[-1])
    for model in (ShipmentItem, ShipmentEvent, Document):
        child = model.__table__
        names = [c.name for c in child.columns if c.name not in ("id", "shipment_id")]
        rows = (
            sa.select(table.c.id, *(child.c[name] for name in names))
            .select_from(table.join(child, child.c.shipment_id == template.id))
            .where(copies)
        )
        db.session.execute(child.insert().from_select(["shipment_id", *names], rows))
    return references
