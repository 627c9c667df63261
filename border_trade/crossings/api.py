"""Gate operations: officers record truck events; anyone overseeing the gate reads its queue."""

from flask import jsonify, request

from .. import idempotency
from ..api import api_caller_check, api_user
from ..api.blueprint import Blueprint, json_body
from ..auth.bearer import read_caller_afresh
from ..auth.permissions import can, require
from ..errors import Forbidden
from ..gates.queries import get_gate_or_404
from ..types import utcnow
from . import queries, services
from .schemas import CrossingInSchema, CrossingResultSchema, QueueQuerySchema, QueueSchema

blp = Blueprint("crossings_api", __name__, url_prefix="/api/v1", description="Gate operations")
# built once: a schema instance per request (and its nested ones) cost more than the tablet's event itself
CROSSING_IN = CrossingInSchema()
CROSSING_RESULT = CrossingResultSchema()
CONFIRMS_ITS_CALLER = "crossings_api.record_crossing"  # auth.remembered: the caller confirmed with the shipment's lock


@blp.route("/gates/<code>/crossings", methods=["POST"])
@blp.arguments(CROSSING_IN)
@blp.doc(parameters=[idempotency.header_parameter(required=True)])
@blp.response(201, CrossingResultSchema)
def record_crossing(data, code):
    """Record what happened to a truck at the gate; retries with the same Idempotency-Key replay the answer."""
    key = request.headers.get(idempotency.HEADER, "")
    request_hash = services.body_hash(code, json_body())
    try:
        status, body = services.record_gate_event(
            api_user(), code, data, key=key, request_hash=request_hash, render=_render, caller=api_caller_check()
        )
    except services.CallerNotConfirmed:
        # the remembered caller changed, or the event was refused: answer as the caller read afresh would be
        status, body = services.record_gate_event(
            read_caller_afresh(), code, data, key=key, request_hash=request_hash, render=_render
        )
    # the body is already serialised (and stored for replays): send it as it is
    return jsonify(body), status


def _render(event, shipment):
    return CROSSING_RESULT.dump({"event": event, "shipment": shipment})


@blp.route("/gates/<code>/queue")
@blp.arguments(QueueQuerySchema, location="query")
@blp.response(200, QueueSchema)
def queue(args, code):
    """Today's expected trucks and those at the gate, with direction and dwell minutes; live counters per direction."""
    user = api_user()
    require(user, "gate.queue")
    gate = get_gate_or_404(code)
    if not can(user, "gate.queue", gate):
        raise Forbidden()
    return queries.queue_view(gate, utcnow(), search=args.get("q"), direction=args.get("direction"))
