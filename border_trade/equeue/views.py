"""Pages of the e-queue: a trader books, moves, cancels and confirms slots; officers edit their gate's capacity."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from wtforms import SelectChoice

from ..enums import Role
from ..errors import Conflict, Invalid, flatten_errors
from ..extensions import db
from ..fleet.queries import visible_drivers, visible_vehicles
from ..formatting import format_local_time
from ..pages import attach_errors, me, page_number, requires, template_helpers
from ..shipments.queries import visible_shipment_or_404
from ..types import utcnow
from . import queries, services
from .capacity_views import capacity_page
from .forms import ActionForm, BookingForm, MoveForm
from .models import CHANGEABLE, Booking, BookingStatus, LaneType
from .schemas import BookingInSchema, BookingPatchSchema
from .services.common import shipment_direction, shipment_gate
from .slots import LOCAL, local_day_and_minute, local_today

blp = Blueprint("equeue", __name__)
blp.app_context_processor(template_helpers)
blp.add_url_rule("/gates/<code>/capacity", "capacity", capacity_page, methods=["GET", "POST"])

PER_PAGE = 50
FORM_ERRORS = (Invalid, Conflict)
# error paths of the API and the services -> the booking page's fields
NAMES = {"vehicle.permit": "vehicle_id", "vehicle.registration_expires_on": "vehicle_id", "gate": "vehicle_id"}


@blp.route("/bookings")
@requires("shipment.read")
def index():
    """List the bookings the user may see (a trader's own, an officer's gates'), by day and status."""
    user = me()
    day = _day(request.args.get("date"))
    status = request.args.get("status") if request.args.get("status") in BookingStatus.values() else None
    query = queries.list_bookings_query(user, day=day, status=status)
    page = db.paginate(
        query.order_by(Booking.slot_start.desc(), Booking.id), page=page_number(), per_page=PER_PAGE, error_out=False
    )
    return render_template(
        "equeue/bookings.html",
        page=page,
        day=day,
        status=status,
        statuses=list(BookingStatus),
        may_change=user.role is Role.EXPORTER,
        changeable=CHANGEABLE,
        action_form=ActionForm(),
    )


@blp.route("/bookings/new", methods=["GET", "POST"])
@requires("shipment.write")
def new():
    """Book a slot for a submitted shipment: pick a day and lane, then a slot with places left."""
    user = me()
    reference = (request.values.get("shipment") or "").strip()[:40]
    if not reference:
        return render_template("equeue/pick.html", shipments=queries.bookable_shipments(user))
    shipment = visible_shipment_or_404(user, reference)
    form = BookingForm()
    if request.method == "GET":
        form.shipment.data = shipment.reference
        form.lane_type.data = request.args.get("lane_type") or LaneType.GENERAL.value
        planned = max(shipment.planned_crossing_on, local_today(utcnow()))
        form.day.data = (_day(request.args.get("day")) or planned).isoformat()
    lane = form.lane_type.data if form.lane_type.data in LaneType.values() else LaneType.GENERAL.value
    day = _day(form.day.data) or local_today(utcnow())
    _fill_choices(form, user, shipment, day, lane)
    general, status = [], 200
    if form.validate_on_submit():
        body = {"shipment": shipment.reference, "slot_start": form.slot_start.data or "", "lane_type": lane}
        for name in ("vehicle_id", "driver_id"):
            if (getattr(form, name).data or "").isdigit():
                body[name] = int(getattr(form, name).data)
        try:
            booking = services.create_booking(user, BookingInSchema().load(body))
        except ValidationError as error:
            general, status = attach_errors(form, flatten_errors(error.messages), NAMES), 422
        except FORM_ERRORS as error:
            db.session.rollback()
            general = [str(error.message), *attach_errors(form, error.errors, NAMES)]
            general += _next_free_text(error)
            status = error.code
        else:
            flash(_("Slot booked: code %(code)s.", code=booking.code), "success")
            return redirect(url_for("equeue.index"))
        _fill_choices(form, user, shipment, day, lane)
    elif form.is_submitted():
        status = 400
    gate = shipment_gate(shipment)
    page = render_template("equeue/new.html", form=form, shipment=shipment, gate=gate, general=general, day=day)
    return page, status


@blp.route("/bookings/<int:booking_id>/move", methods=["GET", "POST"])
@requires("shipment.write")
def move(booking_id):
    """Move a booking to another slot of the same gate and lane."""
    user = me()
    booking = queries.visible_booking_or_404(user, booking_id)
    day = _day(request.args.get("day")) or local_day_and_minute(booking.slot_start)[0]
    form = MoveForm()
    form.slot_start.choices = _slot_choices(booking.gate, booking.direction, booking.lane_type, day)
    general, status = [], 200
    if form.validate_on_submit():
        try:
            services.move_booking(user, booking.id, BookingPatchSchema().load({"slot_start": form.slot_start.data}))
        except ValidationError as error:
            general, status = attach_errors(form, flatten_errors(error.messages)), 422
        except FORM_ERRORS as error:
            db.session.rollback()
            general = [str(error.message), *attach_errors(form, error.errors), *_next_free_text(error)]
            status = error.code
        else:
            flash(_("Booking %(code)s moved.", code=booking.code), "success")
            return redirect(url_for("equeue.index"))
    return render_template("equeue/move.html", form=form, booking=booking, general=general, day=day), status


@blp.route("/bookings/<int:booking_id>/cancel", methods=["POST"])
@requires("shipment.write")
def cancel(booking_id):
    """Cancel a booking (not within 2 hours of its slot)."""
    return _act(booking_id, services.cancel_booking, _("Booking %(code)s cancelled."))


@blp.route("/bookings/<int:booking_id>/confirm", methods=["POST"])
@requires("shipment.write")
def confirm(booking_id):
    """Confirm a booking the day before."""
    return _act(booking_id, services.confirm_booking, _("Booking %(code)s confirmed."))


def _act(booking_id, action, done):
    form = ActionForm()
    if not form.validate_on_submit():
        flash(_("The form expired; try again."), "danger")
        return redirect(url_for("equeue.index"))
    try:
        booking = action(me(), booking_id)
    except Conflict as error:
        db.session.rollback()
        flash(str(error.message), "danger")
    else:
        flash(done % {"code": booking.code}, "success")
    return redirect(url_for("equeue.index"))


def _day(text):
    try:
        return date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def _slot_choices(gate, direction, lane, day):
    now = utcnow()
    choices = [SelectChoice("", "—")]
    for slot in queries.slots_for_days(gate, [day], direction=direction, lane_type=lane):
        if slot.end <= now:
            continue
        label = _(
            "%(start)s–%(end)s: %(free)s of %(capacity)s places free",
            start=format_local_time(slot.start),
            end=format_local_time(slot.end),
            free=slot.free,
            capacity=slot.capacity,
        )
        attrs = {"disabled": True} if slot.free == 0 else {}
        choices.append(SelectChoice(slot.start.astimezone(LOCAL).isoformat(), label, render_kw=attrs))
    return choices


def _fill_choices(form, user, shipment, day, lane):
    form.slot_start.choices = _slot_choices(shipment_gate(shipment), shipment_direction(shipment), lane, day)
    plate = shipment.vehicle_plate or "—"
    vehicles = db.session.scalars(visible_vehicles(user).order_by(sa.text("plate")).limit(500))
    form.vehicle_id.choices = [SelectChoice("", _("The shipment's truck (%(plate)s)", plate=plate))] + [
        SelectChoice(str(v.id), v.plate) for v in vehicles
    ]
    drivers = db.session.scalars(visible_drivers(user).order_by(sa.text("name")).limit(500))
    form.driver_id.choices = [SelectChoice("", _("The shipment's driver"))] + [
        SelectChoice(str(d.id), d.name) for d in drivers
    ]


def _next_free_text(error):
    free = (getattr(error, "extra", None) or {}).get("next_free") or []
    if not free:
        return []
    starts = ", ".join(item["start"][11:16] + " " + item["start"][:10] for item in free)
    return [_("Next free slots: %(slots)s", slots=starts)]
