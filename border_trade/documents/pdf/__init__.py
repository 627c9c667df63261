"""Low-level PDF text machinery: fonts, script-aware paragraphs, styles and the build lock."""

from .lock import build_lock
from .patches import apply_patches

apply_patches()

__all__ = ["build_lock"]
