"""Shapes of the report endpoints: their query strings and the JSON they answer."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from ..api.schemas import BaseSchema, DecimalString, QuerySchema, Range
from ..enums import Direction, Regime
from ..products.models import OcopGroup
from .queries import DIMENSIONS, PROVINCE_AS


class CommaList(fields.String):
    """A comma-separated list in a query string (`group_by=gate,month`), loaded as a list of names."""

    def __init__(self, *, choices=None, max_items=None, **kwargs):
        self.choices = choices
        self.max_items = max_items
        metadata = kwargs.pop("metadata", {})
        if choices:
            metadata.setdefault("description", f"Comma-separated, up to {max_items} of: {', '.join(choices)}")
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        items = [part.strip() for part in text.split(",") if part.strip()]
        problems = []
        if self.max_items is not None and len(items) > self.max_items:
            problems.append(str(_l("Give at most %(count)s values.", count=self.max_items)))
        if self.choices:
            unknown = [item for item in items if item not in self.choices]
            if unknown:
                problems.append(
                    str(
                        _l(
                            "Unknown value: %(values)s. Choose from: %(choices)s.",
                            values=", ".join(unknown),
                            choices=", ".join(self.choices),
                        )
                    )
                )
        if len(set(items)) != len(items):
            problems.append(str(_l("Each value may be given once.")))
        if problems:
            raise ValidationError(problems)
        return items


class Month(fields.String):
    """A month `YYYY-MM`, loaded as the date of its first day."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
            raise ValidationError(str(_l("Not a valid month (YYYY-MM).")))
        try:
            return date(int(text[:4]), int(text[5:]), 1)
        except ValueError:
            raise ValidationError(str(_l("Not a valid month (YYYY-MM)."))) from None


class PeriodQuerySchema(QuerySchema):
    """A period of local days; both ends inclusive."""

    from_ = fields.Date(data_key="from", metadata={"description": "First local day (default: 1 January)"})
    to = fields.Date(metadata={"description": "Last local day, inclusive (default: today)"})

    @validates_schema
    def _period_in_order(self, data, **kwargs):
        start, end = data.get("from_"), data.get("to")
        if start and end and start > end:
            raise ValidationError(_l("The end of the period comes before its start."), field_name="to")


class VolumeQuerySchema(PeriodQuerySchema):
    group_by = CommaList(
        choices=DIMENSIONS, max_items=3, load_default=["gate", "month"], metadata={"example": "gate,month"}
    )
    province = fields.String(validate=validate.Length(max=20), metadata={"example": "TAY-NINH"})
    gate = fields.String(validate=validate.Length(max=40), metadata={"example": "XA-MAT"})
    province_as = fields.String(
        load_default="current",
        validate=validate.OneOf(PROVINCE_AS),
        metadata={
            "enum": list(PROVINCE_AS),
            "description": "current: under the province that holds the gate today; recorded: under the province "
            "of the time (LONG-AN before 2025-07-01)",
        },
    )
    product_group = fields.String(validate=validate.OneOf(OcopGroup.values()), metadata={"enum": OcopGroup.values()})
    ocop_stars = fields.Integer(validate=Range(min=3, max=5))
    hs_chapter = fields.String(
        validate=validate.Regexp(r"^[0-9]{2}$", error=_l("Give the two digits of an HS chapter, e.g. 08.")),
        metadata={"example": "08"},
    )
    exporter = fields.Integer(validate=Range(min=1, max=2**31 - 1), metadata={"description": "Organisation id"})
    direction = fields.String(
        validate=validate.OneOf(Direction.values()),
        metadata={"enum": Direction.values(), "description": "Only exports or only imports (default: both)"},
    )
    regime = fields.String(
        validate=validate.OneOf([*Regime.values(), "export"]),
        metadata={"enum": Regime.values(), "description": "One regime (headings I-V); `export` reads `commercial`"},
    )


class DwellQuerySchema(PeriodQuerySchema):
    gate = fields.String(validate=validate.Length(max=40), metadata={"example": "MOC-BAI"})
    province = fields.String(validate=validate.Length(max=20), metadata={"example": "TAY-NINH"})
    split = fields.String(
        validate=validate.OneOf(["clearance"]),
        metadata={"description": "clearance: add the times before and after the `cleared` event"},
    )


