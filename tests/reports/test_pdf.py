"""The monthly PDF: readable (pdftotext finds the province and the totals), valid (qpdf), deterministic."""

import shutil
import subprocess
from datetime import date

import pytest

from border_trade.reports import services
from border_trade.reports.pdf import build_monthly_pdf

from .conftest import local


def needs(tool):
    return pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed")


def pdf_text(data, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout


@pytest.fixture
def august(flat_rates, crossed, exporter_org, product):
    melon = [{"product_id": product.id}]  # 400 × 9.50 USD, 430 kg gross
    crossed(exporter_org, local(2025, 8, 1), gate="XA-MAT", items=melon, dwell_minutes=40)
    crossed(exporter_org, local(2025, 8, 2), gate="XA-MAT", items=melon, dwell_minutes=100)
    crossed(exporter_org, local(2025, 8, 3), gate="BINH-HIEP", dwell_minutes=60)
    crossed(exporter_org, local(2024, 8, 3), gate="BINH-HIEP")  # the same month a year earlier
    crossed(exporter_org, local(2025, 8, 4), gate="TINH-BIEN")  # An Giang: not in Tây Ninh's report


@needs("pdftotext")
@needs("qpdf")
def test_monthly_pdf_is_readable_and_valid(client, token_for, officer, august, tmp_path):
    response = client.get("/api/v1/reports/monthly.pdf?month=2025-08&lang=vi", headers=token_for(officer))
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    assert 'filename="border-trade-tay-ninh-2025-08.pdf"' in response.headers["Content-Disposition"]
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    text = pdf_text(response.data, tmp_path)
    assert "Tây Ninh" in text
    assert "08/2025" in text
    for gate in ("XA-MAT", "BINH-HIEP", "MOC-BAI"):
        assert (gate in text) == (gate != "MOC-BAI"), gate  # gates without crossings are left out
    assert "TINH-BIEN" not in text
    assert "11.400,00" in text  # three shipments of 3,800.00 USD, in Vietnamese notation
    assert "285.000.000" in text  # in VND
    assert "1.290,000" in text  # gross kg
    assert "Dưa lưới Tân Châu" in text  # the top product


def test_monthly_report_figures(officer, august):
    report = services.monthly_report(officer, month=date(2025, 8, 1))
    assert report.province_code == "TAY-NINH"
    assert (report.totals["shipments"], report.previous["shipments"]) == (3, 1)
    assert str(report.change_pct) == "200.0"
    assert [(g.code, g.month["shipments"], g.previous["shipments"]) for g in report.gates] == [
        ("BINH-HIEP", 1, 1),
        ("XA-MAT", 2, 0),
    ]
    assert report.year_to_date["shipments"] == 3 and report.year_to_date_previous["shipments"] == 1
    assert [label for label, _values in report.monthly] == [f"2024-{m:02d}" for m in range(9, 13)] + [
        f"2025-{m:02d}" for m in range(1, 9)
    ]
    assert report.monthly[-1][1] == {"BINH-HIEP": report.gates[0].month["value_usd"], "XA-MAT": 7600}
    assert report.top_products[0]["name_vi"] == "Dưa lưới Tân Châu"
    assert report.top_products[0]["shipments"] == 2
    assert report.top_products[1]["name_vi"] is None  # BINH-HIEP's line has no catalogue product
    assert report.dwell["count"] == 3 and report.dwell["p50_minutes"] == 60.0
    assert report.gates[1].dwell == {"avg_minutes": 70.0, "p50_minutes": 70.0, "p90_minutes": 94.0, "count": 2}


def test_monthly_pdf_is_deterministic_and_bilingual(app, officer, august):
    report = services.monthly_report(officer, month=date(2025, 8, 1))
    with app.test_request_context():
        first = build_monthly_pdf(report, ("vi", "km"))
        second = build_monthly_pdf(report, ("vi", "km"))
        english = build_monthly_pdf(report, ("en",))
    assert first == second
    assert first != english
    assert first.startswith(b"%PDF")


@needs("pdftotext")
def test_khmer_names_extract(app, officer, august, tmp_path):
    report = services.monthly_report(officer, month=date(2025, 8, 1))
    with app.test_request_context():
        data = build_monthly_pdf(report, ("vi", "km"))
    assert "ត្រសក់ស្រូវ" in pdf_text(data, tmp_path)  # the product's Khmer name, shaped and searchable


def test_monthly_pdf_parameters(client, token_for, admin, officer, august):
    headers = token_for(admin)
    missing = client.get("/api/v1/reports/monthly.pdf?month=2025-08", headers=headers)
    assert missing.status_code == 422 and "province" in missing.json["errors"]
    for query, field in (("month=2025-13", "month"), ("month=August", "month"), ("province=TAY-NINH", "month")):
        response = client.get(f"/api/v1/reports/monthly.pdf?{query}", headers=headers)
        assert response.status_code == 422 and field in response.json["errors"], query
    bad_lang = client.get("/api/v1/reports/monthly.pdf?province=TAY-NINH&month=2025-08&lang=vi,km,en", headers=headers)
    assert bad_lang.status_code == 422 and "lang" in bad_lang.json["errors"]
    ok = client.get("/api/v1/reports/monthly.pdf?province=an-giang&month=2025-08&lang=en,km", headers=headers)
    assert ok.status_code == 200
    long_an = client.get("/api/v1/reports/monthly.pdf?province=LONG-AN&month=2024-08", headers=token_for(officer))
    assert long_an.status_code == 200


@needs("pdftotext")
def test_monthly_pdf_shows_each_direction_and_the_balance(client, token_for, officer, both_ways, tmp_path):
    response = client.get("/api/v1/reports/monthly.pdf?month=2025-08&lang=vi", headers=token_for(officer))
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    assert "27.601,01" in text  # both directions together
    for figure in ("7.600,00", "20.001,01", "-12.401,01"):  # export, import, balance
        assert figure in text, figure
