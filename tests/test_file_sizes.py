"""No source file over 400 lines in border_trade/, bench/ and templates/ (STYLE.md; tests may be longer)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("border_trade", "bench", "templates")
SUFFIXES = {".py", ".js", ".html"}
LIMIT = 400
EXEMPT = (ROOT / "border_trade" / "static" / "vendor",)  # third-party files, served as they come


def _sources():
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            if "migrations" in path.parts or any(path.is_relative_to(exempt) for exempt in EXEMPT):
                continue
            yield path


def _lines(path):
    with open(path, encoding="utf-8") as handle:
        return sum(1 for _line in handle)


def test_the_size_check_sees_every_kind_of_source():
    seen = {path.suffix for path in _sources()}
    assert seen == SUFFIXES
    assert ROOT / "bench" / "crossing_bench.py" in set(_sources())


def test_no_source_file_is_over_400_lines():
    too_long = {str(path.relative_to(ROOT)): n for path in _sources() if (n := _lines(path)) > LIMIT}
    assert too_long == {}, f"over {LIMIT} lines (split them, see STYLE.md): {too_long}"
