"""The quota page (/quotas: every signed-in role sees reserved, used and remaining), and what the shipment page
shows of the quota a shipment names (templates/quotas/_remaining.html)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request

from ..pages import requires
from ..types import ascii_id
from . import queries
from .counting import count

blp = Blueprint("quotas", __name__, url_prefix="/quotas")
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@blp.app_context_processor
def quota_helpers():
    return {"quota_for": queries.quota_by_code, "quota_share": share, "quota_count": shipment_count}


def shipment_count(quota, items):
    """Return what a shipment's goods lines count for on the quota (in its unit)."""
    return count([(item.hs_code, item.net_weight_kg) for item in items], quota.hs_prefixes, quota.unit)[0]


def share(part, quota):
    """Return `part` of the quota's quantity in percent (0–100, one decimal) for the bars."""
    if not quota.quantity:
        return 0
    return round(min(max(float(part / quota.quantity * 100), 0.0), 100.0), 1)


@blp.route("")
@requires("reference.read")
def index():
    """List the quotas of a year (this year by default) with reserved, used and remaining bars."""
    this_year = datetime.now(LOCAL_ZONE).year
    year = ascii_id(request.args.get("year", "")) or this_year
    if not 2000 <= year <= 2100:
        year = this_year
    return render_template("quotas/index.html", quotas=queries.list_quotas(year), year=year, this_year=this_year)
