"""What every console view shares: login, the home page per role, and one helper that
turns a DomainError into a message next to its field."""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .errors import DomainError

HOME_BY_ROLE = {
    "agent": "console:hotline",
    "manager": "tickets:list",
    "engineer": "console:my_day",
    "warehouse": "inventory:stock",
    "finance": "billing:finance",
    "admin": "tickets:list",
}


def staff_view(view):
    """A console page: login first; a DomainError from a service becomes its page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return render_refusal(request, exc)

    return wrapper


def render_refusal(request, exc: DomainError, status: int | None = None):
    return render(request, "core/refused.html", {"error": exc}, status=status or exc.status)


def field_key(field: str | None) -> str:
    """`lines.0.qty` -> `lines_0_qty`, so a template can look it up as errors.lines_0_qty."""
    return (field or "all").replace(".", "_")


def errors_of(exc: DomainError) -> dict[str, str]:
    return {field_key(exc.field): exc.message, "code": exc.code}


@login_required
def home(request):
    role = "admin" if request.user.is_superuser else request.user.role
    return redirect(HOME_BY_ROLE.get(role, "tickets:list"))
