"""The requirements engine (the export rules of 2026.2), on hand-made facts: no database, no app factory."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask_babel import Babel, force_locale
from flask_babel.speaklater import LazyString
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from border_trade.documents.rules import (
    DEFAULT_RULES_PATH,
    DocumentFacts,
    ItemFacts,
    RulesError,
    ShipmentFacts,
    evaluate,
    item_problems,
    load_rules,
    normalize_origin_criterion,
    parse_rules,
)

CROSSING = date(2026, 3, 14)
app = Flask(__name__)
Babel(app)


@pytest.fixture(autouse=True, scope="module")
def _clean_database():
    """Replace the suite's database fixture: these tests need no database, only a minimal Babel app."""
    with app.test_request_context():
        yield


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@pytest.fixture
def raw_rules():
    return json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))


def item(hs_code, position=1, description="Hàng", **overrides):
    return ItemFacts(position=position, description=description, hs_code=hs_code, **overrides)


def shipment(*items, regime="export", **overrides):
    values = {"planned_crossing_on": CROSSING, "items": list(items)}
    if regime == "border_resident":
        values |= {"residents": 1, "value_vnd": Decimal(1000000)}
    return ShipmentFacts(regime=regime, **(values | overrides))


def doc(document_type, doc_id=1, issued_on=CROSSING - timedelta(days=1), expires_on=None, **overrides):
    values = {"number": "No 1", "issued_by": "Authority", "issued_on": issued_on, "expires_on": expires_on}
    return DocumentFacts(id=doc_id, document_type=document_type, **(values | overrides))


def lines(requirements):
    return {line.rule: line for line in requirements.items}


def rule_ids(facts, documents=(), locale="vi"):
    return set(lines(evaluate(facts, documents, load_rules(), locale)))


# --- the rules file ---------------------------------------------------------------------------------------------


def test_packaged_rules_have_version_and_every_rule(rules):
    assert rules.version == "2026.2"
    assert [r.id for r in rules.rules_for("export", "commercial")] == [f"E{n}" for n in range(1, 11)]
    assert [r.id for r in rules.rules_for("export", "border_resident")] == ["B1", "B2", "B3"]


def test_load_rules_is_cached(rules):
    assert load_rules() is rules
    assert load_rules(DEFAULT_RULES_PATH) is rules


def test_every_text_exists_in_three_languages(rules):
    api_types = {
        "customs_declaration", "commercial_invoice", "packing_list", "sales_contract", "co_form_d",
        "phytosanitary_certificate", "food_safety_certificate", "veterinary_certificate", "ocop_certificate",
        "vehicle_permit", "border_resident_declaration",
        "plant_quarantine_registration", "import_food_safety_inspection", "co_form_s",
    }  # fmt: skip
    assert set(rules.document_types) == api_types
    for labels in rules.document_types.values():
        assert set(labels) == {"vi", "km", "en"} and len(set(labels.values())) == 3
    for rule in (*rules.rules_for("export", "commercial"), *rules.rules_for("export", "border_resident")):
        assert set(rule.reason) == {"vi", "km", "en"} and len(set(rule.reason.values())) == 3


def test_document_label_follows_locale(rules):
    assert rules.document_label("phytosanitary_certificate", "km") == "វិញ្ញាបនបត្រភូតគាមអនាម័យ"
    assert rules.document_label("commercial_invoice", "en") == "Commercial invoice"
    assert rules.document_label("packing_list", "fr") == "Phiếu đóng gói"


def test_quarantine_rules_are_the_same_in_both_regimes(rules):
    by_id = {r.id: r for r in (*rules.rules_for("export", "commercial"), *rules.rules_for("export", "border_resident"))}
    assert by_id["B2"].condition == by_id["E6"].condition and by_id["B2"].validity == by_id["E6"].validity
    assert by_id["B3"].condition == by_id["E7"].condition and by_id["B3"].validity == by_id["E7"].validity


def _drop_version(d):
    del d["version"]


