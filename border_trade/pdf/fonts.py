"""Register static Noto Sans and Noto Sans Khmer faces with ReportLab, once per process."""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import fontpkg
from fontTools.ttLib import TTFont as FTFont
from fontTools.varLib import instancer
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SANS = "NotoSans"
SANS_BOLD = "NotoSans-Bold"
KHMER = "NotoSansKhmer"
KHMER_BOLD = "NotoSansKhmer-Bold"
BOLD_FACES = frozenset({SANS_BOLD, KHMER_BOLD})

# Khmer-capable paragraphs shape every word, Latin ones included, and HarfBuzz applies `liga` by
# default, so "official" would print (and extract) as "oﬃcial". Latin never needs ligatures on a
# customs form, so the Latin faces are cut without them. Khmer keeps its own: its shaping needs them.
_LATIN_FEATURES_DROPPED = ("liga", "dlig", "clig", "hlig")


@dataclass(frozen=True)
class _Face:
    name: str
    family: str
    weight: int
    drop_features: tuple[str, ...] = ()


_FACES = (
    _Face(SANS, "Noto Sans", 400, _LATIN_FEATURES_DROPPED),
    _Face(SANS_BOLD, "Noto Sans", 700, _LATIN_FEATURES_DROPPED),
    _Face(KHMER, "Noto Sans Khmer", 400),
    _Face(KHMER_BOLD, "Noto Sans Khmer", 700),
)

# Bump when the way faces are cut changes, so stale caches are not reused.
_CUT_REVISION = "1"

_lock = threading.Lock()
_registered: dict[str, Path] | None = None


CACHE_ENV = "BORDER_TRADE_FONT_CACHE"  # where cut instances are kept, if set (production: /var/lib/border-trade/fonts)


def default_cache_dir() -> Path:
    """Return the directory where cut font instances are kept: $BORDER_TRADE_FONT_CACHE, else the user's cache."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "border-trade" / "fonts"


def cut_fonts(cache_dir: str | os.PathLike | None = None) -> dict[str, Path]:
    """Make sure the four cut faces are in the cache (about 10 s of CPU in all when they are missing), without
    registering them: `flask fonts`, run once at install, so that no server process cuts them at its first request
    (each one would, at once, after a deploy)."""
    return {face.name: _cached_instance(face, cache_dir) for face in _FACES}


def register_fonts(cache_dir: str | os.PathLike | None = None) -> dict[str, Path]:
    """Register the four static faces and their families with ReportLab; return name -> TTF path."""
    global _registered
    # Only the first call's cache_dir counts: ReportLab's font registry is process-wide.
    if _registered is not None:
        return dict(_registered)
    with _lock:
        if _registered is None:
            paths = cut_fonts(cache_dir)
            for name, path in paths.items():
                pdfmetrics.registerFont(TTFont(name, str(path)))
            for regular, bold in ((SANS, SANS_BOLD), (KHMER, KHMER_BOLD)):
                # No italic faces are cut: italic maps to upright rather than failing on <i>.
                pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold, italic=regular, boldItalic=bold)
            _registered = paths
    return dict(_registered)


def font_path(name: str) -> Path:
    """Return the cut TTF file registered under a ReportLab font name."""
    return register_fonts()[name]


def _cached_instance(face: _Face, cache_dir: str | os.PathLike | None) -> Path:
    family = fontpkg.family(face.family)
    source = fontpkg.path(face.family, face.weight)
    key = f"{face.name}-{family.version}-{source.stat().st_size}-r{_CUT_REVISION}.ttf"
    for directory in _candidate_dirs(cache_dir):
        target = directory / key
        if target.is_file() and _loads(target):
            return target
        try:
            directory.mkdir(parents=True, exist_ok=True)
            _write_instance(face, source, target)
        except OSError:
            continue
        return target
    raise OSError(f"no writable directory to cache the {face.name} font instance")


def _candidate_dirs(cache_dir: str | os.PathLike | None) -> list[Path]:
    if cache_dir is not None:
        return [Path(cache_dir)]
    # A read-only or missing home (service accounts, containers) falls back to the temp dir,
    # per user so one account's directory never blocks another's.
    user = getattr(os, "getuid", lambda: "")()
    fallback = Path(tempfile.gettempdir()) / f"border-trade-fonts-{user}"
    try:
        return [default_cache_dir(), fallback]
    except RuntimeError:  # no home directory can be determined at all
        return [fallback]


def _loads(path: Path) -> bool:
    try:
        FTFont(str(path), lazy=True)["head"]
    except Exception:
        return False
    return True


def _write_instance(face: _Face, source: Path, target: Path) -> None:
    varfont = FTFont(str(source))
    # Pin every axis: a partial instance is still variable and ReportLab would use its default.
    location = {axis.axisTag: axis.defaultValue for axis in varfont["fvar"].axes}
    location["wght"] = face.weight
    # updateFontNames gives each weight its own PostScript name; ReportLab de-duplicates faces
    # by that name, so without it the bold face would silently print as regular.
    font = instancer.instantiateVariableFont(varfont, location, updateFontNames=True)
    if face.drop_features:
        _drop_gsub_features(font, face.drop_features)
    # Write next to the target and rename, so a concurrent process never reads half a file.
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        font.save(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache is read by every worker
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _drop_gsub_features(font: FTFont, tags: tuple[str, ...]) -> None:
    table = font["GSUB"].table
    records = table.FeatureList.FeatureRecord
    keep = [i for i, rec in enumerate(records) if rec.FeatureTag not in tags]
    remap = {old: new for new, old in enumerate(keep)}
    table.FeatureList.FeatureRecord = [records[i] for i in keep]
    table.FeatureList.FeatureCount = len(keep)
    for script in table.ScriptList.ScriptRecord:
        langsyses = [script.Script.DefaultLangSys] + [rec.LangSys for rec in script.Script.LangSysRecord]
        for langsys in filter(None, langsyses):
            langsys.FeatureIndex = [remap[i] for i in langsys.FeatureIndex if i in remap]
            langsys.FeatureCount = len(langsys.FeatureIndex)
            if langsys.ReqFeatureIndex != 0xFFFF:
                langsys.ReqFeatureIndex = remap.get(langsys.ReqFeatureIndex, 0xFFFF)
    # FeatureVariations also index features; instancing removed them, so nothing else to fix.
