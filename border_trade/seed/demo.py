"""A realistic demo world: Tây Ninh traders, a Phnom Penh consignee, rates, users, ~30 exports and ~25 imports."""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ..auth.models import Organisation, OrganisationKind, Role, User
from ..auth.passwords import hash_password
from ..equeue.seed import seed_bookings, seed_capacity
from ..extensions import db
from ..gates.models import Gate, Province
from ..products.models import OcopGroup, Product
from ..products.seed import record_demo_decision
from ..province.seed import seed_demo_targets
from ..shipments.models import Direction, EventKind, Lane, ShipmentEvent, ShipmentItem, ShipmentStatus
from . import world
from .bench_catalogue import CONSIGNORS, INBOUND_GOODS
from .world import LOCAL, demo_rate, load_rates

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "demo_rate", "load_demo", "load_rates"]  # demo_rate, load_rates: from world

DEMO_PASSWORD = "demo-pass-2026"

DEMO_USERS = [
    ("admin@demo.test", "Quản trị viên", Role.ADMIN, None, None, None),
    ("exporter@demo.test", "Nguyễn Thị Lan", Role.EXPORTER, "melon", None, None),
    ("exporter2@demo.test", "Trần Văn Minh", Role.EXPORTER, "ricepaper", None, None),
    ("officer.mocbai@demo.test", "Lê Hoàng Phúc", Role.GATE_OFFICER, None, None, ["MOC-BAI"]),
    ("officer.xamat@demo.test", "Phạm Quốc Bảo", Role.GATE_OFFICER, None, None, ["XA-MAT"]),
    ("province.tayninh@demo.test", "Võ Thị Hạnh", Role.PROVINCE_OFFICER, "department", "TAY-NINH", None),
]

ORGANISATIONS = {
    "melon": dict(
        name="Hợp tác xã Nông nghiệp Dưa lưới Tân Châu",
        kind=OrganisationKind.COOPERATIVE,
        tax_id="3907654320",
        address="Ấp Thạnh Hiệp, xã Tân Châu, tỉnh Tây Ninh",
        email="htx.tanchau@demo.test",
        phone="+84 276 3800 111",
    ),
    "ricepaper": dict(
        name="Công ty TNHH Bánh tráng Trảng Bàng Sương Mai",
        kind=OrganisationKind.EXPORTER,
        tax_id="3905551111",
        address="Khu phố Lộc Du, phường Trảng Bàng, tỉnh Tây Ninh",
        email="suongmai@demo.test",
        phone="+84 276 3881 222",
    ),
    "consignee": dict(
        name="Angkor Fresh Import Co., Ltd.",
        name_km="ក្រុមហ៊ុន អង្គរ ហ្វ្រេស អ៊ីមផត ឯ.ក",
        kind=OrganisationKind.CONSIGNEE,
        country_code="KH",
        tax_id="K009-902103344",
        address="No. 45, Street 271, Sangkat Tuol Tumpung 2, Khan Chamkarmon, Phnom Penh",
        email="buyer@angkorfresh.demo.test",
    ),
    "department": dict(
        name="Sở Công Thương tỉnh Tây Ninh",
        kind=OrganisationKind.DEPARTMENT,
        tax_id="0309876547",
        address="Phường Tân An, tỉnh Tây Ninh",
        email="sct@demo.test",
    ),
}

