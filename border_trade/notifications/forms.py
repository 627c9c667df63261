"""Forms of the notices and webhooks pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField, URLField
from wtforms.validators import URL, DataRequired, Length


class EmailPreferencesForm(FlaskForm):
    email_notices = BooleanField(_l("Send me notices by e-mail"))
    submit = SubmitField(_l("Save"))


class WebhookForm(FlaskForm):
    url = URLField(_l("Address (URL)"), validators=[DataRequired(), URL(require_tld=False), Length(max=500)])
    submit = SubmitField(_l("Add webhook"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))
