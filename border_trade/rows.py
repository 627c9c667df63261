"""Rows read with a Core statement made the session's persistent objects, as an ORM query would load them.

For a hot path (the gate event's lock, crossings/locking.py): the ORM's loading machinery (a query context, row
processors built per execution, paths) costs more there than the statement's own round trip. `loaded()` gives the
same result for the columns read: a persistent, clean instance in the session's identity map; any column not read
is loaded when first read, as with `load_only(raiseload=False)`.
"""

from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.base import instance_state

from .extensions import db


def loaded(cls, values):
    """Return the session's instance of `cls` with these column values (by attribute name; the primary key `id`
    among them) as just read from the database. An instance already in the session gets the values read (a locked
    read is fresher than anything the request held); its other attributes are left as they were."""
    session = db.session
    mapper = cls.__mapper__
    existing = session.identity_map.get(mapper.identity_key_from_primary_key((values["id"],)))
    if existing is not None:
        for name, value in values.items():
            set_committed_value(existing, name, value)
        return existing
    instance = mapper.class_manager.new_instance()
    instance_state(instance).dict.update(values)
    make_transient_to_detached(instance)  # the values as committed state, the rest expired (loaded when read)
    session.add(instance)
    return instance
