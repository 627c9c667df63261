"""Every PDF builder, and the text layer under them, survives arbitrary Unicode: Khmer, Vietnamese, emoji,
control characters, 5,000-character names. The builders' data is generated from their dataclasses' fields, so a
field added later is fuzzed too (an unknown field type fails the test, to be taught here)."""

import dataclasses
import importlib
import os
import types
import typing
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from tests.reliability.harness import record_measurements

pytestmark = [
    pytest.mark.slow,
    pytest.mark.reliability,
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]

EXAMPLES = int(os.environ.get("RELIABILITY_PDF_EXAMPLES", "25"))
BUILDERS = ("invoice", "packing_list", "form_d", "manifest")
TRIED = Counter()

KHMER = "".join(chr(c) for c in range(0x1780, 0x17DE)) + "\u17e0\u17e9\u19e0\u200b"
VIETNAMESE = "ăâđêôơưĂÂĐÊÔƠƯáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ" + "a\u0301e\u0323"
EMOJI = "😀🍈🚚🇻🇳🇰🇭👨‍👩‍👧‍👦❤️🏳️‍🌈" + "\U0001f9d1\u200d\U0001f33e"
CONTROL = "".join(chr(c) for c in (*range(0, 32), 127, *range(0x80, 0xA0))) + "\u2028\u2029\u202e\ufeff\ufffe\uffff"
MARKUP = ["<b>", "</para>", "&amp;", "&", "<", ">", '"', "<font name='x'>", "%s", "%(x)s", "\\", "\t", "\n"]
MIXED = KHMER + VIETNAMESE + EMOJI + CONTROL + "Ab1 ,.-/()"

