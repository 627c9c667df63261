"""The audit page and its CSV export, for administrators."""

import csv
import io

from border_trade.auth import services
from border_trade.auth.models import Role
from tests.factories import make_user


def test_admin_reads_and_filters_the_trail(login_as, client):
    target = make_user(Role.VIEWER)
    client.post("/login", data={"email": target.email, "password": "wrong"})
    admin = login_as(Role.ADMIN)
    html = admin.get("/audit").get_data(as_text=True)
    assert 'data-action="auth.sign_in_failed"' in html and 'data-action="auth.sign_in"' in html
    filtered = admin.get("/audit?action=auth.sign_in_failed").get_data(as_text=True)
    assert 'data-action="auth.sign_in_failed"' in filtered and 'data-action="auth.sign_in"' not in filtered
    by_object = admin.get(f"/audit?object=user:{target.id}").get_data(as_text=True)
    assert by_object.count("data-entry-id=") == 1


def test_bad_filter_is_reported_and_ignored(login_as):
    admin = login_as(Role.ADMIN)
    response = admin.get("/audit?from=not-a-date&action=auth")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "alert-warning" in html and 'data-action="auth.sign_in"' in html


def test_older_entries_are_a_click_away(login_as):
    admin = login_as(Role.ADMIN)
    for _ in range(60):
        services.sign_out(admin.user)
    html = admin.get("/audit").get_data(as_text=True)
    assert html.count("data-entry-id=") == 50 and "cursor=" in html


def test_csv_export_from_the_page(login_as):
    admin = login_as(Role.ADMIN)
    make_user(Role.VIEWER)
    response = admin.get("/audit.csv?action=auth")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["action"] for r in rows] == ["auth.sign_in"] and rows[0]["actor"] == admin.user.email
