"""Forms for signing in, the account pages and user administration (every one carries a CSRF token)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..i18n import LANGUAGE_NAMES, LANGUAGES
from .models import Role

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms < 3.3 takes (value, label) pairs

    def SelectChoice(value, label):  # noqa: N802
        return (value, label)


def choice(value, label):
    """Return one option of a select field."""
    return SelectChoice(value, label)


def role_choices():
    return [choice(role.value, role.label) for role in Role]


def language_choices():
    return [choice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ConfirmForm(FlaskForm):
    """An empty form: a POST button protected by the CSRF token (sign out, revoke, deactivate)."""


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class TokenCreateForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)], description=_l("e.g. gate tablet 2"))
    submit = SubmitField(_l("Create token"))


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Set password"))


class UserForm(FlaskForm):
    """Role and scope of an account; choices for organisation, gates and province are set by the view."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=role_choices, validators=[DataRequired()])
    organisation = SelectField(
        _l("Organisation"),
        choices=[],
        validate_choice=False,
        description=_l("Exporters: the organisation they act for"),
    )
    gates = SelectMultipleField(
        _l("Gates"), choices=[], validate_choice=False, description=_l("Gate officers: the gates they work at")
    )
    province = SelectField(
        _l("Province"),
        choices=[],
        validate_choice=False,
        description=_l("Province officers and viewers: the province they oversee (with the provinces merged into it)"),
    )
    submit = SubmitField(_l("Save"))


class UserCreateForm(UserForm):
    locale = SelectField(_l("Language"), choices=language_choices)
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Create account"))


def attach_errors(form, errors):
    """Show a service's field errors next to the form's fields (others go to the form as a whole)."""
    unplaced = []
    for name, messages in (errors or {}).items():
        field = getattr(form, name, None)
        messages = [str(m) for m in (messages if isinstance(messages, list | tuple) else [messages])]
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *messages]
        else:
            unplaced.extend(messages)
    form.form_errors = [*form.form_errors, *unplaced]
