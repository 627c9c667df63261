"""Flask extensions, created bare and bound in create_app()."""

import sqlite3

from flask import request
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from .db_routing import RoutingSession

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate(compare_type=True, render_as_batch=True)
babel = Babel()
login = LoginManager()
csrf = CSRFProtect()
api = Api()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# endpoints that carry no rate limit and are spared the limiter's work on each request (its lookup of the limits of
# the endpoint and blueprint, ~0.1 ms): a gate's tablets post events at the trucks' pace (#20). Filled by app_api.
UNLIMITED_ENDPOINTS = set()


@limiter.request_filter
def _unlimited():
    return request.endpoint in UNLIMITED_ENDPOINTS


@event.listens_for(Engine, "connect")
def _sqlite_unicode_lower(dbapi_connection, connection_record):
    """Give SQLite a Unicode-aware lower() (its own folds ASCII only), so searches match "Đ" and "đ"."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(
            "lower", 1, lambda s: s.lower() if isinstance(s, str) else s, deterministic=True
        )
