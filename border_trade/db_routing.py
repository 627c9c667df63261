"""The session class that can send reads to a read replica; `replica.py` decides when (it flips the flag).

It sits below `extensions.py` (which builds `db` with it) and imports nothing of the project, so the two never
import each other: the session gets the engines from its own `_db`, the flag from its own `info`.
"""

import sqlalchemy as sa
from flask_sqlalchemy.session import Session

REPORTS_BIND = "reports"
READS_FROM = "reads_from"  # key in `session.info`: REPORTS_BIND while `replica_reads()` is active


class RoutingSession(Session):
    """Flask-SQLAlchemy's session, sending reads made inside `on_replica()` to the reports replica."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if (
            bind is None
            and self.info.get(READS_FROM) == REPORTS_BIND
            and not self._flushing
            and not isinstance(clause, sa.UpdateBase)  # INSERT, UPDATE, DELETE
        ):
            engine = self._db.engines.get(REPORTS_BIND)
            if engine is not None:
                return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
