"""The Tây Ninh province officer filters the reports page to a gate and a month, sees the chart, downloads the XLSX."""

import calendar
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

pytestmark = pytest.mark.browser

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def busiest_month(live_server, gate_code):
    """Return (YYYY-MM, crossings) of the month with the most crossings at a gate in the demo data."""
    from border_trade.extensions import db
    from border_trade.gates.models import Gate
    from border_trade.shipments.models import Shipment

    with live_server.app.app_context():
        instants = db.session.scalars(
            sa.select(Shipment.crossed_at)
            .join(Gate, Gate.id == Shipment.gate_id)
            .where(Gate.code == gate_code, Shipment.crossed_at.is_not(None))
        ).all()
        db.session.remove()
    months = {}
    for instant in instants:
        month = instant.astimezone(LOCAL).strftime("%Y-%m")
        months[month] = months.get(month, 0) + 1
    assert months, f"the demo data has no crossings at {gate_code}"
    return max(months.items(), key=lambda item: (item[1], item[0]))


def month_bounds(month):
    year, number = (int(part) for part in month.split("-"))
    return f"{month}-01", f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def test_province_officer_filters_sees_the_chart_and_downloads_the_xlsx(page, sign_in, live_server):
    month, crossings = busiest_month(live_server, "XA-MAT")
    first, last = month_bounds(month)

    sign_in(page, "province_officer")
    page.click('nav [data-nav="reports"]')
    page.wait_for_selector("#report-filters")
    assert page.locator("#chart-monthly svg").count() == 1

    page.fill("#from", first)
    page.fill("#to", last)
    page.select_option("#gate", "XA-MAT")
    page.select_option("#group_by_1", "gate")
    page.select_option("#group_by_2", "day")
    with page.expect_navigation():
        page.click('#report-filters [type="submit"]')

    assert page.locator('#report-table td[data-key="gate"]').count() >= 1
    gates = set(page.locator('#report-table td[data-key="gate"] code').all_inner_texts())
    assert gates == {"XA-MAT"}
    assert page.inner_text('[data-total="shipments"]').strip() == str(crossings)
    for chart in ("#chart-monthly", "#chart-products", "#chart-dwell"):
        assert page.locator(f"{chart} svg").is_visible(), chart
        assert page.locator(f"{chart} svg rect").count() > 0, chart

    with page.expect_download() as download_info:
        page.click('[data-download="xlsx"]')
    download = download_info.value
    assert download.suggested_filename == f"border-trade-volume-{first}-{last}.xlsx"
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    header, *rows, totals = book.worksheets[0].iter_rows(values_only=True)
    assert len(header) == 2 + 7  # gate, day, then the measures (labels in the officer's language)
    assert rows and {row[0] for row in rows} == {"XA-MAT"}
    assert totals[2] == crossings  # the totals row: Total, (day), shipments
