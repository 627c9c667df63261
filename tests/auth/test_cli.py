"""`flask users create | set-password | deactivate | activate | list`."""

import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.auth.models import Role, User
from border_trade.auth.passwords import check_password
from border_trade.extensions import db
from tests.factories import make_organisation, make_user


def get(email):
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_an_exporter_and_a_gate_officer(runner):
    org = make_organisation()
    result = runner.invoke(
        args=["users", "create", "lan@example.test", "--name", "Nguyễn Thị Lan", "--role", "exporter",
              "--organisation", str(org.id), "--password", "a-good-password"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = get("lan@example.test")
    assert user.role is Role.EXPORTER and user.organisation_id == org.id
    assert check_password(user.password_hash, "a-good-password")
    result = runner.invoke(
        args=["users", "create", "gate@example.test", "--name", "Officer", "--role", "gate_officer",
              "--gate", "MOC-BAI", "--gate", "XA-MAT", "--password", "a-good-password"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [g.code for g in get("gate@example.test").gates] == ["MOC-BAI", "XA-MAT"]
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "user.create")).all()
    assert len(entries) == 2 and {e.actor_email for e in entries} == {"cli"}


def test_create_prompts_for_the_password(runner):
    result = runner.invoke(
        args=["users", "create", "p@example.test", "--name", "P", "--role", "viewer", "--province", "TAY-NINH"],
        input="prompted-password\nprompted-password\n",
    )
    assert result.exit_code == 0, result.output
    assert check_password(get("p@example.test").password_hash, "prompted-password")


def test_create_explains_what_is_wrong(runner):
    result = runner.invoke(
        args=["users", "create", "x@example.test", "--name", "X", "--role", "province_officer", "--password", "short"]
    )
    assert result.exit_code != 0
    assert "province:" in result.output and "password:" in result.output
    assert get("x@example.test") is None


def test_set_password_and_deactivate(runner):
    user = make_user(Role.VIEWER)
    result = runner.invoke(args=["users", "set-password", user.email, "--password", "another-password"])
    assert result.exit_code == 0, result.output
    assert check_password(get(user.email).password_hash, "another-password")
    result = runner.invoke(args=["users", "deactivate", user.email])
    assert result.exit_code == 0 and get(user.email).is_active is False
    result = runner.invoke(args=["users", "activate", user.email])
    assert result.exit_code == 0 and get(user.email).is_active is True
    assert user.email in runner.invoke(args=["users", "list"]).output


def test_unknown_account_is_an_error(runner):
    result = runner.invoke(args=["users", "deactivate", "nobody@example.test"])
    assert result.exit_code != 0 and "nobody@example.test" in result.output
