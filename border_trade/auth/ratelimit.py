"""Sign-in rate limits, per account and per address, shared by `/login` and `POST /api/v1/auth/token`.

Only failed attempts count (a 401, or a page that marked the attempt failed), so colleagues behind one
office address are not locked out by each other's successful sign-ins. Both limits read
`LOGIN_RATE_LIMIT` on every request; the storage is Flask-Limiter's (`RATELIMIT_STORAGE_URI`).
"""

import math
import time

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from ..api.blueprint import json_body
from ..extensions import limiter


def _limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def submitted_email():
    """Return the e-mail address a sign-in request names, normalised ('' when absent)."""
    if request.is_json:
        body = json_body()
        value = body.get("email") if isinstance(body, dict) else None
    else:
        value = request.form.get("email")
    return value.strip().lower()[:254] if isinstance(value, str) else ""


def _account_key():
    return "account:" + (submitted_email() or "-")


def _address_key():
    return "address:" + (get_remote_address() or "-")


def _attempt_failed(response):
    return response.status_code == 401 or bool(g.get("sign_in_failed"))


def mark_sign_in_failed():
    """Count this request against the sign-in limits (pages answer a failed sign-in with 200)."""
    g.sign_in_failed = True


def sign_in_limits(view):
    """Limit a sign-in view per account and per address; both budgets are shared by every sign-in view."""
    for scope, key_func in (("sign-in-account", _account_key), ("sign-in-address", _address_key)):
        view = limiter.shared_limit(
            _limit, scope=scope, key_func=key_func, methods=["POST"], deduct_when=_attempt_failed
        )(view)
    return view


def retry_after_seconds():
    """Return how many seconds the breached limit of this request still holds (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))
