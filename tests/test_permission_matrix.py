"""The permission matrix: every /api/v1 endpoint, every kind of caller, the status each one gets.

`MATRIX` is keyed by `(METHOD, rule)` exactly as Flask's URL map spells the rule. Each row says how to build
the request (`call(world, actor)` returns the keyword arguments of `client.open`) and which status each actor
gets. `test_every_api_endpoint_is_in_the_matrix` walks `app.url_map`, so a new endpoint without a row fails
here until its author adds one. A row, for example:

    ("GET", "/api/v1/shipments/<id_or_reference>"): row(
        lambda w, actor: get(f"/api/v1/shipments/{w.shipment.id}"),
        expect(200, exporter2=404, gate_officer_xamat=404, province_officer_other=404),
    ),

The actors (see `build_world`): `anonymous` sends no token; `exporter` owns the world's product and shipments,
`exporter2` is another organisation; `gate_officer` works at MOC-BAI, `gate_officer_xamat` at XA-MAT;
`province_officer` and `viewer` cover TAY-NINH (with LONG-AN merged into it), `province_officer_other` AN-GIANG.
The world's shipment is submitted to MOC-BAI (TAY-NINH). Records outside a caller's scope answer 404; an
action the caller's role may not take answers 403; no token answers 401 except on the public endpoints.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from border_trade.auth.models import ApiToken, Role
from border_trade.auth.tokens import new_token
from border_trade.extensions import db
from border_trade.seed.demo import demo_rate
from border_trade.shipments.models import Currency, ExchangeRate, ShipmentStatus
from border_trade.types import utcnow
from tests.customs import matrix as customs
from tests.equeue import matrix as equeue
from tests.factories import PASSWORD, get_gate, get_province, make_product, make_shipment, make_user
from tests.origin import matrix as origin
from tests.receipts import matrix as receipts
from tests.reports import province_matrix as province

ACTORS = (
    "anonymous",
    "admin",
    "exporter",
    "exporter2",
    "gate_officer",
    "gate_officer_xamat",
    "province_officer",
    "province_officer_other",
    "viewer",
)
PUBLIC = {
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/verify/<token>"),
    ("GET", "/api/v1/public/gates/<code>/board"),  # the e-queue's public gate board (#17)
    ("POST", "/api/v1/receipts/<token>"),  # the buyer's receipt (#18): the token is the key
}
RATED_CURRENCIES = [c for c in Currency if c is not Currency.VND]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- the world every request runs against (rebuilt for each test) ----------------------------------


@dataclass
class World:
    users: dict
    headers: dict
    product: object
    shipment: object  # exporter's, submitted to MOC-BAI
    draft: object  # exporter's, still a draft
    document: object  # a scan registered on `shipment`
    spare_token: object  # one of exporter's API tokens, to revoke
    notice: object  # a notification for exporter
    webhook: object  # a webhook of exporter's organisation
    extra: dict = field(default_factory=dict)


def build_world():
    from border_trade.notifications.models import Notification
    from border_trade.notifications.services import notify
    from border_trade.notifications.webhooks import register_webhook
    from border_trade.shipments.services.documents import register_document

    # the latest rate on or before a day applies: one a currency is enough for totals
    yesterday = date.today() - timedelta(days=1)
    db.session.add_all(
        ExchangeRate(currency=c, rate_on=yesterday, vnd_per_unit=demo_rate(c, yesterday)) for c in RATED_CURRENCIES
    )
    users = {
        "admin": make_user(Role.ADMIN),
        "exporter": make_user(Role.EXPORTER),
        "exporter2": make_user(Role.EXPORTER),
        "gate_officer": make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]),
        "gate_officer_xamat": make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")]),
        "province_officer": make_user(Role.PROVINCE_OFFICER, province=get_province("TAY-NINH")),
        "province_officer_other": make_user(Role.PROVINCE_OFFICER, province=get_province("AN-GIANG")),
        "viewer": make_user(Role.VIEWER, province=get_province("TAY-NINH")),
    }
    headers = {"anonymous": {}}
    for actor, user in users.items():
        raw, _token = new_token(user)
        headers[actor] = {"Authorization": f"Bearer {raw}"}
    _raw, spare = new_token(users["exporter"], name="spare")
    db.session.commit()
    organisation = users["exporter"].organisation
    product = make_product(organisation)
    shipment = make_shipment(organisation, status=ShipmentStatus.SUBMITTED, gate=get_gate("MOC-BAI"))
    draft = make_shipment(organisation, gate=get_gate("MOC-BAI"))
    paper = {
        "type": "commercial_invoice",
        "number": "INV-1",
        "issued_by": organisation.name,
        "issued_on": date.today(),
        "expires_on": None,
    }
    document = register_document(users["exporter"], shipment.id, paper, upload=(PDF, "invoice.pdf"))
    notify(
        [users["exporter"]],
        "truck_stuck",
        f"matrix:{shipment.id}",
        {"plate": shipment.vehicle_plate, "reference": shipment.reference, "gate": "MOC-BAI", "num": 7},
        shipment=shipment,
    )
    db.session.commit()
    notice = db.session.scalar(sa.select(Notification).where(Notification.user_id == users["exporter"].id))
    webhook, _secret = register_webhook(users["exporter"], "https://erp.example.test/hooks/border-trade")
    return World(users, headers, product, shipment, draft, document, spare, notice, webhook)


# --- building requests and expectations ------------------------------------------------------------


def get(path, **kwargs):
    return {"path": path, **kwargs}


def send(path, json=None, **kwargs):
    return {"path": path, "json": json, **kwargs}


def expect(default, *, anonymous=401, **per_actor):
    """Every actor gets `default` except those named; no token gets 401 unless said otherwise."""
    unknown = set(per_actor) - set(ACTORS)
    assert not unknown, f"unknown actors {unknown}"
    return dict.fromkeys(ACTORS, default) | {"anonymous": anonymous} | per_actor


@dataclass
class Row:
    call: object  # (world, actor) -> keyword arguments of client.open (path, json, headers, data, ...)
    expected: dict  # actor -> status code


def row(call, expected):
    return Row(call, expected)


def request_as(client, world, method, actor, call):
    """Send the row's request as one actor (with their bearer token, except for `anonymous`)."""
    kwargs = dict(call(world, actor))
    path = kwargs.pop("path")
    headers = {**world.headers[actor], **kwargs.pop("headers", {})}
    return client.open(path, method=method, headers=headers, **kwargs)


