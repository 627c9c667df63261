"""Files served by the app itself at fixed addresses: web fonts from the fontpkg packages, the favicon."""

import fontpkg
from flask import Blueprint, abort, current_app, send_file, send_from_directory

blp = Blueprint("assets", __name__)

FONTS = {"NotoSans.ttf": "Noto Sans", "NotoSansKhmer.ttf": "Noto Sans Khmer"}


@blp.route("/fonts/<name>")
def font(name):
    """Send one web font (the variable TTF) with a long cache lifetime."""
    family = FONTS.get(name)
    if family is None:
        abort(404)
    return send_file(fontpkg.path(family), mimetype="font/ttf", max_age=30 * 24 * 3600)


@blp.route("/favicon.ico")
def favicon():
    """Send the site's icon where browsers look for it without a link (every first visit asks for it)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/x-icon", max_age=7 * 24 * 3600)
