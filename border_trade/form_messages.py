"""WTForms' own error messages in the app's catalogue: WTForms ships no Vietnamese or Khmer, so forms ask ours first."""

from babel import support
from flask import request
from flask_babel import get_locale, get_translations, lazy_ngettext
from flask_babel import lazy_gettext as _l
from wtforms.i18n import messages_path

# WTForms' msgids for the validators and fields the app's forms use, marked here so `make messages` extracts them.
# Never evaluated: WTForms formats them itself.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Invalid URL."),
    _l("Invalid email address."),
    _l("Invalid input."),
    _l("CSRF token missing."),
    _l("CSRF token expired."),
    _l("CSRF failed."),
    _l("Invalid CSRF Token."),
    lazy_ngettext(
        "Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 2
    ),
    lazy_ngettext(
        "Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 2
    ),
    lazy_ngettext(
        "'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.", 2
    ),
)


class AppCatalogueFirst:
    """gettext for WTForms: the app's catalogue, then WTForms' own; resolved on first use, in the request's locale."""

    def __init__(self):
        self._wtforms = None

    def _fallback(self):
        if self._wtforms is None:
            self._wtforms = support.Translations.load(messages_path(), [get_locale()], domain="wtforms")
        return self._wtforms

    def ugettext(self, string):
        text = get_translations().ugettext(string)
        return text if text != string else self._fallback().ugettext(string)

    def ungettext(self, singular, plural, n):
        text = get_translations().ungettext(singular, plural, n)
        return text if text not in (singular, plural) else self._fallback().ungettext(singular, plural, n)

    gettext, ngettext = ugettext, ungettext  # the names plain WTForms calls


def install_form_messages(app):
    """Let Flask-WTF translate WTForms' messages with the app's catalogue (it reads request.wtforms_translations)."""

    @app.before_request
    def _form_messages():
        request.wtforms_translations = AppCatalogueFirst()