def product_body():
    return {
        "name_vi": "Mãng cầu Bà Đen",
        "hs_code": "08109094",
        "ocop_stars": 4,
        "ocop_group": "food",
        "ocop_certificate_no": "12/QĐ-UBND",
        "ocop_certificate_expires_on": (date.today() + timedelta(days=400)).isoformat(),
        "province_code": "TAY-NINH",
        "unit": "KGM",
        "net_weight_per_unit_kg": "1",
    }


def shipment_body(world, actor):
    item = {"quantity": "400", "unit": "KGM", "net_weight_kg": "400", "gross_weight_kg": "430", "unit_price": "9.50"}
    if actor == "exporter":
        item["product_id"] = world.product.id
    else:
        item |= {"description_vi": "Dưa lưới", "hs_code": "08071900"}
    return {
        "exit_gate": "MOC-BAI",
        "planned_crossing_on": (date.today() + timedelta(days=5)).isoformat(),
        "regime": "export",
        "incoterm": "DAP",
        "currency": "USD",
        "preferential_tariff": False,
        "consignee": {"name": "Angkor Fresh Import Co., Ltd.", "country": "KH"},
        "vehicle": {"plate": "70H-123.45", "driver_name": "Nguyễn Văn Tâm"},
        "items": [item | {"origin_criterion": "WO"}],
    }


def fleet_record(world, kind):
    """The exporter's registered vehicle or driver (made on first use, kept in `world.extra`)."""
    from border_trade.fleet.models import Driver, PlateCountry, Vehicle

    if kind not in world.extra:
        organisation_id = world.users["exporter"].organisation_id
        record = (
            Vehicle(organisation_id=organisation_id, plate="70H-555.55", country=PlateCountry.VN)
            if kind == "vehicle"
            else Driver(organisation_id=organisation_id, name="Lê Văn Tư", id_no="072099000111")
        )
        db.session.add(record)
        db.session.commit()
        world.extra[kind] = record
    return world.extra[kind]


