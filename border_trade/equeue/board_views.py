"""The public board page of a gate (`/board/<code>`): large type for a phone in a truck cab, Khmer, Vietnamese and
English, no sign-in, no personal data; it updates its figures in place every minute (static/js/board.js: no inline
script, CSP-safe; no meta refresh, which WCAG 2.2.1 refuses)."""

from flask import Blueprint, render_template

from ..extensions import limiter
from ..gates.queries import get_gate_or_404
from ..i18n import localized
from ..types import utcnow
from . import board as boards
from .calls_api import board_rate_limit
from .slots import local_today

blp = Blueprint("board", __name__)
REFRESH_SECONDS = 60
BOARD_LANGUAGES = ("km", "vi", "en")  # the switch shows Khmer first: most drivers waiting at the gates are Cambodian


@blp.route("/board/<code>")
@limiter.limit(board_rate_limit)
def page(code):
    """Show a gate's board to drivers."""
    gate = get_gate_or_404(code)
    now = utcnow()
    figures = boards.board(gate, now)
    # a slot of today shows its times only; another day's shows its date too
    other_day = {
        key: slot is not None and local_today(slot["start"]) != local_today(now)
        for key, slot in figures["next_free_slot"].items()
    }
    return (
        render_template(
            "equeue/board.html",
            gate=gate,
            gate_name=localized(gate, "name") or gate.code,
            board=figures,
            refresh=REFRESH_SECONDS,
            board_languages=BOARD_LANGUAGES,
            other_day=other_day,
        ),
        200,
        {"Cache-Control": "no-store"},
    )
