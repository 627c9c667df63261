"""The shipment page's "Documents" section: one link per generated PDF the shipment has, in a language pair, with
the current revision (number, revision, issue time, verification page) and the superseded ones.

The links go to the API's download (`shipments/pdf_api.py`), which takes the browser's session for a GET: the same
service issues the same bytes for the page and for an API client. Only a PDF's hash is kept, not its bytes: an older
revision is listed (and its QR code still verifies, saying it was superseded), never downloaded again.
"""

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...documents.models import IssuedPdf, PdfKind
from ...documents.pdf_data import KIND_CODES
from ...documents.pdfs import verification_token
from ...errors import BadRequest
from ...i18n import LANGUAGE_NAMES
from ..models import Direction
from ..services import pdfs

# the language pairs the page offers, as `?pair=` names them; the first is the default (API.md: lang=vi,km)
PAIRS = {"vi-km": ("vi", "km"), "vi-en": ("vi", "en"), "km-en": ("km", "en")}
DEFAULT_PAIR = "vi-km"
KIND_TITLES = {
    PdfKind.COMMERCIAL_INVOICE: _l("Commercial invoice"),
    PdfKind.PACKING_LIST: _l("Packing list"),
    PdfKind.CO_FORM_D: _l("ATIGA Form D worksheet"),
    PdfKind.CROSSING_MANIFEST: _l("Crossing manifest"),
}


@dataclass
class Revision:
    number: str
    revision: int
    issued_at: object
    superseded_at: object
    verify_url: str


@dataclass
class PairState:
    pair: str
    lang: str
    href: str
    current: Revision | None = None
    superseded: list[Revision] = field(default_factory=list)


@dataclass
class KindRow:
    kind: PdfKind
    title: str
    number: str
    pairs: list[PairState]


def chosen_pair(value: str | None) -> str:
    """Return the `?pair=` of the request (the default when absent), or raise 400 naming the field."""
    if value is None or value == "":
        return DEFAULT_PAIR
    if value not in PAIRS:
        choices = ", ".join(PAIRS)
        raise BadRequest(
            _("Choose the documents' languages among %(choices)s.", choices=choices),
            errors={"pair": [_("Choose the documents' languages among %(choices)s.", choices=choices)]},
        )
    return value


def pair_choices() -> list[tuple[str, str, str]]:
    """(value, lang parameter, label in each language's own name) for the select."""
    return [(key, ",".join(codes), " + ".join(LANGUAGE_NAMES[c] for c in codes)) for key, codes in PAIRS.items()]


def documents_section(shipment) -> list[KindRow]:
    """One row per PDF kind the shipment has (or had issued), each with its state in every language pair."""
    records = pdfs.issued_pdfs(shipment)
    kinds = set(pdfs.kinds_of(shipment))
    if shipment.direction is not Direction.IMPORT:  # a Form D issued before the preference was dropped stays listed
        kinds |= {record.kind for record in records}
    rows = []
    for kind in PdfKind:
        if kind not in kinds:
            continue
        states = []
        for key, codes in PAIRS.items():
            lang = ",".join(codes)
            chain = [r for r in records if r.kind is kind and r.languages == lang]
            current = next((r for r in chain if r.superseded_at is None), None)
            states.append(
                PairState(
                    pair=key,
                    lang=lang,
                    href=url_for("pdf_api.download", id_or_reference=shipment.id, kind=kind.value, lang=lang),
                    current=_revision(current) if current is not None else None,
                    superseded=[_revision(r) for r in chain if r.superseded_at is not None],
                )
            )
        number = f"{shipment.reference}/{KIND_CODES[kind]}"
        rows.append(KindRow(kind=kind, title=str(KIND_TITLES[kind]), number=number, pairs=states))
    return rows


def _revision(record: IssuedPdf) -> Revision:
    return Revision(
        number=record.number,
        revision=record.revision,
        issued_at=record.issued_at,
        superseded_at=record.superseded_at,
        verify_url=url_for("verify.page", token=verification_token(record)),
    )