def quota_code(world):
    """A tariff quota's code (the quota made on first use)."""
    from tests.quotas.conftest import make_quota

    if "quota" not in world.extra:
        world.extra["quota"] = make_quota().code
    return world.extra["quota"]


def document_body():
    return {"type": "packing_list", "number": "PL-1", "issued_by": "HTX", "issued_on": date.today().isoformat()}


def crossing(world, actor):
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    body = {"shipment": world.shipment.reference, "event": "arrived"}
    return send("/api/v1/gates/MOC-BAI/crossings", body, headers=headers)


def writable(world, actor):
    """The record an actor tries to change: exporters and admins the draft; the others the submitted shipment,
    which their scope may let them see (so the answer is 403 for the action) or not (404)."""
    return world.draft if actor in ("admin", "exporter", "exporter2") else world.shipment


def if_match(record):
    return {"If-Match": f'"{record.id}-{record.version}"'}


SHIPMENT_VISIBLE = dict(exporter2=404, gate_officer_xamat=404, province_officer_other=404)
REPORT = expect(403, admin=200, province_officer=200, viewer=200)
PROVINCE_LIST = expect(403, admin=200, province_officer=200, viewer=200, province_officer_other=200)
PROVINCE_READ = expect(403, admin=200, province_officer=200, viewer=200, province_officer_other=404)


def PROVINCE_WRITE(ok, other):  # noqa: N802 - reads as the constants beside it
    return {"admin": ok, "province_officer": ok, "province_officer_other": other}


