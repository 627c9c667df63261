"""The demo's targets: Tây Ninh's for the current year (demo figures, not the province's published targets)."""

from .services import seed_targets

# sized to the demo world (a few dozen crossings a season), so the progress bars read part-way
DEMO_TARGETS = {
    "export_value_usd": "600000.00",
    "import_value_usd": "400000.00",
    "ocop_products_exported": "8",
    "trucks": "80",
}


def seed_demo_targets(year):
    """Give TAY-NINH its demo targets for `year` (idempotent: a target already set is kept)."""
    return seed_targets("TAY-NINH", year, DEMO_TARGETS)