def _typo_in_condition(d):
    d["directions"]["export"]["commercial"][5]["condition"]["hs_chapter"] = ["08"]


def _unknown_placeholder(d):
    d["directions"]["export"]["commercial"][5]["reason"]["km"] = "{product} ..."


def _item_placeholder_on_shipment_rule(d):
    d["directions"]["export"]["commercial"][0]["reason"]["en"] = "{item} needs it"


def _bad_level(d):
    d["directions"]["export"]["commercial"][0]["level"] = "mandatory"


def _unknown_document_type(d):
    d["directions"]["export"]["commercial"][0]["document_type"] = "passport"


def _duplicate_id(d):
    d["directions"]["export"]["commercial"][1]["id"] = "E1"


def _two_periods(d):
    d["directions"]["export"]["commercial"][0]["validity"] = {"days": 15, "months": 1}


def _always_false(d):
    d["directions"]["export"]["commercial"][0]["condition"] = {"always": False}


def _unknown_flag(d):
    d["directions"]["export"]["commercial"][4]["condition"] = {"flag": "is_urgent"}


def _reversed_range(d):
    d["directions"]["export"]["commercial"][6]["condition"] = {"hs_chapters_range": ["05", "01"]}


def _allowance_as_float(d):
    d["allowance"]["per_resident_per_day_vnd"] = 2e6


def _missing_english(d):
    del d["directions"]["export"]["border_resident"][0]["reason"]["en"]


@pytest.mark.parametrize(
    "mutate",
    [
        _drop_version, _typo_in_condition, _unknown_placeholder, _item_placeholder_on_shipment_rule, _bad_level,
        _unknown_document_type, _duplicate_id, _two_periods, _always_false, _unknown_flag, _reversed_range,
        _allowance_as_float, _missing_english,
    ],
)  # fmt: skip
def test_malformed_rules_are_refused(raw_rules, mutate, tmp_path):
    mutate(raw_rules)
    path = tmp_path / "document_rules.json"
    path.write_text(json.dumps(raw_rules), encoding="utf-8")
    with pytest.raises(RulesError, match=r"document_rules\.json"):
        load_rules(path)


def test_rules_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text('{"version": "2026.1",', encoding="utf-8")
    with pytest.raises(RulesError, match="not a readable JSON file"):
        load_rules(path)
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "absent.json")


def test_edited_rules_file_is_reloaded(raw_rules, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(raw_rules), encoding="utf-8")
    assert load_rules(path).version == "2026.2"
    raw_rules["version"] = "2026.3-draft"
    path.write_text(json.dumps(raw_rules), encoding="utf-8")
    assert load_rules(path).version == "2026.3-draft"


# --- which rules apply ------------------------------------------------------------------------------------------


def test_e1_to_e4_apply_to_every_export():
    assert {"E1", "E2", "E3", "E4"} <= rule_ids(shipment())
    assert not {"E1", "E2", "E3", "E4"} & rule_ids(shipment(regime="border_resident"))


def test_e5_form_d_only_with_preferential_tariff():
    assert "E5" in rule_ids(shipment(item("08071900", origin_criterion="WO"), preferential_tariff=True))
    assert "E5" not in rule_ids(shipment(item("08071900")))


@pytest.mark.parametrize(
    ("hs_code", "expected"),
    [  # every line of reference/hs_codes.csv, copied here; the item-driven rules each one triggers
        ("08071900", {"E6"}), ("08054000", {"E6"}), ("08109094", {"E6"}), ("08109092", {"E6"}),
        ("08045021", {"E6"}), ("08134090", {"E6"}), ("08013200", {"E6"}), ("10063099", {"E6"}),
        ("10063070", {"E6"}), ("09011130", {"E6", "E8"}), ("09012120", {"E8"}), ("09012112", {"E8"}),
        ("09021010", {"E8"}), ("09022010", {"E8"}), ("04090000", {"E7", "E8"}), ("19059070", {"E8"}),
        ("25010010", {"E8"}), ("21039029", {"E8"}), ("21039012", {"E8"}), ("46021190", set()),
        ("46021290", set()), ("46021990", set()), ("94015300", set()),
    ],
)  # fmt: skip
def test_item_rules_for_reference_hs_codes(hs_code, expected):
    assert rule_ids(shipment(item(hs_code))) & {"E6", "E7", "E8", "E10"} == expected


