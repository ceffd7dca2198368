"""The bell in the console's header: how many open alerts the signed-in user has."""
from django.utils.functional import SimpleLazyObject

from .selectors import open_alert_count

BELL_ROLES = ("manager", "agent", "admin")


def alert_bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (
            user.is_superuser or getattr(user, "role", "") in BELL_ROLES):
        return {}
    # one COUNT query, only when a page actually shows the bell
    return {"alert_bell": True,
            "open_alert_count": SimpleLazyObject(lambda: open_alert_count(actor=user))}