MATRIX = {
    # public
    ("GET", "/api/v1/health"): row(lambda w, a: get("/api/v1/health"), expect(200, anonymous=200)),
    ("POST", "/api/v1/auth/token"): row(
        lambda w, a: send(
            "/api/v1/auth/token", {"email": w.users["exporter" if a == "anonymous" else a].email, "password": PASSWORD}
        ),
        expect(200, anonymous=200),
    ),
    # tokens: one's own; an admin anyone's
    ("GET", "/api/v1/auth/tokens"): row(lambda w, a: get("/api/v1/auth/tokens"), expect(200)),
    ("DELETE", "/api/v1/auth/tokens/<int:token_id>"): row(
        lambda w, a: get(f"/api/v1/auth/tokens/{w.spare_token.id}"), expect(404, admin=204, exporter=204)
    ),
    # the audit trail: administrators only
    ("GET", "/api/v1/audit"): row(lambda w, a: get("/api/v1/audit"), expect(403, admin=200)),
    ("GET", "/api/v1/audit.csv"): row(lambda w, a: get("/api/v1/audit.csv"), expect(403, admin=200)),
    # reference data: every signed-in user
    ("GET", "/api/v1/gates"): row(lambda w, a: get("/api/v1/gates"), expect(200)),
    ("GET", "/api/v1/gates/<code>"): row(lambda w, a: get("/api/v1/gates/MOC-BAI"), expect(200)),
    ("GET", "/api/v1/provinces"): row(lambda w, a: get("/api/v1/provinces"), expect(200)),
    ("GET", "/api/v1/hs-codes"): row(lambda w, a: get("/api/v1/hs-codes?q=08"), expect(200)),
    # products: exporters' own catalogue (admins read)
    ("GET", "/api/v1/products"): row(
        lambda w, a: get("/api/v1/products"), expect(403, admin=200, exporter=200, exporter2=200)
    ),
    ("POST", "/api/v1/products"): row(
        lambda w, a: send("/api/v1/products", product_body()), expect(403, exporter=201, exporter2=201)
    ),
    ("GET", "/api/v1/products/<id:product_id>"): row(
        lambda w, a: get(f"/api/v1/products/{w.product.id}"), expect(403, admin=200, exporter=200, exporter2=404)
    ),
    # roles that may not read products find none to change (404); an admin reads them but may not write (403)
    ("PATCH", "/api/v1/products/<id:product_id>"): row(
        lambda w, a: send(f"/api/v1/products/{w.product.id}", {"ocop_stars": 5}, headers=if_match(w.product)),
        expect(404, admin=403, exporter=200),
    ),
    # fleet (#17): a trader's vehicles and drivers, like products (admins read, nobody else sees them)
    ("GET", "/api/v1/vehicles"): row(
        lambda w, a: get("/api/v1/vehicles"), expect(403, admin=200, exporter=200, exporter2=200)
    ),
    ("POST", "/api/v1/vehicles"): row(
        lambda w, a: send("/api/v1/vehicles", {"plate": "70H-123.45"}), expect(403, exporter=201, exporter2=201)
    ),
    ("GET", "/api/v1/vehicles/<id:vehicle_id>"): row(
        lambda w, a: get(f"/api/v1/vehicles/{fleet_record(w, 'vehicle').id}"),
        expect(403, admin=200, exporter=200, exporter2=404),
    ),
    ("PATCH", "/api/v1/vehicles/<id:vehicle_id>"): row(
        lambda w, a: send(f"/api/v1/vehicles/{fleet_record(w, 'vehicle').id}", {"kind": "reefer"}),
        expect(404, admin=403, exporter=200),
    ),
    ("GET", "/api/v1/drivers"): row(
        lambda w, a: get("/api/v1/drivers"), expect(403, admin=200, exporter=200, exporter2=200)
    ),
    ("POST", "/api/v1/drivers"): row(
        lambda w, a: send("/api/v1/drivers", {"name": "Phạm Văn Năm", "licence_class": "C"}),
        expect(403, exporter=201, exporter2=201),
    ),
    ("GET", "/api/v1/drivers/<id:driver_id>"): row(
        lambda w, a: get(f"/api/v1/drivers/{fleet_record(w, 'driver').id}"),
        expect(403, admin=200, exporter=200, exporter2=404),
    ),
    ("PATCH", "/api/v1/drivers/<id:driver_id>"): row(
        lambda w, a: send(f"/api/v1/drivers/{fleet_record(w, 'driver').id}", {"phone": "0912345678"}),
        expect(404, admin=403, exporter=200),
    ),
    # e-queue (#17): capacity read by all, changed by the gate's officers; bookings by the shipment's trader
    ("GET", "/api/v1/gates/<code>/capacity"): row(lambda w, a: get("/api/v1/gates/MOC-BAI/capacity"), expect(200)),
    ("PUT", "/api/v1/gates/<code>/capacity"): row(
        lambda w, a: send("/api/v1/gates/MOC-BAI/capacity", equeue.CAPACITY), expect(403, admin=200, gate_officer=200)
    ),
    ("GET", "/api/v1/gates/<code>/slots"): row(lambda w, a: get(equeue.slots_path(w)), expect(200)),
    ("GET", "/api/v1/bookings"): row(lambda w, a: get("/api/v1/bookings"), expect(200)),
    ("POST", "/api/v1/bookings"): row(
        lambda w, a: send("/api/v1/bookings", equeue.new_booking(w)), expect(403, exporter=201, exporter2=404)
    ),
    ("GET", "/api/v1/bookings/<id:booking_id>"): row(
        lambda w, a: get(f"/api/v1/bookings/{equeue.booking_id(w)}"), expect(200, **SHIPMENT_VISIBLE)
    ),
    ("PATCH", "/api/v1/bookings/<id:booking_id>"): row(
        lambda w, a: send(f"/api/v1/bookings/{equeue.booking_id(w)}", equeue.move(w)),
        expect(403, exporter=200, exporter2=404),
    ),
    ("DELETE", "/api/v1/bookings/<id:booking_id>"): row(
        lambda w, a: get(f"/api/v1/bookings/{equeue.booking_id(w)}"), expect(403, exporter=200, exporter2=404)
    ),
    ("POST", "/api/v1/bookings/<id:booking_id>/confirm"): row(
        lambda w, a: get(f"/api/v1/bookings/{equeue.booking_id(w)}/confirm"), expect(403, exporter=200, exporter2=404)
    ),
    # e-queue calls, report and public board (#17): the gate's officers call; the board is public
    ("POST", "/api/v1/gates/<code>/calls"): row(
        lambda w, a: send("/api/v1/gates/MOC-BAI/calls", {"booking": equeue.booking_id(w)}),
        expect(403, gate_officer=201),
    ),
    ("GET", "/api/v1/reports/bookings"): row(
        lambda w, a: get("/api/v1/reports/bookings?gate=MOC-BAI"),
        expect(403, admin=200, gate_officer=200, province_officer=200),
    ),
    ("GET", "/api/v1/public/gates/<code>/board"): row(
        lambda w, a: get("/api/v1/public/gates/MOC-BAI/board"), expect(200, anonymous=200)
    ),
    # shipments: exporters write their own; gates and provinces read what crosses their gates
    ("GET", "/api/v1/shipments"): row(lambda w, a: get("/api/v1/shipments"), expect(200)),
    ("POST", "/api/v1/shipments"): row(
        lambda w, a: send("/api/v1/shipments", shipment_body(w, a)), expect(403, exporter=201, exporter2=201)
    ),
    ("GET", "/api/v1/shipments/<id_or_reference>"): row(
        lambda w, a: get(f"/api/v1/shipments/{w.shipment.id}"), expect(200, **SHIPMENT_VISIBLE)
    ),
    ("PATCH", "/api/v1/shipments/<id_or_reference>"): row(
        lambda w, a: send(
            f"/api/v1/shipments/{writable(w, a).reference}", {"incoterm": "CPT"}, headers=if_match(writable(w, a))
        ),
        expect(403, exporter=200, **SHIPMENT_VISIBLE),
    ),
    ("GET", "/api/v1/shipments/<id_or_reference>/requirements"): row(
        lambda w, a: get(f"/api/v1/shipments/{w.shipment.id}/requirements"), expect(200, **SHIPMENT_VISIBLE)
    ),
    ("GET", "/api/v1/shipments/<id_or_reference>/events"): row(
        lambda w, a: get(f"/api/v1/shipments/{w.shipment.id}/events"), expect(200, **SHIPMENT_VISIBLE)
    ),
    ("POST", "/api/v1/shipments/<id_or_reference>/transitions"): row(
        lambda w, a: send(f"/api/v1/shipments/{writable(w, a).id}/transitions", {"to": "cancelled"}),
        expect(403, admin=200, exporter=200, **SHIPMENT_VISIBLE),
    ),
    ("GET", "/api/v1/shipments/<id_or_reference>/documents"): row(
        lambda w, a: get(f"/api/v1/shipments/{w.shipment.id}/documents"), expect(200, **SHIPMENT_VISIBLE)
    ),
    ("POST", "/api/v1/shipments/<id_or_reference>/documents"): row(
        lambda w, a: send(f"/api/v1/shipments/{writable(w, a).id}/documents", document_body()),
        expect(403, exporter=201, **SHIPMENT_VISIBLE),
    ),
    ("GET", "/api/v1/shipments/<id_or_reference>/documents/<id:document_id>/file"): row(
        lambda w, a: get(f"/api/v1/shipments/{w.shipment.id}/documents/{w.document.id}/file"),
        expect(200, **SHIPMENT_VISIBLE),
    ),
    ("GET", "/api/v1/shipments/<id_or_reference>/pdf/<kind>"): row(
        lambda w, a: get(f"/api/v1/shipments/{w.shipment.reference}/pdf/packing-list?lang=vi"),
        expect(200, **SHIPMENT_VISIBLE),
    ),
    # the QR check is public; a forged code is simply not valid
    ("GET", "/api/v1/verify/<token>"): row(
        lambda w, a: get("/api/v1/verify/not-a-real-code"), expect(200, anonymous=200)
    ),
    # gate operations: officers at their own gates
    ("POST", "/api/v1/gates/<code>/crossings"): row(crossing, expect(403, gate_officer=201)),
    ("GET", "/api/v1/gates/<code>/queue"): row(
        lambda w, a: get("/api/v1/gates/MOC-BAI/queue"),
        expect(200, exporter=403, exporter2=403, gate_officer_xamat=403, province_officer_other=403),
    ),
    # reports on TAY-NINH: its officers, viewers and admins; AN-GIANG's officer asks for another province (403)
    ("GET", "/api/v1/reports/volume"): row(lambda w, a: get("/api/v1/reports/volume?province=TAY-NINH"), REPORT),
    # the province's workspace (#19): OCOP and release times on MOC-BAI; linkage groups and targets of TAY-NINH
    **{
        ("GET", f"/api/v1/reports/{name}"): row(
            lambda w, a, name=name: get(f"/api/v1/reports/{name}?gate=MOC-BAI"), REPORT
        )
        for name in ("ocop", "ocop.csv", "ocop.xlsx", "release-times", "release-times.csv", "release-times.xlsx")
    },
    ("GET", "/api/v1/linkage-groups"): row(lambda w, a: get("/api/v1/linkage-groups"), PROVINCE_LIST),
    ("POST", "/api/v1/linkage-groups"): row(
        lambda w, a: send("/api/v1/linkage-groups", province.GROUP), expect(403, **PROVINCE_WRITE(201, 422))
    ),
    ("GET", "/api/v1/linkage-groups/<id:group_id>"): row(lambda w, a: get(province.group_path(w)), PROVINCE_READ),
    ("PATCH", "/api/v1/linkage-groups/<id:group_id>"): row(
        lambda w, a: send(province.group_path(w), {"name": "Renamed"}),
        expect(403, **PROVINCE_WRITE(200, 404)),
    ),
    ("DELETE", "/api/v1/linkage-groups/<id:group_id>"): row(
        lambda w, a: get(province.group_path(w)), expect(403, **PROVINCE_WRITE(204, 404))
    ),
    **{
        ("GET", f"/api/v1/reports/{name}"): row(
            lambda w, a, name=name: get(f"/api/v1/reports/{name}?group={province.group_id(w)}"), PROVINCE_READ
        )
        for name in ("linkage", "linkage.csv", "linkage.xlsx")
    },
    ("GET", "/api/v1/targets"): row(lambda w, a: get("/api/v1/targets"), PROVINCE_LIST),
    ("POST", "/api/v1/targets"): row(
        lambda w, a: send("/api/v1/targets", province.TARGET), expect(403, **PROVINCE_WRITE(201, 403))
    ),
    ("GET", "/api/v1/targets/<id:target_id>"): row(lambda w, a: get(province.target_path(w)), PROVINCE_READ),
    ("PATCH", "/api/v1/targets/<id:target_id>"): row(
        lambda w, a: send(province.target_path(w), {"target": "2000"}), expect(403, **PROVINCE_WRITE(200, 404))
    ),
    ("DELETE", "/api/v1/targets/<id:target_id>"): row(
        lambda w, a: get(province.target_path(w)), expect(403, **PROVINCE_WRITE(204, 404))
    ),
    ("GET", "/api/v1/reports/volume.csv"): row(
        lambda w, a: get("/api/v1/reports/volume.csv?province=TAY-NINH"), REPORT
    ),
    ("GET", "/api/v1/reports/volume.xlsx"): row(
        lambda w, a: get("/api/v1/reports/volume.xlsx?province=TAY-NINH"), REPORT
    ),
    ("GET", "/api/v1/reports/dwell"): row(lambda w, a: get("/api/v1/reports/dwell?province=TAY-NINH"), REPORT),
    ("GET", "/api/v1/reports/monthly.pdf"): row(
        lambda w, a: get(f"/api/v1/reports/monthly.pdf?province=TAY-NINH&month={date.today():%Y-%m}&lang=vi"),
        REPORT,
    ),
    # the department's monthly report (issue 16): another province's officer gets 404, not 403
    ("GET", "/api/v1/reports/border-trade.xlsx"): row(
        lambda w, a: get(f"/api/v1/reports/border-trade.xlsx?province=TAY-NINH&month={date.today():%Y-%m}&lang=vi"),
        expect(403, admin=200, province_officer=200, viewer=200, province_officer_other=404),
    ),
    ("GET", "/api/v1/reports/border-trade.pdf"): row(
        lambda w, a: get(f"/api/v1/reports/border-trade.pdf?province=TAY-NINH&month={date.today():%Y-%m}&lang=vi,km"),
        expect(403, admin=200, province_officer=200, viewer=200, province_officer_other=404),
    ),
    # notices: everyone their own; webhooks: an exporter's organisation's own
    ("GET", "/api/v1/notifications"): row(lambda w, a: get("/api/v1/notifications?unread=true"), expect(200)),
    ("POST", "/api/v1/notifications/<id:notification_id>/read"): row(
        lambda w, a: send(f"/api/v1/notifications/{w.notice.id}/read"), expect(404, exporter=200)
    ),
    ("GET", "/api/v1/webhooks"): row(lambda w, a: get("/api/v1/webhooks"), expect(403, exporter=200, exporter2=200)),
    ("POST", "/api/v1/webhooks"): row(
        lambda w, a: send("/api/v1/webhooks", {"url": "https://example.test/hook"}),
        expect(403, exporter=201, exporter2=201),
    ),
    ("DELETE", "/api/v1/webhooks/<id:webhook_id>"): row(
        lambda w, a: get(f"/api/v1/webhooks/{w.webhook.id}"), expect(403, exporter=200, exporter2=404)
    ),
    ("GET", "/api/v1/webhooks/<id:webhook_id>/deliveries"): row(
        lambda w, a: get(f"/api/v1/webhooks/{w.webhook.id}/deliveries"), expect(403, exporter=200, exporter2=404)
    ),
    # tariff quotas (#16): every signed-in role reads; admins edit
    ("GET", "/api/v1/quotas"): row(lambda w, a: get("/api/v1/quotas"), expect(200)),
    ("PUT", "/api/v1/quotas/<code>"): row(
        lambda w, a: send(f"/api/v1/quotas/{quota_code(w)}", {"source": "Decree 56/2026/NĐ-CP"}), expect(403, admin=200)
    ),
    # receipt by the buyer (#18): the trader makes the link of a crossed export; anyone holding it confirms
    ("POST", "/api/v1/shipments/<id_or_reference>/receipt-link"): row(
        lambda w, a: send(receipts.link_path(w)), expect(403, exporter=201, **SHIPMENT_VISIBLE)
    ),
    ("POST", "/api/v1/receipts/<token>"): row(
        lambda w, a: send(receipts.confirm_path(w), receipts.BODY), expect(201, anonymous=201)
    ),
    # customs declaration, handoff, ACDD (#18): the trader and the gate's officers write; viewers do not get the handoff
    ("PUT", "/api/v1/shipments/<id_or_reference>/customs-declaration"): row(
        lambda w, a: send(customs.path(w, "customs-declaration"), customs.BODY),
        expect(403, exporter=201, gate_officer=201, **SHIPMENT_VISIBLE),
    ),
    ("GET", "/api/v1/shipments/<id_or_reference>/customs-declaration"): row(
        lambda w, a: get(customs.recorded(w)), expect(200, **SHIPMENT_VISIBLE)
    ),
    ("GET", "/api/v1/shipments/<id_or_reference>/customs-handoff.xlsx"): row(
        lambda w, a: get(customs.path(w, "customs-handoff.xlsx")), expect(200, viewer=403, **SHIPMENT_VISIBLE)
    ),
    ("GET", "/api/v1/shipments/<id_or_reference>/customs-handoff.xml"): row(
        lambda w, a: get(customs.path(w, "customs-handoff.xml")), expect(200, viewer=403, **SHIPMENT_VISIBLE)
    ),
    ("GET", "/api/v1/shipments/<id_or_reference>/acdd"): row(
        lambda w, a: get(customs.path(w, "acdd")), expect(200, viewer=403, **SHIPMENT_VISIBLE)
    ),
    # origin proof and e-invoice (#18): the trader writes (from submitted on); whoever sees the shipment reads
    ("PUT", "/api/v1/shipments/<id_or_reference>/origin-proof"): row(
        lambda w, a: send(origin.path(w, "origin-proof"), origin.PROOF), expect(403, exporter=201, **SHIPMENT_VISIBLE)
    ),
    ("GET", "/api/v1/shipments/<id_or_reference>/origin-proof"): row(
        lambda w, a: get(origin.recorded_proof(w)), expect(200, **SHIPMENT_VISIBLE)
    ),
    ("PUT", "/api/v1/shipments/<id_or_reference>/e-invoice"): row(
        lambda w, a: send(origin.path(w, "e-invoice"), origin.EINVOICE), expect(403, exporter=201, **SHIPMENT_VISIBLE)
    ),
    ("GET", "/api/v1/shipments/<id_or_reference>/e-invoice"): row(
        lambda w, a: get(origin.recorded_einvoice(w)), expect(200, **SHIPMENT_VISIBLE)
    ),
    ("PUT", "/api/v1/organisations/<int:organisation_id>/certified-exporter"): row(
        lambda w, a: send(origin.organisation_path(w), origin.CERTIFIED),
        expect(403, admin=200, exporter=200, exporter2=404),
    ),
}


