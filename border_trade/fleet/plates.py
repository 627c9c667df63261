"""Number plates of Viet Nam and Cambodia in one canonical spelling (pure functions: no database, no request).

Viet Nam: a two-digit area code (11–99), one or two series letters, then five digits written `123.45`
or four written `1234` (older plates): `70H-123.45`, `70H-1234`.
Cambodia (format in use since 1 April 2004): one class digit, one or two Latin letters, four digits, the
province written above in Khmer (and below in English): `ភ្នំពេញ 2A-1234`, canonical `2A-1234`. The digits
are sometimes written in Khmer (`២A-១២៣៤`). Source: Vehicle registration plates of Cambodia (Wikipedia).

Every spelling of the same plate — Khmer or full-width digits, lower case, spaces, dots, dashes or none,
a Khmer province name in front — gives the same canonical text, and the canonical text gives itself.
"""

import re
import unicodedata
from dataclasses import dataclass

KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
# spaces, dots, dashes of every kind, middle dots, slashes and underscores separate groups; none is meaningful
SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212\u00b7\u30fb_/]+")
KHMER_LETTERS = re.compile(r"^[\u1780-\u17d9\u17dc-\u17df\u19e0-\u19ff\s.\-]+")  # a province name in front
VN_COMPACT = re.compile(r"^([1-9][0-9])([A-Z]{1,2})([0-9]{4,5})$")
KH_COMPACT = re.compile(r"^([1-9])([A-Z]{1,2})([0-9]{4})$")
VN_CANONICAL = re.compile(r"^[1-9][0-9][A-Z]{1,2}-([0-9]{3}\.[0-9]{2}|[0-9]{4})$")
KH_CANONICAL = re.compile(r"^[1-9][A-Z]{1,2}-[0-9]{4}$")
MAX_INPUT = 40


class PlateError(ValueError):
    """The text is no plate of Viet Nam or Cambodia (or not of the country given)."""


@dataclass(frozen=True)
class Plate:
    text: str  # canonical spelling
    country: str  # "VN" | "KH"

    def __str__(self):
        return self.text


def _compact(text):
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_INPUT:
        raise PlateError(text)
    text = unicodedata.normalize("NFKC", text).translate(KHMER_DIGITS).strip()
    prefix = KHMER_LETTERS.match(text)
    had_khmer_name = bool(prefix) and any("\u1780" <= char <= "\u19ff" for char in prefix.group())
    if had_khmer_name:
        text = text[prefix.end() :]
    compact = SEPARATORS.sub("", text).upper()
    if not compact.isascii() or not compact.isalnum():
        raise PlateError(text)
    return compact, had_khmer_name


def parse_plate(text, country=None):
    """Read a plate in any usual spelling; return its canonical spelling and country, or raise PlateError.

    `country` ("VN" or "KH") restricts the reading; without it the shape decides (two leading digits: Viet Nam,
    one: Cambodia), and a Khmer province name in front means Cambodia.
    """
    compact, khmer_name = _compact(text)
    country = (country or "").upper() or None
    if country not in (None, "VN", "KH"):
        raise PlateError(text)
    if country != "KH" and not khmer_name:
        match = VN_COMPACT.match(compact)
        if match:
            area, series, digits = match.groups()
            number = f"{digits[:3]}.{digits[3:]}" if len(digits) == 5 else digits
            return Plate(f"{area}{series}-{number}", "VN")
    if country != "VN":
        match = KH_COMPACT.match(compact)
        if match:
            klass, letters, digits = match.groups()
            return Plate(f"{klass}{letters}-{digits}", "KH")
    raise PlateError(text)


def canonical_plate(text, country=None):
    """Return the canonical spelling of a plate (`70H-123.45`, `70H-1234`, `2A-1234`); raise PlateError."""
    return parse_plate(text, country).text


def plate_or_none(text, country=None):
    """Return the canonical spelling, or None when the text is no plate (for matching free text)."""
    try:
        return canonical_plate(text, country)
    except PlateError:
        return None


def is_canonical(text):
    """Tell whether a text already is a canonical plate."""
    return bool(VN_CANONICAL.match(text or "") or KH_CANONICAL.match(text or ""))
