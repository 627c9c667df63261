"""Both directions of the border (#16): import rules I1…, export rules only for exports, the allowance both ways.

Hand-made facts, no database (like test_rules.py): a minimal Babel app is enough.
"""

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import Babel

from border_trade.documents.models import DocumentType
from border_trade.documents.rules import (
    DEFAULT_RULES_PATH,
    ItemFacts,
    RulesError,
    ShipmentFacts,
    evaluate,
    item_problems,
    load_rules,
    parse_rules,
)

CROSSING = date(2026, 12, 10)
REGIMES = ("commercial", "border_resident", "duty_free", "temporary_import_reexport", "other")
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
app = Flask(__name__)
Babel(app)


@pytest.fixture(autouse=True, scope="module")
def _clean_database():
    """Replace the suite's database fixture: these tests need no database, only a minimal Babel app."""
    with app.test_request_context():
        yield


@pytest.fixture
def raw_rules():
    return json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))


def item(hs_code, position=1, description="Xoài cát Chu", **overrides):
    return ItemFacts(position=position, description=description, hs_code=hs_code, **overrides)


def shipment(*items, direction="import", regime="commercial", **overrides):
    values = {"planned_crossing_on": CROSSING, "items": list(items)}
    if regime == "border_resident":
        values |= {"residents": 1, "value_vnd": Decimal(1000000)}
    return ShipmentFacts(regime=regime, direction=direction, **(values | overrides))


def checklist(facts, locale="en"):
    return {line.rule: line for line in evaluate(facts, [], load_rules(), locale).items}


MANGO = "08045021"


# --- the rules file -----------------------------------------------------------------------------------------------


def test_rules_exist_for_every_direction_and_regime():
    rules = load_rules()
    assert set(rules.rules) == {(d, r) for d in ("export", "import") for r in REGIMES}
    imports = [rule.id for regime in REGIMES for rule in rules.rules_for("import", regime)]
    assert imports == [f"I{n}" for n in range(1, len(imports) + 1)]
    exports = [rule.id for regime in REGIMES for rule in rules.rules_for("export", regime)]
    assert exports and not any(rule_id.startswith("I") for rule_id in exports)


def test_every_import_rule_has_a_source_and_a_reason_in_three_languages():
    for regime in REGIMES:
        for rule in load_rules().rules_for("import", regime):
            assert rule.basis.strip()
            assert set(rule.reason) == {"vi", "km", "en"} and len(set(rule.reason.values())) == 3
            if rule.unverified:
                assert rule.verification, f"{rule.id} is unverified without saying what was checked"


def test_what_could_not_be_confirmed_is_marked():
    rules = {rule.id: rule for rule in load_rules().rules_for("import", "commercial")}
    assert rules["I6"].unverified and "15/2018" in rules["I6"].verification and "46/2026" in rules["I6"].verification
    assert rules["I8"].unverified and "56/2026" in rules["I8"].basis
    assert not rules["I1"].unverified and not rules["I3"].unverified and not rules["I4"].unverified
    notes = load_rules().allowance.notes
    assert notes["times_per_month"]["unverified"] is True and notes["times_per_month"]["enforced"] is False
    assert notes["goods_list"]["unverified"] is True and "34/2025/TT-BCT" in notes["goods_list"]["basis"]


def test_rules_file_names_the_papers_as_the_catalogue_does():
    rules = load_rules()
    assert set(rules.document_types) == set(DocumentType.values())
    catalogues = {}
    for lang in ("vi", "km"):
        with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
            catalogues[lang] = read_po(handle)
    for kind in DocumentType:
        msgid = kind.label._args[0]  # the lazy label's English msgid
        assert rules.document_types[kind.value]["en"] == msgid
        for lang, catalogue in catalogues.items():
            message = catalogue.get(msgid)
            if message is not None and message.string:  # new labels reach the .po through the glossary helper
                assert rules.document_types[kind.value][lang] == message.string, (kind.value, lang)


# --- imports ------------------------------------------------------------------------------------------------------


