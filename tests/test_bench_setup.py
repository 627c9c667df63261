"""The crossing benchmark's stand-in for autovacuum (bench/_crossing_setup.py), on PostgreSQL."""

import psycopg
import sqlalchemy as sa

from bench._crossing_setup import stand_in_for_autovacuum
from tests.pg import fresh_postgres_database


def test_without_autovacuum_the_benchmark_gives_the_planner_its_statistics():
    with fresh_postgres_database("autovacuum") as url:
        name = sa.engine.make_url(url).database
        with psycopg.connect(host="127.0.0.1", user="postgres", dbname=name, autocommit=True) as connection:
            connection.execute("CREATE TABLE keys (id integer PRIMARY KEY, key text)")
            connection.execute("INSERT INTO keys SELECT n, md5(n::text) FROM generate_series(1, 5000) AS n")
            autovacuum = connection.execute("SHOW autovacuum").fetchone()[0] == "on"

            assert stand_in_for_autovacuum(name) is not autovacuum

            estimated = connection.execute("SELECT reltuples FROM pg_class WHERE relname = 'keys'").fetchone()[0]
            if not autovacuum:  # analysed: the planner knows the table is no longer empty
                assert estimated == 5000
