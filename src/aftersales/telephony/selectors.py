"""Reads of telephony, scoped like the customers they belong to."""
from django.db.models import QuerySet

from aftersales.core.scoping import scope

from .models import Call


def calls_of_customer(*, actor, customer, limit: int = 20) -> list[Call]:
    qs: QuerySet[Call] = scope(Call.objects.filter(customer=customer), actor=actor,
                               path="customer__service_point")
    return list(qs.select_related("agent", "ticket").order_by("-id")[:limit])


def access_own_call(*, actor, call_id: int) -> Call | None:
    """A call that rang at this agent's desk (the only ones a screen-pop links to)."""
    return Call.objects.filter(pk=call_id, agent=actor).select_related("customer").first()
