"""Use cases about users, sign-in and API tokens; each owns its commit and writes the audit trail.

`by` is the signed-in user acting; `by=None` means the operator at the command line (`flask users ...`),
who is trusted as an administrator.
"""

from .account import PASSWORD_MIN_LENGTH, change_password, set_locale
from .api_tokens import create_token, issue_token, revoke_token
from .sessions import live_session_user_id, sign_in, sign_in_session, sign_out
from .users import activate_user, create_user, deactivate_user, reset_password, snapshot, update_user

__all__ = [
    "PASSWORD_MIN_LENGTH",
    "activate_user",
    "change_password",
    "create_token",
    "create_user",
    "deactivate_user",
    "issue_token",
    "live_session_user_id",
    "reset_password",
    "revoke_token",
    "set_locale",
    "sign_in",
    "sign_in_session",
    "sign_out",
    "snapshot",
    "update_user",
]
