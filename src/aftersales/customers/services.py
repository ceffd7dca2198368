from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.scoping import check_point, require_role
from aftersales.core.validation import clean_credit_code, clean_phone, clean_required
from aftersales.network.models import ServicePoint, User

from .models import Contact, Customer, Zone

EDITORS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.AGENT)


def _check_choices(*, kind: str, zone: str) -> None:
    if kind not in Customer.Kind.values:
        raise ValidationFailed(_("Unknown customer kind."), field="kind")
    if zone not in Zone.values:
        raise ValidationFailed(_("Unknown fee zone."), field="zone")


@transaction.atomic
def create_customer(*, actor: User | None, name: str, kind: str, phone: str, zone: str,
                    email: str = "", address: str = "", credit_code: str = "",
                    service_point: ServicePoint | None = None, notes: str = "",
                    contacts: list[dict] | None = None) -> Customer:
    """Open a customer record. `actor=None` is the system acting for the customer (a web
    booking on the public portal): no role or service-point check applies, the record
    belongs to no point until staff assign one."""
    if actor is not None:
        require_role(actor, *EDITORS)
    name = clean_required(name, field="name", max_length=120)
    _check_choices(kind=kind, zone=zone)
    phone = clean_phone(phone)
    if credit_code:
        credit_code = clean_credit_code(credit_code)
    if actor is not None:
        if service_point is None and actor.service_point_id is not None:
            service_point = actor.service_point
        check_point(actor=actor, service_point_id=service_point.pk if service_point else None)
    customer = Customer.objects.create(
        number=next_number(prefix="C", width=7), name=name, kind=kind, phone=phone,
        email=email or "", address=address or "", zone=zone, credit_code=credit_code,
        service_point=service_point, notes=notes or "")
    for index, contact in enumerate(contacts or []):
        add_contact(actor=actor, customer=customer, name=contact.get("name", ""),
                    phone=contact.get("phone", ""), title=contact.get("title", ""),
                    is_primary=index == 0, field_prefix=f"contacts.{index}.")
    return customer


@transaction.atomic
def update_customer(*, actor: User, customer: Customer, **changes) -> Customer:
    """Change archive fields; block state is changed only by billing rules."""
    require_role(actor, *EDITORS)
    allowed = {"name", "phone", "email", "address", "zone", "credit_code", "notes", "kind"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(_("Field cannot be changed here."), field=sorted(unknown)[0])
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if "name" in changes:
        changes["name"] = clean_required(changes["name"], field="name", max_length=120)
    if "phone" in changes:
        changes["phone"] = clean_phone(changes["phone"])
    if changes.get("credit_code"):
        changes["credit_code"] = clean_credit_code(changes["credit_code"])
    _check_choices(kind=changes.get("kind", locked.kind), zone=changes.get("zone", locked.zone))
    for key, value in changes.items():
        setattr(locked, key, value if value is not None else "")
    locked.save(update_fields=list(changes))
    return locked


@transaction.atomic
def add_contact(*, actor: User | None, customer: Customer, name: str, phone: str,
                title: str = "", is_primary: bool = False, field_prefix: str = "") -> Contact:
    """`actor=None`: the system, as in create_customer."""
    if actor is not None:
        require_role(actor, *EDITORS)
    name = clean_required(name, field=f"{field_prefix}name", max_length=60)
    phone = clean_phone(phone, field=f"{field_prefix}phone")
    return Contact.objects.create(customer=customer, name=name, phone=phone, title=title,
                                  is_primary=is_primary)
