"""REST plumbing the domains share: the /api/v1 prefix, the public endpoints, the authenticated caller.

The blueprints are registered, and the caller authenticated, by `border_trade.app_api` (composition root);
this package imports no domain.
"""

from flask import g

API_PREFIX = "/api/v1"
# endpoints that answer without a token (API.md, Conventions)
PUBLIC_ENDPOINTS = {"auth_api.token", "health_api.health", "verify_api.verify"}


def api_user():
    """Return the authenticated API caller."""
    return g.api_user
