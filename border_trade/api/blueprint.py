"""The flask-smorest Blueprint every API module uses."""

import flask_smorest
from webargs.flaskparser import FlaskParser


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint whose arguments obey the schema's `unknown=RAISE` in every location.

    webargs ignores unknown query parameters by default; API.md wants them refused (422).
    """

    ARGUMENTS_PARSER = FlaskParser(unknown=None)
