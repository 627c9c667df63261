"""The plain data a PDF builder prints: parties, goods lines, totals, papers, with every label already translated.

Builders never touch the database: the service in ``documents/pdfs.py`` fills these dataclasses, so the
builders can be tested (and benchmarked) with hand-made data. Text that differs per language is a
``Texts`` tuple holding one string per requested language, in the order the languages were asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ...pdf.cells import Texts

# Form D box 8 criteria that rest on a value content: box 9 then shows the FOB value.
VALUE_CRITERIA_PREFIXES = ("RVC", "PC")


def N_(msgid: str) -> str:  # the gettext marker name pybabel extracts by default
    """Mark a msgid for extraction; the service translates it per language with ``i18n.bilingual``."""
    return msgid


def printed_criterion(code: str | None) -> str:
    """Return an origin criterion as Form D box 8 prints it: RVC40 as "40%", PC25 as "PC 25%"."""
    if not code:
        return ""
    if code.startswith("RVC"):
        return f"{code[3:]}%"
    if code.startswith("PC"):
        return f"PC {code[2:]}%"
    return code


@dataclass(frozen=True)
class Party:
    """An exporter or consignee as printed: name per language, address, country per language."""

    name: Texts
    address: str = ""
    country: Texts = ()
    tax_id: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Line:
    """One goods line."""

    position: int
    description: Texts
    hs_code: str  # the national 8-digit code; Form D prints its first 6 digits
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    net_kg: Decimal
    gross_kg: Decimal
    packages: int | None = None
    package_type: str = ""
    marks: str = ""
    origin_criterion: str = ""
    fob_value: Decimal | None = None
    # None unless the product's OCOP recognition is valid for the document (an expired one never prints)
    ocop_stars: int | None = None

    @property
    def hs6(self) -> str:
        return f"{self.hs_code[:4]}.{self.hs_code[4:6]}"

    @property
    def hs8(self) -> str:
        return f"{self.hs_code[:4]}.{self.hs_code[4:6]}.{self.hs_code[6:8]}"

    @property
    def uses_value_content(self) -> bool:
        return self.origin_criterion.startswith(VALUE_CRITERIA_PREFIXES)


@dataclass(frozen=True)
class Totals:
    currency: str
    value: Decimal
    value_vnd: Decimal | None = None
    value_usd: Decimal | None = None
    vnd_per_unit: Decimal | None = None  # the exchange rate used for value_vnd (None for VND itself)
    net_kg: Decimal = Decimal(0)
    gross_kg: Decimal = Decimal(0)
    packages: int = 0


@dataclass(frozen=True)
class Paper:
    """A paper registered for the shipment, as the gate officer checks it."""

    kind: Texts
    number: str
    issued_by: str
    issued_on: date
    expires_on: date | None = None


@dataclass(frozen=True)
class Transport:
    exit_gate: Texts
    entry_gate: Texts  # where the truck enters: the Cambodian gate of an export, the Vietnamese one of an import
    departure_on: date
    exit_place: Texts = ()  # the exit gate's place name without its kind ("Mộc Bài"), for Form D's route
    vehicle_plate: str = ""
    trailer_plate: str = ""
    driver_name: str = ""
    driver_id_no: str = ""
    seals: tuple[str, ...] = ()
    lane: Texts = ()


@dataclass(frozen=True)
class OriginDeclaration:
    """A certified exporter's origin declaration (ATIGA self-certification, #18): printed on its commercial invoice
    with one row per goods line (description, HS, origin criterion, FOB value where RVC applies)."""

    code: str  # the certified exporter's authorisation code
    country: str  # the ASEAN country of origin, in English as the declaration is worded


@dataclass(frozen=True)
class DocumentData:
    """Everything one PDF shows. ``labels`` maps each label key to its translations, one per language."""

    kind: str
    languages: tuple[str, ...]
    number: str
    revision: int
    issued_at: datetime  # aware; printed in Asia/Ho_Chi_Minh time and stamped as the PDF's dates
    reference: str
    verify_url: str
    labels: Mapping[str, Texts]
    exporter: Party
    consignee: Party
    lines: tuple[Line, ...]
    totals: Totals
    transport: Transport
    invoice_no: str
    invoice_on: date | None  # None: the issue date (filled in with the number when a PDF is issued)
    incoterm: str = ""
    incoterm_place: str = ""
    regime: Texts = ()
    status: Texts = ()
    origin_country: Texts = ()
    destination_country: Texts = ()
    preferential_tariff: bool = False
    declaration_no: str = ""
    contract_no: str = ""
    papers: tuple[Paper, ...] = ()
    issued_retroactively: bool = False
    receipt_url: str = ""  # the buyer's receipt link (crossing manifest, #18): printed as a second QR code when set
    origin_declaration: OriginDeclaration | None = None  # a certified exporter's commercial invoice (#18)

    def label(self, key: str, **params: str | int | Texts) -> Texts:
        """Return a label in each language, its %-placeholders filled; a Texts value gives one text per language."""
        out = []
        for index, template in enumerate(self.labels[key]):
            values = {
                name: (value[min(index, len(value) - 1)] if value else "") if isinstance(value, tuple) else value
                for name, value in params.items()
            }
            out.append(template % values if values else template)
        return tuple(out)