PRODUCTS = {
    "melon": [
        dict(
            name_vi="Dưa lưới Tân Châu",
            name_km="ត្រសក់ស្រូវ តាន់ចូវ",
            name_en="Tan Chau netted melon",
            hs_code="08071900",
            ocop_stars=4,
            unit="KGM",
            net_weight_per_unit_kg=Decimal("1"),
        ),
        dict(
            name_vi="Mãng cầu Bà Đen",
            name_km="ទៀប បាដែន",
            name_en="Ba Den custard apple",
            hs_code="08109094",
            ocop_stars=4,
            unit="KGM",
            net_weight_per_unit_kg=Decimal("1"),
        ),
        dict(
            name_vi="Bưởi da xanh Tây Ninh",
            name_km="ក្រូចថ្លុង",
            name_en="Green-skin pomelo",
            hs_code="08054000",
            ocop_stars=3,
            unit="KGM",
            net_weight_per_unit_kg=Decimal("1"),
        ),
        dict(
            name_vi="Mật ong hoa cà phê",
            name_km="ទឹកឃ្មុំ",
            name_en="Coffee-blossom honey",
            hs_code="04090000",
            ocop_stars=3,
            unit="PCE",
            net_weight_per_unit_kg=Decimal("0.5"),
        ),
    ],
    "ricepaper": [
        dict(
            name_vi="Bánh tráng phơi sương Trảng Bàng",
            name_km=None,
            name_en="Trang Bang dew-dried rice paper",
            hs_code="19059070",
            ocop_stars=4,
            unit="PCE",
            net_weight_per_unit_kg=Decimal("0.5"),
        ),
        dict(
            name_vi="Muối tôm Tây Ninh",
            name_km="អំបិលបង្គា",
            name_en="Tay Ninh shrimp salt",
            hs_code="21039029",
            ocop_stars=4,
            unit="PCE",
            net_weight_per_unit_kg=Decimal("0.2"),
        ),
        dict(
            name_vi="Bánh tráng siêu mỏng",
            name_km=None,
            name_en="Ultra-thin rice paper",
            hs_code="19059070",
            ocop_stars=5,
            unit="PCE",
            net_weight_per_unit_kg=Decimal("0.3"),
        ),
    ],
}

# final status -> gate events after submission, in order
PATHS = {
    ShipmentStatus.DRAFT: [],
    ShipmentStatus.READY: [],
    ShipmentStatus.SUBMITTED: [],
    ShipmentStatus.CANCELLED: [],
    ShipmentStatus.AT_GATE: ["arrived"],
    ShipmentStatus.INSPECTING: ["arrived", "lane_assigned:yellow", "inspection_started"],
    ShipmentStatus.HELD: ["arrived", "lane_assigned:red", "inspection_started", "held"],
    ShipmentStatus.CLEARED: ["arrived", "lane_assigned:green", "cleared"],
    ShipmentStatus.CROSSED: ["arrived", "lane_assigned:green", "cleared", "crossed"],
    ShipmentStatus.DELIVERED: ["arrived", "lane_assigned:yellow", "inspection_started", "cleared", "crossed"],
}
GATE_MOVES = {
    "arrived": ShipmentStatus.AT_GATE,
    "inspection_started": ShipmentStatus.INSPECTING,
    "held": ShipmentStatus.HELD,
    "cleared": ShipmentStatus.CLEARED,
    "crossed": ShipmentStatus.CROSSED,
}