def test_e6_phytosanitary_for_melon_and_green_coffee_not_roasted_coffee_or_honey():
    assert lines(evaluate(shipment(item("08071900")), [], load_rules(), "en"))["E6"].items == [1]
    assert "E6" in rule_ids(shipment(item("09011130")))  # heading 0901.11, chapter 09 is not a plant chapter
    assert "E6" in rule_ids(shipment(item("09011290")))
    assert "E6" not in rule_ids(shipment(item("09012120")))
    assert "E6" not in rule_ids(shipment(item("04090000")))


@pytest.mark.parametrize(("hs_code", "applies"), [("06031100", True), ("14049099", True), ("11010011", False)])
def test_e6_chapter_edges(hs_code, applies):
    assert ("E6" in rule_ids(shipment(item(hs_code)))) is applies


@pytest.mark.parametrize(("hs_code", "applies"), [("01012100", True), ("05119990", True), ("06011000", False)])
def test_e7_veterinary_for_chapters_01_to_05(hs_code, applies):
    assert ("E7" in rule_ids(shipment(item(hs_code)))) is applies


def test_e7_and_e8_for_honey():
    assert {"E7", "E8"} <= rule_ids(shipment(item("04090000")))
    assert "E7" not in rule_ids(shipment(item("08071900")))


@pytest.mark.parametrize(
    ("hs_code", "applies"),
    [("16023200", True), ("22029990", True), ("15079010", False), ("23099011", False), ("25010010", True),
     ("25020000", False), ("09012120", True), ("04090000", True), ("08071900", False)],
)  # fmt: skip
def test_e8_food_safety_chapters_and_salt_heading(hs_code, applies):
    assert ("E8" in rule_ids(shipment(item(hs_code)))) is applies


def test_e8_is_recommended():
    assert lines(evaluate(shipment(item("25010010")), [], load_rules()))["E8"].level == "recommended"


def test_e9_vehicle_permit_only_for_a_vietnamese_truck_that_crosses():
    assert "E9" in rule_ids(shipment(vehicle_plate="70H-123.45"))
    assert "E9" not in rule_ids(shipment(vehicle_plate="70H-123.45", transhipment=True))
    assert "E9" not in rule_ids(shipment(vehicle_plate=None))
    assert "E9" not in rule_ids(shipment(vehicle_plate="  "))


def test_e9_reason_names_the_plate():
    line = lines(evaluate(shipment(vehicle_plate="70H-123.45"), [], load_rules(), "en"))["E9"]
    assert "70H-123.45" in line.required_because and line.items == []


def test_e10_ocop_certificate_for_items_with_stars():
    facts = shipment(item("04090000", 1), item("08071900", 2, ocop_stars=4), item("08054000", 3, ocop_stars=3))
    line = lines(evaluate(facts, [], load_rules()))["E10"]
    assert line.items == [2, 3] and line.level == "recommended"
    assert "E10" not in rule_ids(shipment(item("08071900", ocop_stars=None)))
    assert "E10" not in rule_ids(shipment(item("08071900", ocop_stars=0)))


def test_b1_declaration_in_border_resident_regime_only():
    assert rule_ids(shipment(regime="border_resident")) == {"B1"}
    assert "B1" not in rule_ids(shipment())


def test_b2_phytosanitary_for_border_residents():
    facts = shipment(item("46021190", 1), item("08071900", 2), regime="border_resident")
    assert lines(evaluate(facts, [], load_rules()))["B2"].items == [2]
    assert "B2" not in rule_ids(shipment(item("04090000"), regime="border_resident"))


def test_b3_veterinary_for_border_residents():
    assert rule_ids(shipment(item("04090000"), regime="border_resident")) == {"B1", "B3"}
    assert "B3" not in rule_ids(shipment(item("08071900"), regime="border_resident"))


