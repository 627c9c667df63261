"""E-queue use cases (each owns its commit); importers use `from border_trade.equeue import services`."""

from .bookings import cancel_booking, confirm_booking, create_booking, move_booking
from .capacity import capacity_of, capacity_problems, may_edit_capacity, replace_capacity
from .confirmation import release_unconfirmed

__all__ = [
    "cancel_booking",
    "capacity_of",
    "capacity_problems",
    "confirm_booking",
    "create_booking",
    "may_edit_capacity",
    "move_booking",
    "release_unconfirmed",
    "replace_capacity",
]
