"""Pages about gates: the list of border gates (at /gates; the home page at / belongs to `home`) and one gate."""

from flask import Blueprint, render_template

from . import queries

blp = Blueprint("gates", __name__)


@blp.route("/gates")
def index():
    """List the border gates with their Cambodian counterparts."""
    return render_template("gates/index.html", gates=queries.list_gates_in_order())


@blp.route("/gates/<code>")
def detail(code):
    """Show one gate."""
    return render_template("gates/detail.html", gate=queries.get_gate_or_404(code))
