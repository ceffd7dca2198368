"""What every console view shares: login, the home page per role, and one helper that
turns a DomainError into a message next to its field."""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .errors import DomainError
from .scoping import require_role

HOME_BY_ROLE = {
    "agent": "console:hotline",
    "manager": "reports:dashboard",
    "sales": "campaigns:leads",
    "rnd": "reports:page",
    "production": "reports:page",
    "engineer": "console:my_day",
    "warehouse": "inventory:stock",
    "finance": "billing:finance",
    "admin": "tickets:list",
}


def staff_view(view=None, *, roles: tuple[str, ...] = ()):
    """A console page: login first; with `roles`, the same `require_role` check as the API
    endpoint of the same data (403 page otherwise); a DomainError from a service becomes
    its page. `@staff_view` or `@staff_view(roles=(...))`."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                if roles:
                    require_role(request.user, *roles)
                return view(request, *args, **kwargs)
            except DomainError as exc:
                return render_refusal(request, exc)

        return wrapper

    return decorate(view) if view is not None else decorate


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
