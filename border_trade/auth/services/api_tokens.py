"""API tokens: issued for credentials or to a signed-in user, revoked by their owner or an admin."""

from ...audit.services import client_address, record
from ...extensions import db
from ...types import utcnow
from .. import queries
from ..permissions import require
from ..tokens import new_token
from .sessions import verify_credentials


def issue_token(email, password, *, name=None):
    """Exchange an e-mail and password for a new API token; return (raw token, record).

    :raises Unauthorized: as `sign_in` does.
    """
    user = verify_credentials(email, password, via="api")
    return _issue(user, name=name, via="api")


def create_token(user, *, name=None):
    """Give a signed-in user a new API token; return (raw token, record). The raw value is shown once."""
    require(user, "token.manage")
    return _issue(user, name=name, via="web")


def _issue(user, *, name, via):
    raw, token = new_token(user, name=(name or "").strip()[:100] or None, address=client_address())
    db.session.flush()
    after = {"prefix": token.prefix, "name": token.name, "expires_at": token.expires_at.isoformat(), "via": via}
    record("token.issue", actor=user, obj=token, after=after)
    db.session.commit()
    return raw, token


def revoke_token(token_id, *, by):
    """Revoke a token; its owner or an administrator may. Revoking twice changes nothing.

    :raises NotFound: when the token does not exist or belongs to someone else.
    """
    token = queries.visible_token_or_404(token_id, by)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(
            "token.revoke",
            actor=by,
            obj=token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat(), "owner": token.user.email},
        )
        db.session.commit()
    return token
