"""REPORTS_DATABASE_URL: report aggregates read the replica; sign-in, writes and everything else use the primary.

The replica is a second database (two SQLite files, or two PostgreSQL databases next to TEST_DATABASE_URL) that
catches up with the primary when the test says so, by a backup and a restore: streaming replication in slow
motion, so the test can tell which database an answer came from.
"""

import os

import pytest
import sqlalchemy as sa

from border_trade import backup, create_app
from border_trade.auth.models import ApiToken, Organisation, Role
from border_trade.extensions import db
from border_trade.replica import REPORTS_BIND, replica_reads
from border_trade.seed.reference import load_reference
from config import TestingConfig
from tests.factories import get_province, make_organisation, make_user
from tests.pg import fresh_postgres_database

from .conftest import local

VOLUME = "/api/v1/reports/volume?from=2025-01-01&to=2025-12-31&group_by=gate"


@pytest.fixture
def databases(tmp_path):
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        with fresh_postgres_database("primary") as primary, fresh_postgres_database("replica") as replica:
            yield primary, replica
    else:
        yield f"sqlite:///{tmp_path / 'primary.sqlite'}", f"sqlite:///{tmp_path / 'replica.sqlite'}"


@pytest.fixture
def replicated_app(databases, tmp_path):
    primary, replica = databases

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = primary
        REPORTS_DATABASE_URL = replica
        UPLOAD_FOLDER = str(tmp_path / "uploads")

    had_bind = REPORTS_BIND in db.metadatas
    app = create_app(Config)
    with app.app_context():
        db.create_all(bind_key=None)  # the replica gets its schema from the primary, as a streaming replica does
        load_reference()
        db.session.commit()
        yield app
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    if not had_bind:  # init_app made an (empty) metadata for the bind; the session's app has no such engine
        db.metadatas.pop(REPORTS_BIND, None)


@pytest.fixture
def replicate(replicated_app, tmp_path):
    """Bring the replica up to date with the primary."""

    def catch_up():
        db.session.commit()
        db.engines[REPORTS_BIND].dispose()  # a restore wants the replica to itself
        snapshot = backup.backup(replicated_app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "snapshot")
        backup.restore(replicated_app.config["REPORTS_DATABASE_URL"], snapshot)

    return catch_up


@pytest.fixture
def world(replicated_app, add_rate, crossed):
    add_rate("USD", local(2025, 1, 1).date(), "25000")
    return make_organisation(name="HTX Dưa lưới Tân Châu", province=get_province("TAY-NINH"))


def shipments_in(response):
    assert response.status_code == 200, response.get_json()
    return response.get_json()["totals"]["shipments"]


def test_reports_read_the_replica_and_sign_in_reads_the_primary(replicated_app, world, crossed, replicate):
    crossed(world, local(2025, 3, 10), gate="MOC-BAI")
    replicate()
    crossed(world, local(2025, 3, 11), gate="MOC-BAI")  # on the primary only, for now
    officer = make_user(Role.PROVINCE_OFFICER, province=get_province("TAY-NINH"))  # the replica has no such user
    from border_trade.auth.tokens import new_token

    raw, token = new_token(officer)
    db.session.commit()
    client = replicated_app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}

    assert shipments_in(client.get(VOLUME, headers=headers)) == 1  # the replica's figures
    with db.engines[None].connect() as primary:  # the token's use was recorded on the primary
        used = primary.execute(sa.select(ApiToken.last_used_at).where(ApiToken.id == token.id)).scalar_one()
    assert used is not None
    with db.engines[REPORTS_BIND].connect() as replica:
        assert replica.execute(sa.select(sa.func.count()).select_from(ApiToken)).scalar_one() == 0

    replicate()
    assert shipments_in(client.get(VOLUME, headers=headers)) == 2
    dwell = client.get("/api/v1/reports/dwell?from=2025-01-01&to=2025-12-31", headers=headers)
    assert dwell.status_code == 200 and dwell.get_json()["count"] == 2


def test_writes_inside_replica_reads_go_to_the_primary(replicated_app, replicate):
    replicate()
    with replica_reads():
        assert db.session.get_bind() is db.engines[REPORTS_BIND]
        organisation = make_organisation(name="Ghi vào máy chính")  # flush inside the block
        db.session.commit()
    assert db.session.get_bind() is db.engines[None]
    count = sa.select(sa.func.count()).select_from(Organisation).where(Organisation.name == "Ghi vào máy chính")
    with db.engines[None].connect() as primary, db.engines[REPORTS_BIND].connect() as replica:
        assert primary.execute(count).scalar_one() == 1
        assert replica.execute(count).scalar_one() == 0
    assert organisation.id is not None


def test_without_a_replica_reports_read_the_primary(app, db):
    assert REPORTS_BIND not in db.engines
    with replica_reads():
        assert db.session.get_bind() is db.engines[None]