fragments = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),  # anything Unicode has
    st.text(st.sampled_from(MIXED), max_size=40),
    st.lists(st.sampled_from([*MARKUP, "ព្រះរាជាណាចក្រ", "Dưa lưới Tây Ninh", "🍈", "\x00"]), max_size=8).map("".join),
)
texts = st.one_of(
    fragments,
    fragments.filter(bool).map(lambda s: (s * (5000 // len(s) + 1))[:5000]),  # a 5,000-character name
    st.sampled_from(["", " ", "\n\n", "\u200b" * 50, "ក" * 5000, "W" * 5000, "🍈" * 5000]),
)
decimals = st.decimals(min_value=0, max_value=Decimal("99999999999.999"), places=3, allow_nan=False)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


def _languages():
    return st.sampled_from([("vi", "km"), ("km", "vi"), ("vi", "en"), ("km", "en"), ("en",), ("vi",), ("km",)])


# Fields the system fills get realistic values; names that come from reference data or translations get arbitrary
# short Unicode; everything else is typed by people (names, addresses, goods, plates, numbers) and gets anything,
# 5,000-character strings included. Keys are "Class.field" or a bare field name.
SYSTEM_FIELDS = {
    "DocumentData.kind": st.just("fuzz"),
    "DocumentData.number": st.just("BT-2026-000001/CI"),
    "DocumentData.reference": st.just("BT-2026-000001"),
    "revision": st.integers(1, 99),
    "issued_at": st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)),
    "verify_url": st.just("http://127.0.0.1:5000/verify/fuzz-token"),
    "currency": st.sampled_from(["USD", "VND", "KHR"]),
    "position": st.integers(1, 500),
    "hs_code": st.from_regex(r"[0-9]{8}", fullmatch=True),
    "ocop_stars": st.integers(3, 5),
    "packages": st.integers(0, 10_000_000),
}
REFERENCE_TEXTS = {
    "exit_gate",
    "entry_gate",
    "exit_place",
    "lane",
    "regime",
    "status",
    "country",
    "origin_country",
    "destination_country",
    "customs_office",
    "Paper.kind",
}


def _strategy_for(owner, name, hint, languages, depth=0):
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        inner = _strategy_for(owner, name, options[0], languages, depth)
        return st.one_of(st.none(), inner) if type(None) in args else inner
    for key in (f"{owner.__name__}.{name}", name):
        if key in SYSTEM_FIELDS:
            return SYSTEM_FIELDS[key]
    people = not ({f"{owner.__name__}.{name}", name} & REFERENCE_TEXTS)
    if hint is str:
        return texts if people else fragments
    if hint == tuple[str, ...]:  # Texts: one text per language, or a plain list (seals)
        if name == "seals":
            return st.lists(texts, max_size=4).map(tuple)
        return st.lists(texts if people else fragments, min_size=len(languages), max_size=len(languages)).map(tuple)
    if hint is Decimal:
        return decimals
    if hint is int:
        return st.integers(0, 10**9)
    if hint is bool:
        return st.booleans()
    if hint is date:
        return dates
    if dataclasses.is_dataclass(hint):
        return _dataclass(hint, languages, depth + 1)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis and dataclasses.is_dataclass(args[0]):
        return st.lists(_dataclass(args[0], languages, depth + 1), min_size=int(name == "lines"), max_size=3).map(tuple)
    raise AssertionError(f"test_pdf_fuzz does not know how to fuzz {name}: {hint}; teach _strategy_for")


def _dataclass(cls, languages, depth=0):
    hints = typing.get_type_hints(cls)
    fields = {f.name: _strategy_for(cls, f.name, hints[f.name], languages, depth) for f in dataclasses.fields(cls)}
    return st.fixed_dictionaries(fields).map(lambda values: cls(**values))


@st.composite
def document_data(draw, module):
    from border_trade.documents.pdf import layout
    from border_trade.documents.pdf.model import DocumentData

    languages = draw(_languages())
    hints = typing.get_type_hints(DocumentData)
    values = {}
    for field in dataclasses.fields(DocumentData):
        if field.name == "languages":
            values[field.name] = languages
        elif field.name == "labels":
            values[field.name] = {
                key: (msgid,) * len(languages) for key, msgid in {**layout.LABELS, **module.LABELS}.items()
            }
        else:
            values[field.name] = draw(_strategy_for(DocumentData, field.name, hints[field.name], languages))
    return DocumentData(**values)


def _builder(name):
    try:
        return importlib.import_module(f"border_trade.documents.pdf.{name}")
    except ModuleNotFoundError:
        pytest.skip(f"border_trade/documents/pdf/{name}.py does not exist yet")


@pytest.fixture(scope="module", autouse=True)
def _report_inputs():
    yield
    if TRIED:
        record_measurements(
            "pdf_fuzz",
            {"examples_per_builder": EXAMPLES, "inputs": dict(sorted(TRIED.items())), "total": sum(TRIED.values())},
        )


def _sketch(value, path="data", out=None):
    """List the text fields of the failing input by length (the longest first), with their first characters."""
    out = [] if out is None else out
    if dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            if field.name != "labels":
                _sketch(getattr(value, field.name), f"{path}.{field.name}", out)
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            _sketch(item, f"{path}[{index}]", out)
    elif isinstance(value, str) and value:
        out.append((len(value), path, value[:30]))
    if path == "data":
        longest = sorted(out, reverse=True)[:6]
        return "longest texts: " + "; ".join(f"{p} ({n} chars, {t!r}...)" for n, p, t in longest)
    return out


def _check_pdf(content):
    assert content.startswith(b"%PDF-")
    assert len(PdfReader(BytesIO(content)).pages) >= 1


@pytest.mark.parametrize("name", BUILDERS)
def test_pdf_builder_survives_arbitrary_text(name):
    module = _builder(name)

    # no shrinking: every try builds whole PDFs, and the exception already says what broke
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.explicit, Phase.generate],
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
    )
    @given(data=document_data(module))
    def build(data):
        TRIED[name] += 1
        try:
            content = module.build(data)
        except Exception as error:
            # a short account instead of hypothesis's repr of 5,000-character fields (hundreds of kB)
            raise AssertionError(
                f"{name}.build crashed: {type(error).__name__}: {str(error)[:300]}\n{_sketch(data)}"
            ) from error
        _check_pdf(content)

    build()


@settings(max_examples=EXAMPLES * 8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(text=texts, width=st.floats(1, 600), size=st.floats(4, 40), bold=st.booleans())
def test_break_lines_survives_arbitrary_text(text, width, size, bold):
    from border_trade.pdf.text import break_lines

    TRIED["text.break_lines"] += 1
    lines = break_lines(text, width, size, bold=bold)
    assert isinstance(lines, list) and all(isinstance(line, str) for line in lines)


@settings(max_examples=EXAMPLES * 2, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(text=texts, kind=st.sampled_from(["body", "small", "label", "bold", "title", "cell"]), khmer=st.booleans())
def test_paragraph_survives_arbitrary_text(text, kind, khmer):
    from border_trade.pdf import build_lock, styles
    from border_trade.pdf.text import paragraph

    TRIED["text.paragraph"] += 1
    family = styles.khmer_styles() if khmer else styles.latin_styles()
    out = BytesIO()
    with build_lock:
        SimpleDocTemplate(out, pagesize=A4, **styles.doc_kwargs()).build([paragraph(text, getattr(family, kind))])
    _check_pdf(out.getvalue())