def load_demo(now=None):
    """Create the demo world once; a second run changes nothing. Return a summary dict."""
    now = now or datetime.now(UTC)
    today = now.astimezone(LOCAL).date()
    summary = {"rates": load_rates(today + timedelta(days=30)), "users": 0, "shipments": 0}
    seed_capacity()  # the e-queue of the demo gates (idempotent: a gate with capacity keeps it)
    seed_demo_targets(today.year)  # the province's workspace (#19): Tây Ninh's targets for this year (idempotent)
    if db.session.scalar(sa.select(User).where(User.email == "admin@demo.test")) is not None:
        db.session.commit()
        return summary

    tay_ninh = db.session.scalar(sa.select(Province).where(Province.code == "TAY-NINH"))
    phnom_penh = db.session.scalar(sa.select(Province).where(Province.code == "KH-12"))
    orgs = {}
    for key, values in ORGANISATIONS.items():
        province = phnom_penh if values.get("country_code") == "KH" else tay_ninh
        org = Organisation(
            country_code=values.get("country_code", "VN"),
            province=province,
            **{k: v for k, v in values.items() if k != "country_code"},
        )
        db.session.add(org)
        orgs[key] = org
    products = {}
    for key, items in PRODUCTS.items():
        products[key] = []
        for number, values in enumerate(items, start=1):
            product = Product(
                organisation=orgs[key],
                ocop_group=OcopGroup.FOOD,
                producer=orgs[key].name,
                province=tay_ninh,
                ocop_certificate_no=f"{number:02d}/QĐ-UBND-{2023 + number % 2}",
                ocop_recognised_on=date(2023 + number % 2, 3, 15),
                ocop_certificate_expires_on=date(2026 + number % 2, 3, 14),
                ocop_authority="UBND tỉnh Tây Ninh",
                **values,
            )
            record_demo_decision(product, product.ocop_recognised_on)  # the OCOP register (#19)
            db.session.add(product)
            products[key].append(product)

    password = hash_password(DEMO_PASSWORD)
    users = {}
    gates = {g.code: g for g in db.session.scalars(sa.select(Gate))}
    for email, name, role, org_key, province_code, gate_codes in DEMO_USERS:
        user = User(
            email=email,
            name=name,
            role=role,
            password_hash=password,
            organisation=orgs.get(org_key),
            locale="vi",
            province=tay_ninh if province_code == "TAY-NINH" else None,
            gates=[gates[c] for c in gate_codes or []],
        )
        db.session.add(user)
        users[email] = user
    summary["users"] = len(users)
    db.session.flush()

    rng = random.Random(2026)
    officers = {"MOC-BAI": users["officer.mocbai@demo.test"], "XA-MAT": users["officer.xamat@demo.test"]}
    statuses = (
        [ShipmentStatus.DELIVERED] * 6
        + [ShipmentStatus.CROSSED] * 8
        + [ShipmentStatus.CLEARED] * 2
        + [ShipmentStatus.HELD, ShipmentStatus.INSPECTING, ShipmentStatus.AT_GATE, ShipmentStatus.AT_GATE]
        + [ShipmentStatus.SUBMITTED] * 3
        + [ShipmentStatus.READY] * 2
        + [ShipmentStatus.DRAFT] * 3
        + [ShipmentStatus.CANCELLED]
    )
    for index, status in enumerate(statuses):
        org_key = "melon" if index % 3 != 2 else "ricepaper"
        exporter = users["exporter@demo.test" if org_key == "melon" else "exporter2@demo.test"]
        gate = gates[("MOC-BAI", "XA-MAT", "BINH-HIEP")[index % 3]]
        crossing_day = _crossing_day(rng, today, status)
        _demo_shipment(
            rng,
            now,
            orgs[org_key],
            orgs["consignee"],
            exporter,
            officers.get(gate.code),
            gate,
            products[org_key],
            status,
            crossing_day,
            index,
        )
        summary["shipments"] += 1
    # as many trucks come in from Cambodia (bench_catalogue.IMPORT_SHARE: about half, with its source), carrying
    # cassava, cashew, rubber, rice and fruit through the same gates, each trader buying as well as selling
    for index, status in enumerate(statuses[:-3]):
        org_key = "melon" if index % 2 == 0 else "ricepaper"
        gate = gates[("XA-MAT", "MOC-BAI", "XA-MAT", "BINH-HIEP")[index % 4]]  # cassava trucks favour Xa Mát
        crossing_day = _crossing_day(rng, today, status)
        _demo_shipment(
            rng,
            now,
            orgs[org_key],
            None,
            users["exporter@demo.test" if org_key == "melon" else "exporter2@demo.test"],
            officers.get(gate.code),
            gate,
            None,
            status,
            crossing_day,
            len(statuses) + index,
            inbound=INBOUND_GOODS[index % len(INBOUND_GOODS)],
        )
        summary["shipments"] += 1
    # today's e-queue (#17): four exports submitted for Mộc Bài today, booked into today's slots by seed_bookings
    # (the first one called); their own random stream, so the rest of the demo stays as it was
    today_rng, melon = random.Random(17), (orgs["melon"], orgs["consignee"], users["exporter@demo.test"])
    for number in range(4):
        moc_bai = (officers["MOC-BAI"], gates["MOC-BAI"], products["melon"], ShipmentStatus.SUBMITTED, today)
        _demo_shipment(today_rng, now, *melon, *moc_bai, 2 * len(statuses) + number)
        summary["shipments"] += 1
    db.session.commit()
    # the e-queue: the traders' trucks and drivers registered, today's and tomorrow's bookings
    summary["bookings"] = seed_bookings(now)
    return summary


def _crossing_day(rng, today, status):
    """A finished crossing's day in the past, today for a truck at the gate, else a planned day ahead."""
    if status in (ShipmentStatus.CROSSED, ShipmentStatus.DELIVERED):
        return today - timedelta(days=rng.randint(3, 120))
    if status in (ShipmentStatus.AT_GATE, ShipmentStatus.INSPECTING, ShipmentStatus.HELD, ShipmentStatus.CLEARED):
        return today
    return today + timedelta(days=rng.randint(1, 20))


