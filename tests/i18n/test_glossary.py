"""One word per concept in three languages: the catalogues and the paperwork rules follow translations/glossary.csv.

See docs/translations.md. To check another version of the files (e.g. the last commit's), point
GLOSSARY_TRANSLATIONS at a directory holding vi/ and km/LC_MESSAGES/messages.po, GLOSSARY_RULES at a rules file.
"""

import csv

import pytest

from border_trade.documents.models import DocumentType
from tests.i18n import glossary as g

COLUMNS = ["concept", "en", "en_forms", "en_plural", "vi", "vi_forms", "km", "km_forms", "km_avoid", "note"]
# Concepts the glossary must hold: every concept of the Khmer review's table and of the second round.
REQUIRED = {
    # khmer-review.md §2
    "customs declaration", "declaration", "consignee", "exporter", "gate", "border gate", "exit gate", "entry gate",
    "shipment", "goods line", "goods list", "manifest", "phytosanitary certificate", "plant quarantine",
    "certificate of origin", "Form D", "inspection", "seal", "stamp", "lane", "hold", "clear", "release", "cross",
    "province", "province officer", "provincial department", "report", "document", "file", "truck", "vehicle",
    "driver", "trader", "transhipment", "exchange rate", "version", "allowance", "border resident", "border trade",
    "OCOP certificate", "vehicle permit", "border-resident declaration", "food", "data import", "download",
    # second round
    "import", "export", "direction", "consignor", "importer", "quota", "tariff quota", "booking", "slot",
    "call-forward", "capacity", "permit", "receipt", "discrepancy", "green lane", "yellow lane", "red lane",
    "declaration number", "regime", "commercial trade", "border-resident trade", "duty-free trade",
    "temporary import for re-export", "other trade", "plant-quarantine registration", "import food-safety inspection",
    "C/O form S", "origin proof", "e-invoice", "linkage group", "target", "organisation", "key product", "enterprise",
}  # fmt: skip


# --- the glossary itself ------------------------------------------------------------------------------------------
def test_glossary_rows_are_complete_and_sourced():
    with g.GLOSSARY.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames[: len(COLUMNS)] == COLUMNS
        assert {"source_vi", "source_km"} <= set(reader.fieldnames)
        rows = list(reader)
    problems = [
        f"{row['concept']!r}: empty {column}"
        for row in rows
        for column in ("concept", "en", "vi", "km", "source_vi", "source_km")
        if not row[column].strip()
    ]
    problems += [f"{row['concept']!r}: en_plural is yes or no" for row in rows if row["en_plural"] not in {"yes", "no"}]
    names = [row["concept"] for row in rows]
    problems += [f"{name!r} twice" for name in set(names) if names.count(name) > 1]
    assert not problems, "\n".join(problems)


def test_glossary_covers_the_review_and_the_second_round():
    missing = REQUIRED - {concept.name for concept in g.concepts()}
    assert not missing, f"add these concepts to translations/glossary.csv: {sorted(missing)}"


@pytest.mark.parametrize("lang", ["en", "vi", "km"])
def test_no_two_concepts_share_one_term(lang):
    shared = g.shared_terms(lang)
    assert not shared, f"{lang}: one term for two concepts (or list a reviewed exception):\n" + "\n".join(shared)


def test_glossary_terms_are_canonically_spelled_with_latin_digits():
    terms = [(concept.name, term) for concept in g.concepts() for term in concept.km]
    assert not [term for _, term in terms if g.canonical_km(term) != term]
    assert not g.spelling_problems(terms) and not g.khmer_digits(terms)


