"""Reads of tariff quotas: the list for a year, one quota by code, what a shipment's claim holds."""

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import NotFound
from ..extensions import db
from .models import QuotaClaim, TariffQuota

CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,39}")


def normalise_code(code):
    return (code or "").strip().upper()


def well_formed(code):
    """Tell whether a (normalised) code could be a quota's: ASCII letters, digits, '.', '_', '-', at most 40."""
    return CODE.fullmatch(code) is not None


def quota_by_code(code, *, lock=False):
    """Return the quota with this code (None when there is none); `lock` takes its row lock (SELECT … FOR UPDATE)."""
    if not well_formed(normalise_code(code)):
        return None  # never sent to the database (a NUL byte would be a server error on PostgreSQL)
    query = sa.select(TariffQuota).where(TariffQuota.code == normalise_code(code))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def get_quota_or_404(code, *, lock=False):
    quota = quota_by_code(code, lock=lock)
    if quota is None:
        raise NotFound(_("No tariff quota has this code."))
    return quota


def quota_exists(code):
    if not well_formed(normalise_code(code)):
        return False
    return db.session.scalar(sa.select(TariffQuota.id).where(TariffQuota.code == normalise_code(code))) is not None


def list_quotas(year=None):
    """Return the quotas whose period overlaps `year` (every quota when None), by period then code."""
    query = sa.select(TariffQuota)
    if year is not None:
        query = query.where(TariffQuota.period_from <= date(year, 12, 31), TariffQuota.period_to >= date(year, 1, 1))
    return db.session.scalars(query.order_by(TariffQuota.period_from, TariffQuota.code)).all()


def claim_of(shipment_id, *, lock=False):
    """Return the shipment's claim on a quota (None when it holds none)."""
    query = sa.select(QuotaClaim).where(QuotaClaim.shipment_id == shipment_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)