def test_mango_import_asks_for_the_import_declaration_and_both_quarantine_papers():
    lines = checklist(shipment(item(MANGO)))
    assert set(lines) == {"I1", "I2", "I3", "I4"}
    assert (
        lines["I1"].document_type == "customs_declaration"
        and "import customs declaration" in lines["I1"].required_because
    )
    assert lines["I3"].document_type == "phytosanitary_certificate"
    assert "item 1 (Xoài cát Chu, HS 0804.50)" in lines["I3"].required_because
    assert "Cambodia" in lines["I3"].required_because
    assert lines["I4"].document_type == "plant_quarantine_registration"
    assert "register" in lines["I4"].required_because and lines["I4"].items == [1]
    assert all(line.level == "required" and line.status == "missing" for line in lines.values())


def test_mango_import_reasons_in_vietnamese_and_khmer():
    vi = checklist(shipment(item(MANGO)), "vi")
    assert "nước xuất khẩu (Campuchia)" in vi["I3"].required_because
    assert "đăng ký kiểm dịch thực vật nhập khẩu" in vi["I4"].required_because
    km = checklist(shipment(item(MANGO)), "km")
    assert "មុខទំនិញទី 1" in km["I3"].required_because and "កម្ពុជា" in km["I3"].required_because


def test_preferential_tariff_on_import_asks_for_a_form_d_from_cambodia():
    lines = checklist(shipment(item(MANGO, origin_criterion="WO"), preferential_tariff=True))
    assert lines["I7"].document_type == "co_form_d" and "Cambodia" in lines["I7"].required_because
    assert "I7" not in checklist(shipment(item(MANGO)))


def test_same_goods_as_an_export_get_the_export_rules_only():
    lines = checklist(shipment(item(MANGO), direction="export", vehicle_plate="70H-123.45"))
    assert {"E1", "E2", "E3", "E4", "E6", "E9", "E10"} >= set(lines) >= {"E1", "E2", "E3", "E4", "E6"}
    assert not any(rule.startswith("I") for rule in lines)
    assert not any(rule.startswith("E") or rule.startswith("B") for rule in checklist(shipment(item(MANGO))))


def test_the_older_regime_name_export_is_the_commercial_regime():
    assert (
        checklist(shipment(item(MANGO), direction="export", regime="export")).keys()
        == checklist(shipment(item(MANGO), direction="export", regime="commercial")).keys()
    )


@pytest.mark.parametrize("direction", ["export", "import"])
@pytest.mark.parametrize("regime", REGIMES)
def test_each_direction_and_regime_keeps_to_its_own_rules(direction, regime):
    lines = checklist(shipment(item(MANGO), direction=direction, regime=regime))
    assert lines, "every regime asks for at least one paper"
    assert all(rule.startswith("I") == (direction == "import") for rule in lines)
    assert "phytosanitary_certificate" in {line.document_type for line in lines.values()}  # quarantine, any regime


@pytest.mark.parametrize(
    ("hs_code", "expected"),
    [
        (MANGO, {"I3", "I4"}), ("07141011", {"I3", "I4"}), ("08013100", {"I3", "I4"}), ("10061090", {"I3", "I4"}),
        ("10059099", {"I3", "I4"}), ("08109010", {"I3", "I4"}), ("08039020", {"I3", "I4"}),
        ("11081400", set()), ("40012220", set()), ("04090000", {"I5", "I6"}), ("21039012", {"I6"}),
        ("09011130", {"I3", "I4", "I6"}),
    ],
)  # fmt: skip
def test_item_rules_of_imports(hs_code, expected):
    assert set(checklist(shipment(item(hs_code)))) & {"I3", "I4", "I5", "I6"} == expected


def test_form_s_only_for_a_shipment_under_a_quota():
    rice = item("10063099", description="Gạo trắng")
    lines = checklist(shipment(rice, under_quota="KH-RICE-2026"))
    assert lines["I8"].document_type == "co_form_s" and "Form S" in lines["I8"].required_because
    assert "I8" not in checklist(shipment(rice))
    assert "I8" not in checklist(shipment(rice, under_quota="  "))
    assert "I8" not in checklist(ShipmentFacts(regime="commercial", direction="import", items=[rice]))


def test_border_resident_import_cannot_claim_the_preferential_tariff():
    facts = shipment(item(MANGO), regime="border_resident", preferential_tariff=True)
    assert "preferential_tariff" in item_problems(facts)
    assert set(checklist(facts)) == {"I9", "I10", "I11"}