# --- the tests -------------------------------------------------------------------------------------


def api_rules(app):
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_api_endpoint_is_in_the_matrix(app):
    missing = sorted(api_rules(app) - set(MATRIX))
    assert not missing, "add a row to MATRIX in tests/test_permission_matrix.py for: " + ", ".join(
        f"{m} {r}" for m, r in missing
    )


def test_every_row_covers_every_actor_and_no_token_means_401():
    for key, entry in MATRIX.items():
        assert set(entry.expected) == set(ACTORS), key
        if key not in PUBLIC:
            assert entry.expected["anonymous"] == 401, f"{key}: only public endpoints answer without a token"


def test_the_required_denials_are_in_the_matrix():
    """API.md's denials: another organisation's shipment is 404; another gate or province is 403/404."""
    assert MATRIX[("GET", "/api/v1/shipments/<id_or_reference>")].expected["exporter2"] == 404
    assert MATRIX[("POST", "/api/v1/gates/<code>/crossings")].expected["gate_officer_xamat"] == 403
    assert MATRIX[("GET", "/api/v1/gates/<code>/queue")].expected["province_officer_other"] == 403
    assert MATRIX[("GET", "/api/v1/reports/volume")].expected["province_officer_other"] == 403


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("method", "rule"), sorted(MATRIX), ids=[f"{m} {r}" for m, r in sorted(MATRIX)])
def test_permission(app, client, method, rule, actor):
    if (method, rule) not in api_rules(app):
        pytest.skip("no such endpoint (yet): a row may land before its endpoint")
    world = build_world()
    entry = MATRIX[(method, rule)]
    response = request_as(client, world, method, actor, entry.call)
    expected = entry.expected[actor]
    detail = response.get_json(silent=True) if response.mimetype == "application/json" else response.mimetype
    assert response.status_code == expected, f"{actor}: {method} {rule} -> {response.status_code} {detail}"
    if response.status_code >= 400:
        assert response.json["code"] == response.status_code  # the API.md error body


@pytest.mark.parametrize("how", ["forged", "revoked", "expired"])
def test_a_bad_token_gets_401_on_every_endpoint_but_the_public_ones(app, client, how):
    world = build_world()
    headers = {"Authorization": "Bearer bt_forged-token"}
    if how != "forged":
        headers = world.headers["exporter"]
        for token in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == world.users["exporter"].id)):
            if how == "revoked":
                token.revoked_at = utcnow()
            else:
                token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    for (method, rule), entry in MATRIX.items():
        if (method, rule) not in api_rules(app):
            continue
        kwargs = dict(entry.call(world, "exporter"))
        path = kwargs.pop("path")
        response = client.open(path, method=method, headers={**kwargs.pop("headers", {}), **headers}, **kwargs)
        expected = entry.expected["anonymous"] if (method, rule) in PUBLIC else 401
        assert response.status_code == expected, f"{how}: {method} {rule} -> {response.status_code}"
