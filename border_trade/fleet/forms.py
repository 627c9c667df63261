"""Forms of the fleet pages; values are checked by the API schemas and the services, not here."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, SubmitField

from . import rules
from .models import PermitKind, PlateCountry, VehicleKind

DATE = {"type": "date"}


def _choices(enum_cls, blank=True):
    def build():
        return ([SelectChoice("", "—")] if blank else []) + [SelectChoice(m.value, m.label) for m in enum_cls]

    return build


def licence_choices():
    groups = {
        "current": _l("Law on Road Traffic Order and Safety 2024"),
        "older": _l("Issued before 2025"),
    }
    choices = [SelectChoice("", "—")]
    for group, classes, _source, _unverified in rules.licence_class_sources():
        label = groups.get(group, group)
        choices += [SelectChoice(klass, klass, optgroup=label) for klass in classes]
    return choices


class VehicleForm(FlaskForm):
    plate = StringField(
        _l("Number plate"),
        description=_l("e.g. 70H-123.45, 70H-1234 or 2A-1234 (Khmer digits are fine)"),
        render_kw={"maxlength": 40, "autocomplete": "off", "autocapitalize": "characters"},
    )
    country = SelectField(
        _l("Country of registration"),
        choices=_choices(PlateCountry),
        description=_l("Read from the plate when left empty"),
        validate_choice=False,
    )
    kind = SelectField(_l("Kind of vehicle"), choices=_choices(VehicleKind, blank=False), validate_choice=False)
    registration_expires_on = StringField(_l("Registration valid until"), render_kw=DATE)
    permit_number = StringField(_l("Cross-border permit number"), render_kw={"maxlength": 40})
    permit_issued_by = StringField(_l("Issued by"), render_kw={"maxlength": 200})
    permit_kind = SelectField(_l("Kind of permit"), choices=_choices(PermitKind), validate_choice=False)
    permit_valid_from = StringField(_l("Permit valid from"), render_kw=DATE)
    permit_valid_to = StringField(_l("Permit valid until"), render_kw=DATE)
    version = HiddenField()
    submit = SubmitField(_l("Save"))


class DriverForm(FlaskForm):
    name = StringField(_l("Full name"), render_kw={"maxlength": 200, "autocomplete": "off"})
    id_no = StringField(_l("Citizen id or passport number"), render_kw={"maxlength": 40, "autocomplete": "off"})
    phone = StringField(_l("Telephone"), render_kw={"maxlength": 40, "type": "tel", "autocomplete": "off"})
    licence_class = SelectField(_l("Driving licence class"), choices=licence_choices, validate_choice=False)
    licence_expires_on = StringField(_l("Licence valid until"), render_kw=DATE)
    version = HiddenField()
    submit = SubmitField(_l("Save"))


class FleetSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), render_kw={"type": "search", "maxlength": 40})