def test_line_names_only_the_triggering_items():
    facts = shipment(item("46021190", 1, "Giỏ tre"), item("08071900", 2, "Dưa lưới"), item("08054000", 3, "Bưởi"))
    line = lines(evaluate(facts, [], load_rules(), "en"))["E6"]
    assert line.items == [2, 3]
    assert "item 2 (Dưa lưới, HS 0807.19)" in line.required_because
    assert "Bưởi" in line.required_because and "Giỏ tre" not in line.required_because


def test_unknown_regime_is_an_error():
    with pytest.raises(ValueError, match="unknown regime"):
        evaluate(shipment(regime="transit"), [], load_rules())


# --- statuses ---------------------------------------------------------------------------------------------------


def status(document_type, documents, facts=None):
    requirements = evaluate(facts or shipment(item("08071900")), documents, load_rules())
    return next(line for line in requirements.items if line.document_type == document_type)


def test_status_missing_without_documents():
    line = status("commercial_invoice", [])
    assert (line.status, line.document_id) == ("missing", None)


@pytest.mark.parametrize("blank", [{"number": ""}, {"issued_by": "  "}, {"issued_on": None}, {"number": None}])
def test_document_without_number_issuer_or_date_is_missing(blank):
    assert status("commercial_invoice", [doc("commercial_invoice", **blank)]).status == "missing"


def test_status_provided_without_expiry():
    line = status("commercial_invoice", [doc("commercial_invoice", doc_id=7)])
    assert (line.status, line.document_id) == ("provided", 7)


@pytest.mark.parametrize(
    ("days_after_crossing", "expected"),
    [(-1, "expired"), (0, "expiring"), (7, "expiring"), (8, "provided")],
)
def test_status_at_expiry_boundaries(days_after_crossing, expected):
    document = doc("commercial_invoice", expires_on=CROSSING + timedelta(days=days_after_crossing))
    assert status("commercial_invoice", [document]).status == expected


@pytest.mark.parametrize(
    ("issued_days_before", "expected"), [(6, "provided"), (7, "expiring"), (14, "expiring"), (15, "expired")]
)
def test_phytosanitary_expiry_computed_from_14_day_validity(issued_days_before, expected):
    document = doc("phytosanitary_certificate", issued_on=CROSSING - timedelta(days=issued_days_before))
    assert status("phytosanitary_certificate", [document]).status == expected


@pytest.mark.parametrize(("issued_on", "expected"), [(date(2025, 3, 14), "expiring"), (date(2025, 3, 13), "expired")])
def test_form_d_expiry_computed_from_12_months(issued_on, expected):
    facts = shipment(item("08071900", origin_criterion="WO"), preferential_tariff=True)
    assert status("co_form_d", [doc("co_form_d", issued_on=issued_on)], facts).status == expected


def test_explicit_expiry_wins_over_validity_period():
    document = doc("phytosanitary_certificate", issued_on=CROSSING - timedelta(days=30), expires_on=CROSSING)
    assert status("phytosanitary_certificate", [document]).status == "expiring"


def test_best_document_of_a_type_is_the_latest_valid():
    documents = [
        doc("phytosanitary_certificate", doc_id=1, expires_on=CROSSING + timedelta(days=30)),
        doc("phytosanitary_certificate", doc_id=2, expires_on=CROSSING - timedelta(days=1)),
        doc("phytosanitary_certificate", doc_id=3, expires_on=CROSSING + timedelta(days=3)),
        doc("commercial_invoice", doc_id=4, expires_on=CROSSING + timedelta(days=90)),
    ]
    line = status("phytosanitary_certificate", documents)
    assert (line.status, line.document_id) == ("provided", 1)
    expired_only = [documents[1], doc("phytosanitary_certificate", doc_id=5, expires_on=CROSSING - timedelta(days=9))]
    assert status("phytosanitary_certificate", expired_only).document_id == 2


