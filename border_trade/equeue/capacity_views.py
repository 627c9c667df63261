"""The capacity editor of a gate (its officers and admins): slot length, weekly template rows, day overrides."""

from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..errors import Forbidden, Invalid
from ..extensions import db
from ..pages import me
from . import queries, services
from .forms import BLANK_OVERRIDE_ROWS, BLANK_TEMPLATE_ROWS, CapacityForm

FIELDS = ("start", "end", "direction", "lane_type", "capacity")


def capacity_page(code):
    """Show and save a gate's capacity; only rows with something typed in count, blank ones are extra room."""
    user = me()
    gate = queries.get_gate_or_404(code)
    if not services.may_edit_capacity(user, gate):
        raise Forbidden(_("Only the gate's officers and administrators change its capacity."))
    form = CapacityForm()
    general, status = [], 200
    if form.validate_on_submit():
        data, positions, errors = _read(form)
        if not errors:
            try:
                services.replace_capacity(user, gate.code, data)
            except Invalid as error:
                db.session.rollback()
                errors = error.errors or {}
            else:
                flash(_("Capacity of %(gate)s saved.", gate=gate.code), "success")
                return redirect(url_for("equeue.capacity", code=gate.code))
        general, status = _show_errors(form, errors, positions), 422
    elif form.is_submitted():
        status = 400
    else:
        _fill(form, services.capacity_of(gate))
    return render_template("equeue/capacity.html", form=form, gate=gate, general=general), status


def _fill(form, capacity):
    form.slot_minutes.data = str(capacity["slot_minutes"])
    for part, key, blanks in (("template", "weekday", BLANK_TEMPLATE_ROWS), ("overrides", "date", BLANK_OVERRIDE_ROWS)):
        entries = getattr(form, part)
        while len(entries):
            entries.pop_entry()
        for row in capacity[part]:
            entries.append_entry()
            sub = entries[-1].form
            getattr(sub, key).data = str(row[key]) if key == "weekday" else row[key].isoformat()
            for name in FIELDS:
                getattr(sub, name).data = str(row[name])
        for _n in range(blanks):
            entries.append_entry()


def _blank(sub, key):
    return not any((getattr(sub, name).data or "").strip() for name in (key, "start", "end", "capacity"))


def _read(form):
    """Return (data for the service, {part: [form row index of each data row]}, errors of unreadable numbers)."""
    errors = {}
    minutes = (form.slot_minutes.data or "").strip()
    data = {"slot_minutes": int(minutes) if minutes.isascii() and minutes.isdigit() else 0}
    if not data["slot_minutes"]:
        errors["slot_minutes"] = [_("Give a whole number of minutes.")]
    positions = {}
    for part, key in (("template", "weekday"), ("overrides", "date")):
        data[part], positions[part] = [], []
        for index, entry in enumerate(getattr(form, part)):
            sub = entry.form
            if _blank(sub, key):
                continue
            row = {name: (getattr(sub, name).data or "").strip() for name in FIELDS}
            path = f"{part}.{len(data[part])}"
            row["capacity"] = int(row["capacity"]) if row["capacity"].isascii() and row["capacity"].isdigit() else -1
            if key == "weekday":
                value = (sub.weekday.data or "").strip()
                row["weekday"] = int(value) if value.isascii() and value.isdigit() else -1
            else:
                try:
                    row["date"] = date.fromisoformat(sub.date.data or "")
                except ValueError:
                    errors[f"{path}.date"] = [_("Not a valid date (YYYY-MM-DD).")]
            if row["direction"] not in ("export", "import"):
                errors[f"{path}.direction"] = [_("Choose a direction.")]
            if row["lane_type"] not in ("general", "perishable"):
                errors[f"{path}.lane_type"] = [_("Choose a lane.")]
            data[part].append(row)
            positions[part].append(index)
    if not errors:
        errors = services.capacity_problems(data)
    return data, positions, errors


def _show_errors(form, errors, positions):
    """Put each error on its row's field (paths count typed rows only); return those no field takes."""
    general = []
    for path, messages in (errors or {}).items():
        parts = path.split(".")
        field = None
        if len(parts) == 3 and parts[0] in positions and parts[1].isdigit():
            rows = positions[parts[0]]
            if int(parts[1]) < len(rows):
                sub = getattr(form, parts[0])[rows[int(parts[1])]].form
                field = getattr(sub, parts[2], None)
        elif path == "slot_minutes":
            field = form.slot_minutes
        messages = [str(m) for m in (messages if isinstance(messages, list | tuple) else [messages])]
        if field is None:
            general.extend(messages)
        else:
            field.errors = [*field.errors, *messages]
    return general
