"""`flask fonts`: the PDF fonts cut once into their cache (BORDER_TRADE_FONT_CACHE), not by a server process."""

import shutil

from fontTools.ttLib import TTFont

from border_trade.pdf import fonts


def test_the_cache_directory_can_be_configured(monkeypatch, tmp_path):
    monkeypatch.setenv(fonts.CACHE_ENV, str(tmp_path / "fonts"))
    assert fonts.default_cache_dir() == tmp_path / "fonts"
    monkeypatch.delenv(fonts.CACHE_ENV)
    assert fonts.default_cache_dir().parts[-3:] == (".cache", "border-trade", "fonts")


def test_flask_fonts_fills_the_configured_cache_and_cuts_only_what_is_missing(runner, monkeypatch, tmp_path):
    cache = tmp_path / "fonts"
    cache.mkdir()
    for path in fonts.cut_fonts().values():  # the faces already cut on this machine (cut now if not)
        shutil.copy(path, cache / path.name)
    missing = fonts.cut_fonts()[fonts.KHMER].name
    (cache / missing).unlink()
    monkeypatch.setenv(fonts.CACHE_ENV, str(cache))

    result = runner.invoke(args=["fonts"])

    assert result.exit_code == 0, result.output
    listed = dict(line.split(": ", 1) for line in result.output.splitlines())
    assert set(listed) == {fonts.SANS, fonts.SANS_BOLD, fonts.KHMER, fonts.KHMER_BOLD}
    assert all(value.startswith(str(cache)) for value in listed.values())
    assert TTFont(cache / missing)["name"].getDebugName(1) == "Noto Sans Khmer"  # cut again, a font that loads
