"""What every PDF of the application prints with: fonts, script-aware text, styles, colours, cells, ruled tables
and the build lock. It knows nothing of the database or of any domain; `documents/pdf/` (the customs documents)
and `reports/pdf.py` (the monthly report) build on it."""

from .lock import build_lock
from .patches import apply_patches

apply_patches()

__all__ = ["build_lock"]
