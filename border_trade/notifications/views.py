"""Pages: the notice inbox with e-mail choices, exporters' webhooks, and the bell in the menu."""

from flask import Blueprint, flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import can
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..pages import attach_errors
from . import services, webhooks
from .forms import ConfirmForm, EmailPreferencesForm, WebhookForm
from .messages import KINDS, render

blp = Blueprint("notifications", __name__)


@blp.app_context_processor
def _bell():
    if has_request_context() and current_user and current_user.is_authenticated:
        return {"unread_notices": services.unread_count(current_user)}
    return {"unread_notices": 0}


@blp.route("/notifications", methods=["GET", "POST"])
@login_required
def inbox():
    """List the user's notices and let them choose which arrive by e-mail."""
    form = EmailPreferencesForm(email_notices=current_user.email_notices)
    if form.validate_on_submit():
        kinds = {kind for kind in KINDS if request.form.get(f"kind-{kind}")}
        services.set_email_preferences(current_user, kinds, email_notices=form.email_notices.data)
        flash(_("Your e-mail choices were saved."), "success")
        return redirect(url_for("notifications.inbox"))
    notices = services.list_notifications(current_user, limit=200)
    chosen = services.email_kinds(current_user)
    return render_template(
        "notifications/inbox.html",
        notices=notices,
        render=render,
        form=form,
        kinds=KINDS,
        chosen=chosen,
        read_form=ConfirmForm(),
    )


@blp.route("/notifications/<id:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id):
    """Mark a notice read."""
    if ConfirmForm().validate_on_submit():
        services.mark_read(current_user, notification_id)
    return redirect(url_for("notifications.inbox"))


@blp.route("/account/webhooks", methods=["GET", "POST"])
@login_required
def webhook_list():
    """An exporter's webhooks with their latest deliveries."""
    if not can(current_user, "webhook.manage"):
        raise Forbidden()
    form = WebhookForm()
    secret = None
    status = 200
    if form.validate_on_submit():
        try:
            _hook, secret = webhooks.register_webhook(current_user, form.url.data)
        except Invalid as error:
            db.session.rollback()
            attach_errors(form, error.errors)
            status = 422
        else:
            flash(_("Webhook added. Copy its secret now: it is shown only once."), "success")
    elif form.is_submitted():
        status = 400
    hooks = webhooks.visible_webhooks(current_user)
    deliveries = {hook.id: webhooks.deliveries(current_user, hook.id, limit=20) for hook in hooks}
    return render_template(
        "notifications/webhooks.html",
        form=form,
        hooks=hooks,
        deliveries=deliveries,
        secret=secret,
        stop_form=ConfirmForm(),
    ), status


@blp.route("/account/webhooks/<id:webhook_id>/stop", methods=["POST"])
@login_required
def webhook_stop(webhook_id):
    """Stop a webhook."""
    if ConfirmForm().validate_on_submit():
        webhooks.deactivate_webhook(current_user, webhook_id)
        flash(_("The webhook was stopped."), "success")
    return redirect(url_for("notifications.webhook_list"))
