"""The VNACCS customs declaration number rule, shared by the documents and customs domains (issue 18).

A VNACCS declaration number has 12 digits; an export declaration's starts with 3, an import declaration's with 1
(VNACCS numbering as published by Vietnamese customs, e.g. export 305254403660; docs/rules.md and
docs/api-additions.md, "Customs declaration, handoff, ACDD").
"""

from flask_babel import gettext as _

LENGTH = 12
FIRST_DIGIT = {"export": "3", "import": "1"}


def declaration_number_problem(number, direction):
    """Return what is wrong with a declaration number for a shipment going `direction` (translated), or None."""
    text = (number or "").strip()
    if not (text.isascii() and text.isdigit()):
        return _("A declaration number has only the digits 0 to 9.")
    if len(text) != LENGTH:
        return _("A declaration number has 12 digits; this one has %(count)d.", count=len(text))
    first = FIRST_DIGIT.get(str(getattr(direction, "value", direction)))
    if first == "3" and not text.startswith(first):
        return _("An export declaration number starts with 3.")
    if first == "1" and not text.startswith(first):
        return _("An import declaration number starts with 1.")
    return None
