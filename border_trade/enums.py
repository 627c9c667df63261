"""Helpers for string enums stored as VARCHAR and labelled once, in one place, with _l; the enums every layer reads."""

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l


class StrEnum(str, enum.Enum):
    """A str-valued enum whose label is a lazy translation defined next to the members."""

    def __str__(self):
        return self.value

    @property
    def label(self):
        return self.labels().get(self, self.value)

    @classmethod
    def labels(cls):
        return {}

    @classmethod
    def values(cls):
        return [m.value for m in cls]


def enum_column(enum_cls, length=32):
    """Return a portable VARCHAR column type holding the enum's values (not its names)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Role(StrEnum):
    ADMIN = "admin"
    EXPORTER = "exporter"
    GATE_OFFICER = "gate_officer"
    PROVINCE_OFFICER = "province_officer"
    VIEWER = "viewer"

    @classmethod
    def labels(cls):
        return {
            cls.ADMIN: _l("Administrator"),
            cls.EXPORTER: _l("Trader"),  # trades in both directions; the API value stays `exporter`
            cls.GATE_OFFICER: _l("Gate officer"),
            cls.PROVINCE_OFFICER: _l("Province officer"),
            cls.VIEWER: _l("Viewer"),
        }


class Direction(StrEnum):
    """Which way a shipment crosses: Viet Nam → Cambodia (export) or Cambodia → Viet Nam (import)."""

    EXPORT = "export"
    IMPORT = "import"

    @classmethod
    def labels(cls):
        return {cls.EXPORT: _l("Export"), cls.IMPORT: _l("Import")}


class Regime(StrEnum):
    """The trade regime, in the order of the provincial report's headings I to V."""

    COMMERCIAL = "commercial"
    BORDER_RESIDENT = "border_resident"
    DUTY_FREE = "duty_free"
    TEMPORARY_IMPORT_REEXPORT = "temporary_import_reexport"
    OTHER = "other"

    @classmethod
    def labels(cls):
        return {
            cls.COMMERCIAL: _l("Commercial trade"),
            cls.BORDER_RESIDENT: _l("Border-resident trade"),
            cls.DUTY_FREE: _l("Duty-free trade"),
            cls.TEMPORARY_IMPORT_REEXPORT: _l("Temporary import for re-export"),
            cls.OTHER: _l("Other trade"),
        }

    @classmethod
    def parse(cls, value):
        """Read a regime from input: the older spelling `export` is `commercial` (API.md, second round)."""
        return cls.COMMERCIAL if value == "export" else cls(value)

    @property
    def heading(self):
        """The Roman numeral of the provincial report's heading (I to V)."""
        return ("I", "II", "III", "IV", "V")[list(type(self)).index(self)]
