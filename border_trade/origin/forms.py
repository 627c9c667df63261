"""The forms of a shipment's origin proof and e-invoice pages; values are checked by the API schemas and services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField

from .models import ProofKind, ProofStatus

DAY = {"type": "date"}


class OriginProofForm(FlaskForm):
    kind = SelectField(
        _l("Kind of origin proof"),
        choices=lambda: [SelectChoice(k.value, k.label) for k in ProofKind],
        validate_choice=False,
    )
    reference = StringField(
        _l("Reference"), description=_l("The Form D or e-Form D number"), render_kw={"maxlength": 64}
    )
    issued_on = StringField(_l("Issued on"), render_kw=DAY)
    status = SelectField(
        _l("Status"), choices=lambda: [SelectChoice(s.value, s.label) for s in ProofStatus], validate_choice=False
    )
    reason = TextAreaField(
        _l("Reason"), description=_l("Required when the importing customs rejected the proof"), render_kw={"rows": 2}
    )
    submit = SubmitField(_l("Save"))


class EInvoiceForm(FlaskForm):
    form = StringField(_l("Invoice form"), description=_l("One digit, e.g. 7"), render_kw={"maxlength": 1})
    series = StringField(
        _l("Invoice series"), description=_l("Six characters, e.g. K26XAB"), render_kw={"maxlength": 6}
    )
    number = StringField(_l("Invoice number"), render_kw={"maxlength": 8, "inputmode": "numeric"})
    issued_on = StringField(_l("Issued on"), render_kw=DAY)
    submit = SubmitField(_l("Save"))
