"""Read helpers for shipments and their catalogue data."""

import sqlalchemy as sa

from .models import HsCode


def list_hs_codes_query(q=None):
    """Build the query of HS codes matching a code prefix (dots ignored) or words in any language."""
    query = sa.select(HsCode)
    if q:
        q = q.strip()
        digits = q.replace(".", "").replace(" ", "")
        conditions = [
            sa.func.lower(getattr(HsCode, f"name_{lang}")).contains(q.lower(), autoescape=True)
            for lang in ("vi", "en", "km")
        ]
        if digits.isdigit():
            conditions.append(HsCode.code.startswith(digits, autoescape=True))
        query = query.where(sa.or_(*conditions))
    return query
