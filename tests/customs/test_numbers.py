"""The VNACCS declaration number rule (12 digits; 3… export, 1… import), on its own and on a customs_declaration
document; the type codes of Decision 1357/QĐ-TCHQ as data."""

from datetime import date

import pytest

from border_trade.customs.queries import type_code, type_codes
from border_trade.declaration_numbers import declaration_number_problem
from border_trade.enums import Direction
from border_trade.errors import Invalid
from border_trade.shipments.services.documents import register_document


@pytest.mark.parametrize(
    ("number", "direction", "problem"),
    [
        ("305254403660", Direction.EXPORT, None),
        ("105254403660", Direction.IMPORT, None),
        (" 305254403660 ", "export", None),
        ("30525440366", Direction.EXPORT, "12 digits"),
        ("3052544036601", Direction.EXPORT, "12 digits"),
        ("", Direction.EXPORT, "only the digits"),
        ("30525440366A", Direction.EXPORT, "only the digits"),
        ("3052-4403660", Direction.EXPORT, "only the digits"),
        ("３０５２５４４０３６６０", Direction.EXPORT, "only the digits"),  # full-width digits are not ASCII
        ("٣٠٥٢٥٤٤٠٣٦٦٠", Direction.EXPORT, "only the digits"),
        ("105254403660", Direction.EXPORT, "export declaration number starts with 3"),
        ("205254403660", Direction.EXPORT, "export declaration number starts with 3"),
        ("305254403660", Direction.IMPORT, "import declaration number starts with 1"),
        (None, Direction.IMPORT, "only the digits"),
    ],
)
def test_number_rule(app, number, direction, problem):
    with app.test_request_context("/?lang=en"):
        found = declaration_number_problem(number, direction)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_the_message_names_the_direction(app):
    with app.test_request_context("/?lang=en"):
        assert declaration_number_problem("105254403660", "export") == "An export declaration number starts with 3."
        assert declaration_number_problem("305254403660", "import") == "An import declaration number starts with 1."


def _paper(number):
    return {
        "type": "customs_declaration",
        "number": number,
        "issued_by": "Chi cục Hải quan cửa khẩu Mộc Bài",
        "issued_on": date.today(),
        "expires_on": None,
    }


@pytest.mark.parametrize("number", ["105254403660", "30525440366", "NUMBER-1"])
def test_a_customs_declaration_document_of_an_export_follows_the_rule(app, exporter, shipment, number):
    with app.test_request_context("/?lang=en"), pytest.raises(Invalid) as refused:
        register_document(exporter, shipment.id, _paper(number))
    assert list(refused.value.errors) == ["number"]


def test_a_customs_declaration_document_of_an_import_starts_with_1(app, exporter, import_shipment):
    with app.test_request_context("/?lang=en"):
        with pytest.raises(Invalid) as refused:
            register_document(exporter, import_shipment.id, _paper("305254403660"))
        assert "starts with 1" in refused.value.errors["number"][0]
        document = register_document(exporter, import_shipment.id, _paper("105254403660"))
    assert document.number == "105254403660"


def test_other_papers_keep_free_numbers(app, exporter, shipment):
    with app.test_request_context("/?lang=en"):
        paper = _paper("PL-1") | {"type": "packing_list"}
        assert register_document(exporter, shipment.id, paper).number == "PL-1"


def test_type_codes_as_the_decision_counts_them():
    codes = type_codes()
    exports = [c for c in codes.values() if c.direction == "export"]
    imports = [c for c in codes.values() if c.direction == "import"]
    # Decision 1357/QĐ-TCHQ: 16 export codes, 24 import codes (E56 cancelled; C12, A43, A44 added)
    assert (len(exports), len(imports)) == (16, 24)
    assert "E56" not in codes and {"C12", "A43", "A44"} <= set(codes)
    assert all(c.code.startswith("B") for c in exports if c.code[0] in "AB")
    assert all(c.code.startswith("A") for c in imports if c.code[0] in "AB")
    assert type_code("b11").name_vi == "Xuất kinh doanh" and not type_code("B11").unverified
    assert type_code("A11").name("en") == "Import for commercial consumption"
    assert all("1357" in c.source for c in codes.values())
