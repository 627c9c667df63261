"""The tablet's texts for the e-queue and customs (issues 17, 18): the booking on a truck's card and its call,
the plate read at `arrived` (checked against the booking, with an audited override), the customs declaration's
number and channel, and the crossing manifest's link. Given to the page's script with the other texts."""

from flask_babel import gettext as _

from ..customs.models import DeclarationStatus
from ..equeue.models import BookingStatus


def equeue_strings():
    """Return the e-queue and customs texts of the tablet, translated for the reader."""
    return {
        "booking_statuses": {status.value: str(label) for status, label in BookingStatus.labels().items()},
        "declaration_statuses": {status.value: str(label) for status, label in DeclarationStatus.labels().items()},
        "walk_in": _("Walk-in (no booking)"),
        "customs_declaration": _("Customs declaration"),
        "manifest": _("Crossing manifest"),
        "call_next": _("Call next"),
        "called": _("Booking %(code)s (%(plate)s) called: the truck must arrive by %(time)s."),
        "call_offline": _("Calling a truck needs the network. Try again when the tablet is online."),
        "call_refused": _("Not called: %(message)s"),
        "time_left": _("%(time)s left to arrive"),
        "window_over": _("Call window over"),
        "plate_booked_hint": _("Booking %(code)s: type the plate you read on the truck (Khmer digits are fine)."),
        "plate_walk_in_hint": _("Walk-in (no booking): the plate may be left blank."),
        "plate_needed": _("Read the plate on the truck: the shipment has booking %(code)s."),
        "plate_mismatch": _(
            "%(read)s is not the booked vehicle %(booked)s (booking %(code)s). Correct the plate, or give a reason "
            "to let the truck in anyway."
        ),
        "booked_plate": _("Booked vehicle: %(plate)s"),
        "fix_plate": _("Correct the plate"),
        "queue_number": _("Walk-in: queue number %(num)s."),
        "red_channel": _(
            "The customs declaration is in the red channel: the goods must be inspected before clearance."
        ),
    }
