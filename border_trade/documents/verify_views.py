"""The public page a person reaches by scanning the QR code on a generated PDF."""

from flask import Blueprint, render_template

from . import pdfs

blp = Blueprint("verify", __name__)


@blp.route("/verify/<token>")
def page(token):
    """Say whether the scanned document is genuine, and whether a newer revision replaced it."""
    result = pdfs.verify(token)
    return render_template("documents/verify.html", result=result), 200, {"Cache-Control": "no-store"}