# --- the allowance, both directions -------------------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["export", "import"])
def test_allowance_passes_within_two_million_per_resident(direction):
    facts = shipment(item(MANGO), direction=direction, regime="border_resident", value_vnd=Decimal("1500000"))
    assert evaluate(facts, [], load_rules(), "en").blocking == []


@pytest.mark.parametrize("direction", ["export", "import"])
def test_allowance_blocks_three_million_for_one_resident_naming_the_excess(direction):
    facts = shipment(item(MANGO), direction=direction, regime="border_resident", value_vnd=Decimal("3000000"))
    blocking = evaluate(facts, [], load_rules(), "en").blocking
    assert [b.code for b in blocking] == ["allowance_exceeded"]
    assert blocking[0].over_by_vnd == "1000000"
    assert "1,000,000 VND above the duty-free allowance of 2,000,000 VND for 1 border resident" in blocking[0].message
    vi = evaluate(facts, [], load_rules(), "vi").blocking[0].message
    assert "1.000.000" in vi


def test_allowance_is_not_checked_for_commercial_imports():
    facts = shipment(item(MANGO), value_vnd=Decimal("3000000000"))
    assert evaluate(facts, [], load_rules(), "en").blocking == []


def test_a_first_round_rule_set_still_parses_and_checks_exports_only(raw_rules):
    old = {k: v for k, v in raw_rules.items() if k != "directions"}
    old["regimes"] = {
        "export": raw_rules["directions"]["export"]["commercial"],
        "border_resident": raw_rules["directions"]["export"]["border_resident"],
    }
    old["allowance"] = {
        k: v for k, v in raw_rules["allowance"].items() if k in ("regimes", "per_resident_per_day_vnd", "basis")
    }
    rules = parse_rules(old)
    assert set(rules.rules) == {("export", "commercial"), ("export", "border_resident")}
    assert rules.allowance.directions == ("export",)
    facts = shipment(item(MANGO), direction="export", regime="border_resident", value_vnd=Decimal("3000000"))
    assert evaluate(facts, [], rules, "en").blocking[0].code == "allowance_exceeded"
    with pytest.raises(ValueError, match="unknown regime"):
        evaluate(shipment(item(MANGO)), [], rules, "en")


# --- refusals of the parser ---------------------------------------------------------------------------------------


def _export_rule_with_an_i_code(d):
    d["directions"]["export"]["commercial"][0]["id"] = "I99"


def _import_rule_with_an_e_code(d):
    d["directions"]["import"]["commercial"][0]["id"] = "E99"


def _same_id_in_two_regimes_of_a_direction(d):
    d["directions"]["import"]["other"][0]["id"] = "I1"


def _unknown_direction(d):
    d["directions"]["transit"] = copy.deepcopy(d["directions"]["import"])


def _unknown_regime(d):
    d["directions"]["import"]["barter"] = d["directions"]["import"]["other"]


def _both_shapes(d):
    d["regimes"] = {"export": d["directions"]["export"]["commercial"]}


def _allowance_direction_unknown(d):
    d["allowance"]["directions"] = ["export", "transit"]


def _allowance_direction_not_text(d):
    d["allowance"]["directions"] = [{"export": True}]


def _rule_unverified_not_a_boolean(d):
    d["directions"]["import"]["commercial"][7]["unverified"] = "yes"


def _under_quota_false(d):
    d["directions"]["import"]["commercial"][7]["condition"] = {"under_quota": False}


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (_export_rule_with_an_i_code, "I-codes: I99"),
        (_import_rule_with_an_e_code, "I-codes: E99"),
        (_same_id_in_two_regimes_of_a_direction, "unique within a direction"),
        (_unknown_direction, "unknown key"),
        (_unknown_regime, "unknown key"),
        (_both_shapes, "exactly one of"),
        (_allowance_direction_unknown, "directions"),
        (_allowance_direction_not_text, "directions"),
        (_rule_unverified_not_a_boolean, "unverified"),
        (_under_quota_false, "under_quota"),
    ],
)
def test_malformed_rules_are_refused(raw_rules, break_it, message):
    break_it(raw_rules)
    with pytest.raises(RulesError, match=message):
        parse_rules(raw_rules)
