"""OCOP catalogue use cases; each owns its commit."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.services import record
from ..auth.permissions import require
from ..errors import Invalid
from ..extensions import db
from ..gates.models import Province
from ..reference import HsCode
from ..versioning import check_version
from .models import Product
from .queries import visible_product_or_404
from .register import check_register

FIELDS = (
    "name_vi",
    "name_km",
    "name_en",
    "hs_code",
    "ocop_stars",
    "ocop_group",
    "ocop_certificate_no",
    "ocop_recognised_on",
    "ocop_certificate_expires_on",
    "ocop_authority",
    "ocop_decision_on",
    "ocop_decision_level",
    "ocop_decision_authority",
    "ocop_product_group",
    "producer",
    "unit",
    "net_weight_per_unit_kg",
)


def snapshot(product):
    """Return the product's fields as the audit trail records them."""
    return {
        name: (str(v) if v is not None and not isinstance(v, int | str) else v)
        for name in FIELDS
        for v in [getattr(product, name)]
    }


def apply_fields(product, data, *, creating=False):
    """Set a product's fields from checked input; raise Invalid naming each bad field (nothing is committed).

    The OCOP recognition's expiry is derived from its decision date (register.py states the rules)."""
    errors, expires = check_register(product, data, creating=creating)
    if "hs_code" in data and db.session.get(HsCode, data["hs_code"]) is None:
        errors["hs_code"] = [_("This HS code is not in the catalogue.")]
    if data.get("province_code"):
        province = db.session.scalar(sa.select(Province).where(Province.code == data["province_code"].upper()))
        if province is None:
            errors["province_code"] = [_("No province has this code.")]
        else:
            product.province = province
    if errors:
        raise Invalid(_("Some fields are invalid."), errors=errors)
    for name in FIELDS:
        if name in data and name != "ocop_certificate_expires_on":
            setattr(product, name, data[name])
    if expires != product.ocop_certificate_expires_on:
        product.ocop_certificate_expires_on = expires


def create_product(user, data):
    """Add an OCOP product to the user's organisation catalogue."""
    require(user, "product.write")
    product = Product(organisation_id=user.organisation_id)
    apply_fields(product, data, creating=True)
    db.session.add(product)
    db.session.flush()
    record("product.create", actor=user, obj=product, after=snapshot(product))
    db.session.commit()
    return product


def update_product(user, product_id, data, *, if_match=None):
    """Change a product of the user's organisation."""
    product = visible_product_or_404(user, product_id, lock=True)
    require(user, "product.write", product)
    check_version(product, if_match)
    before = snapshot(product)
    apply_fields(product, data)
    db.session.flush()
    record("product.update", actor=user, obj=product, before=before, after=snapshot(product))
    db.session.commit()
    return product


def archive_product(user, product_id):
    """Hide a product from the catalogue (its past shipments keep it)."""
    product = visible_product_or_404(user, product_id, lock=True)
    require(user, "product.write", product)
    product.is_archived = True
    record("product.archive", actor=user, obj=product)
    db.session.commit()
    return product
