"""Texts of the department's monthly report (`border-trade.xlsx` / `.pdf`) in one or two languages.

The msgids are marked with N_ and translated per language when printed (`i18n.translate_in`); a label asked in
two languages prints both, once each. Regime and direction labels use the msgids of `border_trade.enums`.
"""

from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

from ..i18n import translate_in


def N_(msgid):  # noqa: N802  (marks a msgid for extraction; translated per language when printed)
    return msgid


LABELS = {
    "department": N_("Department of Industry and Trade"),
    "title": N_("Report on border-trade activity"),
    "month_of": N_("Month %(month)s"),
    "province": N_("Province"),
    "period": N_("Period"),
    "all_gates": N_("All gates"),
    "gate": N_("Gate"),
    "no": N_("No."),
    "goods": N_("Goods"),
    "hs_code": N_("HS code"),
    "unit": N_("Unit"),
    "quantity": N_("Quantity"),
    "value_usd": N_("Value (USD)"),
    "enterprises": N_("Enterprises"),
    "direction": N_("Direction"),
    "share": N_("Share (%)"),
    "total": N_("Total"),
    "export_value": N_("Export value (USD)"),
    "import_value": N_("Import value (USD)"),
    "balance": N_("Balance, export − import (USD)"),
    "shipments": N_("Shipments"),
    "trucks": N_("Trucks"),
    "gross_kg": N_("Gross weight (kg)"),
    "summary": N_("Summary"),
    "key_products": N_("Key products"),
    "notes": N_("Notes"),
    "parameters": N_("Parameters"),
    "none": N_("No crossings in this period."),
    "idle": N_("Gates without crossings this month: %(gates)s"),
    "formerly": N_("formerly %(province)s"),
    "missing": N_("No exchange rate for %(currency)s on %(day)s: those shipments' values are left out."),
    "counting": N_(
        "Crossed shipments are counted on the day they crossed (Viet Nam time), in both directions; values are in "
        "USD at the exchange rate of that day. Goods are grouped by the HS code of their goods lines and by unit; "
        "enterprises are the distinct Vietnamese traders (exporters or importers)."
    ),
    "page": N_("Page %(page)s"),
}

# the same msgids as border_trade.enums (Direction, Regime): one translation each
DIRECTIONS = {"export": N_("Export"), "import": N_("Import")}
REGIMES = {
    "commercial": N_("Commercial trade"),
    "border_resident": N_("Border-resident trade"),
    "duty_free": N_("Duty-free trade"),
    "temporary_import_reexport": N_("Temporary import for re-export"),
    "other": N_("Other trade"),
}

# UN/ECE unit codes printed as their SI symbols; other units as recorded
UNIT_SYMBOLS = {"KGM": "kg", "TNE": "t", "LTR": "l"}


class Texts:
    """Labels, names and numbers in the report's languages (the first one formats numbers and dates)."""

    def __init__(self, languages):
        self.languages = tuple(dict.fromkeys(languages)) or ("vi",)
        self.lang = self.languages[0]

    def all(self, msgid, **params):
        """Return the msgid translated into each language, once each."""
        return list(dict.fromkeys(translate_in(msgid, lang, **params) for lang in self.languages))

    def label(self, key, sep="\n", **params):
        return sep.join(self.all(LABELS[key], **params))

    def direction(self, value, sep="\n"):
        return sep.join(self.all(DIRECTIONS[value]))

    def regime(self, value, sep="\n"):
        return sep.join(self.all(REGIMES[value]))

    def names(self, record, sep="\n"):
        """Return a record's names (a dict by language or `name_<lang>` keys) in the report's languages, once each."""
        found = [record.get(lang) or record.get(f"name_{lang}") for lang in self.languages]
        found = [name for name in found if name]
        if not found:  # no name in the asked languages: Vietnamese, then English
            found = [record.get(lang) or record.get(f"name_{lang}") for lang in ("vi", "en")]
            found = [name for name in found if name][:1]
        return sep.join(dict.fromkeys(found))

    def gate(self, gate, sep="\n"):
        text = self.names(gate, sep=sep)
        if gate.get("former_province"):
            text += sep + "(" + self.label("formerly", sep=" / ", province=gate["former_province"]) + ")"
        return text

    def number(self, value, places=0):
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(Decimal(value), format=pattern, locale=self.lang)

    def month(self, first_day):
        return format_date(first_day, "MM/yyyy", locale=self.lang)

    def day(self, value):
        return format_date(value, "dd/MM/yyyy", locale=self.lang)


def unit_symbol(unit):
    return UNIT_SYMBOLS.get(unit, unit)


def hs_dotted(code):
    """Return an 8-digit HS code as the tariff prints it: 0801.31.00."""
    return f"{code[:4]}.{code[4:6]}.{code[6:]}" if code and len(code) == 8 else code or ""
