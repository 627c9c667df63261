"""The home page `/`: each role lands on its own workspace; strangers see the list of border gates."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ..enums import Role
from ..gates.queries import list_gates_in_order
from ..pages import me, requires, template_helpers
from .admin import admin_home, delivery_lists
from .province import province_home
from .trader import trader_home

blp = Blueprint("home", __name__)
blp.app_context_processor(template_helpers)


@blp.route("/")
def index():
    """Show the signed-in person's home: a trader's work, the province's figures, the admin's checks; send a gate
    officer to the tablet of their gate (several gates: the chooser)."""
    if not current_user.is_authenticated:
        return render_template("gates/index.html", gates=list_gates_in_order())
    user = me()
    if user.role is Role.GATE_OFFICER:
        gates = user.gates
        if len(gates) == 1:
            return redirect(url_for("gate.board", code=gates[0].code))
        return redirect(url_for("gate.choose"))
    if user.role is Role.EXPORTER:
        return render_template("home/trader.html", home=trader_home(user), user=user)
    if user.role in (Role.PROVINCE_OFFICER, Role.VIEWER):
        return render_template("home/province.html", home=province_home(user), user=user)
    return render_template("home/admin.html", home=admin_home(), user=user)


@blp.route("/admin/deliveries")
@requires("scheduler.read")
def deliveries():
    """List what could not be delivered: failed webhook deliveries and e-mail notices still unsent."""
    return render_template("home/deliveries.html", lists=delivery_lists())
