"""HTML pages of shipments: the list, the shipment form, the detail page with its paperwork and moves, imports.

Every page reads through the same queries and changes through the same services as the API.
"""

from . import detail, editing, imports  # noqa: F401  (their routes register on blp)
from .blueprint import blp

__all__ = ["blp"]
