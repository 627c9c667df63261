"""The form that registers a paper for a shipment; values are checked by DocumentInSchema and the service."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, StringField

from .models import DocumentType


def type_choices():
    return [SelectChoice(t.value, t.label) for t in DocumentType]


class DocumentForm(FlaskForm):
    type = SelectField(_l("Document"), choices=type_choices, validate_choice=False)
    number = StringField(_l("Number"), render_kw={"maxlength": 80, "autocomplete": "off"})
    issued_by = StringField(_l("Issued by"), render_kw={"maxlength": 200})
    issued_on = StringField(_l("Issued on"), render_kw={"type": "date"})
    expires_on = StringField(
        _l("Expires on"), description=_l("Leave empty to use the usual validity"), render_kw={"type": "date"}
    )
    file = FileField(
        _l("Scan (PDF, JPEG or PNG, at most 10 MB)"), render_kw={"accept": "application/pdf,image/jpeg,image/png"}
    )
