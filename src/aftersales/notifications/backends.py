"""Where messages go. E-mail through Django's mail backends (EMAIL_BACKEND); SMS and WeChat
through this small interface, chosen by dotted path in settings (SMS_BACKEND,
WECHAT_BACKEND). The embedded defaults only log, so nothing needs an account to try."""
from __future__ import annotations

import logging
import mimetypes

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

log = logging.getLogger("aftersales.notifications")


class SendFailed(Exception):
    """The provider refused or could not be reached; the outbox row stays retryable."""


class MessageBackend:
    """Send one text message to one recipient; raise SendFailed on failure."""

    def send(self, *, recipient: str, subject: str, body: str) -> None:  # pragma: no cover
        raise NotImplementedError


class LoggingSmsBackend(MessageBackend):
    def send(self, *, recipient: str, subject: str, body: str) -> None:
        log.info("SMS to %s: %s", recipient, body)


class LoggingWeChatBackend(MessageBackend):
    def send(self, *, recipient: str, subject: str, body: str) -> None:
        log.info("WeChat to %s: %s %s", recipient, subject, body)


class EmailBackend(MessageBackend):
    def send(self, *, recipient: str, subject: str, body: str,
             attachment: tuple[str, bytes] | None = None) -> None:
        try:
            message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
            if attachment is not None:
                name, content = attachment
                message.attach(name, content, mimetypes.guess_type(name)[0]
                               or "application/octet-stream")
            message.send(fail_silently=False)
        except Exception as exc:  # SMTP errors, refused recipients, timeouts
            raise SendFailed(str(exc)) from exc


def backend_for(channel: str) -> MessageBackend:
    if channel == "email":
        return EmailBackend()
    path = {"sms": settings.SMS_BACKEND, "wechat": settings.WECHAT_BACKEND}[channel]
    return import_string(path)()