def all_export_documents(**overrides):
    types = ["customs_declaration", "commercial_invoice", "packing_list", "sales_contract", "phytosanitary_certificate"]
    return [doc(t, doc_id=n, **overrides.get(t, {})) for n, t in enumerate(types, start=1)]


def test_complete_when_required_lines_provided_even_if_recommended_missing():
    requirements = evaluate(shipment(item("09011130")), all_export_documents(), load_rules())
    assert lines(requirements)["E8"].status == "missing"
    assert requirements.complete is True and requirements.unmet() == []


def test_expiring_does_not_block_but_expired_does():
    expiring = all_export_documents(phytosanitary_certificate={"expires_on": CROSSING})
    assert evaluate(shipment(item("08071900")), expiring, load_rules()).complete is True
    expired = all_export_documents(phytosanitary_certificate={"expires_on": CROSSING - timedelta(days=1)})
    requirements = evaluate(shipment(item("08071900")), expired, load_rules())
    assert requirements.complete is False
    assert [line.rule for line in requirements.unmet()] == ["E6"]


def test_incomplete_while_a_required_document_is_missing():
    requirements = evaluate(shipment(item("08071900")), all_export_documents()[:-1], load_rules())
    assert requirements.complete is False and [line.rule for line in requirements.unmet()] == ["E6"]


def test_as_dict_has_the_api_shape():
    body = evaluate(shipment(item("08071900", 2)), [], load_rules(), "en").as_dict()
    assert set(body) == {"complete", "rules_version", "items", "blocking"}
    assert body["rules_version"] == "2026.2"
    line = next(x for x in body["items"] if x["rule"] == "E6")
    assert line == {
        "rule": "E6",
        "document_type": "phytosanitary_certificate",
        "level": "required",
        "required_because": line["required_because"],
        "items": [2],
        "status": "missing",
        "document_id": None,
    }
    json.dumps(body)


# --- border-resident allowance ----------------------------------------------------------------------------------


def resident_shipment(value, residents=2):
    return shipment(regime="border_resident", residents=residents, value_vnd=value)


def resident_documents():
    return [doc("border_resident_declaration", issued_on=CROSSING)]


def test_allowance_exactly_at_the_limit_passes():
    requirements = evaluate(resident_shipment(Decimal(4000000)), resident_documents(), load_rules())
    assert requirements.blocking == [] and requirements.complete is True


def test_allowance_one_vnd_over_blocks():
    requirements = evaluate(resident_shipment(Decimal(4000001)), resident_documents(), load_rules(), "en")
    [blocker] = requirements.blocking
    assert (blocker.code, blocker.over_by_vnd) == ("allowance_exceeded", "1")
    assert "4,000,000" in blocker.message and "2 border residents" in blocker.message
    assert requirements.complete is False
    assert requirements.as_dict()["blocking"][0]["over_by_vnd"] == "1"


def test_allowance_over_by_amount_and_rounding():
    assert evaluate(resident_shipment(Decimal(7000000)), [], load_rules()).blocking[0].over_by_vnd == "3000000"
    single = evaluate(resident_shipment(Decimal("2000000.40"), residents=1), [], load_rules(), "en").blocking[0]
    assert single.over_by_vnd == "1" and "1 border resident." in single.message


def test_allowance_message_follows_locale_numbers():
    blocker = evaluate(resident_shipment(Decimal(7000000)), [], load_rules(), "vi").blocking[0]
    assert "4.000.000" in blocker.message


def test_missing_rate_blocks_border_resident_shipment():
    requirements = evaluate(resident_shipment(None), resident_documents(), load_rules())
    assert [b.code for b in requirements.blocking] == ["rate_missing"] and requirements.complete is False


def test_missing_residents_blocks_border_resident_shipment():
    requirements = evaluate(resident_shipment(Decimal(100), residents=None), resident_documents(), load_rules())
    assert [b.code for b in requirements.blocking] == ["residents_missing"]


