"""`GET /api/v1/health`: the database and the scheduler leader, without authentication."""

import logging

import sqlalchemy as sa
from marshmallow import fields

from ..api.blueprint import Blueprint
from ..api.schemas import BaseSchema
from ..extensions import db
from ..types import utcnow
from .queries import get_leader

log = logging.getLogger(__name__)

blp = Blueprint("health_api", __name__, url_prefix="/api/v1", description="Liveness and readiness")


class SchedulerStateSchema(BaseSchema):
    leader = fields.String(allow_none=True)
    heartbeat_at = fields.AwareDateTime(allow_none=True)


class HealthSchema(BaseSchema):
    status = fields.String(metadata={"enum": ["ok", "unavailable"]})
    database = fields.String(metadata={"enum": ["ok", "unavailable"]})
    scheduler = fields.Nested(SchedulerStateSchema, allow_none=True)


@blp.route("/health")
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="The database is unreachable")
@blp.doc(security=[])
def health():
    """Report whether the app can reach its database, and which scheduler process leads."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        scheduler = get_leader(utcnow())
    except sa.exc.SQLAlchemyError:
        log.warning("health check: database unreachable", exc_info=True)
        db.session.rollback()
        return {"status": "unavailable", "database": "unavailable", "scheduler": None}, 503
    return {"status": "ok", "database": "ok", "scheduler": scheduler}