def _demo_shipment(
    rng, now, org, consignee, exporter, officer, gate, products, status, crossing_day, index, *, inbound=None
):
    """Add one demo shipment: an export of the trader's products, or with `inbound` (an INBOUND_GOODS row) an
    import of one truck load of those goods from a Cambodian consignor."""
    truck = dict(
        vehicle_plate=f"70H-{rng.randint(100, 999)}.{rng.randint(10, 99)}",
        driver_name=rng.choice(["Nguyễn Văn Tâm", "Trần Minh Đức", "Lê Văn Hậu", "Huỳnh Tấn Lộc"]),
        driver_id_no=f"0720{rng.randint(10000000, 99999999)}",
    )
    lines = []
    if inbound is not None:
        line = world.import_line_values(inbound)
        del line["product_id"]
        lines.append(ShipmentItem(**line))
        name, address, tax_id = CONSIGNORS[index % len(CONSIGNORS)]
        truck.update(
            direction=Direction.IMPORT,
            consignee_name=None,
            consignor_name=name,
            consignor_address=address,
            consignor_country="KH",
            consignor_tax_id=tax_id,
            incoterm_place=gate.name_vi,  # DAP at the Vietnamese gate
            preferential_tariff=False,
        )
    else:
        chosen = rng.sample(products, k=min(len(products), rng.randint(1, 3)))
        for position, product in enumerate(chosen, start=1):
            quantity = Decimal(rng.choice([200, 400, 600, 800, 1000, 1500]))
            price = Decimal(rng.choice(["0.85", "1.20", "1.60", "2.40", "3.10"])) * (2 if product.unit == "PCE" else 1)
            lines.append(world.goods_line(product, quantity, price, position=position))
    shipment = world.new_shipment(
        organisation=org,
        exporter=exporter,
        gate=gate,
        on=crossing_day,
        lines=lines,
        consignee=consignee,
        number=index + 1,
        **truck,
    )

    start = datetime.combine(crossing_day - timedelta(days=4), time(9, 0), LOCAL).astimezone(UTC)
    start = min(start, now - timedelta(hours=30))
    ready_at, later = start + timedelta(hours=2), start + timedelta(hours=4)
    if status == ShipmentStatus.READY:
        world.move(shipment, ShipmentStatus.READY, at=ready_at, actor=exporter)
    elif status == ShipmentStatus.CANCELLED:
        world.move(shipment, ShipmentStatus.READY, at=ready_at, actor=exporter)
        world.move(shipment, ShipmentStatus.CANCELLED, at=later, actor=exporter)
    elif status != ShipmentStatus.DRAFT:
        world.submit(shipment, actor=exporter, ready_at=ready_at, submitted_at=later)
    current = shipment.status or ShipmentStatus.DRAFT

    at = (
        datetime.combine(crossing_day, time(7, 30), LOCAL).astimezone(UTC)
        if crossing_day < now.astimezone(LOCAL).date()
        else now - timedelta(hours=rng.randint(1, 5))
    )
    for step in PATHS[status]:
        name, _sep, lane = step.partition(":")
        at += timedelta(minutes=rng.randint(15, 140))
        new_status = GATE_MOVES.get(name, current)
        event = ShipmentEvent(
            kind=EventKind.CROSSING,
            event=name,
            from_status=current,
            to_status=new_status,
            occurred_at=min(at, now),
            recorded_at=min(at, now),
            actor=officer,
            gate=gate,
            lane=Lane(lane) if lane else None,
        )
        if name == "held":
            event.reason_code = "document_check"
            event.note = "Kiểm tra lại giấy chứng nhận kiểm dịch"
            shipment.status_before_hold = current
        if name == "crossed":
            event.seals = [f"VN{rng.randint(1000000, 9999999)}"]
            shipment.seals = event.seals
            shipment.crossed_at = event.occurred_at
        if name == "arrived":
            shipment.arrived_at = event.occurred_at
        if lane:
            shipment.lane = Lane(lane)
        shipment.events.append(event)
        current = new_status
    if status == ShipmentStatus.DELIVERED:
        at += timedelta(hours=rng.randint(5, 30))
        shipment.events.append(
            ShipmentEvent(
                kind=EventKind.STATUS,
                event="delivered",
                from_status=current,
                to_status=ShipmentStatus.DELIVERED,
                occurred_at=at,
                recorded_at=at,
                actor=exporter,
            )
        )
        current = ShipmentStatus.DELIVERED
    shipment.status = current
