"""Flask-Login wiring: load the signed-in user from the session."""

from flask_babel import lazy_gettext as _l

from ..extensions import db, login
from .models import User

login.login_view = "auth.login"
login.login_message = _l("Please sign in to open this page.")
login.login_message_category = "info"
login.session_protection = "strong"


@login.user_loader
def load_user(user_id):
    """Return the user named in the session, unless their sessions were revoked or they were deactivated."""
    ident, _sep, version = str(user_id).partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.is_active or str(user.session_version) != version:
        return None
    return user
