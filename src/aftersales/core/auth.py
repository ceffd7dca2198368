"""Staff sign-in, guarded against guessing on every entry (console, admin, API token).

The lockout lives in the authentication backend, the one place all three entries pass
through: after LOGIN_FAILURE_LIMIT wrong passwords for a username (or LOGIN_IP_FAILURE_LIMIT
from one address) within LOGIN_LOCKOUT_SECONDS, no password is even checked until the
window ends — the right one is refused too. The counts are core.throttle's shared ones.
"""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import throttle


def _user_key(username: str) -> str:
    return "login:user:" + (username or "").strip().lower()[:150]


def _ip_key(request) -> str | None:
    return None if request is None else "login:ip:" + throttle.client_ip(request)


def locked_for(request, username: str) -> int:
    """Seconds until sign-in may be tried again for this username / address (0: now)."""
    window = settings.LOGIN_LOCKOUT_SECONDS
    user = throttle.peek(_user_key(username), window=window)
    if user.count >= settings.LOGIN_FAILURE_LIMIT:
        return user.retry_after
    ip_key = _ip_key(request)
    if ip_key:
        ip = throttle.peek(ip_key, window=window)
        if ip.count >= settings.LOGIN_IP_FAILURE_LIMIT:
            return ip.retry_after
    return 0


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if username is None or password is None:
            return None
        wait = locked_for(request, username)
        if wait:
            if request is not None:
                request.login_retry_after = wait
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        window = settings.LOGIN_LOCKOUT_SECONDS
        if user is None:
            throttle.hit(_user_key(username), window=window)
            ip_key = _ip_key(request)
            if ip_key:
                throttle.hit(ip_key, window=window)
        else:
            throttle.reset(_user_key(username), window=window)
        return user


LOCKED_MESSAGE = _("Too many failed sign-ins. Try again in %(minutes)d minutes.")


class _LockoutMessage:
    locked_message = ""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            wait = getattr(self.request, "login_retry_after", 0) if self.request else 0
            if wait:
                self.locked_message = LOCKED_MESSAGE % {"minutes": max(1, -(-wait // 60))}
                raise forms.ValidationError(self.locked_message, code="locked") from None
            raise


class LoginForm(_LockoutMessage, AuthenticationForm):
    """The console's sign-in form: says so when the account is locked for a while."""


class AdminLoginForm(_LockoutMessage, AdminAuthenticationForm):
    pass
