"""Pages about gates: the home page lists them."""

from flask import Blueprint, make_response, redirect, render_template, request, session
from flask_login import current_user

from ..extensions import db
from ..i18n import CHOSEN_LANGUAGE, LANGUAGES
from ..web import safe_redirect_target
from . import queries

blp = Blueprint("gates", __name__)


@blp.route("/")
def index():
    """List the border gates with their Cambodian counterparts."""
    gates = db.session.scalars(queries.list_gates_query().order_by(None)).all()
    gates.sort(key=lambda g: (g.province.code, g.type.value != "international", g.code))
    return render_template("gates/index.html", gates=gates)


@blp.route("/gates/<code>")
def detail(code):
    """Show one gate."""
    return render_template("gates/detail.html", gate=queries.get_gate_or_404(code))


@blp.route("/lang/<lang>")
def set_language(lang):
    """Switch the interface language (saved on the account when signed in, else in a cookie)."""
    response = make_response(redirect(safe_redirect_target(request.args.get("next"))))
    if lang in LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        session[CHOSEN_LANGUAGE] = lang  # an explicit choice: kept when signing in
        if current_user.is_authenticated:
            from ..auth.services import set_locale

            set_locale(current_user, lang)
    return response
