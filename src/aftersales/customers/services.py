from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.scoping import check_point, require_role
from aftersales.core.validation import clean_credit_code, clean_phone, clean_required
from aftersales.network.models import ServicePoint, User

from .errors import CustomerCode
from .models import Contact, Customer, Zone
from .selectors import customers_with_phone

EDITORS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.REGIONAL_MANAGER,
           User.Role.AGENT)


def _check_choices(*, kind: str, zone: str) -> None:
    if kind not in Customer.Kind.values:
        raise ValidationFailed(_("Unknown customer kind."), field="kind")
    if zone not in Zone.values:
        raise ValidationFailed(_("Unknown fee zone."), field="zone")


@transaction.atomic
def create_customer(*, actor: User | None, name: str, kind: str, phone: str, zone: str,
                    email: str = "", address: str = "", credit_code: str = "",
                    service_point: ServicePoint | None = None, notes: str = "",
                    contacts: list[dict] | None = None,
                    confirm_duplicate_phone: bool = False,
                    provisional: bool = False) -> Customer:
    """Open a customer record. `actor=None` is the system acting for the customer (a web
    booking on the public portal): no role or service-point check applies, the record
    belongs to no point until staff assign one.

    Staff: a phone that already belongs to an archive (as its phone or a contact's) is
    refused with 409 `duplicate_phone` unless they confirm that this really is another
    customer: the hotline opens the existing archive instead. (The portal's booking has
    its own rule: the archive is attached only after the phone's code is confirmed; until
    then its ticket belongs to a `provisional` record, see merge_provisional.)"""
    if actor is not None:
        require_role(actor, *EDITORS)
    name = clean_required(name, field="name", max_length=120)
    _check_choices(kind=kind, zone=zone)
    phone = clean_phone(phone)
    if actor is not None and not confirm_duplicate_phone:
        existing = customers_with_phone(phone=phone).first()
        if existing is not None and existing.provisional:
            raise Conflict(CustomerCode.DUPLICATE_PHONE, _(
                "Web booking %(number)s (phone to be verified) already has this phone; open "
                "it and verify the phone, or confirm that this is another customer.") % {
                    "number": existing.number}, field="phone")
        if existing is not None:
            raise Conflict(CustomerCode.DUPLICATE_PHONE, _(
                "Customer %(number)s already has this phone; open that archive, or confirm "
                "that this is another customer.") % {"number": existing.number},
                field="phone")
    if credit_code:
        credit_code = clean_credit_code(credit_code)
    if actor is not None:
        if service_point is None and actor.service_point_id is not None:
            service_point = actor.service_point
        check_point(actor=actor, service_point_id=service_point.pk if service_point else None)
    customer = Customer.objects.create(
        number=next_number(prefix="C", width=7), name=name, kind=kind, phone=phone,
        email=email or "", address=address or "", zone=zone, credit_code=credit_code,
        service_point=service_point, notes=notes or "", provisional=provisional)
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


@transaction.atomic
def verify_provisional(*, customer: Customer, actor: User | None = None) -> Customer:
    """A provisional record whose phone confirmed its code (or that staff verified by
    calling it back: `actor`, kept in its history), no archive having that phone: it
    becomes the customer's archive."""
    customer.provisional = False
    if actor is not None:
        customer._history_user = actor
    customer.save(update_fields=["provisional"])
    return customer


@transaction.atomic
def merge_provisional(*, provisional: Customer, into: Customer,
                      actor: User | None = None) -> dict[str, int]:
    """A provisional record (a web booking's, its phone now confirmed) joins the archive
    with that phone: every row that points at it, in any app (its ticket, a unit or a
    contact staff added meanwhile, a call...), points at the archive instead, and the
    record is deleted (its last state stays in its history). Answers the rows moved per
    model. Rows a constraint keeps from moving stay, and so does the record then.
    `actor`: the staff member who verified the phone (kept in the record's history)."""
    if not provisional.provisional or into.provisional or provisional.pk == into.pk:
        raise ValueError("only a provisional record joins another archive")
    moved, kept = {}, False
    for relation in Customer._meta.related_objects:
        rows = relation.related_model._base_manager.filter(
            **{relation.field.name: provisional})
        try:
            with transaction.atomic():
                count = rows.update(**{relation.field.name: into})
        except IntegrityError:
            kept = True
            continue
        if count:
            moved[relation.related_model._meta.label_lower] = count
    if not kept:
        record = Customer.objects.get(pk=provisional.pk)
        if actor is not None:
            record._history_user = actor
        record.delete()
    return moved


OWNER_SETTERS = (User.Role.ADMIN, User.Role.MANAGER)


@transaction.atomic
def set_account_owner(*, actor: User, customer: Customer, owner: User | None) -> Customer:
    """The customer's account owner in sales (PRODUCT.md "The organisation around the
    service"); `owner=None` clears it. Only a sales staff member can own an account."""
    require_role(actor, *OWNER_SETTERS)
    check_point(actor=actor, service_point_id=customer.service_point_id)
    if owner is not None and (owner.role != User.Role.SALES or not owner.is_active):
        raise ValidationFailed(_("The account owner must be an active sales staff member."),
                               field="account_owner")
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    locked.account_owner = owner
    locked.save(update_fields=["account_owner"])
    return locked
