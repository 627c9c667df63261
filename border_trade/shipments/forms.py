"""Forms of the shipment pages; values are checked by the marshmallow schemas and the services, not here."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from ..products.schemas import UNITS
from .models import Currency, Direction, Regime, ShipmentStatus
from .schemas import MAX_ITEMS, ROAD_INCOTERMS

DATE = {"type": "date"}


def DIRECTIONS():  # noqa: N802  (a choices callable, like the constants around it)
    return [SelectChoice(d.value, d.label) for d in Direction]


DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}
EMPTY = SelectChoice("", "—")
ORIGIN_CRITERIA = ("WO", "RVC40", "CTH", "CTSH", "CC", "SP")


class ItemForm(Form):
    """One goods line: a catalogue product, or a description with an HS code. Product choices are set by the view.

    On a product's line, an empty description or HS code means the product's own.
    """

    # the stored line this row changes (empty: a new line); what the row does not show stays as stored
    id = HiddenField()
    product_id = SelectField(_l("Product"), choices=[], validate_choice=False)
    description_vi = StringField(_l("Description (if no product)"), render_kw={"maxlength": 300})
    # the descriptions and shipping marks the invoice and packing list print; on a product's line, empty: its own
    description_km = StringField(_l("Description in Khmer"), render_kw={"maxlength": 300, "lang": "km"})
    description_en = StringField(_l("Description in English"), render_kw={"maxlength": 300, "lang": "en"})
    marks = StringField(_l("Marks and numbers"), render_kw={"maxlength": 200})
    hs_code = StringField(
        _l("HS code"), render_kw={"inputmode": "numeric", "list": "hs-codes", "maxlength": 10, "autocomplete": "off"}
    )
    quantity = StringField(_l("Quantity"), render_kw=DECIMAL)
    unit = SelectField(_l("Unit"), choices=[EMPTY] + [SelectChoice(u) for u in UNITS], validate_choice=False)
    packages = StringField(_l("Packages"), render_kw={"inputmode": "numeric", "autocomplete": "off"})
    package_type = StringField(_l("Package type"), render_kw={"maxlength": 4, "placeholder": "CT"})
    net_weight_kg = StringField(_l("Net weight (kg)"), render_kw=DECIMAL)
    gross_weight_kg = StringField(_l("Gross weight (kg)"), render_kw=DECIMAL)
    unit_price = StringField(_l("Unit price"), render_kw=DECIMAL)
    origin_criterion = StringField(
        _l("Origin criterion"), render_kw={"list": "origin-criteria", "maxlength": 12, "autocomplete": "off"}
    )
    fob_value = StringField(_l("FOB value"), render_kw=DECIMAL)
    remove = BooleanField(_l("Remove this line"), render_kw={"data-remove-row": ""})

    FIELDS = (
        "product_id",
        "description_vi",
        "description_km",
        "description_en",
        "marks",
        "hs_code",
        "quantity",
        "unit",
        "packages",
        "package_type",
        "net_weight_kg",
        "gross_weight_kg",
        "unit_price",
        "origin_criterion",
        "fob_value",
    )

    def is_blank(self):
        return not any((self[name].data or "").strip() for name in self.FIELDS if name != "unit")


class ShipmentForm(FlaskForm):
    """A shipment with its goods lines; gate and product choices are set by the view."""

    direction = SelectField(
        _l("Direction"), choices=DIRECTIONS, default="export", validate_choice=False, render_kw={"data-direction": ""}
    )
    # an export leaves through its exit gate, an import enters through its entry gate (the same gates, two-way)
    exit_gate = SelectField(_l("Exit gate"), choices=[], validate_choice=False, render_kw={"data-for": "export"})
    entry_gate = SelectField(_l("Entry gate"), choices=[], validate_choice=False, render_kw={"data-for": "import"})
    planned_crossing_on = StringField(_l("Planned crossing date"), render_kw=DATE)
    regime = SelectField(
        _l("Regime"), choices=lambda: [SelectChoice(r.value, r.label) for r in Regime], validate_choice=False
    )
    residents = StringField(
        _l("Border residents carrying the goods"),
        description=_l("Only for goods exchanged by border residents"),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    incoterm = SelectField(
        _l("Incoterm"), choices=[SelectChoice(i) for i in ROAD_INCOTERMS], default="DAP", validate_choice=False
    )
    incoterm_place = StringField(_l("Incoterm place"), render_kw={"maxlength": 120, "placeholder": "Phnom Penh"})
    currency = SelectField(
        _l("Currency"), choices=[SelectChoice(c.value) for c in Currency], default="USD", validate_choice=False
    )
    preferential_tariff = BooleanField(_l("Claim the ATIGA preferential tariff (C/O Form D)"))
    transhipment = BooleanField(_l("Goods are transhipped at the gate (no Vietnamese truck crosses)"))
    consignee_name = StringField(_l("Consignee"), render_kw={"maxlength": 200})
    consignee_address = StringField(_l("Consignee address"), render_kw={"maxlength": 300})
    consignee_country = StringField(_l("Consignee country"), default="KH", render_kw={"maxlength": 2})
    consignee_tax_id = StringField(_l("Consignee tax id"), render_kw={"maxlength": 40})
    consignor_name = StringField(_l("Consignor"), render_kw={"maxlength": 200})
    consignor_address = StringField(_l("Consignor address"), render_kw={"maxlength": 300})
    consignor_country = StringField(_l("Consignor country"), default="KH", render_kw={"maxlength": 2})
    consignor_tax_id = StringField(_l("Consignor tax id"), render_kw={"maxlength": 40})
    # the trader's register (choices set by the view), or a plate typed instead (matched to the register)
    vehicle_id = SelectField(
        _l("Vehicle from the register"), choices=[], validate_choice=False, render_kw={"data-vehicle-select": ""}
    )
    driver_id = SelectField(
        _l("Driver from the register"), choices=[], validate_choice=False, render_kw={"data-driver-select": ""}
    )
    vehicle_plate = StringField(
        _l("Truck plate"), render_kw={"maxlength": 20, "placeholder": "70H-123.45", "data-plate-input": ""}
    )
    trailer_plate = StringField(_l("Trailer plate"), render_kw={"maxlength": 20})
    driver_name = StringField(_l("Driver"), render_kw={"maxlength": 120, "data-driver-input": ""})
    driver_id_no = StringField(_l("Driver's ID number"), render_kw={"maxlength": 40, "data-driver-input": ""})
    invoice_no = StringField(_l("Invoice number"), render_kw={"maxlength": 40})
    invoice_on = StringField(_l("Invoice date"), render_kw=DATE)
    items = FieldList(FormField(ItemForm), min_entries=0, max_entries=MAX_ITEMS + 20)
    version = HiddenField()
    more_rows = SubmitField(_l("More empty lines"))
    submit = SubmitField(_l("Save"))


class ShipmentFilterForm(FlaskForm):
    """The list filters (a GET form, so no CSRF token); gate choices are set by the view."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=lambda: [SelectChoice("", _l("Any status"))] + [SelectChoice(s.value, s.label) for s in ShipmentStatus],
        validate_choice=False,
    )
    direction = SelectField(
        _l("Direction"), choices=lambda: [SelectChoice("", _l("Both directions")), *DIRECTIONS()], validate_choice=False
    )
    gate = SelectField(_l("Gate"), choices=[], validate_choice=False)
    date_from = StringField(_l("Crossing from"), render_kw=DATE)
    date_to = StringField(_l("Crossing until"), render_kw=DATE)
    q = StringField(
        _l("Reference, plate, consignee or consignor"),
        render_kw={"type": "search", "maxlength": 100, "autocomplete": "off"},
    )


class MoveForm(FlaskForm):
    """A status move; the button pressed names the target status."""

    to = HiddenField()
    note = TextAreaField(_l("Note (optional)"), render_kw={"maxlength": 1000, "rows": 2})
    version = HiddenField()


class ItemsImportForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), render_kw={"accept": ".csv,.xlsx"})


class ConfirmForm(FlaskForm):
    """A POST button protected by the CSRF token."""
