"""Pages about gates: the home page lists them."""

from flask import Blueprint, render_template

from ..extensions import db
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
