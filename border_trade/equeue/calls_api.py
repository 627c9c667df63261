"""E-queue endpoints of the gate's side: call-forward, the bookings report, and the public board (no sign-in)."""

from flask import current_app

from ..api import api_user
from ..api.blueprint import Blueprint
from ..extensions import limiter
from ..gates.queries import get_gate_or_404
from ..types import utcnow
from . import board as boards
from .calls import call_booking
from .calls_schemas import (
    BoardSchema,
    BookingsReportQuerySchema,
    BookingsReportSchema,
    CallInSchema,
    CallResultSchema,
)
from .report import bookings_report

blp = Blueprint(
    "equeue_calls_api", __name__, url_prefix="/api/v1", description="The gate's e-queue: calls, report, public board"
)
# answered without a token (app_api adds it to PUBLIC_ENDPOINTS)
PUBLIC_BOARD_ENDPOINT = "equeue_calls_api.public_board"


def board_rate_limit():
    """The public board's limit per address (BOARD_RATE_LIMIT), read on every request."""
    return current_app.config["BOARD_RATE_LIMIT"]


@blp.route("/gates/<code>/calls", methods=["POST"])
@blp.arguments(CallInSchema)
@blp.response(201, CallResultSchema)
def call(data, code):
    """Call a booked truck to the gate: the chosen booking, or `{}` for the next in order (that gate's officers)."""
    return {"booking": call_booking(api_user(), code, data, now=utcnow())}


@blp.route("/reports/bookings")
@blp.arguments(BookingsReportQuerySchema, location="query")
@blp.response(200, BookingsReportSchema)
def report(args):
    """Bookings against arrivals, late trucks and no-shows per gate and day, with the wait from slot start."""
    return bookings_report(api_user(), gate=args.get("gate"), start=args.get("from"), end=args.get("to"))


@blp.route("/public/gates/<code>/board")
@blp.response(200, BoardSchema)
@blp.doc(security=[])
@limiter.limit(board_rate_limit)
def public_board(code):
    """A gate's board for drivers (no sign-in, no personal data): waiting trucks, next free slot, recent dwell."""
    return boards.board(get_gate_or_404(code), utcnow()), 200, {"Cache-Control": "public, max-age=15"}
