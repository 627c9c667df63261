"""Read helpers for products, always scoped to the caller's organisation."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..auth.models import Role
from ..errors import NotFound
from ..extensions import db
from .models import Product


def visible_products(user):
    """Return a select() of the products a user may see (admins: all; exporters: their organisation's)."""
    query = sa.select(Product).where(Product.is_archived.is_(False))
    if user.role is Role.ADMIN:
        return query
    if user.role is Role.EXPORTER:
        return query.where(Product.organisation_id == user.organisation_id)
    return query.where(sa.false())


def list_products_query(user, *, q=None, hs_code=None, ocop_group=None, ocop_product_group=None):
    query = visible_products(user)
    if q:
        pattern = q.strip().lower()
        query = query.where(
            sa.or_(
                *[
                    sa.func.lower(getattr(Product, f"name_{lang}")).contains(pattern, autoescape=True)
                    for lang in ("vi", "km", "en")
                ]
            )
        )
    if hs_code:
        query = query.where(Product.hs_code.startswith(hs_code, autoescape=True))
    if ocop_group:
        query = query.where(Product.ocop_group == ocop_group)
    if ocop_product_group:
        query = query.where(Product.ocop_product_group == ocop_product_group)
    return query


def visible_product_or_404(user, product_id, *, lock=False):
    query = visible_products(user).where(Product.id == product_id)
    if lock:
        query = query.with_for_update()
    product = db.session.scalar(query)
    if product is None:
        raise NotFound(_("No such product."))
    return product
