"""Bearer callers a worker remembers, for endpoints that confirm the caller in their own first statement.

A gate's tablets post an event a second; reading the token, its user and the user's gates is a round trip of its
own for each (a fifth of the event's work). An endpoint listed in `api.CONFIRMING_ENDPOINTS` instead takes the
caller from this worker's memory (read from the database at most `KEEP_SECONDS` ago) and confirms it in its own
first statement, in the same transaction as its writes, with `confirmed_column`: the token neither revoked nor
expired, its user active and unchanged since it was remembered (the row's version, PostgreSQL's `xmin`: any change
of role, e-mail, language or status moves it), and the user still working at the gate of the request. A caller
that is not confirmed gets the answer of a caller read afresh: the endpoint rolls back and runs again with the
caller read from the database (a revoked token: 401), and forgets the memory.

Nothing is committed for a remembered caller before it is confirmed (`app_api` refuses such a commit), and a
refusal answered before the confirming statement (an invalid body, …) is checked against the database again.
PostgreSQL only: elsewhere every request reads its caller.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.base import instance_state

from ..extensions import db
from ..gates.models import Gate
from .models import ApiToken, User, user_gates

KEEP_SECONDS = 30  # a caller is read from the database again after this (and its token's last use recorded)
MOST = 1024  # callers remembered per worker; the least recently used is forgotten first

_lock = threading.Lock()
_callers = OrderedDict()  # token hash -> _Remembered


@dataclass(frozen=True)
class _Remembered:
    user: User  # detached, never attached to a session: each request gets its own copy (`db.session.merge`)
    version: str  # the user row's xmin when it was read
    read_at: float  # time.monotonic()


@dataclass
class CallerCheck:
    """What the confirming statement compares (bind parameters `caller_*` of `confirmed_column`); `confirmed` once it
    did."""

    token_hash: str
    user_id: int
    version: str
    confirmed: bool = False

    def parameters(self, now, gate_id):
        return {
            "caller_token": self.token_hash,
            "caller_user": self.user_id,
            "caller_version": self.version,
            "caller_now": now,
            "caller_gate": gate_id,
        }


def remember(token_hash, user, version):
    """Keep a copy of a caller just read (its columns loaded, its gates' loaded columns) for `KEEP_SECONDS`."""
    copy = _detached_copy(user)
    with _lock:
        _callers[token_hash] = _Remembered(copy, version, time.monotonic())
        _callers.move_to_end(token_hash)
        while len(_callers) > MOST:
            _callers.popitem(last=False)


def recall(token_hash):
    """Return (the remembered caller attached to this request's session, its CallerCheck), or None."""
    with _lock:
        found = _callers.get(token_hash)
        if found is None:
            return None
        if time.monotonic() - found.read_at > KEEP_SECONDS:
            del _callers[token_hash]
            return None
        _callers.move_to_end(token_hash)
    user = db.session.merge(found.user, load=False)
    return user, CallerCheck(token_hash, user.id, found.version)


def forget(token_hash):
    with _lock:
        _callers.pop(token_hash, None)


def forget_all():
    with _lock:
        _callers.clear()


def version_column():
    """The user row's version (`xmin` as text) for a statement reading `ApiToken`, correlated to its token."""
    users = User.__table__
    return (
        sa.select(sa.cast(sa.literal_column("users.xmin"), sa.Text))
        .where(users.c.id == ApiToken.__table__.c.user_id)
        .correlate(ApiToken.__table__)
        .scalar_subquery()
        .label("user_version")
    )


def confirmed_column():
    """A boolean column for the endpoint's first statement: the remembered caller still holds, and still works at
    the request's gate `caller_gate` (bind parameters of CallerCheck.parameters)."""
    tokens, users = ApiToken.__table__.alias("caller_token"), User.__table__.alias("caller_user")
    conditions = [
        tokens.c.token_hash == sa.bindparam("caller_token"),
        tokens.c.user_id == sa.bindparam("caller_user"),
        tokens.c.revoked_at.is_(None),
        tokens.c.expires_at > sa.bindparam("caller_now"),
        users.c.id == tokens.c.user_id,
        users.c.is_active.is_(True),
        sa.cast(sa.literal_column("caller_user.xmin"), sa.Text) == sa.bindparam("caller_version"),
        sa.exists().where(user_gates.c.user_id == users.c.id, user_gates.c.gate_id == sa.bindparam("caller_gate")),
    ]
    return sa.exists().select_from(tokens).where(*conditions).label("caller_confirmed")


def _detached_copy(user):
    """A detached User with the loaded columns of `user` and its loaded gates (none of them in a session)."""
    copy = User(**_loaded(user))
    make_transient_to_detached(copy)
    gates = []
    for gate in user.gates:
        gate_copy = Gate(**_loaded(gate))
        make_transient_to_detached(gate_copy)
        gates.append(gate_copy)
    set_committed_value(copy, "gates", gates)
    return copy


def _loaded(instance):
    """The instance's loaded columns by attribute name; expired ones (after a commit) are loaded again first."""
    instance.id  # noqa: B018 (reading an expired attribute loads every expired column)
    state = instance_state(instance)
    return {
        attribute.key: state.dict[attribute.key]
        for attribute in state.mapper.column_attrs
        if attribute.key in state.dict
    }
