"""Small helpers shared by the HTML views: the signed-in user, permission gates, errors shown on forms."""

import functools

from flask import Response, request
from flask_login import current_user

from .auth.permissions import can, require
from .errors import Unauthorized
from .spreadsheets import SheetError, current_limits, stash_upload, template_csv
from .types import ascii_id

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
    page = ascii_id(request.args.get("page", "1"))
    return page if page is not None and page <= MAX_PAGE else 1


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


def csv_template(columns, filename):
    """Answer an empty table to fill in for an import: the header row it expects, as a CSV download."""
    return Response(
        template_csv(columns),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def keep_upload(form, read_rows, **stash):
    """Read the import form's file once with `read_rows` (content, filename) and keep the rows it gives on the
    server (the preview and the confirmation read them, never the file); return their key, or None with the reason
    on the form's file field when it is no readable table."""
    if not form.validate_on_submit():
        return None
    upload = form.file.data
    content = upload.read(current_limits().max_bytes + 1) if upload else b""
    filename = upload.filename if upload else ""
    try:
        rows = read_rows(content, filename)
    except SheetError as error:
        form.file.errors = [error.message]
        return None
    return stash_upload(rows, filename, owner_id=me().id, **stash)


def has_khmer(text):
    """Tell whether a text holds Khmer script (to mark it lang="km" where its language is not known)."""
    return any("\u1780" <= char <= "\u17ff" for char in str(text or ""))


def template_helpers():
    return {"can": can, "has_khmer": has_khmer}
