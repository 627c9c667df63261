"""Failed sign-ins counted per account *and* client address, in the database (so every process sees them).

After `LOGIN_FAILURES_BEFORE_LOCK` failures for one account from one address, that pair is refused for
`LOGIN_LOCK_SECONDS`, doubled by every further failure up to `LOGIN_LOCK_MAX_SECONDS`. The same account signs in
from any other address meanwhile, so nobody can keep its owner out by failing on purpose; a success clears the pair.
A quiet spell of `LOGIN_LOCK_MAX_SECONDS` forgets the failures. The per-address limit over all accounts stays with
Flask-Limiter (`ratelimit.py`).
"""

import math
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import ngettext
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import AppError
from ..extensions import db
from .models import SignInFailure


class TooManyAttempts(AppError):
    """This account may not be tried from this address for a while (429 with Retry-After)."""

    code = 429

    def __init__(self, seconds):
        message = ngettext(
            "Too many sign-in attempts. Try again in %(num)d second.",
            "Too many sign-in attempts. Try again in %(num)d seconds.",
            seconds,
        )
        super().__init__(message, headers={"Retry-After": str(seconds)})
        self.retry_after = seconds


def _settings():
    config = current_app.config
    return config["LOGIN_FAILURES_BEFORE_LOCK"], config["LOGIN_LOCK_SECONDS"], config["LOGIN_LOCK_MAX_SECONDS"]


def _pair(email, address):
    return SignInFailure.email == email, SignInFailure.address == (address or "-")[:64]


def refuse_if_locked(email, address, now):
    """Raise TooManyAttempts while the account is locked for this address (before the password is even checked)."""
    locked_until = db.session.scalar(sa.select(SignInFailure.locked_until).where(*_pair(email, address)))
    if locked_until is not None and locked_until > now:
        raise TooManyAttempts(max(1, math.ceil((locked_until - now).total_seconds())))


def record_failure(email, address, now):
    """Count a failed sign-in for the pair (one upsert, safe between processes); lock it once there are too many."""
    threshold, base, longest = _settings()
    stale = now - timedelta(seconds=longest)
    address = (address or "-")[:64]
    insert = (postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite).insert
    table = SignInFailure.__table__
    fresh = table.c.failed_at < stale
    statement = (
        insert(SignInFailure)
        .values(email=email, address=address, failures=1, failed_at=now)
        .on_conflict_do_update(
            index_elements=["email", "address"],
            set_={
                "failures": sa.case((fresh, 1), else_=table.c.failures + 1),
                "locked_until": sa.case((fresh, None), else_=table.c.locked_until),
                "failed_at": now,
            },
        )
        .returning(table.c.id, table.c.failures)
    )
    row_id, failures = db.session.execute(statement).one()
    if failures >= threshold:
        seconds = min(longest, base * 2 ** min(failures - threshold, 30))
        db.session.execute(
            sa.update(SignInFailure)
            .where(SignInFailure.id == row_id)
            .values(locked_until=now + timedelta(seconds=seconds))
        )
    # failures nobody repeated for a whole lock period are forgotten
    db.session.execute(sa.delete(SignInFailure).where(SignInFailure.failed_at < stale))


def clear(email, address=None):
    """Forget the failures of an account from one address (a success), or from every address (a password reset)."""
    conditions = _pair(email, address) if address is not None else (SignInFailure.email == email,)
    db.session.execute(sa.delete(SignInFailure).where(*conditions))
