"""The four shipment PDFs and the monthly report, printed in vi+km with the real catalogues, use the glossary's terms.

Each document is printed twice: in en+km, whose English tells which glossary concepts the page names, and in vi+km,
which must then carry each concept's Vietnamese and Khmer term. Both are read back with pdftotext.
"""

import csv
import re
import shutil
import subprocess
import unicodedata
from datetime import UTC, date, datetime

import pytest

from border_trade.documents.models import PdfKind
from border_trade.reports import services as report_services
from border_trade.reports.pdf import build_monthly_pdf
from border_trade.shipments.services import pdfs as shipment_pdfs
from tests.documents.test_pdf_documents import _rates, exporter, make_submitted  # noqa: F401  (fixtures)
from tests.i18n import glossary as g
from tests.reports.conftest import add_rate, crossed, exporter_org, flat_rates, local, officer, product  # noqa: F401

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
NOW = datetime(2026, 3, 14, 1, 30, tzinfo=UTC)


def data_names() -> list[str]:
    """Names printed from data, not labels (a gate's English name contains "Border Gate"): left out of the match."""
    with (g.ROOT / "border_trade" / "data" / "gates.csv").open(encoding="utf-8", newline="") as handle:
        return sorted((row["name_en"] for row in csv.DictReader(handle)), key=len, reverse=True)


def text_of(content: bytes, tmp_path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout


def spaced(text: str) -> str:
    """One space between words: a term wrapped over two lines of a cell reads as one phrase again.

    pdftotext gives some Vietnamese letters decomposed with a space before the mark ("Tri \u0323 giá" for "Trị giá"):
    the mark is put back on its letter (NFC) so that the words can be compared.
    """
    text = re.sub(r"\s+(?=[\u0300-\u036f])", "", text)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def has_khmer_term(term: str, khmer: str) -> bool:
    """A Khmer term of several words may wrap in a narrow cell, and pdftotext may read the next column in between."""
    return all(squeezed(part) in khmer for part in term.split())


def squeezed(text: str) -> str:
    """No spaces at all, for Khmer: a narrow cell may break a Khmer phrase at any cluster boundary."""
    return re.sub(r"\s+", "", text)


def glossary_problems(english: str, vietnamese: str) -> tuple[list[str], list[str]]:
    """(concepts the English page names, problems of the vi+km page): missing terms and replaced renderings."""
    english = spaced(english)
    for name in data_names():
        english = english.replace(name, " ")
    found = g.concepts_in(english)
    khmer, vi = squeezed(vietnamese), spaced(vietnamese)
    problems = []
    for concept in found:
        if not any(has_khmer_term(term, khmer) for term in concept.km):
            problems.append(f"km: {concept.name!r} should read {concept.km[0]!r}")
        if not g.has_term("vi", concept, vi):
            problems.append(f"vi: {concept.name!r} should read {concept.vi[0]!r}")
    for concept in g.concepts():
        problems += [f"km: {term!r} replaced by {concept.km[0]!r}" for term in concept.km_avoid if term in vietnamese]
    problems += [f"km digits: {digit!r}" for digit in g.KHMER_DIGITS.findall(vietnamese)]
    return [concept.name for concept in found], problems


@pytest.mark.parametrize("kind", [kind.value for kind in PdfKind])
def test_shipment_pdf_in_vietnamese_and_khmer_uses_the_glossary(app, request, kind, tmp_path):
    user, build = request.getfixturevalue("exporter"), request.getfixturevalue("make_submitted")
    shipment = build()
    with app.test_request_context():
        english = shipment_pdfs.issue_pdf(user, shipment.id, kind, ("en", "km"), NOW)
        vietnamese = shipment_pdfs.issue_pdf(user, shipment.id, kind, ("vi", "km"), NOW)
    names, problems = glossary_problems(text_of(english, tmp_path, "en"), text_of(vietnamese, tmp_path, "vi"))
    assert len(names) >= 10, f"the English page names too few concepts: {names}"
    assert not problems, f"{kind} (concepts: {names}):\n" + "\n".join(problems)


def test_monthly_report_in_vietnamese_and_khmer_uses_the_glossary(app, request, tmp_path):
    """The report's fixtures (tests/reports/conftest.py) are imported above and reached by name."""
    user, cross, organisation, melon_product = (
        request.getfixturevalue(name) for name in ("officer", "crossed", "exporter_org", "product")
    )
    request.getfixturevalue("flat_rates")
    melon = [{"product_id": melon_product.id}]
    cross(organisation, local(2025, 8, 1), gate="XA-MAT", items=melon, dwell_minutes=40)
    cross(organisation, local(2025, 8, 3), gate="BINH-HIEP", dwell_minutes=60)
    report = report_services.monthly_report(user, month=date(2025, 8, 1))
    with app.test_request_context():
        english = build_monthly_pdf(report, ("en", "km"))
        vietnamese = build_monthly_pdf(report, ("vi", "km"))
    names, problems = glossary_problems(text_of(english, tmp_path, "en"), text_of(vietnamese, tmp_path, "vi"))
    assert {"gate", "shipment", "border trade"} <= set(names), names
    assert not problems, f"monthly report (concepts: {names}):\n" + "\n".join(problems)
