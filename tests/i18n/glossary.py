"""The glossary (translations/glossary.csv) and the checks that hold texts to it; used by tests/i18n/test_glossary*.py.

Paths can be pointed elsewhere to check another version of the files (e.g. the last commit's catalogue):
GLOSSARY_TRANSLATIONS=<dir holding vi/LC_MESSAGES/messages.po and km/...>, GLOSSARY_RULES=<document_rules.json>.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "translations" / "glossary.csv"
EXCEPTIONS = ROOT / "translations" / "glossary-exceptions.csv"
LANGS = ("vi", "km")

# --- one Unicode spelling per word --------------------------------------------------------------------------------
# Non-canonical spelling -> canonical one. The canonical forms are the dictionary's (COENG DA in ប្ដូរ, ស្ដី, ...)
# and the one chosen for ឱ្យ (docs/translations.md, native point 12).
SPELLINGS = {
    "ប្តូរ": "ប្ដូរ",  # COENG TA -> COENG DA (H1)
    "ឲ្យ": "ឱ្យ",  # QOO TYPE TWO -> QOO TYPE ONE + COENG YO (point 12)
    "ស្តី": "ស្ដី",
    "ផ្តើម": "ផ្ដើម",
    "សេចក្តី": "សេចក្ដី",
    "ផ្តល់": "ផ្ដល់",
}
# Deprecated or discouraged code points (Unicode Khmer chapter): independent vowels QAQ/QAA, inherent vowels,
# BATHAMASAT, ATTHACAN, and the zero-width spaces/joiners that break search when they sit inside a term.
DISCOURAGED = re.compile("[\u17a3\u17a4\u17b4\u17b5\u17d3\u17d8\u200c\u200d\ufeff]")
# COENG RO is written last in a stack (ស្ត្រ, not ស្រ្ត).
COENG_RO_FIRST = re.compile("\u17d2\u179a\u17d2")
# A consonant with a subscript TA or DA and what follows it, to find one word spelled both ways.
TA_DA_CLUSTER = re.compile(
    "[\u1780-\u17a2]\u17d2[\u178a\u178f][\u17b6-\u17c5\u17c6-\u17d1\u17d3\u17dd]*[\u1780-\u17a2]?"
)
KHMER_DIGITS = re.compile("[\u17e0-\u17e9]")


def canonical_km(text: str) -> str:
    for wrong, right in SPELLINGS.items():
        text = text.replace(wrong, right)
    return text


# --- the glossary -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Concept:
    name: str
    en: tuple[str, ...]  # the English term first, then other English forms that mean it
    vi: tuple[str, ...]  # the Vietnamese term first, then accepted forms
    km: tuple[str, ...]
    km_avoid: tuple[str, ...]
    plural: bool  # whether "<term>s" also names it (no for a verb such as "hold": "holds" means "contains")
    row: dict


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


@cache
def concepts() -> tuple[Concept, ...]:
    with GLOSSARY.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        Concept(
            name=row["concept"],
            en=(row["en"], *_split(row["en_forms"])),
            vi=(row["vi"], *_split(row["vi_forms"])),
            km=(row["km"], *_split(row["km_forms"])),
            km_avoid=_split(row["km_avoid"]),
            plural=row["en_plural"] != "no",
            row=row,
        )
        for row in rows
    )


@cache
def exceptions() -> dict[tuple[str, str, str], str]:
    """(kind, concept or term, lang, msgid) -> reason; kind is `msgid` or `shared-term`."""
    with EXCEPTIONS.open(encoding="utf-8", newline="") as handle:
        return {
            (row["kind"], row["concept"], row["lang"], row["text"]): row["reason"] for row in csv.DictReader(handle)
        }


# --- matching -----------------------------------------------------------------------------------------------------
# Names kept as they are in every language: the product's name is not the concept "border trade".
NAMES = re.compile(r"border-trade(?!\s+(?:report|volume))", re.I)
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]|%[sd]|\{[^{}]*\}")


def en_key(text: str) -> str:
    """Lower case, placeholders out, hyphens and dashes as spaces, one space between words."""
    text = NAMES.sub(" ", PLACEHOLDER.sub(" ", text)).replace("\u2019", "'").lower()
    return " ".join(re.sub(r"[-\u2013\u2010]", " ", text).split())


@cache
def _en_patterns():
    pairs = [(en_key(form), concept) for concept in concepts() for form in concept.en]
    pairs.sort(key=lambda pair: -len(pair[0]))
    return [
        (re.compile(rf"(?<!\w){re.escape(form)}{'(?:s|es)?' if concept.plural else ''}(?!\w)"), concept)
        for form, concept in pairs
    ]


def concepts_in(english: str) -> list[Concept]:
    """The concepts an English text names, longest term first; a matched stretch is not matched again."""
    key = en_key(english)
    taken = [False] * len(key)
    found = []
    for pattern, concept in _en_patterns():
        for match in pattern.finditer(key):
            if any(taken[match.start() : match.end()]):
                continue
            taken[match.start() : match.end()] = [True] * (match.end() - match.start())
            if concept not in found:
                found.append(concept)
    return found


def has_term(lang: str, concept: Concept, text: str) -> bool:
    if lang == "km":
        text = text.replace("\u200b", "")  # ZWSP may mark word boundaries for line breaking
        return any(term in text for term in concept.km)
    folded = text.casefold()
    return any(re.search(rf"(?<!\w){re.escape(term.casefold())}(?!\w)", folded) for term in concept.vi)


# --- the texts ----------------------------------------------------------------------------------------------------
def translations_dir() -> Path:
    return Path(os.environ.get("GLOSSARY_TRANSLATIONS") or ROOT / "translations")


def rules_path() -> Path:
    return Path(os.environ.get("GLOSSARY_RULES") or ROOT / "border_trade" / "data" / "document_rules.json")


@cache
def catalogue(lang: str) -> dict[str, tuple[str, list[str]]]:
    """msgid -> (English text incl. the plural, [msgstr forms]) of a translated catalogue."""
    with (translations_dir() / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        po = read_po(handle, locale=lang)
    entries = {}
    for message in po:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        entries[ids[0]] = (" / ".join(ids), [s for s in strings if s])
    return entries


@cache
def rules() -> dict:
    return json.loads(rules_path().read_text(encoding="utf-8"))


def rules_texts():
    """Every trilingual text of the rules file: (where, {"en":…, "vi":…, "km":…})."""

    def walk(node, where):
        if isinstance(node, dict):
            if {"en", "vi", "km"} <= node.keys() and all(isinstance(node[k], str) for k in ("en", "vi", "km")):
                yield where, node
                return
            for key, value in node.items():
                yield from walk(value, f"{where}.{key}" if where else key)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                label = value.get("id", index) if isinstance(value, dict) else index
                yield from walk(value, f"{where}[{label}]")

    yield from walk(rules(), "")


# --- the checks (each returns a list of findings; a test asserts it is empty) --------------------------------------
def missing_terms(lang: str, pairs) -> list[str]:
    """Where an English text names a concept and the translation lacks the concept's term (minus exceptions)."""
    findings = []
    for where, english, translations in pairs:
        for concept in concepts_in(english):
            if (("msgid", concept.name, lang, where) in exceptions()) or not translations:
                continue
            if not all(has_term(lang, concept, text) for text in translations):
                wanted = concept.km if lang == "km" else concept.vi
                findings.append(f"{concept.name!r} -> {wanted[0]!r} missing in {where!r}: {translations[0]!r}")
    return findings


