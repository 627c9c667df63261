"""The AppError family and the handlers that turn errors into JSON (API) or HTML (pages)."""

import logging
from http import HTTPStatus

from flask import flash, jsonify, make_response, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from .extensions import db

log = logging.getLogger(__name__)

# Messages for the HTTP statuses the app answers; the English reason phrase stays in `status`.
STATUS_MESSAGES = {
    400: _l("The request is malformed."),
    401: _l("Sign in or send a valid API token."),
    403: _l("You are not allowed to do this."),
    404: _l("Not found."),
    405: _l("This method is not allowed here."),
    409: _l("The request conflicts with the current state."),
    412: _l("The record was changed by someone else; reload it and try again."),
    413: _l("The upload is too large."),
    415: _l("This media type is not supported."),
    422: _l("Some fields are invalid."),
    428: _l("This request needs an If-Match header."),
    429: _l("Too many requests; try again later."),
    500: _l("Something went wrong on our side. The error was logged."),
    503: _l("The service is temporarily unavailable."),
}


class AppError(Exception):
    """A domain error that maps to one HTTP status, a translated message and field errors."""

    code = 400

    def __init__(self, message=None, errors=None, headers=None, **extra):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


class BadRequest(AppError):
    code = 400


class Unauthorized(AppError):
    code = 401


class Forbidden(AppError):
    code = 403


class NotFound(AppError):
    code = 404


class Conflict(AppError):
    code = 409


class PreconditionFailed(AppError):
    code = 412


class Invalid(AppError):
    code = 422


class Unavailable(AppError):
    code = 503


def error_body(code, message=None, errors=None, **extra):
    """Build the JSON error body fixed by API.md."""
    body = {
        "code": code,
        "status": HTTPStatus(code).phrase,
        "message": str(message or STATUS_MESSAGES.get(code) or HTTPStatus(code).description),
    }
    if errors:
        body["errors"] = _stringify(errors)
    body.update(extra)
    return body


def _stringify(errors):
    if isinstance(errors, dict):
        return {str(k): _stringify(v) for k, v in errors.items()}
    if isinstance(errors, list | tuple):
        return [_stringify(v) for v in errors]
    return str(errors)


def flatten_errors(errors, prefix=""):
    """Turn marshmallow's nested error dict into API.md's dotted paths (`items.0.quantity`)."""
    flat = {}
    for key, value in (errors or {}).items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten_errors(value, f"{path}."))
        else:
            flat[path] = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    return flat


def wants_json():
    """Tell whether the current request should get a JSON error rather than a page."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _respond(code, message=None, errors=None, headers=None, **extra):
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:
        db.session.remove()
    if wants_json():
        response = jsonify(error_body(code, message, errors, **extra))
        response.status_code = code
    else:
        if code in (401,):
            return redirect("/login?next=" + request.full_path.rstrip("?"))
        if code in (409, 412, 422) and request.method == "POST" and request.referrer:
            flash(str(message or STATUS_MESSAGES[code]), "danger")
            return redirect(request.referrer)
        text = str(message or STATUS_MESSAGES.get(code) or HTTPStatus(code).description)
        response = make_response(render_template("errors/error.html", code=code, message=text), code)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app):
    """Answer every error with the API.md JSON body, or an HTML page for browsers."""

    @app.errorhandler(AppError)
    def handle_app_error(error):
        return _respond(error.code, error.message, error.errors, headers=error.headers, **error.extra)

    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        errors = None
        message = None
        data = getattr(error, "data", None)
        if error.code == 422 and data and "messages" in data:
            # flask-smorest / webargs: {"json": {"field": [...]}} -> dotted paths
            messages = data["messages"]
            merged = {}
            for location_errors in messages.values():
                merged.update(location_errors if isinstance(location_errors, dict) else {"_schema": location_errors})
            errors = flatten_errors(merged)
        headers = {}
        if error.code == 429:
            message = _("Too many requests; try again later.")
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        response = _respond(error.code, message, errors, headers=headers)
        # keep headers werkzeug computed (Retry-After from Flask-Limiter, WWW-Authenticate ...)
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers.setdefault(name, value)
        return response

    @app.errorhandler(sa_exc.OperationalError)
    @app.errorhandler(sa_exc.InterfaceError)
    @app.errorhandler(sa_exc.TimeoutError)
    def handle_database_unavailable(error):
        # the database is down, restarting or overloaded: say so, and let clients retry
        log.warning("database unavailable on %s %s: %s", request.method, request.path, error.__class__.__name__)
        try:
            db.session.rollback()
        except sa_exc.SQLAlchemyError:
            db.session.remove()
        return _respond(503, headers={"Retry-After": "5"})

    @app.errorhandler(sa_exc.DataError)
    def handle_unstorable_value(error):
        # PostgreSQL text cannot hold the NUL character: a request carrying one (in its path, query, form or JSON)
        # is malformed, not a server fault; any other data error is a bug of ours
        if "0x00" in str(error.orig):
            return _respond(400)
        return handle_unexpected(error)

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _respond(500)
