"""Use cases about users and organisations; each owns its commit."""

from ..audit.services import record
from ..extensions import db
from ..i18n import LANGUAGES


def set_locale(user, locale):
    """Save a user's interface language."""
    if locale not in LANGUAGES or user.locale == locale:
        return user
    record("user.locale", actor=user, obj=user, before={"locale": user.locale}, after={"locale": locale})
    user.locale = locale
    db.session.commit()
    return user
