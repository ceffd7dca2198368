"""Where messages go. E-mail through Django's mail backends (EMAIL_BACKEND); SMS and WeChat
through this small interface, chosen by dotted path in settings (SMS_BACKEND,
WECHAT_BACKEND). The embedded defaults only log, so nothing needs an account to try; the
real providers are `aliyun.AliyunSmsBackend`, `tencent.TencentSmsBackend` and
`wechat.WeChatTemplateBackend` (docs/integrations.md)."""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

log = logging.getLogger("aftersales.notifications")


class SendFailed(Exception):
    """The provider refused or could not be reached.

    `code` is the provider's own error code (kept on the outbox row); `permanent` means a
    retry cannot help (an invalid number, a rejected template): the row fails at once
    instead of being tried again."""

    def __init__(self, message: str, *, code: str = "", permanent: bool = False):
        super().__init__(message)
        self.code = code
        self.permanent = permanent


class MessageBackend:
    """Send one message to one recipient; return the provider's message id (or "");
    raise SendFailed on failure.

    `kind` and `params` name the approved template and fill it: providers in China send
    only templates approved in their console, never free text."""

    provider = ""

    def send(self, *, recipient: str, subject: str, body: str, kind: str = "",
             params: dict | None = None) -> str:  # pragma: no cover
        raise NotImplementedError


class LoggingSmsBackend(MessageBackend):
    provider = "log"

    def send(self, *, recipient, subject, body, kind="", params=None) -> str:
        log.info("SMS to %s: %s", recipient, body)
        return ""


class LoggingWeChatBackend(MessageBackend):
    provider = "log"

    def send(self, *, recipient, subject, body, kind="", params=None) -> str:
        log.info("WeChat to %s: %s %s", recipient, subject, body)
        return ""


class EmailBackend(MessageBackend):
    provider = "email"

    def send(self, *, recipient, subject, body, kind="", params=None) -> str:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient],
                      fail_silently=False)
        except Exception as exc:  # SMTP errors, refused recipients, timeouts
            raise SendFailed(str(exc)) from exc
        return ""


def backend_for(channel: str) -> MessageBackend:
    if channel == "email":
        return EmailBackend()
    path = {"sms": settings.SMS_BACKEND, "wechat": settings.WECHAT_BACKEND}[channel]
    return import_string(path)()
