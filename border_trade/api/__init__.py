"""REST plumbing the domains share: the /api/v1 prefix, the public endpoints, the authenticated caller.

The blueprints are registered, and the caller authenticated, by `border_trade.app_api` (composition root);
this package imports no domain.
"""

from flask import g
from flask_babel import refresh as refresh_locale

API_PREFIX = "/api/v1"
# endpoints that answer without a token (API.md, Conventions)
PUBLIC_ENDPOINTS = {"auth_api.token", "health_api.health", "verify_api.verify"}
# endpoints that confirm a remembered bearer caller in their own first statement (auth.remembered)
CONFIRMING_ENDPOINTS = set()


def api_user():
    """Return the authenticated API caller."""
    return g.api_user


def api_caller_check():
    """Return the CallerCheck (auth.remembered) the endpoint's statement must pass, or None (the caller was read from
    the database in this request, or signed in with a session)."""
    return g.get("api_caller_check")


def set_api_user(user, check=None):
    """Make `user` the request's caller (`check`: what its endpoint must confirm); the request's language follows
    the caller's preference (API.md)."""
    changed = g.get("api_user") is not None and g.get("api_user") is not user
    g.api_user = user
    g.api_caller_check = check
    if changed:
        refresh_locale()
