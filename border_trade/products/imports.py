"""Bulk import of OCOP products from a CSV or XLSX table: check every row, then save all of them or none."""

from flask_babel import ngettext
from marshmallow import ValidationError

from ..audit.services import record
from ..auth.permissions import require
from ..errors import Invalid, flatten_errors
from ..extensions import db
from ..spreadsheets import hs_code_text, read_rows
from .models import Product
from .schemas import ProductInSchema

# the very checks create_product runs (HS code in the catalogue, province known), and its audit snapshot
from .services import apply_fields, snapshot

COLUMNS = tuple(ProductInSchema().fields)
NORMALISE = {"hs_code": hs_code_text}


def read_product_rows(content, filename):
    """Read an uploaded products table into rows (raise SheetError when the file is not such a table)."""
    return read_rows(content, filename, COLUMNS, normalise=NORMALISE)


def check_product_rows(user, rows):
    """Validate each row as create_product would, saving nothing; fill `row.data` and `row.errors`."""
    require(user, "product.write")
    for row in rows:
        row.data, row.errors = None, {}
        try:
            data = ProductInSchema().load(row.values)
        except ValidationError as error:
            row.errors = flatten_errors(error.messages)
            continue
        try:
            apply_fields(Product(organisation_id=user.organisation_id), data, creating=True)
        except Invalid as error:
            row.errors = {name: [str(m) for m in messages] for name, messages in (error.errors or {}).items()}
            continue
        row.data = data
    return rows


def import_products(user, rows):
    """Add every row to the user's catalogue in one transaction, or none when any row is invalid (422)."""
    check_product_rows(user, rows)
    bad = [row for row in rows if not row.ok]
    if bad:
        raise Invalid(
            ngettext(
                "%(num)d row has errors; nothing was saved.", "%(num)d rows have errors; nothing was saved.", len(bad)
            ),
            errors={f"rows.{row.number}.{name}": messages for row in bad for name, messages in row.errors.items()},
        )
    products = []
    try:
        for row in rows:
            product = Product(organisation_id=user.organisation_id)
            apply_fields(product, row.data, creating=True)
            db.session.add(product)
            products.append(product)
        db.session.flush()
        for product in products:
            record("product.create", actor=user, obj=product, after=snapshot(product) | {"source": "import"})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return products
