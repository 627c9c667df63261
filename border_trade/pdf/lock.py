"""Serialise PDF builds: ReportLab keeps per-font and per-canvas state that is not thread-safe."""

import threading

# Re-entrant so a builder holding it can call helpers (such as Khmer line breaking, which shapes
# text and so mutates shared font state) that take it too.
build_lock = threading.RLock()
