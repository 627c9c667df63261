"""One's own account: interface language and password."""

from flask_babel import gettext as _

from ...audit.services import record
from ...errors import Invalid
from ...extensions import db
from ...i18n import LANGUAGES
from ..passwords import check_password, hash_password
from ..permissions import require
from .credentials import end_sessions, revoke_api_tokens

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200


def set_locale(user, locale):
    """Save a user's interface language."""
    if apply_locale(user, locale):
        db.session.commit()
    return user


def apply_locale(user, locale):
    """Change a user's stored language (recorded; the caller commits). Return whether it changed."""
    if locale not in LANGUAGES or user.locale == locale:
        return False
    record("user.locale", actor=user, obj=user, before={"locale": user.locale}, after={"locale": locale})
    user.locale = locale
    return True


def change_password(user, *, current_password, new_password, keep_session=None):
    """Let a user replace their password; their other browser sessions end and their API tokens are revoked.

    `keep_session` is the key of the session making the change, which goes on.
    :raises Invalid: when the current password is wrong or the new one is too weak.
    """
    require(user, "account.manage")
    if not check_password(user.password_hash, current_password or ""):
        raise Invalid(errors={"current_password": [_("The current password is wrong.")]})
    validate_password(new_password, user.email, field="new_password")
    user.password_hash = hash_password(new_password)
    record("user.password_change", actor=user, obj=user)
    end_sessions(user, keep=keep_session)
    revoke_api_tokens(user, reason="password_change", actor=user)
    db.session.commit()
    return user


def validate_password(password, email, *, field):
    password = password or ""
    if len(password) < PASSWORD_MIN_LENGTH:
        message = _("Use at least %(num)d characters.", num=PASSWORD_MIN_LENGTH)
    elif len(password) > PASSWORD_MAX_LENGTH:
        message = _("Use at most %(num)d characters.", num=PASSWORD_MAX_LENGTH)
    elif password.strip().lower() == (email or "").lower():
        message = _("The password must not be the e-mail address.")
    else:
        return
    raise Invalid(errors={field: [message]})