def test_every_exception_has_a_reason_and_is_still_needed():
    """A stale exception hides nothing today but would hide a real inconsistency tomorrow."""
    names = {concept.name: concept for concept in g.concepts()}
    stale = []
    for (kind, concept, lang, text), reason in g.exceptions().items():
        assert reason.strip(), f"exception without a reason: {kind} {concept} {lang} {text}"
        if kind == "shared-term":
            owners = [c for c in g.concepts() if {"en": c.en, "vi": c.vi, "km": c.km}[lang][0].casefold() == concept]
            if len(owners) < 2:
                stale.append(f"shared-term {concept!r} ({lang}) is no longer shared")
            continue
        assert kind == "msgid" and concept in names, f"unknown exception: {kind} {concept}"
        english = g.catalogue(lang)[text][0] if text in g.catalogue(lang) else dict(_rules_english()).get(text)
        if english is None:
            stale.append(f"{text!r} is neither a msgid nor a rules text")
        elif names[concept] not in g.concepts_in(english):
            stale.append(f"{text!r} no longer names {concept!r}")
    assert not stale, "remove these from translations/glossary-exceptions.csv:\n" + "\n".join(stale)


def _rules_english():
    return [(where, texts["en"]) for where, texts in g.rules_texts()]


# --- the catalogues -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", g.LANGS)
def test_catalogue_uses_the_glossary_term_wherever_the_msgid_names_a_concept(lang):
    findings = g.missing_terms(lang, g.catalogue_pairs(lang))
    assert not findings, f"{lang}: {len(findings)} message(s) do not use the glossary's term:\n" + "\n".join(findings)


@pytest.mark.parametrize("source", ["catalogue", "rules"])
def test_khmer_texts_avoid_the_renderings_the_glossary_replaced(source):
    findings = g.avoided(g.km_texts(source))
    assert not findings, f"{len(findings)} Khmer text(s) use a replaced rendering:\n" + "\n".join(findings)


def test_khmer_texts_have_one_unicode_spelling_per_word():
    findings = g.spelling_problems(g.km_texts("both"))
    assert not findings, f"{len(findings)} spelling problem(s):\n" + "\n".join(findings)


@pytest.mark.parametrize("lang", g.LANGS)
def test_translations_write_numbers_in_latin_digits(lang):
    """Babel formats every number, date and amount with Latin digits (CLDR km default numbering is latn)."""
    texts = [(msgid, text) for msgid, (_, strings) in g.catalogue(lang).items() for text in strings]
    texts += [(where, texts[lang]) for where, texts in g.rules_texts()]
    findings = g.khmer_digits(texts)
    assert not findings, f"{lang}: {len(findings)} text(s) with Khmer digits:\n" + "\n".join(findings)


# --- the paperwork rules (border_trade/data/document_rules.json, as it is on disk) ---------------------------------
@pytest.mark.parametrize("lang", g.LANGS)
def test_rules_texts_use_the_glossary_term(lang):
    findings = g.missing_terms(lang, g.rules_pairs(lang))
    assert not findings, f"{lang}: {len(findings)} rules text(s) do not use the glossary's term:\n" + "\n".join(
        findings
    )


def test_rules_document_names_equal_the_catalogue_labels():
    names = g.rules()["document_types"]
    vi, km = g.catalogue("vi"), g.catalogue("km")
    problems = []
    for kind, label in DocumentType.labels().items():
        msgid = label._args[0] if hasattr(label, "_args") else str(label)
        entry = names.get(kind.value)
        if entry is None:
            problems.append(f"{kind.value}: not in the rules file's document_types")
            continue
        if entry["en"] != msgid:
            problems.append(f"{kind.value}.en: {entry['en']!r} != msgid {msgid!r}")
        for lang, catalogue in (("vi", vi), ("km", km)):
            translated = catalogue.get(msgid, (None, [None]))[1]
            if not translated or entry[lang] != translated[0]:
                problems.append(f"{kind.value}.{lang}: rules {entry[lang]!r} != catalogue {translated[:1]}")
    extra = set(names) - {kind.value for kind in DocumentType}
    problems += [f"{name}: in the rules file, not a DocumentType" for name in sorted(extra)]
    assert not problems, "the rules file and the catalogue name a paper differently:\n" + "\n".join(problems)
