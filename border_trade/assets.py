"""Fonts served by the app itself, taken from the fontpkg packages installed from PyPI."""

import fontpkg
from flask import Blueprint, abort, send_file

blp = Blueprint("assets", __name__)

FONTS = {"NotoSans.ttf": "Noto Sans", "NotoSansKhmer.ttf": "Noto Sans Khmer"}


@blp.route("/fonts/<name>")
def font(name):
    """Send one web font (the variable TTF) with a long cache lifetime."""
    family = FONTS.get(name)
    if family is None:
        abort(404)
    return send_file(fontpkg.path(family), mimetype="font/ttf", max_age=30 * 24 * 3600)
