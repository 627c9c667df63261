"""Small helpers shared by the HTML views: the signed-in user, permission gates, errors shown on forms."""

import functools

from flask import request
from flask_login import current_user

from .auth.permissions import can, require
from .errors import Unauthorized

MAX_PAGE = 100_000


def me():
    """Return the signed-in user itself (not Flask-Login's proxy), for services and relationships."""
    if not current_user.is_authenticated:
        raise Unauthorized()
    return current_user._get_current_object()


def requires(action):
    """Let signed-in users with the permission through; others go to the sign-in page (401) or get 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            require(me(), action)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def page_number():
    """Return the ?page= number (1 when absent or nonsense)."""
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1


def attach_errors(form, errors, names=None):
    """Show {path: [messages]} on the form's fields; return the messages no field takes (shown above the form).

    `names` maps an error path to a field name when they differ ("consignee.name" -> "consignee_name").
    """
    general = []
    for path, messages in (errors or {}).items():
        messages = [str(m) for m in (messages if isinstance(messages, list | tuple) else [messages])]
        name = (names or {}).get(path, path)
        field = form._fields.get(name) if isinstance(name, str) else None
        if field is None:
            general.extend(messages)
        else:
            field.errors = [*field.errors, *messages]
    return general


def has_khmer(text):
    """Tell whether a text holds Khmer script (to mark it lang="km" where its language is not known)."""
    return any("\u1780" <= char <= "\u17ff" for char in str(text or ""))


def template_helpers():
    return {"can": can, "has_khmer": has_khmer}
