"""The baseline of bench/crossing_bench.py: the app's stack doing the least a request can do.

Same gunicorn settings, Flask, Flask-SQLAlchemy, psycopg, configuration class and pool settings as border-trade,
same PostgreSQL database; one endpoint that inserts one row per POST and commits. No auth, no idempotency
lookup, no row lock, no audit entry: what border-trade's gate API costs on top of this is the price of those.
"""

import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from border_trade import configure_database, db_pool
from config import config_from_env

db = SQLAlchemy()
metadata = sa.MetaData()
events = sa.Table(
    "bench_baseline_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(64), unique=True, nullable=False),
    sa.Column("shipment", sa.String(20), nullable=False),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True)),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("body", sa.JSON),
)


def create_app():
    app = Flask(__name__)
    app.config.from_object(config_from_env())
    configure_database(app)
    db.init_app(app)
    db_pool.install(app, db)  # the same liveness check of pooled connections

    @app.post("/baseline/crossings")
    def record():
        body = request.get_json(force=True, silent=True) or {}
        now = datetime.now(UTC)
        occurred = body.get("occurred_at")
        row = {
            "key": request.headers.get("Idempotency-Key") or uuid.uuid4().hex,
            "shipment": str(body.get("shipment", ""))[:20],
            "event": str(body.get("event", ""))[:40],
            "occurred_at": datetime.fromisoformat(occurred) if occurred else now,
            "recorded_at": now,
            "body": body,
        }
        new_id = db.session.execute(sa.insert(events).values(row).returning(events.c.id)).scalar_one()
        db.session.commit()
        return jsonify({"id": new_id, "shipment": row["shipment"], "event": row["event"]}), 201

    @app.get("/baseline/health")
    def health():
        return {"status": "ok"}

    return app


app = create_app()
