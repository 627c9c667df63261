"""The form of a shipment's customs declaration page; values are checked by the API schema and the services."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField

from .models import Channel, DeclarationStatus
from .queries import type_codes

WHEN = {"type": "datetime-local"}


def type_code_choices(direction, language):
    """The type codes of one direction, for the select (name in the page's language; unverified names marked)."""
    unconfirmed = _("not confirmed in the legal text")
    return [SelectChoice("", "—")] + [
        SelectChoice(
            code.code, f"{code.code} — {code.name(language)}" + (f" ({unconfirmed})" if code.unverified else "")
        )
        for code in type_codes().values()
        if code.direction == direction
    ]


class DeclarationForm(FlaskForm):
    number = StringField(
        _l("Declaration number"),
        description=_l("12 digits: 3… for an export, 1… for an import"),
        render_kw={"maxlength": 12, "inputmode": "numeric", "autocomplete": "off"},
    )
    type_code = SelectField(_l("Type code"), validate_choice=False)
    registered_at = StringField(_l("Registered at"), render_kw=WHEN)
    channel = SelectField(
        _l("Channel"),
        choices=lambda: [SelectChoice("", "—")] + [SelectChoice(c.value, c.label) for c in Channel],
        validate_choice=False,
    )
    cleared_at = StringField(_l("Cleared at"), render_kw=WHEN)
    status = SelectField(
        _l("Status"),
        choices=lambda: [SelectChoice(s.value, s.label) for s in DeclarationStatus],
        validate_choice=False,
    )
    submit = SubmitField(_l("Save"))
