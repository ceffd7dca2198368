from collections.abc import Mapping

from django.db.models import Expression, F, Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.core.scoping import get_scoped, scope
from aftersales.network.models import User

from .models import Contact, Customer

#: Extra per-customer columns that a higher app computes (billing's outstanding amount as
#: one subquery, so a list page stays a fixed number of queries). The caller passes them
#: in; this app does not know the ledger.
Annotations = Mapping[str, Expression]


PHONE_TAIL_MIN = 4
MATCH_LIMIT = 500


def _base(annotations: Annotations | None = None) -> QuerySet[Customer]:
    return Customer.objects.select_related("service_point").annotate(**(annotations or {}))


def customer_list(*, actor: User, q: str | None = None,
                  annotations: Annotations | None = None) -> QuerySet[Customer]:
    """What a caller says, matched against the archive (and its contacts):

    - one character (a surname such as 王): names starting with it;
    - a name or company fragment: names containing it;
    - 4+ digits: phones ending with them (the last digits a caller reads out), or
      starting with them; the whole number matches exactly;
    - a customer number (C0000012), whole or its tail.

    On PostgreSQL the `contains`/`endswith` look-ups on phone are answered by pg_trgm GIN
    indexes (customers migration 0003), a name fragment (two characters, 张伟, are the
    common case and too short for trigrams) by the bigram GIN indexes on `UPPER(name)`
    (`text_icontains`, migration 0006); SQLite scans (fine at its scale).
    """
    qs = scope(_base(annotations), actor=actor)
    q = (q or "").strip()
    if not q:
        return qs.order_by("-id")
    digits = "".join(ch for ch in q if ch.isdigit())
    only_digits = bool(digits) and len(digits) == len(q.replace(" ", "").replace("-", "")
                                                       .replace("+", ""))
    if only_digits and len(digits) >= PHONE_TAIL_MIN:
        # a number read out: phones (its tail, its start, the whole) and customer numbers'
        # tails; names are not searched for digits (no index could answer that)
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        own = (Q(phone__endswith=digits) | Q(phone__startswith=digits)
               | Q(number__endswith=digits))
        contact = Q(phone__endswith=digits) | Q(phone__startswith=digits)
    elif len(q) == 1 and not digits:
        own, contact = Q(name__startswith=q), Q(name__startswith=q)
    else:
        # customer numbers are stored in capitals: an exact match uses the unique index
        own = Q(name__text_icontains=q) | Q(number=q.upper())
        contact = Q(name__text_icontains=q)
    # two look-ups on one table each (so each is answered from that table's indexes),
    # then the archive rows by id: no OR across a join, no DISTINCT. "NULLS LAST" keeps
    # PostgreSQL from walking the primary key backwards through every row in the hope of
    # 500 early matches (1.2 s for a phone at a million customers); it sorts the index
    # matches instead (ids are never NULL, so the order is the same).
    newest = F("id").desc(nulls_last=True)
    ids = set(Customer.objects.filter(own).order_by(newest)
              .values_list("pk", flat=True)[:MATCH_LIMIT])
    ids |= set(Contact.objects.filter(contact).order_by(F("customer_id").desc(nulls_last=True))
               .values_list("customer_id", flat=True)[:MATCH_LIMIT])
    return qs.filter(pk__in=ids).order_by("-id")


def customers_with_phone(*, phone: str, exclude_id: int | None = None) -> QuerySet[Customer]:
    """Archives already on this (normalised) phone, as customer or contact, unscoped:
    the duplicate check must see every point's archive (the caller decides what to show)."""
    qs = Customer.objects.filter(Q(phone=phone) | Q(contacts__phone=phone)).distinct()
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.order_by("id")


def access_customer(*, actor: User, customer_id: int,
                    annotations: Annotations | None = None) -> Customer:
    return get_scoped(_base(annotations).prefetch_related("contacts"), actor=actor, pk=customer_id,
                      message=_("Customer not found."))


def find_by_phone(*, phone: str) -> Customer | None:
    """Unscoped: the archive's customer with this phone, or with a contact who has it
    (oldest first); never a provisional record (a web booking's whose phone is not
    verified). For the public portal, which shows no customer data from it."""
    archive = Customer.objects.filter(provisional=False)
    return (archive.filter(phone=phone).order_by("pk").first()
            or archive.filter(contacts__phone=phone).order_by("pk").first())