def test_export_has_no_allowance():
    assert evaluate(shipment(value_vnd=Decimal("9" * 12)), [], load_rules()).blocking == []
    assert evaluate(shipment(value_vnd=None), [], load_rules()).blocking == []


# --- languages --------------------------------------------------------------------------------------------------


def test_reasons_follow_the_locale():
    facts = shipment(item("08071900", 2, "Dưa lưới"))
    texts = {lang: lines(evaluate(facts, [], load_rules(), lang))["E6"].required_because for lang in ("vi", "km", "en")}
    assert len(set(texts.values())) == 3
    assert texts["vi"].startswith("mặt hàng 2 (Dưa lưới, HS 0807.19)")
    assert texts["km"].startswith("មុខទំនិញទី 2 (Dưa lưới, HS 0807.19)៖") and "រុក្ខជាតិ" in texts["km"]
    assert "plant quarantine" in texts["en"]
    assert lines(evaluate(facts, [], load_rules(), "km_KH"))["E6"].required_because == texts["km"]
    assert lines(evaluate(facts, [], load_rules(), "en-US"))["E6"].required_because == texts["en"]
    assert lines(evaluate(facts, [], load_rules(), "fr"))["E6"].required_because == texts["vi"]


def test_reason_falls_back_to_vietnamese_when_khmer_is_absent(raw_rules):
    del raw_rules["directions"]["export"]["commercial"][0]["reason"]["km"]
    rules = parse_rules(raw_rules)
    line = lines(evaluate(shipment(), [], rules, "km"))["E1"]
    assert line.required_because == raw_rules["directions"]["export"]["commercial"][0]["reason"]["vi"]


def test_blocker_message_is_translated_in_the_requested_locale(tmp_path):
    msgid = evaluate(resident_shipment(None), [], load_rules(), "en").blocking[0].message
    catalog = Catalog(locale="vi")
    catalog.add(msgid, "Chưa có tỷ giá cho ngày qua cửa khẩu.")
    (tmp_path / "vi" / "LC_MESSAGES").mkdir(parents=True)
    with open(tmp_path / "vi" / "LC_MESSAGES" / "messages.mo", "wb") as fh:
        write_mo(fh, catalog)
    translated_app = Flask("translated")
    translated_app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path)
    Babel(translated_app, locale_selector=lambda: "en")
    with translated_app.test_request_context():
        assert evaluate(resident_shipment(None), [], load_rules(), "vi").blocking[0].message.startswith("Chưa có")
        assert evaluate(resident_shipment(None), [], load_rules(), "en").blocking[0].message == msgid


# --- per-item validation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [("WO", "WO"), ("rvc40", "RVC40"), ("40%", "RVC40"), ("CTH", "CTH"), ("CTSH", "CTSH"), ("CC", "CC"),
     ("SP", "SP"), ("PC25", "PC25"), ("PC 25%", "PC25"), ("PC39", "PC39"), ("PC40", None), ("PC0", None),
     ("PE", None), ("CTSH+35%", None), ("", None), (None, None)],
)  # fmt: skip
def test_origin_criterion_normalisation(raw, code):
    assert normalize_origin_criterion(raw) == code


def messages(problems):
    return {path: [str(m) for m in found] for path, found in problems.items()}


def test_preferential_tariff_needs_origin_criterion_on_every_item():
    facts = shipment(
        item("08071900", 1, origin_criterion="WO"),
        item("08054000", 2, origin_criterion=None),
        item("08045021", 3, origin_criterion="PE"),
        preferential_tariff=True,
    )
    problems = messages(item_problems(facts))
    assert set(problems) == {"items.1.origin_criterion", "items.2.origin_criterion"}
    assert "PE" in problems["items.2.origin_criterion"][0]


def test_rvc_criteria_need_fob_value():
    facts = shipment(
        item("19059070", 1, origin_criterion="RVC40"),
        item("19059070", 2, origin_criterion="PC25", fob_value=Decimal(0)),
        item("19059070", 3, origin_criterion="40%", fob_value=Decimal("120.50")),
        item("19059070", 4, origin_criterion="CTH"),
        preferential_tariff=True,
    )
    assert set(item_problems(facts)) == {"items.0.fob_value", "items.1.fob_value"}


