"""Pages: sign-in and sign-out, one's account (password, API tokens), user administration."""

import functools

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from ..api.pagination import keyset_page
from ..errors import Conflict, Invalid, Unauthorized
from ..extensions import db, login
from ..i18n import CHOSEN_LANGUAGE, LANGUAGES, localized
from ..types import utcnow
from ..web import safe_redirect_target
from . import language, queries, services
from .forms import (
    ConfirmForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    TokenCreateForm,
    UserCreateForm,
    UserForm,
    attach_errors,
    choice,
)
from .login import SESSION_KEY
from .models import ApiToken, Role, User
from .permissions import can, require
from .ratelimit import mark_sign_in_failed, retry_after_seconds, sign_in_limits
from .throttle import TooManyAttempts

blp = Blueprint("auth", __name__)
blp.add_url_rule("/lang/<lang>", view_func=language.set_language)

USERS_PER_PAGE = 50


@blp.app_context_processor
def _permission_helpers():
    return {"can": can}


@blp.before_app_request
def _start_without_a_user():
    # `g` lives as long as the app context; where one context serves several requests (tests, a shared
    # context), a user cached by an earlier request must not answer for this one.
    g.pop("_login_user", None)
    g.pop("api_user", None)


@blp.before_app_request
def _keep_an_explicit_language():
    """`?lang=` on a page is a choice: kept for signing in, and saved as a signed-in person's preference (API
    calls never change it; only a GET saves, so a form's POST stays one transaction)."""
    lang = request.args.get("lang")
    if lang not in LANGUAGES or request.endpoint in (None, "static") or request.path.startswith("/api/"):
        return
    session[CHOSEN_LANGUAGE] = lang
    if request.method == "GET" and current_user.is_authenticated:
        services.set_locale(me(), lang)


def me():
    """Return the signed-in user itself (not Flask-Login's proxy), for services and relationships."""
    return current_user._get_current_object()


def requires(action):
    """Let signed-in users with the permission through; send others to the sign-in page, or answer 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login.unauthorized()
            require(me(), action)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# --- signing in and out ---------------------------------------------------------------------------


@blp.route("/login", methods=["GET", "POST"], endpoint="login")
@sign_in_limits
def login_page():
    """Sign in with an e-mail address and password."""
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(safe_redirect_target(request.args.get("next")))
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        # the language chosen before signing in (`?lang=` or the switch: the session, else the switch's cookie)
        # becomes the preference; without a choice the stored preference stays (and wins over Accept-Language)
        chosen = session.get(CHOSEN_LANGUAGE) or request.cookies.get("lang")
        try:
            user, key = services.sign_in_session(form.email.data, form.password.data, locale=chosen)
        except Unauthorized as error:
            mark_sign_in_failed()
            form.form_errors.append(str(error.message))
        except TooManyAttempts as error:
            return _rate_limited(error.retry_after)
        else:
            _renew_session(key, chosen)
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(safe_redirect_target(form.next.data))
    return render_template("auth/login.html", form=form)


def _renew_session(key=None, chosen=None):
    """Start from an empty session (no data, CSRF token or fixation carried over) but the chosen language."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # Flask-WTF's copy of the old token
    if chosen in LANGUAGES:
        session[CHOSEN_LANGUAGE] = chosen
    if key:
        session[SESSION_KEY] = key


@blp.errorhandler(429)
def too_many_sign_ins(error):
    """Answer a rate-limited sign-in with the form and a translated message (Flask-Limiter adds Retry-After)."""
    return _rate_limited(retry_after_seconds())


def _rate_limited(seconds):
    db.session.rollback()
    message = ngettext(
        "Too many sign-in attempts. Try again in %(num)d second.",
        "Too many sign-in attempts. Try again in %(num)d seconds.",
        seconds,
    )
    form = LoginForm()
    form.password.data = None
    page = render_template("auth/login.html", form=form, rate_limited=message)
    return page, 429, {"Retry-After": str(seconds)}


@blp.route("/logout", methods=["POST"])
@requires("account.manage")
def logout():
    """Sign out (a POST with the CSRF token, so another site cannot sign anyone out)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        services.sign_out(me(), session.get(SESSION_KEY))
        logout_user()
        _renew_session(chosen=session.get(CHOSEN_LANGUAGE))
        flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


# --- one's own account ----------------------------------------------------------------------------


@blp.route("/account")
@requires("account.manage")
def account():
    """Show who the user is and what their role covers."""
    return render_template("auth/account.html", user=me(), scope=queries.scope_of(me()), logout_form=ConfirmForm())


@blp.route("/account/password", methods=["GET", "POST"])
@requires("account.manage")
def password():
    """Change one's password; other sessions are signed out and API tokens revoked."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            user = services.change_password(
                me(),
                current_password=form.current_password.data,
                new_password=form.new_password.data,
                keep_session=session.get(SESSION_KEY),
            )
        except Invalid as error:
            attach_errors(form, error.errors)
        else:
            login_user(user)  # the session version changed: keep this session, end the others
            flash(
                _("Your password was changed. Your other sessions were signed out and your API tokens revoked."),
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form)


