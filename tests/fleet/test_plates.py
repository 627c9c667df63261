"""Number plates: every usual spelling gives one canonical text (Viet Nam 5 and 4 digits, Cambodia, Khmer digits)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from border_trade.fleet.plates import PlateError, canonical_plate, is_canonical, parse_plate, plate_or_none

KHMER = "០១២៣៤៥៦៧៨៩"


@pytest.mark.parametrize(
    "text, canonical, country",
    [
        ("70H-123.45", "70H-123.45", "VN"),
        ("70h-12345", "70H-123.45", "VN"),
        ("70H 123 45", "70H-123.45", "VN"),
        ("70H12345", "70H-123.45", "VN"),
        ("  70H.123.45 ", "70H-123.45", "VN"),
        ("70H–123·45", "70H-123.45", "VN"),  # en dash, middle dot
        ("７０Ｈ－１２３．４５", "70H-123.45", "VN"),  # full-width
        ("51LD-123.45", "51LD-123.45", "VN"),
        ("70H-1234", "70H-1234", "VN"),
        ("70 h 1234", "70H-1234", "VN"),
        ("62C1234", "62C-1234", "VN"),
        ("2A-1234", "2A-1234", "KH"),
        ("2a 1234", "2A-1234", "KH"),
        ("2AB.1234", "2AB-1234", "KH"),
        ("២A-១២៣៤", "2A-1234", "KH"),
        ("៣ C ០០០៨", "3C-0008", "KH"),
        ("ភ្នំពេញ 2A-1234", "2A-1234", "KH"),
        ("ស្វាយរៀង ២BB-៩៩៩៩", "2BB-9999", "KH"),
    ],
)
def test_spellings_of_a_plate_give_its_canonical_text(text, canonical, country):
    plate = parse_plate(text)
    assert (plate.text, plate.country) == (canonical, country)
    assert canonical_plate(canonical) == canonical


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "70H",
        "70H-123",  # three digits
        "70H-123456",  # six digits
        "07H-123.45",  # no area code starts with 0
        "70-123.45",  # no series letter
        "70HAB-1234",  # three letters
        "2A-123",
        "2A-12345",  # a Cambodian plate has four digits
        "A2-1234",
        "٧0H-1234",  # Arabic-Indic digit
        "70H-12३4",  # Devanagari digit
        "70H-1234; DROP TABLE",
        "70H-1234" * 10,
        "ភ្នំពេញ 70H-1234",  # a Khmer province name on a Vietnamese plate
        None,
        1234,
    ],
)
def test_what_is_no_plate_is_refused(text):
    with pytest.raises(PlateError):
        canonical_plate(text)
    assert plate_or_none(text) is None


def test_country_restricts_the_reading():
    assert canonical_plate("70H1234", "VN") == "70H-1234"
    with pytest.raises(PlateError):
        canonical_plate("70H1234", "KH")
    with pytest.raises(PlateError):
        canonical_plate("2A1234", "VN")
    assert canonical_plate("2a1234", "kh") == "2A-1234"
    with pytest.raises(PlateError):
        canonical_plate("2A1234", "TH")


vn_plates = st.builds(
    lambda area, series, digits: f"{area}{series}{digits}",
    st.integers(11, 99).map(str),
    st.text("ABCDEFGHKLMNPRSTUVXYZ", min_size=1, max_size=2),
    st.text("0123456789", min_size=4, max_size=5),
)
kh_plates = st.builds(
    lambda klass, letters, digits: f"{klass}{letters}{digits}",
    st.integers(1, 9).map(str),
    st.text("ABCDEFGHKLMNPRSTUVXYZ", min_size=1, max_size=2),
    st.text("0123456789", min_size=4, max_size=4),
)
separators = st.lists(st.sampled_from(["", " ", "-", ".", "  ", " - ", "–"]), min_size=12, max_size=12)


def _spell(compact, seps, *, lower=False, khmer_digits=False):
    text = "".join(ch + sep for ch, sep in zip(compact, seps, strict=False))
    if lower:
        text = text.lower()
    if khmer_digits:
        text = "".join(KHMER[int(ch)] if ch.isdigit() else ch for ch in text)
    return text


@given(st.one_of(vn_plates, kh_plates))
def test_canonical_is_idempotent(compact):
    once = canonical_plate(compact)
    assert is_canonical(once)
    assert canonical_plate(once) == once


@given(st.one_of(vn_plates, kh_plates), separators, st.booleans(), st.booleans())
def test_every_spelling_gives_the_same_plate(compact, seps, lower, khmer_digits):
    expected = canonical_plate(compact)
    spelled = _spell(compact, seps, lower=lower, khmer_digits=khmer_digits)
    assert canonical_plate(spelled) == expected


@given(kh_plates)
def test_khmer_digits_are_the_ascii_plate(compact):
    khmer = "".join(KHMER[int(ch)] if ch.isdigit() else ch for ch in compact)
    assert canonical_plate(khmer) == canonical_plate(compact)
    assert canonical_plate(khmer).isascii()


@given(st.text(max_size=30))
def test_any_text_gives_a_canonical_plate_or_plate_error(text):
    try:
        result = canonical_plate(text)
    except PlateError:
        return
    assert is_canonical(result) and canonical_plate(result) == result
