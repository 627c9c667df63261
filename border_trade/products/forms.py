"""Forms of the catalogue pages; values are checked by ProductInSchema and the services, not here."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectChoice, SelectField, StringField, SubmitField

from .models import OcopGroup
from .ocop import DecisionLevel, OcopProductGroup
from .schemas import UNITS

DATE = {"type": "date"}
DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}


def group_choices():
    return [SelectChoice("", "—")] + [SelectChoice(group.value, group.label) for group in OcopGroup]


def product_group_choices():
    return [SelectChoice("", "—")] + [SelectChoice(group.value, group.label) for group in OcopProductGroup]


def level_choices():
    return [SelectChoice("", "—")] + [SelectChoice(level.value, level.label) for level in DecisionLevel]


class ProductForm(FlaskForm):
    """One OCOP product; province choices are set by the view."""

    name_vi = StringField(_l("Name in Vietnamese"), render_kw={"maxlength": 200})
    name_km = StringField(_l("Name in Khmer"), render_kw={"maxlength": 200, "lang": "km"})
    name_en = StringField(_l("Name in English"), render_kw={"maxlength": 200})
    hs_code = StringField(
        _l("HS code"),
        description=_l("8 digits, e.g. 08071900"),
        render_kw={"inputmode": "numeric", "list": "hs-codes", "maxlength": 10, "autocomplete": "off"},
    )
    ocop_stars = SelectField(
        _l("OCOP stars"),
        choices=[SelectChoice("", "—")] + [SelectChoice(str(n), f"{n} ★") for n in (3, 4, 5)],
        validate_choice=False,
    )
    ocop_group = SelectField(_l("OCOP product group"), choices=group_choices, validate_choice=False)
    ocop_certificate_no = StringField(_l("OCOP certificate number"), render_kw={"maxlength": 80})
    # the OCOP register (issue 19): the expiry is derived from the decision date, so the form does not ask for it
    ocop_decision_on = StringField(
        _l("Date of the recognition decision"),
        description=_l("The recognition is valid 36 months from this date."),
        render_kw=DATE,
    )
    ocop_decision_level = SelectField(_l("Deciding level"), choices=level_choices, validate_choice=False)
    ocop_decision_authority = StringField(_l("Deciding authority"), render_kw={"maxlength": 200})
    ocop_product_group = SelectField(
        _l("Product group (Decision 919/QĐ-TTg)"), choices=product_group_choices, validate_choice=False
    )
    producer = StringField(_l("Producer"), render_kw={"maxlength": 200})
    province_code = SelectField(_l("Province"), choices=[], validate_choice=False)
    unit = SelectField(_l("Unit"), choices=[SelectChoice(unit) for unit in UNITS], default="PCE", validate_choice=False)
    net_weight_per_unit_kg = StringField(_l("Net weight per unit (kg)"), render_kw=DECIMAL)
    version = HiddenField()
    submit = SubmitField(_l("Save"))


class ProductSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), render_kw={"type": "search", "maxlength": 100})


class ConfirmForm(FlaskForm):
    """A POST button protected by the CSRF token (archive, confirm an import)."""


class ImportForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), render_kw={"accept": ".csv,.xlsx"})
    submit = SubmitField(_l("Check the file"))
