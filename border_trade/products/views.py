"""Pages of the OCOP catalogue: list and search, add and edit, archive, bulk import from CSV or XLSX."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from marshmallow import ValidationError
from wtforms import SelectChoice

from ..auth.permissions import can, require
from ..errors import Invalid, PreconditionFailed, flatten_errors
from ..extensions import db
from ..gates.models import Province
from ..gates.queries import list_provinces_query
from ..i18n import localized
from ..pages import attach_errors, csv_template, keep_upload, me, page_number, requires, template_helpers
from ..reference import HsCode
from ..spreadsheets import drop_upload, load_upload
from ..types import ascii_id
from . import imports, queries, services
from .forms import ConfirmForm, ImportForm, ProductForm, ProductSearchForm
from .models import Product
from .register import local_today
from .schemas import ProductInSchema

blp = Blueprint("products", __name__, url_prefix="/products")
blp.app_context_processor(template_helpers)

PER_PAGE = 50
TEXT_FIELDS = (
    "name_vi",
    "name_km",
    "name_en",
    "hs_code",
    "ocop_stars",
    "ocop_group",
    "ocop_certificate_no",
    "ocop_decision_on",
    "ocop_decision_level",
    "ocop_decision_authority",
    "ocop_product_group",
    "producer",
    "province_code",
    "unit",
    "net_weight_per_unit_kg",
)
IMPORT_KIND = "products"


@blp.route("")
@requires("product.read")
def index():
    """List the organisation's products (every organisation's for admins), with a search box."""
    user = me()
    search = ProductSearchForm(request.args)
    query = queries.list_products_query(user, q=(search.q.data or "").strip()[:100] or None)
    page = db.paginate(
        query.order_by(Product.name_vi, Product.id), page=page_number(), per_page=PER_PAGE, error_out=False
    )
    return render_template(
        "products/index.html",
        page=page,
        search=search,
        may_write=can(user, "product.write"),
        show_organisation=user.organisation_id is None,
        archive_form=ConfirmForm(),
        today=local_today(),
    )


@blp.route("/new", methods=["GET", "POST"])
@requires("product.write")
def create():
    """Add a product to the catalogue."""
    user = me()
    form = _product_form()
    if form.validate_on_submit():
        try:
            product = services.create_product(user, _product_input(form))
        except Invalid as error:
            db.session.rollback()
            return _form_page(form, error, status=422)
        flash(_("Product %(name)s added.", name=product.name_vi), "success")
        return redirect(url_for("products.index"))
    return _form_page(form, status=400 if form.is_submitted() else 200)


@blp.route("/<int:product_id>/edit", methods=["GET", "POST"])
@requires("product.write")
def edit(product_id):
    """Change a product of the organisation (refused when someone else saved it meanwhile)."""
    user = me()
    product = queries.visible_product_or_404(user, product_id)
    require(user, "product.write", product)
    form = _product_form(product)
    if form.validate_on_submit():
        if_match = f'"{product.id}-{form.version.data}"' if ascii_id(form.version.data or "") else None
        try:
            services.update_product(user, product.id, _product_input(form), if_match=if_match)
        except (Invalid, PreconditionFailed) as error:
            db.session.rollback()
            return _form_page(form, error, product=product, status=error.code)
        flash(_("Product %(name)s saved.", name=product.name_vi), "success")
        return redirect(url_for("products.index"))
    return _form_page(form, product=product, status=400 if form.is_submitted() else 200)


@blp.route("/<int:product_id>/archive", methods=["POST"])
@requires("product.write")
def archive(product_id):
    """Hide a product from the catalogue; shipments that used it keep it."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _bad_form()
    product = services.archive_product(me(), product_id)
    flash(_("Product %(name)s archived.", name=product.name_vi), "success")
    return redirect(url_for("products.index"))


# --- bulk import ---------------------------------------------------------------------------------------------------


@blp.route("/import/template.csv")
@requires("product.write")
def import_template():
    """Download an empty products table: the header row the import expects."""
    return csv_template(imports.COLUMNS, "products-template.csv")


@blp.route("/import", methods=["GET", "POST"])
@requires("product.write")
def import_upload():
    """Upload a CSV or XLSX table of products; it is kept on the server and checked row by row."""
    form = ImportForm()
    key = keep_upload(form, imports.read_product_rows, kind=IMPORT_KIND)
    if key:
        return redirect(url_for("products.import_preview", key=key))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "imports/upload.html",
        title=_("Import products"),
        template_url=url_for("products.import_template"),
        back_url=url_for("products.index"),
        back_label=_("Back to the catalogue"),
        form=form,
        columns=imports.COLUMNS,
    ), status


@blp.route("/import/<key>", methods=["GET", "POST"])
@requires("product.write")
def import_preview(key):
    """Show every row of the kept file with its errors; confirming saves all rows in one go, or none."""
    user = me()
    rows, filename = load_upload(key, owner_id=user.id, kind=IMPORT_KIND)  # read at upload, never parsed again
    form = ConfirmForm()
    message, status = None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            return _bad_form()
        if "cancel" in request.form:
            drop_upload(key)
            flash(_("The import was cancelled; nothing was saved."), "info")
            return redirect(url_for("products.index"))
        try:
            saved = imports.import_products(user, rows)
        except Invalid as error:
            db.session.rollback()
            message, status = error.message, 422
        else:
            drop_upload(key)
            flash(ngettext("%(num)d product imported.", "%(num)d products imported.", len(saved)), "success")
            return redirect(url_for("products.index"))
    else:
        imports.check_product_rows(user, rows)
    return render_template(
        "imports/preview.html",
        title=_("Import products"),
        filename=filename,
        columns=imports.COLUMNS,
        rows=rows,
        general=[message] if message else [],
        form=form,
        back_url=url_for("products.import_upload"),
    ), status


# --- helpers -------------------------------------------------------------------------------------------------------


def _bad_form():
    raise Invalid(_("The form expired; reload the page and try again."))


def _product_form(product=None):
    form = ProductForm(obj=product) if product is not None and request.method == "GET" else ProductForm()
    provinces = db.session.scalars(
        list_provinces_query(country="VN").where(Province.valid_to.is_(None)).order_by(Province.name_vi)
    ).all()
    form.province_code.choices = [SelectChoice("", "—")] + [
        SelectChoice(p.code, localized(p, "name")) for p in provinces
    ]
    if product is not None and request.method == "GET":
        form.province_code.data = product.province.code if product.province else ""
        form.version.data = str(product.version)
    return form


def _product_input(form):
    """Turn the posted form into ProductInSchema's shape and load it (422 naming each bad field)."""
    raw = {}
    for name in TEXT_FIELDS:
        value = (form[name].data or "").strip()
        raw[name] = value or None
    if raw["hs_code"]:
        raw["hs_code"] = raw["hs_code"].replace(".", "").replace(" ", "")
    if raw["unit"] is None:
        del raw["unit"]
    try:
        return ProductInSchema().load(raw)
    except ValidationError as error:
        raise Invalid(_("Some fields are invalid."), errors=flatten_errors(error.messages)) from None


def _form_page(form, error=None, *, product=None, status=200):
    general = attach_errors(form, error.errors) if error is not None else []
    if error is not None:
        general.insert(0, str(error.message or _("Some fields are invalid.")))
    if "csrf_token" in form.errors:
        general.insert(0, _("The form expired; reload the page and try again."))
    hs_codes = db.session.scalars(sa.select(HsCode).order_by(HsCode.code)).all()
    page = render_template(
        "products/form.html", form=form, product=product, general=general, hs_codes=hs_codes, today=local_today()
    )
    return page, status
