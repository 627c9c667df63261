"""Forms of the e-queue pages; values are checked by the API schemas and the services, not here."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectChoice, SelectField, StringField

from ..enums import Direction
from .models import LaneType

WEEKDAYS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
TIME = {"type": "time", "step": 60}
BLANK_TEMPLATE_ROWS = 4
BLANK_OVERRIDE_ROWS = 2


def _choices(enum_cls, blank=False):
    def build():
        return ([SelectChoice("", "—")] if blank else []) + [SelectChoice(m.value, m.label) for m in enum_cls]

    return build


def weekday_choices():
    return [SelectChoice("", "—")] + [SelectChoice(str(n), label) for n, label in enumerate(WEEKDAYS)]


class BookingForm(FlaskForm):
    shipment = HiddenField()
    day = StringField(_l("Day"), render_kw={"type": "date"})
    lane_type = SelectField(_l("Lane"), choices=_choices(LaneType), validate_choice=False)
    slot_start = SelectField(_l("Slot"), choices=[], validate_choice=False)
    vehicle_id = SelectField(_l("Vehicle"), choices=[], validate_choice=False)
    driver_id = SelectField(_l("Driver"), choices=[], validate_choice=False)


class MoveForm(FlaskForm):
    slot_start = SelectField(_l("New slot"), choices=[], validate_choice=False)


class ActionForm(FlaskForm):
    """A bare form: its CSRF token is what cancel and confirm buttons post."""


class WindowRow(Form):
    start = StringField(_l("From"), render_kw=TIME)
    end = StringField(_l("Until"), render_kw=TIME)
    direction = SelectField(_l("Direction"), choices=_choices(Direction), validate_choice=False)
    lane_type = SelectField(_l("Lane"), choices=_choices(LaneType), validate_choice=False)
    capacity = StringField(_l("Trucks per slot"), render_kw={"inputmode": "numeric", "maxlength": 4})


class TemplateRow(WindowRow):
    weekday = SelectField(_l("Weekday"), choices=weekday_choices, validate_choice=False)


class OverrideRow(WindowRow):
    date = StringField(_l("Date"), render_kw={"type": "date"})


class CapacityForm(FlaskForm):
    slot_minutes = StringField(
        _l("Slot length (minutes)"), render_kw={"inputmode": "numeric", "maxlength": 3}, default="30"
    )
    template = FieldList(FormField(TemplateRow), min_entries=BLANK_TEMPLATE_ROWS)
    overrides = FieldList(FormField(OverrideRow), min_entries=BLANK_OVERRIDE_ROWS)
