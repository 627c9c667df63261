"""User administration services: scope per role, validation, audit entries, lock-out guards."""

import pytest
import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.auth import services
from border_trade.auth.models import Role, User
from border_trade.auth.passwords import check_password
from border_trade.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from border_trade.extensions import db
from tests.factories import PASSWORD, get_gate, make_organisation, make_user

GOOD_PASSWORD = "long-enough-password"


def create(**overrides):
    values = dict(email="new@example.test", name="New Person", role="viewer", password=GOOD_PASSWORD)
    values.update(overrides)
    return services.create_user(**values)


def test_create_scopes_each_role_to_exactly_what_it_needs():
    org = make_organisation()
    exporter = create(email="e@example.test", role="exporter", organisation=str(org.id), gates=["MOC-BAI"])
    assert exporter.organisation == org and exporter.gates == [] and exporter.province is None
    officer = create(email="o@example.test", role="gate_officer", gates=["moc-bai", "XA-MAT"], province="TAY-NINH")
    assert [g.code for g in officer.gates] == ["MOC-BAI", "XA-MAT"] and officer.province is None
    viewer = create(email="v@example.test", role="viewer", province="TAY-NINH", organisation=str(org.id))
    assert viewer.province.code == "TAY-NINH" and viewer.organisation is None
    admin = create(email="a@example.test", role="admin", province="TAY-NINH")
    assert admin.province is None and admin.gates == [] and admin.organisation is None


def test_exporter_organisation_can_be_named_by_tax_id():
    org = make_organisation(tax_id="0100109106")
    assert create(role="exporter", organisation="0100109106").organisation == org


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": "exporter"}, "organisation"),
        ({"role": "gate_officer"}, "gates"),
        ({"role": "gate_officer", "gates": ["NOWHERE"]}, "gates"),
        ({"role": "province_officer"}, "province"),
        ({"role": "viewer", "province": "KH-12"}, "province"),
        ({"role": "viewer", "province": "LONG-AN"}, "province"),  # merged into TAY-NINH in 2025
        ({"role": "overlord"}, "role"),
        ({"email": "not-an-address"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "new@example.test"}, "password"),
        ({"name": "  "}, "name"),
    ],
)
def test_create_names_the_wrong_field(overrides, field):
    if overrides.get("role", "viewer") == "viewer":
        overrides.setdefault("province", "TAY-NINH")
    with pytest.raises(Invalid) as caught:
        create(**overrides)
    assert field in caught.value.errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_refuses_an_email_in_use_whatever_its_case():
    make_user(Role.VIEWER, email="taken@example.test")
    with pytest.raises(Invalid) as caught:
        create(email="Taken@Example.test", province="TAY-NINH")
    assert "email" in caught.value.errors


def test_only_admins_create_users():
    with pytest.raises(Forbidden):
        create(province="TAY-NINH", by=make_user(Role.PROVINCE_OFFICER))


def test_role_change_is_recorded_with_before_and_after():
    admin = make_user(Role.ADMIN)
    user = make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])
    services.update_user(user.id, by=admin, role="gate_officer", gates=["XA-MAT"])
    services.update_user(user.id, by=admin, role="viewer", province="TAY-NINH")
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["user.update", "user.role_change"]
    assert entries[0].before == {"gates": ["MOC-BAI"]} and entries[0].after == {"gates": ["XA-MAT"]}
    assert entries[1].before == {"role": "gate_officer", "gates": ["XA-MAT"], "province": None}
    assert entries[1].after == {"role": "viewer", "gates": [], "province": "TAY-NINH"}
    assert entries[1].actor_id == admin.id and entries[1].object_id == str(user.id)


def test_update_without_changes_records_nothing():
    admin = make_user(Role.ADMIN)
    user = make_user(Role.VIEWER)
    services.update_user(user.id, by=admin, name=user.name, role="viewer", province="TAY-NINH")
    assert db.session.scalar(sa.select(AuditEntry)) is None


def test_invalid_update_changes_nothing():
    admin = make_user(Role.ADMIN)
    user = make_user(Role.VIEWER)
    with pytest.raises(Invalid):
        services.update_user(user.id, by=admin, name="Changed", role="exporter")
    db.session.expire_all()
    assert db.session.get(User, user.id).name == user.name and db.session.get(User, user.id).role is Role.VIEWER


def test_admins_cannot_lock_themselves_out():
    admin = make_user(Role.ADMIN)
    with pytest.raises(Conflict):
        services.update_user(admin.id, by=admin, role="viewer", province="TAY-NINH")
    with pytest.raises(Conflict):
        services.deactivate_user(admin.id, by=admin)


def test_non_admins_cannot_manage_users():
    user = make_user(Role.VIEWER)
    with pytest.raises(Forbidden):
        services.deactivate_user(user.id, by=make_user(Role.EXPORTER))
    with pytest.raises(NotFound):
        services.deactivate_user(999999, by=make_user(Role.ADMIN))


def test_sign_in_rehashes_and_records(app):
    user = make_user(Role.VIEWER)
    assert services.sign_in(user.email, PASSWORD).id == user.id
    assert db.session.get(User, user.id).last_login_at is not None
    with pytest.raises(Unauthorized):
        services.sign_in(user.email, "wrong")
    assert [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))] == [
        "auth.sign_in",
        "auth.sign_in_failed",
    ]


def test_password_reset_ends_sessions():
    user = make_user(Role.VIEWER)
    version = user.session_version
    services.reset_password(user.id, "brand-new-password")
    user = db.session.get(User, user.id)
    assert user.session_version == version + 1 and check_password(user.password_hash, "brand-new-password")
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action == "user.password_reset" and entry.actor_email == "cli"
