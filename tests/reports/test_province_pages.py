"""Pages of the province's figures in three languages: OCOP exports, linkage, targets (progress bars), release times
(server-rendered SVG chart, readable text), with CSV/XLSX links; denials."""

import re

import pytest

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.province.models import LinkageGroup, Target, TargetMetric
from tests.factories import get_province, make_user

LANGUAGES = ("vi", "km", "en")


@pytest.fixture
def signed_in(login_as):
    return login_as


@pytest.fixture
def tay_ninh_group(db):
    group = LinkageGroup(
        name="Liên kết OCOP", provinces=[get_province(c) for c in ("TAY-NINH", "LONG-AN", "TIEN-GIANG")]
    )
    db.session.add(group)
    db.session.commit()
    return group


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ocop_page(signed_in, officer, ocop_world, lang):
    client = signed_in(officer)
    page = client.get(f"/reports/ocop?from=2025-08-01&to=2025-08-31&group_by=origin_province&group_by=gate&lang={lang}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'lang="{lang}"' in html
    assert 'id="ocop-table"' in html and "BINH-HIEP" in html and "MOC-BAI" in html
    assert "/api/v1/reports/ocop.csv?" in html and "/api/v1/reports/ocop.xlsx?" in html
    assert re.search(r"group_by=origin_province(%2C|,)gate", html), re.findall(r"ocop.csv[^\"]*", html)
    assert 'data-total="products_exported"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_linkage_page(signed_in, officer, ocop_world, tay_ninh_group, lang):
    client = signed_in(officer)
    html = client.get(f"/reports/linkage?group={tay_ninh_group.id}&from=2025-08-01&to=2025-08-31&lang={lang}").get_data(
        as_text=True
    )
    assert 'id="linkage-table"' in html and "Liên kết OCOP" in html
    assert re.search(r'data-total="value_usd">[^<]*4[.,\u202f\xa0 ]?145', html)
    assert f"/api/v1/reports/linkage.csv?group={tay_ninh_group.id}" in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_targets_page_has_progress_bars(signed_in, officer, ocop_world, lang):
    db.session.add(
        Target(year=2025, province=get_province("TAY-NINH"), metric=TargetMetric.EXPORT_VALUE_USD, target=8830)
    )
    db.session.commit()
    html = signed_in(officer).get(f"/reports/targets?year=2025&lang={lang}").get_data(as_text=True)
    assert re.search(r'<progress class="w-100" max="1" value="0.5"', html)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_release_times_page_chart(signed_in, officer, lang, flat_rates, crossed, exporter_org):
    from .conftest import local

    crossed(exporter_org, local(2026, 3, 10), dwell_minutes=90)
    html = (
        signed_in(officer)
        .get(f"/reports/release-times?from=2026-03-01&to=2026-03-31&lang={lang}")
        .get_data(as_text=True)
    )
    assert 'id="release-table"' in html and "MOC-BAI" in html
    svg = html[html.index('<svg role="img"') : html.index("</svg>", html.index('<svg role="img"'))]
    assert 'width="900"' in svg  # drawn at the size shown: no scaling down at 1024 px
    sizes = [float(s) for s in re.findall(r'font-size="([0-9.]+)', svg)]
    assert sizes and min(sizes) >= 12
    assert "/api/v1/reports/release-times.csv?" in html


@pytest.mark.parametrize("path", ["/reports/ocop", "/reports/linkage", "/reports/targets", "/reports/release-times"])
def test_pages_refuse_other_roles(signed_in, db, path):
    assert signed_in(make_user(Role.EXPORTER)).get(path).status_code == 403


def test_nav_links_the_reports_area(signed_in, officer):
    html = signed_in(officer).get("/reports/targets?lang=en").get_data(as_text=True)
    for path in ("/reports/ocop", "/reports/linkage", "/reports/targets", "/reports/release-times"):
        assert f'href="{path}"' in html


def test_reports_page_charts_read_at_12_px(signed_in, officer, ocop_world):
    """Each chart is drawn at the width it is shown (640 px, not scaled down at a 1024 px window) with
    12-point text: legends and axis labels read at 12 px."""
    html = signed_in(officer).get("/reports?from=2025-01-01&to=2025-12-31&lang=km").get_data(as_text=True)
    charts = re.findall(r'<svg role="img".*?</svg>', html, flags=re.S)
    assert len(charts) == 4
    for svg in charts:
        assert 'width="640"' in svg
        sizes = [float(s) for s in re.findall(r'font-size="([0-9.]+)', svg)]
        assert sizes and min(sizes) >= 12, sizes


def test_officer_sets_a_target_and_a_group_from_the_pages(signed_in, officer):
    client = signed_in(officer)
    page = client.get("/reports/targets?lang=en").get_data(as_text=True)
    assert 'id="new-target"' in page and 'name="csrf_token"' in page
    done = client.post(
        "/reports/targets?lang=en",
        data={"year": "2026", "province": "TAY-NINH", "metric": "trucks", "target": "50"},
        follow_redirects=True,
    )
    assert "Target saved." in done.get_data(as_text=True)
    assert db.session.query(Target).filter_by(year=2026).count() == 1
    again = client.post(
        "/reports/targets?lang=en",
        data={"year": "2026", "province": "TAY-NINH", "metric": "trucks", "target": "60"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "already has a target" in again
    other = client.post(
        "/reports/targets?lang=en",
        data={"year": "2026", "province": "AN-GIANG", "metric": "trucks", "target": "60"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "outside your scope" in other
    assert db.session.query(Target).count() == 1
    bad = client.post("/reports/targets?lang=en", data={"year": "2026", "province": "TAY-NINH", "metric": "x"})
    assert bad.status_code == 302
    made = client.post(
        "/reports/linkage?lang=en",
        data={"name": "Liên kết OCOP", "provinces": ["TAY-NINH", "LONG-AN", "TIEN-GIANG"]},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Linkage group saved." in made and 'id="linkage-table"' in made
    refused = client.post(
        "/reports/linkage?lang=en", data={"name": "Mekong", "provinces": ["AN-GIANG"]}, follow_redirects=True
    ).get_data(as_text=True)
    assert "must include your province" in refused
    assert db.session.query(LinkageGroup).count() == 1


def test_viewer_has_no_forms_and_may_not_post(signed_in, db):
    viewer = make_user(Role.VIEWER, province=get_province("TAY-NINH"))
    client = signed_in(viewer)
    assert 'id="new-target"' not in client.get("/reports/targets").get_data(as_text=True)
    assert 'id="new-group"' not in client.get("/reports/linkage").get_data(as_text=True)
    body = {"year": "2026", "province": "TAY-NINH", "metric": "trucks", "target": "50"}
    assert client.post("/reports/targets", data=body).status_code == 403
    assert client.post("/reports/linkage", data={"name": "x", "provinces": ["TAY-NINH"]}).status_code == 403