class MonthlyQuerySchema(BaseSchema):
    province = fields.String(
        validate=validate.Length(max=20),
        metadata={"description": "Default: the caller's province (required for admins)", "example": "TAY-NINH"},
    )
    month = Month(required=True, metadata={"example": "2026-03"})
    lang = CommaList(
        choices=("vi", "km", "en"),
        max_items=2,
        load_default=["vi", "km"],
        metadata={"example": "vi,km", "description": "One or two of vi, km, en (default vi,km)"},
    )


class BorderTradeQuerySchema(BaseSchema):
    province = fields.String(
        validate=validate.Length(max=20),
        metadata={"description": "Default: the caller's province (required for admins)", "example": "TAY-NINH"},
    )
    month = Month(required=True, metadata={"example": "2026-03", "description": "A calendar month"})
    lang = CommaList(
        choices=("vi", "km", "en"),
        max_items=2,
        load_default=["vi"],
        validate=validate.Length(min=1, error=_l("Give one or two of vi, km, en.")),
        metadata={"example": "vi,km", "description": "One or two of vi, km, en (default vi); two: bilingual labels"},
    )


class MeasuresSchema(BaseSchema):
    shipments = fields.Integer(required=True)
    trucks = fields.Integer(
        required=True,
        metadata={
            "description": "Truck trips: a plate crossing at a gate on a day (Viet Nam time) counts once; a shipment "
            "without a plate counts on its own. Trips add up over days and gates, not over plates: the same truck "
            "crossing on two days is two trips."
        },
    )
    gross_weight_kg = DecimalString(3, required=True)
    net_weight_kg = DecimalString(3, required=True)
    value_usd = DecimalString(2, required=True, metadata={"description": "At the crossing day's rates"})
    value_vnd = DecimalString(0, required=True, metadata={"example": "312500000"})
    missing_rates = fields.Integer(
        required=True,
        metadata={"description": "Shipments whose values are left out of the sums: no rate for their crossing day"},
    )


class TotalsSchema(MeasuresSchema):
    export_value_usd = DecimalString(2, required=True, metadata={"description": "Value of the exports counted"})
    import_value_usd = DecimalString(2, required=True, metadata={"description": "Value of the imports counted"})
    balance_usd = DecimalString(
        2, required=True, metadata={"description": "export_value_usd − import_value_usd", "example": "-1250.00"}
    )


class VolumeRowSchema(MeasuresSchema):
    direction = fields.String(metadata={"enum": Direction.values()})
    regime = fields.String(metadata={"enum": Regime.values()})
    gate = fields.String(metadata={"example": "XA-MAT"})
    province = fields.String(metadata={"example": "TAY-NINH"})
    month = fields.String(metadata={"example": "2026-03"})
    week = fields.String(metadata={"example": "2026-W11"})
    day = fields.String(metadata={"example": "2026-03-14"})
    product_group = fields.String(allow_none=True, metadata={"enum": OcopGroup.values()})
    hs_chapter = fields.String(metadata={"example": "08"})
    exporter = fields.Integer()
    exporter_name = fields.String(allow_none=True)
    ocop_stars = fields.Integer(allow_none=True)
    product = fields.Integer(allow_none=True)
    product_name = fields.String(allow_none=True)


class MissingRateSchema(BaseSchema):
    date = fields.Date(required=True)
    currency = fields.String(required=True, metadata={"example": "KHR"})


class VolumeReportSchema(BaseSchema):
    group_by = fields.List(fields.String(), required=True)
    from_ = fields.Date(data_key="from", attribute="start", required=True)
    to = fields.Date(attribute="end", required=True)
    province_as = fields.String(required=True)
    filters = fields.Dict(required=True)
    rows = fields.List(fields.Nested(VolumeRowSchema), required=True)
    totals = fields.Nested(TotalsSchema, required=True)
    missing_rates = fields.List(fields.Nested(MissingRateSchema), required=True)


class DwellPartSchema(BaseSchema):
    avg_minutes = fields.Float(allow_none=True, required=True)
    p50_minutes = fields.Float(allow_none=True, required=True)
    p90_minutes = fields.Float(allow_none=True, required=True)
    count = fields.Integer(required=True)


class DwellSchema(DwellPartSchema):
    before_clearance = fields.Nested(DwellPartSchema, metadata={"description": "arrived → cleared (split=clearance)"})
    after_clearance = fields.Nested(DwellPartSchema, metadata={"description": "cleared → crossed (split=clearance)"})