def catalogue_pairs(lang: str):
    return [(msgid, english, strings) for msgid, (english, strings) in catalogue(lang).items()]


def rules_pairs(lang: str):
    return [(where, texts["en"], [texts[lang]]) for where, texts in rules_texts()]


def avoided(texts) -> list[str]:
    findings = []
    for where, text in texts:
        for concept in concepts():
            for term in concept.km_avoid:
                if term in text:
                    findings.append(f"{where!r}: {term!r} (say {concept.km[0]!r} for {concept.name!r}): {text!r}")
    return findings


def spelling_problems(texts) -> list[str]:
    findings = []
    spelled: dict[str, set[str]] = {}
    for where, text in texts:
        for wrong, right in SPELLINGS.items():
            if wrong in text:
                findings.append(f"{where!r}: {wrong!r} should be spelled {right!r}")
        if DISCOURAGED.search(text):
            findings.append(f"{where!r}: discouraged code point {DISCOURAGED.search(text).group()!r}")
        if COENG_RO_FIRST.search(text):
            findings.append(f"{where!r}: COENG RO before another subscript (write it last)")
        for cluster in TA_DA_CLUSTER.findall(text):
            spelled.setdefault(cluster.replace("\u17d2\u178a", "\u17d2\u178f"), set()).add(cluster)
    findings += [f"one word, two spellings: {sorted(forms)}" for forms in spelled.values() if len(forms) > 1]
    return findings


def khmer_digits(texts) -> list[str]:
    return [f"{where!r}: {text!r}" for where, text in texts if KHMER_DIGITS.search(text)]


def shared_terms(lang: str) -> list[str]:
    """Two concepts whose own term (the first of the column) is the same, minus the reviewed exceptions."""
    owners: dict[str, list[str]] = {}
    for concept in concepts():
        term = {"en": concept.en, "vi": concept.vi, "km": concept.km}[lang][0]
        owners.setdefault(term.casefold(), []).append(concept.name)
    allowed = {key[1] for key in exceptions() if key[0] == "shared-term" and key[2] == lang}
    return [f"{term!r}: {names}" for term, names in owners.items() if len(names) > 1 and term not in allowed]


def km_texts(source: str = "both"):
    """The Khmer texts a user reads: the catalogue's msgstr ("catalogue"), the rules file's km texts ("rules")."""
    texts = []
    if source in ("both", "catalogue"):
        texts += [(msgid, text) for msgid, (_, strings) in catalogue("km").items() for text in strings]
    if source in ("both", "rules"):
        texts += [(where, texts["km"]) for where, texts in rules_texts()]
    return texts


def tsv_findings(paths) -> list[str]:
    """The same checks on `msgid<TAB>vi<TAB>km` files (new messages waiting to be merged into the catalogues)."""
    findings = []
    for path in paths:
        rows = []
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[0].strip():
                rows.append([part.replace("\\n", "\n") for part in parts[:3]])
        for lang, column in (("vi", 1), ("km", 2)):
            pairs = [(row[0], row[0], [row[column]]) for row in rows]
            findings += [f"{path}: {lang}: {finding}" for finding in missing_terms(lang, pairs)]
        texts = [(row[0], row[2]) for row in rows]
        for finding in avoided(texts) + spelling_problems(texts) + khmer_digits(texts):
            findings.append(f"{path}: km: {finding}")
    return findings


if __name__ == "__main__":  # .venv/bin/python -m tests.i18n.glossary /tmp/brief/msgs/*.tsv
    import sys

    problems = tsv_findings(sys.argv[1:])
    print("\n".join(problems) or "no glossary problem")
    sys.exit(1 if problems else 0)
