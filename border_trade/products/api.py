"""OCOP product endpoints: an exporter's catalogue."""

from flask import request

from ..api import api_user
from ..api.blueprint import Blueprint
from ..api.pagination import keyset_page, page_schema
from ..auth.permissions import require
from ..versioning import with_etag
from . import queries, services
from .models import Product
from .schemas import ProductInSchema, ProductPatchSchema, ProductQuerySchema, ProductSchema

blp = Blueprint("products_api", __name__, url_prefix="/api/v1", description="OCOP products")

ProductPageSchema = page_schema(ProductSchema, "ProductPage")


@blp.route("/products")
@blp.arguments(ProductQuerySchema, location="query")
@blp.response(200, ProductPageSchema)
def list_products(args):
    """List the products of the caller's organisation."""
    user = api_user()
    require(user, "product.read")
    query = queries.list_products_query(
        user,
        q=args.get("q"),
        hs_code=args.get("hs_code"),
        ocop_group=args.get("ocop_group"),
        ocop_product_group=args.get("ocop_product_group"),
    )
    return keyset_page(query, [Product.id], limit=args["limit"], cursor=args.get("cursor"))


@blp.route("/products", methods=["POST"])
@blp.arguments(ProductInSchema)
@blp.response(201, ProductSchema)
def create_product(data):
    """Add an OCOP product to the caller's catalogue."""
    return with_etag(services.create_product(api_user(), data), 201)


@blp.route("/products/<id:product_id>")
@blp.response(200, ProductSchema)
def get_product(product_id):
    """Show one product of the caller's organisation."""
    user = api_user()
    require(user, "product.read")
    return with_etag(queries.visible_product_or_404(user, product_id))


@blp.route("/products/<id:product_id>", methods=["PATCH"])
@blp.arguments(ProductPatchSchema)
@blp.response(200, ProductSchema)
def patch_product(data, product_id):
    """Change a product; a stale If-Match answers 412."""
    product = services.update_product(api_user(), product_id, data, if_match=request.headers.get("If-Match"))
    return with_etag(product)
