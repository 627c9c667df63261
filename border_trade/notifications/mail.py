"""E-mail through SMTP; without MAIL_SERVER the message is written to the log (development)."""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def send_mail(to, subject, body):
    """Send one plain-text e-mail (UTF-8); raise on SMTP failure so the caller can retry later."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    server = config.get("MAIL_SERVER")
    if not server:
        log.info("e-mail (MAIL_SERVER unset, not sent) to=%s subject=%s\n%s", to, subject, body)
        return
    with smtplib.SMTP(server, config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
