"""The per-address sign-in limit over all accounts, shared by `/login` and `POST /api/v1/auth/token`.

Only failed attempts count (a 401, or a page that marked the attempt failed), so colleagues behind one
office address are not locked out by each other's successful sign-ins. The limit reads `LOGIN_RATE_LIMIT` on
every request; the storage is Flask-Limiter's (`RATELIMIT_STORAGE_URI`, Redis when several processes serve).
There is deliberately no limit per account alone: anyone could then lock its owner out by failing on purpose.
Failures for one account from one address are throttled by `throttle.py`.
"""

import math
import time

from flask import current_app, g
from flask_limiter.util import get_remote_address

from ..extensions import limiter


def _limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _address_key():
    return "address:" + (get_remote_address() or "-")


def _attempt_failed(response):
    return response.status_code == 401 or bool(g.get("sign_in_failed"))


def mark_sign_in_failed():
    """Count this request against the sign-in limits (pages answer a failed sign-in with 200)."""
    g.sign_in_failed = True


def sign_in_limits(view):
    """Limit a sign-in view per address; the budget is shared by every sign-in view."""
    return limiter.shared_limit(
        _limit, scope="sign-in-address", key_func=_address_key, methods=["POST"], deduct_when=_attempt_failed
    )(view)


def retry_after_seconds():
    """Return how many seconds the breached limit of this request still holds (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))