@blp.route("/account/tokens", methods=["GET", "POST"])
@requires("token.manage")
def tokens():
    """List one's API tokens and create a new one (its value is shown once)."""
    form = TokenCreateForm()
    new_token = None
    if form.validate_on_submit():
        new_token, _record = services.create_token(me(), name=form.name.data)
        form = TokenCreateForm(formdata=None)
    items = db.session.scalars(queries.list_tokens_query(me()).order_by(ApiToken.id.desc())).all()
    return render_template(
        "auth/tokens.html", form=form, tokens=items, new_token=new_token, revoke_form=ConfirmForm(), now=utcnow()
    )


@blp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("token.manage")
def revoke_token(token_id):
    """Revoke an API token (one's own; administrators any)."""
    if ConfirmForm().validate_on_submit():
        token = services.revoke_token(token_id, by=me())
        flash(_("The token %(prefix)s… was revoked.", prefix=token.prefix), "success")
    return redirect(safe_redirect_target(request.args.get("next") or url_for("auth.tokens")))


# --- user administration --------------------------------------------------------------------------


def _scope_choices(form):
    none = choice("", "—")
    form.organisation.choices = [none] + [choice(str(o.id), o.name) for o in queries.exporting_organisations()]
    form.gates.choices = [choice(g.code, f"{g.code} · {localized(g, 'name')}") for g in queries.vietnamese_gates()]
    form.province.choices = [none] + [choice(p.code, localized(p, "name")) for p in queries.current_provinces()]


@blp.route("/admin/users")
@requires("user.manage")
def users():
    """List the accounts, filtered by text, role and state."""
    q = request.args.get("q", "").strip()[:100]
    role = request.args.get("role") if request.args.get("role") in Role.values() else None
    state = request.args.get("state")
    active = {"active": True, "inactive": False}.get(state)
    query = queries.list_users_query(me(), q=q, role=role, active=active)
    page = keyset_page(query, [User.id], limit=USERS_PER_PAGE, cursor=request.args.get("cursor"))
    return render_template("admin/users.html", page=page, q=q, role=role, state=state, roles=list(Role))


@blp.route("/admin/users/new", methods=["GET", "POST"])
@requires("user.manage")
def new_user():
    """Create an account with its role and scope."""
    form = UserCreateForm()
    _scope_choices(form)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data,
                organisation=form.organisation.data,
                gates=form.gates.data,
                province=form.province.data,
                locale=form.locale.data,
                by=me(),
            )
        except Invalid as error:
            attach_errors(form, error.errors)
        else:
            flash(_("The account %(email)s was created.", email=user.email), "success")
            return redirect(url_for("auth.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None)


@blp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@requires("user.manage")
def edit_user(user_id):
    """Change an account's name, e-mail, role and scope; deactivate it, reset its password, revoke its tokens."""
    user = queries.managed_user_or_404(user_id, me())
    form = UserForm(obj=None if request.method == "POST" else user)
    _scope_choices(form)
    if request.method == "GET":
        form.role.data = user.role.value
        form.organisation.data = str(user.organisation_id or "")
        form.gates.data = [g.code for g in user.gates]
        form.province.data = user.province.code if user.province else ""
    if form.validate_on_submit():
        try:
            services.update_user(
                user.id,
                by=me(),
                name=form.name.data,
                email=form.email.data,
                role=form.role.data,
                organisation=form.organisation.data,
                gates=form.gates.data,
                province=form.province.data,
            )
        except (Invalid, Conflict) as error:
            attach_errors(form, error.errors or {"": [error.message]})
        else:
            flash(_("The account %(email)s was saved.", email=user.email), "success")
            return redirect(url_for("auth.edit_user", user_id=user.id))
    items = db.session.scalars(queries.list_tokens_query(me(), owner_id=user.id).order_by(ApiToken.id.desc())).all()
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        tokens=items,
        now=utcnow(),
        confirm_form=ConfirmForm(),
        password_form=PasswordResetForm(formdata=None),
    )


@blp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@requires("user.manage")
def deactivate_user(user_id):
    """Deactivate an account: its sessions end and its API tokens are revoked."""
    if ConfirmForm().validate_on_submit():
        user = services.deactivate_user(user_id, by=me())
        flash(_("The account %(email)s was deactivated.", email=user.email), "success")
    return redirect(url_for("auth.edit_user", user_id=user_id))


@blp.route("/admin/users/<int:user_id>/activate", methods=["POST"])
@requires("user.manage")
def activate_user(user_id):
    """Let a deactivated account sign in again."""
    if ConfirmForm().validate_on_submit():
        user = services.activate_user(user_id, by=me())
        flash(_("The account %(email)s was activated.", email=user.email), "success")
    return redirect(url_for("auth.edit_user", user_id=user_id))


@blp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@requires("user.manage")
def reset_password(user_id):
    """Give an account a new password; its sessions end and its API tokens are revoked."""
    form = PasswordResetForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "danger")
        return redirect(url_for("auth.edit_user", user_id=user_id))
    try:
        user = services.reset_password(user_id, form.password.data, by=me(), keep_session=session.get(SESSION_KEY))
    except Invalid as error:
        for messages in error.errors.values():
            for message in messages:
                flash(str(message), "danger")
    else:
        if user.id == current_user.id:
            login_user(user)
        flash(
            _(
                "A new password was set for %(email)s. Their sessions were signed out and their API tokens revoked.",
                email=user.email,
            ),
            "success",
        )
    return redirect(url_for("auth.edit_user", user_id=user_id))
