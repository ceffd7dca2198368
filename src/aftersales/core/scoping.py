"""One mechanism for service-point scoping, used by every selector.

A user tied to a service point sees and changes only that point's records; anything
else answers 404 as if it did not exist (no information leaks about other points).

A user tied to a region (a regional manager, no point of their own) sees and changes the
records of every point of the region: the same three functions, the point filter widened to
the region's points (`actor.region_point_ids()`, a lazy subquery). A user with neither is
head office and sees everything.
"""
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .errors import Forbidden, NotFound


def region_points(actor):
    """The region's points (a lazy query of ids) for a region-bound actor, else None."""
    if getattr(actor, "service_point_id", None) is not None:
        return None
    points = getattr(actor, "region_point_ids", None)
    return points() if points is not None else None


def is_unbound(actor) -> bool:
    """Head office: tied to neither a point nor a region."""
    return (getattr(actor, "service_point_id", None) is None
            and getattr(actor, "region_id", None) is None)


def scope(qs: QuerySet, *, actor, path: str = "service_point") -> QuerySet:
    """Restrict `qs` to the actor's service point (or region) through the lookup `path`."""
    point_id = getattr(actor, "service_point_id", None)
    if point_id is not None:
        return qs.filter(**{path: point_id})
    points = region_points(actor)
    if points is not None:
        return qs.filter(**{f"{path}__in": points})
    return qs


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
    points = region_points(actor)
    if points is not None and (service_point_id is None
                               or not points.filter(pk=service_point_id).exists()):
        raise NotFound(_("Service point not found."))


def require_role(actor, *roles: str) -> None:
    if actor.is_superuser or actor.role in roles:
        return
    raise Forbidden(_("Your role may not do this."))
