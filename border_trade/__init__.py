"""border-trade: OCOP goods exported from Vietnam to Cambodia through land border gates."""

import contextlib
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
_SYNC_REMEMBERED = 4096  # hooks, views and error handlers: a few hundred


class BorderTradeApp(Flask):
    """Flask, asking once per function instead of on every call whether a hook or view is a coroutine function
    (`ensure_sync`, some 25 times a request: ~0.03 ms of a gate event's 2.3)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._synced = {}

    def ensure_sync(self, func):
        try:
            return self._synced[func]
        except (KeyError, TypeError):  # TypeError: an unhashable callable, asked every time
            pass
        synced = super().ensure_sync(func)
        if len(self._synced) < _SYNC_REMEMBERED:
            with contextlib.suppress(TypeError):
                self._synced[func] = synced
        return synced


def create_app(config=None):
    """Build the Flask application."""
    from config import config_from_env

    from .production import check_production

    app = BorderTradeApp(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
    )
    app.config.from_object(config or config_from_env())
    check_production(app)  # unsafe production settings stop here, with what to do
    configure_database(app)
    register_extensions(app)
    register_blueprints(app)
    register_subscriptions(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def configure_database(app):
    """Pool whose connections are pinged when they sat idle (db_pool.py); on PostgreSQL a statement timeout so no
    request can hang on a lock for ever.

    With `REPORTS_DATABASE_URL` set, a second engine ("reports" bind) reads the report aggregates from a replica.
    """
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app, uri, app.config.get("SQLALCHEMY_ENGINE_OPTIONS"))
    replica = app.config.get("REPORTS_DATABASE_URL")
    if replica:
        from .db_routing import REPORTS_BIND

        binds = dict(app.config.get("SQLALCHEMY_BINDS") or {})
        binds[REPORTS_BIND] = {"url": replica, **engine_options(app, replica)}
        app.config["SQLALCHEMY_BINDS"] = binds


# psycopg keeps the parse of a statement (placeholders to $n) only for statements of at most 50 parameters and
# 4096 characters, against a cache flooded by multi-row VALUES of every length; a gate event's write batch
# (writes.py) is one of a few fixed shapes (a booked arrival's has 58 parameters), and its lock statement
# (crossings/locking.py) is over 4 kB with the caller's check, so they are kept too instead of being parsed on every
# execution. Process-wide (psycopg's private module constants): any statement of up to 100 parameters and 16 kB is
# kept, in psycopg's LRU of 128 parses; tests/test_writes.py fails if a psycopg release drops the constants
PSYCOPG_CACHED_PARAMS = 100
PSYCOPG_CACHED_LENGTH = 16384


def _keep_batch_parses():
    from psycopg import _queries

    if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", PSYCOPG_CACHED_PARAMS) < PSYCOPG_CACHED_PARAMS:
        _queries.MAX_CACHED_STATEMENT_PARAMS = PSYCOPG_CACHED_PARAMS
    if getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", PSYCOPG_CACHED_LENGTH) < PSYCOPG_CACHED_LENGTH:
        _queries.MAX_CACHED_STATEMENT_LENGTH = PSYCOPG_CACHED_LENGTH


def engine_options(app, uri, options=None):
    """Return the engine options for a database URL: no ping at every checkout (db_pool.install pings a connection
    that sat idle), and on PostgreSQL a bounded pool and timeout."""
    options = dict(options or {})
    options.setdefault("pool_pre_ping", False)
    if uri.startswith("postgresql"):
        _keep_batch_parses()
        timeout = app.config.get("STATEMENT_TIMEOUT_MS")
        if timeout:
            options.setdefault("connect_args", {}).setdefault("options", f"-c statement_timeout={timeout}")
        options.setdefault("pool_size", 10)
        options.setdefault("max_overflow", 10)
        options.setdefault("pool_timeout", 10)
    return options


def register_extensions(app):
    from . import models  # noqa: F401  (every table known to Alembic)
    from .auth import login as _login  # noqa: F401  (user loader)
    from .db_pool import install as install_pool_check
    from .extensions import babel, bootstrap, csrf, db, limiter, login, migrate
    from .i18n import select_locale
    from .web import install_request_hooks

    db.init_app(app)
    install_pool_check(app, db)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    login.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    install_request_hooks(app)
    from .observability import configure_logging, configure_metrics, configure_proxy

    configure_logging(app)
    configure_proxy(app)
    configure_metrics(app)


def register_blueprints(app):
    from .app_api import register_api
    from .assets import blp as assets
    from .audit.views import blp as audit_views
    from .auth.views import blp as auth_views
    from .crossings.views import blp as crossings_views
    from .customs.views import blp as customs_views
    from .documents.verify_views import blp as verify_views
    from .documents.views import blp as documents_views
    from .equeue.views import blp as equeue_views
    from .fleet.views import blp as fleet_views
    from .gates.views import blp as gates_views
    from .home.views import blp as home_views
    from .notifications.views import blp as notifications_views
    from .origin.views import blp as origin_views
    from .products.views import blp as products_views
    from .province.views import blp as province_views
    from .quotas.views import blp as quotas_views
    from .receipts.views import blp as receipts_views
    from .reports.province_views import blp as province_reports_views
    from .reports.views import blp as reports_views
    from .scheduler.views import blp as scheduler_views
    from .shipments.views import blp as shipments_views

    app.register_blueprint(assets)
    app.register_blueprint(home_views)
    app.register_blueprint(gates_views)
    app.register_blueprint(products_views)
    app.register_blueprint(fleet_views)
    app.register_blueprint(shipments_views)
    app.register_blueprint(documents_views)
    app.register_blueprint(equeue_views)
    app.register_blueprint(auth_views)
    app.register_blueprint(audit_views)
    app.register_blueprint(crossings_views)
    app.register_blueprint(notifications_views)
    app.register_blueprint(scheduler_views)
    app.register_blueprint(reports_views)
    app.register_blueprint(province_reports_views)
    app.register_blueprint(province_views)
    app.register_blueprint(verify_views)
    app.register_blueprint(quotas_views)
    app.register_blueprint(customs_views)
    app.register_blueprint(receipts_views)
    app.register_blueprint(origin_views)
    register_api(app)


def register_subscriptions(app):
    from .subscriptions import register_subscriptions as register

    register(app)


def register_error_handlers(app):
    from .errors import register_error_handlers as register

    register(app)


def register_commands(app):
    from .cli import register_cli

    register_cli(app)
