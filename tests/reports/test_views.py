"""The reports page and the gate figures block."""

import re
from datetime import date

import pytest
from flask import g, render_template_string
from flask_login import login_user

from border_trade.auth.models import Role
from border_trade.reports import services
from tests.factories import get_gate

from .conftest import local


@pytest.fixture
def world(flat_rates, crossed, exporter_org, other_exporter_org, product):
    crossed(exporter_org, local(2025, 3, 10), gate="MOC-BAI", items=[{"product_id": product.id}], dwell_minutes=50)
    crossed(exporter_org, local(2025, 3, 12), gate="BINH-HIEP", dwell_minutes=200)
    crossed(other_exporter_org, local(2025, 4, 1), gate="XA-MAT", dwell_minutes=500)
    crossed(exporter_org, local(2024, 3, 11), gate="MOC-BAI")
    crossed(exporter_org, local(2025, 3, 11), gate="TINH-BIEN")


def test_officer_sees_table_charts_and_downloads(login_as, officer, world):
    client = login_as(officer)
    page = client.get("/reports?from=2025-01-01&to=2025-12-31&lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('<svg role="img"') == 4  # the four charts (the menu bell is an svg too)
    assert ' style="' not in html.split('id="report-table"')[1]  # the CSP refuses style attributes
    totals = re.search(r'data-total="shipments">([^<]+)<', html).group(1)
    assert totals == "3"  # MOC-BAI, BINH-HIEP (formerly Long An) and XA-MAT; not TINH-BIEN
    assert "TINH-BIEN" not in html
    assert 'data-download="csv"' in html and 'data-download="xlsx"' in html and 'data-download="pdf"' in html
    xlsx = re.search(r'data-download="xlsx" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    download = client.get(xlsx)  # the API takes the page's session for GET
    assert download.status_code == 200
    assert download.data.startswith(b"PK")
    pdf = re.search(r'data-download="pdf" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "month=2025-12" in pdf and "province=TAY-NINH" in pdf


def test_filters_narrow_the_page(login_as, officer, world):
    client = login_as(officer)
    html = client.get("/reports?from=2025-03-01&to=2025-03-31&gate=MOC-BAI&group_by_1=gate&group_by_2=day").get_data(
        as_text=True
    )
    assert re.search(r'data-total="shipments">([^<]+)<', html).group(1) == "1"
    assert "2025-03-10" in html
    assert 'option value="MOC-BAI" selected' in html


def test_a_filter_that_does_not_parse_is_dropped_with_a_warning(login_as, officer, world):
    client = login_as(officer)
    page = client.get("/reports?from=2025-01-01&to=2025-12-31&ocop_stars=9&gate=NOWHERE&lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("alert-warning") >= 2
    assert re.search(r'data-total="shipments">([^<]+)<', html).group(1) == "3"


def test_another_province_on_the_page_is_forbidden(login_as, officer, world):
    assert login_as(officer).get("/reports?province=AN-GIANG").status_code == 403


@pytest.mark.parametrize("role", [Role.EXPORTER, Role.GATE_OFFICER])
def test_the_page_is_for_report_readers(login_as, role):
    assert login_as(role).get("/reports").status_code == 403


def test_admin_sees_every_province(login_as, admin, world):
    html = login_as(admin).get("/reports?from=2025-01-01&to=2025-12-31&group_by_1=province").get_data(as_text=True)
    assert re.search(r'data-total="shipments">([^<]+)<', html).group(1) == "4"
    assert 'data-download="pdf"' not in html  # no province chosen: the monthly report needs one


def test_gate_figures(app, officer, world):
    figures = services.gate_figures(officer, get_gate("MOC-BAI"), today=date(2025, 3, 20))
    assert figures["this_month"]["shipments"] == 1
    assert figures["a_year_ago"]["shipments"] == 1
    assert figures["last_month"]["shipments"] == 0
    assert figures["dwell"]["p50_minutes"] == 50.0
    assert services.gate_figures(officer, get_gate("TINH-BIEN")) is None

    with app.test_request_context("/gates/MOC-BAI"):
        login_user(officer)
        html = render_template_string('{% include "reports/_gate_figures.html" %}', gate=get_gate("MOC-BAI"))
    assert 'id="gate-figures"' in html and 'data-gate="MOC-BAI"' in html
    with app.test_request_context("/gates/MOC-BAI"):
        g.pop("_login_user", None)  # the test's app context outlives the request: forget the signed-in user
        assert (
            render_template_string('{% include "reports/_gate_figures.html" %}', gate=get_gate("MOC-BAI")).strip() == ""
        )


def test_page_in_both_directions(login_as, officer, both_ways):
    """The direction filter, export/import/balance totals, the direction chart and the monthly-report chooser."""
    client = login_as(officer)
    html = client.get("/reports?from=2025-08-01&to=2025-08-31&lang=en").get_data(as_text=True)
    totals = dict(re.findall(r'data-total="(\w+)">([^<]+)<', html))
    assert totals["export_value_usd"] == "$7,600.00"
    assert totals["import_value_usd"] == "$20,001.01"
    assert totals["balance_usd"] == "-$12,401.01"
    assert 'id="chart-directions"' in html and 'aria-label="Export, import and balance per month (USD)"' in html
    assert '<select class="form-select" id="direction" name="direction">' in html
    imports = client.get("/reports?from=2025-08-01&to=2025-08-31&direction=import&group_by_1=direction&lang=en")
    html = imports.get_data(as_text=True)
    assert re.search(r'data-total="shipments">([^<]+)<', html).group(1) == "3"
    assert '<option value="import" selected>' in html
    assert ">Import</span>" in html  # the rows carry the direction
    # the department's report: month, province and languages chosen on the page, downloaded with the session
    form = html.split('id="department-report"')[1].split("</form>")[0]
    assert 'type="month"' in form and 'name="month" value="2025-08"' in form
    assert '<option value="TAY-NINH" selected>' in form
    xlsx = re.search(r'action="([^"]+)" class="[^"]*" id="department-report"', html).group(1)
    assert xlsx == "/api/v1/reports/border-trade.xlsx"
    download = client.get(f"{xlsx}?month=2025-08&province=TAY-NINH&lang=vi,km")
    assert download.status_code == 200 and download.data.startswith(b"PK")
    pdf = re.search(r'formaction="([^"]+)"', form).group(1)
    assert client.get(f"{pdf}?month=2025-08&province=TAY-NINH&lang=vi").data.startswith(b"%PDF")
