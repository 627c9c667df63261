"""Registered paperwork and the versioned requirement rules."""

import hashlib
import json

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.services import record
from ..declaration_numbers import declaration_number_problem
from ..errors import Conflict, Invalid, NotFound
from ..events import DOCUMENT_REGISTERED, publish
from ..extensions import db
from ..types import utcnow
from . import storage
from .models import Document, DocumentType, RuleSet
from .rules import DEFAULT_RULES_PATH, parse_rules

_PARSED = {}


def load_rule_set(path=DEFAULT_RULES_PATH):
    """Store the packaged rules file as a rule-set version and make it active; idempotent. Return changes made."""
    content = json.loads(path.read_text(encoding="utf-8"))
    parse_rules(content, path.name)  # refuse a malformed file before it reaches the database
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    existing = db.session.scalar(sa.select(RuleSet).where(RuleSet.version == content["version"]))
    changes = 0
    if existing is None:
        existing = RuleSet(version=content["version"], content=content, sha256=digest)
        db.session.add(existing)
        changes += 1
    elif existing.sha256 != digest:
        existing.content, existing.sha256 = content, digest
        changes += 1
    if not existing.is_active:
        db.session.execute(sa.update(RuleSet).values(is_active=False))
        existing.is_active = True
        changes += 1
    db.session.commit()
    return changes


def active_rules():
    """Return the parsed active rule set (the packaged file when the database holds none yet)."""
    row = db.session.execute(sa.select(RuleSet.sha256, RuleSet.id).where(RuleSet.is_active)).first()
    if row is None:
        from .rules import load_rules

        return load_rules()
    if row.sha256 not in _PARSED:
        content = db.session.get(RuleSet, row.id).content
        _PARSED[row.sha256] = parse_rules(content, f"rule set {content.get('version')}")
    return _PARSED[row.sha256]


def list_rule_sets():
    """Return every stored rule-set version, newest first."""
    return db.session.scalars(sa.select(RuleSet).order_by(RuleSet.loaded_at.desc(), RuleSet.id.desc())).all()


def add_document(user, shipment, data, *, upload=None, now=None):
    """Register a paper for a shipment, with an optional scan (PDF, JPEG or PNG up to 10 MB); commit.

    The shipment is already found, in the user's scope, and open for papers: callers go through
    `shipments.services.documents.register_document`. Publishes `document.registered` in the same transaction.
    """
    now = now or utcnow()
    if data.get("expires_on") and data["expires_on"] < data["issued_on"]:
        raise Invalid(errors={"expires_on": [_("The expiry date is before the issue date.")]})
    if DocumentType(data["type"]) is DocumentType.CUSTOMS_DECLARATION:  # issue 18: the VNACCS number rule
        problem = declaration_number_problem(data["number"], shipment.direction)
        if problem:
            raise Invalid(errors={"number": [problem]})
    replaced = None
    if data.get("replaces"):
        replaced = db.session.scalar(
            sa.select(Document).where(Document.id == data["replaces"], Document.shipment_id == shipment.id)
        )
        if replaced is None:
            raise Invalid(errors={"replaces": [_("This shipment has no such document.")]})
        if replaced.superseded_at is not None:
            raise Conflict(_("That document was already replaced."), errors={"replaces": [_("Already replaced.")]})
    document = Document(
        shipment=shipment,
        type=DocumentType(data["type"]),
        number=data["number"].strip(),
        issued_by=data["issued_by"].strip(),
        issued_on=data["issued_on"],
        expires_on=data.get("expires_on"),
        created_by=user,
        created_at=now,
        replaces_id=replaced.id if replaced else None,
    )
    key = None
    if upload is not None:
        content, filename = upload
        mime = storage.sniff(content[:16])
        if mime is None:
            raise Invalid(errors={"file": [_("Only PDF, JPEG or PNG files are accepted.")]})
        if len(content) > storage.MAX_SCAN_BYTES:
            raise Invalid(errors={"file": [_("The file is larger than 10 MB.")]})
        key, digest = storage.save_scan(content)
        document.file_key, document.file_mime, document.file_size = key, mime, len(content)
        document.file_sha256, document.file_name = digest, (filename or "scan")[:200]
    try:
        if replaced is not None:
            replaced.superseded_at = now
        db.session.add(document)
        publish(DOCUMENT_REGISTERED, document=document, replaced=replaced, actor=user, now=now)
        db.session.flush()
        record(
            "document.register",
            actor=user,
            obj=document,
            after={
                "type": document.type.value,
                "number": document.number,
                "shipment": shipment.reference,
                "replaces": document.replaces_id,
            },
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        if key:
            storage.remove_scan(key)
        raise
    return document


def shipment_documents(shipment, *, include_replaced=True):
    """Return a shipment's documents, oldest first (the caller has found the shipment in the user's scope)."""
    query = sa.select(Document).where(Document.shipment_id == shipment.id).order_by(Document.id)
    if not include_replaced:
        query = query.where(Document.superseded_at.is_(None))
    return db.session.scalars(query).all()


def scan_file(documents, document_id):
    """Return (path, mime, name) of the scan of the document `document_id` among a shipment's `documents`, else 404."""
    for document in documents:
        if document.id == int(document_id) and document.file_key:
            return storage.scan_path(document.file_key), document.file_mime, document.file_name
    raise NotFound(_("No such file."))
