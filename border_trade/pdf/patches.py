"""Fixes for ReportLab bugs that affect our output, applied once when the pdf package is imported."""

from __future__ import annotations

import threading

import reportlab
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus.tables import Table

# Releases known to carry the setRise bug; a newer release must be re-checked (the regression
# test fails if the bug is back unpatched) before being added here.
SETRISE_AFFECTED = frozenset({"5.1.0"})

_lock = threading.Lock()
_applied: set[str] = set()


def _set_rise(self: PDFTextObject, rise: float) -> None:
    """Move the text baseline up or down, keeping ``_rise`` in step with the emitted operators."""
    v = f"{fp_str(rise)} Ts"
    # 5.1.0 merges "r0 Ts r1 Ts" into "r1 Ts" but keeps r0 as the current rise, so every later
    # glyph of a Khmer line (after a subscript plus below-vowel cluster) is drawn at r1.
    # The emptiness guard matters inside _formatText, which starts from an empty code list.
    if self._code and self._code[-1].endswith(" Ts"):
        self._y += self._rise
        self._code[-1] = v
    else:
        self._code.append(v)
    self._rise = rise
    self._y -= rise


def _culprit(self: Table) -> str:
    """Describe a too-tall table's tallest row, skipping rows not measured yet.

    A table lays out only the rows it needs (rows not reached hold None); ReportLab's own version then fails
    with TypeError while composing the LayoutError message, so the caller never sees the LayoutError.
    """
    tallest = max((h for h in self._rowHeights or () if h is not None), default=0)
    return f"tallest cell {tallest:0.1f} points"


def apply_patches() -> set[str]:
    """Apply the ReportLab fixes this release needs, once; return the names of those applied."""
    with _lock:
        if "setRise" not in _applied and reportlab.Version in SETRISE_AFFECTED:
            PDFTextObject.setRise = _set_rise
            _applied.add("setRise")
        if "culprit" not in _applied:
            Table._culprit = _culprit
            _applied.add("culprit")
        return set(_applied)
