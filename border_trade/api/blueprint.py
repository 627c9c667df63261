"""The flask-smorest Blueprint every API module uses."""

import json

import flask_smorest
from flask import request
from webargs.flaskparser import FlaskParser


def json_body():
    """Return the request's JSON body, or None when there is none or it cannot be decoded.

    Flask's `get_json(silent=True)` swallows ValueError only; a body nested deeper than the recursion limit
    raises RecursionError, which would otherwise become a 500.
    """
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


class Parser(FlaskParser):
    """webargs' Flask parser; a body Python's decoder gives up on (nesting deeper than the recursion limit, an
    integer of more than 4300 digits) is malformed JSON (400) like any other, not a server error."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise
        except (RecursionError, ValueError) as error:
            raise json.JSONDecodeError(f"{type(error).__name__}: {str(error)[:80]}", " ", 0) from None


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint whose arguments obey the schema's `unknown=RAISE` in every location.

    webargs ignores unknown query parameters by default; API.md wants them refused (422).
    """

    ARGUMENTS_PARSER = Parser(unknown=None)
