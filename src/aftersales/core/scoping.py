"""One mechanism for service-point scoping, used by every selector.

A user tied to a service point sees and changes only that point's records; anything
else answers 404 as if it did not exist (no information leaks about other points).
"""
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .errors import Forbidden, NotFound


def scope(qs: QuerySet, *, actor, path: str = "service_point") -> QuerySet:
    """Restrict `qs` to the actor's service point through the lookup `path`."""
    point_id = getattr(actor, "service_point_id", None)
    if point_id is None:
        return qs
    return qs.filter(**{path: point_id})


def get_scoped(qs: QuerySet, *, actor, path: str = "service_point", message: str | None = None,
               **lookup):
    obj = scope(qs, actor=actor, path=path).filter(**lookup).first()
    if obj is None:
        raise NotFound(message)
    return obj


def check_point(*, actor, service_point_id: int | None, field: str = "service_point") -> None:
    """A point-bound user may only write records of their own point."""
    point_id = getattr(actor, "service_point_id", None)
    if point_id is not None and service_point_id != point_id:
        raise NotFound(_("Service point not found."))


def require_role(actor, *roles: str) -> None:
    if actor.is_superuser or actor.role in roles:
        return
    raise Forbidden(_("Your role may not do this."))
