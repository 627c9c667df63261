"""The catalogues are complete: every msgid of the code is in messages.pot and translated in vi and km.

`make messages` extracts and updates; translate what it added, then `make compile`.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
TRANSLATED = ("vi", "km")  # every entry needs a translation
FALLBACK = ("en",)  # entries stay empty (the msgid is shown) or equal the msgid
# The same keywords as the Makefile's `messages` target (checked below).
KEYWORDS = ("_l", "lazy_gettext", "ngettext:1,2", "lazy_ngettext:1,2")

PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]|%[-#0 +]*\d*(?:\.\d+)?[sdifrx]|\{[^{}]*\}")


def placeholders(text):
    """Return the sorted printf-style and brace placeholders of a text (%(name)s, %d, {min}); %% is literal."""
    return sorted(PLACEHOLDER.findall(text.replace("%%", "").replace("{{", "").replace("}}", "")))


def read_catalogue(path, locale=None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def ids(catalogue):
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalogue if message.id}


def forms(message):
    return list(message.string) if isinstance(message.string, list | tuple) else [message.string]


def sources(message):
    return list(message.id) if isinstance(message.id, list | tuple) else [message.id]


def label(message):
    return repr(sources(message)[0])


@pytest.fixture(scope="module")
def template():
    return read_catalogue(TRANSLATIONS / "messages.pot")


def test_the_makefile_extracts_with_the_same_keywords():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^messages:.*?(?=^\S)", makefile, re.S | re.M).group(0)
    for keyword in KEYWORDS:
        assert f"-k {keyword}" in recipe, f"the messages target should extract with -k {keyword}"
    assert "--sort-output" in recipe and "--no-location" in recipe, "keep `make messages` output stable"


def test_messages_pot_is_up_to_date_with_the_code(template, tmp_path):
    fresh = tmp_path / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg"]
    for keyword in KEYWORDS:
        command += ["-k", keyword]
    command += ["--no-location", "--sort-output", "--omit-header", "-o", str(fresh), "."]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    extracted, stored = ids(read_catalogue(fresh)), ids(template)
    new, gone = sorted(extracted - stored, key=str), sorted(stored - extracted, key=str)
    assert not new and not gone, (
        f"translations/messages.pot is out of date: run `make messages` and translate.\n"
        f"new in the code: {new[:20]}\nno longer in the code: {gone[:20]}"
    )


@pytest.mark.parametrize("lang", TRANSLATED + FALLBACK)
def test_catalogue_has_every_msgid_of_the_template(template, lang):
    catalogue = read_catalogue(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", lang)
    missing, extra = sorted(ids(template) - ids(catalogue), key=str), sorted(ids(catalogue) - ids(template), key=str)
    assert not missing and not extra, f"{lang}: run `make messages`.\nmissing: {missing[:20]}\nobsolete: {extra[:20]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_entry_is_translated_without_fuzzy_or_placeholder_changes(lang):
    catalogue = read_catalogue(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", lang)
    assert catalogue.num_plurals == 1, f"{lang} has one plural form"
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {label(message)}")
        texts = forms(message)
        wanted = catalogue.num_plurals if message.pluralizable else 1
        if len(texts) != wanted or not all(text and text.strip() for text in texts):
            problems.append(f"untranslated: {label(message)}")
            continue
        expected = [placeholders(source) for source in sources(message)]
        for text in texts:
            if placeholders(text) not in expected:
                problems.append(f"placeholders {placeholders(text)} != {expected[0]}: {label(message)} -> {text!r}")
    assert not problems, f"{lang}: {len(problems)} problem(s)\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", FALLBACK)
def test_english_entries_are_empty_or_the_msgid(lang):
    catalogue = read_catalogue(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", lang)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {label(message)}")
        for index, text in enumerate(forms(message)):
            source = sources(message)[min(index, len(sources(message)) - 1)]
            if text and text != source:
                problems.append(f"{label(message)} -> {text!r}")
    assert not problems, f"{lang}: entries differ from their msgid\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", TRANSLATED + FALLBACK)
def test_compiled_catalogue_matches_the_po_file(lang):
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    mo = folder / "messages.mo"
    assert mo.exists(), f"{mo} is missing: run `make compile`"
    with mo.open("rb") as handle:
        compiled = {m.id if isinstance(m.id, str) else tuple(m.id): m.string for m in read_mo(handle) if m.id}
    po = read_catalogue(folder / "messages.po", lang)
    stale = []
    for message in po:
        if not message.id or message.fuzzy or not any(forms(message)):
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        if compiled.get(key) != message.string and list(compiled.get(key) or []) != forms(message):
            stale.append(label(message))
    assert not stale, f"{mo} is older than messages.po: run `make compile` ({stale[:5]})"


@pytest.mark.parametrize("lang", TRANSLATED + FALLBACK)
def test_po_header_is_stable_and_not_fuzzy(lang):
    """`make messages` leaves no dates in the header (small diffs), and a fuzzy header would not compile."""
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    assert '"POT-Creation-Date: ' not in text and '"PO-Revision-Date: ' not in text, f"run `make messages` ({path})"
    catalogue = read_catalogue(path, lang)
    assert not catalogue.fuzzy, f"{path}: the header is marked fuzzy"
    assert f"Language: {lang}" in text and "Plural-Forms: " in text