def test_no_origin_checks_without_preferential_tariff():
    assert item_problems(shipment(item("08071900", origin_criterion="nonsense"))) == {}


def test_border_resident_refuses_preferential_tariff_and_needs_residents():
    problems = item_problems(shipment(regime="border_resident", preferential_tariff=True, residents=0))
    assert set(problems) == {"preferential_tariff", "residents"}
    assert item_problems(shipment(regime="border_resident", residents=3)) == {}


def test_export_refuses_residents():
    assert set(item_problems(shipment(residents=2))) == {"residents"}


def test_problem_messages_are_lazy_and_translated_when_read():
    problem = item_problems(shipment(item("08071900"), preferential_tariff=True))["items.0.origin_criterion"][0]
    assert isinstance(problem, LazyString)
    with force_locale("vi"):  # no catalogue in this test app: the msgid comes back
        assert str(problem) == "The preferential tariff needs an origin criterion."


# --- property: never raises -------------------------------------------------------------------------------------

hs_codes = st.one_of(
    st.none(), st.text(max_size=10), st.from_regex(r"[0-9]{2,8}", fullmatch=True), st.sampled_from(["0409.00.00"])
)
items_strategy = st.lists(
    st.builds(
        ItemFacts,
        position=st.integers(-5, 500),
        description=st.one_of(st.none(), st.text(max_size=30)),
        hs_code=hs_codes,
        ocop_stars=st.one_of(st.none(), st.integers(-2, 7)),
        origin_criterion=st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["WO", "RVC40", "PC25", "PC45"])),
        fob_value=st.one_of(st.none(), st.decimals()),
    ),
    max_size=12,
)
documents_strategy = st.lists(
    st.builds(
        DocumentFacts,
        id=st.integers(),
        document_type=st.sampled_from(["phytosanitary_certificate", "co_form_d", "ocop_certificate", "x"]),
        number=st.one_of(st.none(), st.text(max_size=5)),
        issued_by=st.one_of(st.none(), st.text(max_size=5)),
        issued_on=st.one_of(st.none(), st.dates()),
        expires_on=st.one_of(st.none(), st.dates()),
    ),
    max_size=6,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=items_strategy,
    documents=documents_strategy,
    regime=st.sampled_from(["export", "border_resident"]),
    preferential=st.booleans(),
    plate=st.one_of(st.none(), st.text(max_size=12)),
    residents=st.one_of(st.none(), st.integers(-3, 10**6)),
    crossing=st.one_of(st.none(), st.dates()),
    value=st.one_of(st.none(), st.decimals()),
    locale=st.sampled_from(["vi", "km", "en", "fr", "", None, "km-KH"]),
)
def test_evaluate_never_raises(items, documents, regime, preferential, plate, residents, crossing, value, locale):
    facts = ShipmentFacts(
        regime=regime,
        preferential_tariff=preferential,
        vehicle_plate=plate,
        residents=residents,
        planned_crossing_on=crossing,
        value_vnd=value,
        items=items,
    )
    with app.test_request_context():
        requirements = evaluate(facts, documents, load_rules(), locale)
        problems = item_problems(facts)
        json.dumps(requirements.as_dict(), default=str)
        [str(message) for found in problems.values() for message in found]
    assert all(line.status in {"missing", "provided", "expiring", "expired"} for line in requirements.items)
    assert requirements.complete is (not requirements.unmet() and not requirements.blocking)


def test_evaluate_works_outside_an_app_context():
    # A fresh thread has no Flask context (jobs, CLI): texts stay the untranslated msgids, nothing raises.
    with ThreadPoolExecutor(max_workers=1) as pool:
        requirements = pool.submit(evaluate, resident_shipment(Decimal(9000000)), [], load_rules(), "km").result()
    assert requirements.blocking[0].code == "allowance_exceeded"
    assert requirements.blocking[0].over_by_vnd == "5000000"
