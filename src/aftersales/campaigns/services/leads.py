"""The sales loop (PRODUCT.md "Follow-up", "The organisation around the service"):
renewal leads before a warranty or contract ends, leads for requests on an expired
warranty, the account owner told when their customer calls; leads won or lost."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.models import ProductModel
from aftersales.contracts.models import Contract
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.scoping import check_point, require_role
from aftersales.core.validation import clean_required
from aftersales.devices.models import Device
from aftersales.devices.warranty import add_months, period_end
from aftersales.network.models import User
from aftersales.notifications.models import Outbox
from aftersales.tickets.models import Ticket

from ..errors import CampaignCode
from ..models import FollowUpPolicy, Lead
from .tell import in_site_language, sales_staff_for, tell_staff

LEAD_WORKERS = (User.Role.ADMIN, User.Role.MANAGER, User.Role.SALES)
OPEN_CONTRACT = (Contract.Status.SIGNED, Contract.Status.ACTIVE)
COVERING_KINDS = (Contract.Kind.WARRANTY, Contract.Kind.EXTENDED, Contract.Kind.ANNUAL)


def warranty_end(device: Device) -> date | None:
    """The last day of the unit's own warranty (purchase + the model's months)."""
    if device.purchase_date is None:
        return None
    return period_end(device.purchase_date, months=device.model.warranty_months)


def _create_lead(*, key: str, tell: tuple[str, str], **values) -> Lead | None:
    """The lead once (the unique key decides between two sweeps); its owner is told."""
    if Lead.objects.filter(key=key).exists():
        return None
    customer = values["customer"]
    try:
        with transaction.atomic():
            lead = Lead.objects.create(key=key, owner=customer.account_owner, **values)
    except IntegrityError:
        return None
    subject, body = tell
    tell_staff(sales_staff_for(customer), kind=f"lead_{lead.kind}", key=str(lead.pk),
               subject=subject, body=body, ticket=values.get("ticket"))
    return lead


def create_renewal_leads(*, today: date) -> int:
    """Contracts and unit warranties ending within the policy's days (60): one renewal
    lead each, for that end date."""
    days = FollowUpPolicy.current().renewal_lead_days
    horizon = today + timedelta(days=days)
    made = 0
    contracts = (Contract.objects.select_related("customer", "customer__account_owner")
                 .filter(status__in=OPEN_CONTRACT, ends_on__gte=today, ends_on__lte=horizon,
                         renewal__isnull=True)
                 .exclude(kind=Contract.Kind.PER_VISIT).order_by("ends_on", "pk"))
    for contract in contracts:
        with in_site_language():
            tell = (_("Renewal lead: contract %(number)s ends on %(day)s")
                    % {"number": contract.number, "day": contract.ends_on},
                    _("%(customer)s: contract %(number)s ends on %(day)s. Offer the renewal.")
                    % {"customer": contract.customer.name, "number": contract.number,
                       "day": contract.ends_on})
        made += _create_lead(key=f"contract:{contract.pk}:{contract.ends_on}", tell=tell,
                             kind=Lead.Kind.RENEWAL, customer=contract.customer,
                             contract=contract, due_on=contract.ends_on) is not None
    for model in ProductModel.objects.all().order_by("pk"):
        # purchase + months ends in [today, horizon]: purchase in about that window back
        first, last = add_months(today, -model.warranty_months), horizon
        last = add_months(last, -model.warranty_months) + timedelta(days=3)
        units = (Device.objects.select_related("model", "customer", "customer__account_owner")
                 .filter(model=model, purchase_date__gte=first - timedelta(days=3),
                         purchase_date__lte=last, replaced_by__isnull=True)
                 .order_by("pk"))
        for device in units:
            end = warranty_end(device)
            if end is None or not today <= end <= horizon:
                continue
            with in_site_language():
                tell = (_("Renewal lead: the warranty of %(serial)s ends on %(day)s")
                        % {"serial": device.serial, "day": end},
                        _("%(customer)s: the warranty of %(serial)s (%(model)s) ends on "
                          "%(day)s. Offer an extended warranty or a maintenance contract.")
                        % {"customer": device.customer.name, "serial": device.serial,
                           "model": model.name, "day": end})
            made += _create_lead(key=f"warranty:{device.pk}:{end}", tell=tell,
                                 kind=Lead.Kind.RENEWAL, customer=device.customer,
                                 device=device, due_on=end) is not None
    return made


def _covered_by_contract(device: Device, on: date) -> bool:
    return Contract.objects.filter(devices=device, kind__in=COVERING_KINDS,
                                   status__in=OPEN_CONTRACT, starts_on__lte=on,
                                   ends_on__gte=on).exists()


def create_expired_warranty_leads(*, now: datetime) -> int:
    """Requests of the last days on a unit whose warranty (and every covering contract)
    had ended when the request arrived: a lead for sales, once per request."""
    since = now - timedelta(days=FollowUpPolicy.current().intake_lookback_days)
    tickets = (Ticket.objects.select_related("device", "device__model", "customer",
                                             "customer__account_owner")
               .filter(created_at__gte=since, created_at__lte=now, device__isnull=False,
                       device__purchase_date__isnull=False)
               .exclude(Exists(Lead.objects.filter(ticket=OuterRef("pk"))))
               .order_by("pk"))
    made = 0
    for ticket in tickets:
        arrived = timezone.localdate(ticket.created_at)
        end = warranty_end(ticket.device)
        if end is None or end >= arrived or _covered_by_contract(ticket.device, arrived):
            continue
        with in_site_language():
            tell = (_("Expired warranty: %(number)s from %(customer)s")
                    % {"number": ticket.number, "customer": ticket.customer.name},
                    _("%(customer)s asked for service (%(number)s) on %(serial)s, whose "
                      "warranty ended on %(day)s. Offer an extended warranty or a contract.")
                    % {"customer": ticket.customer.name, "number": ticket.number,
                       "serial": ticket.device.serial, "day": end})
        made += _create_lead(key=f"expired:{ticket.pk}", tell=tell,
                             kind=Lead.Kind.EXPIRED_WARRANTY, customer=ticket.customer,
                             device=ticket.device, ticket=ticket, due_on=end) is not None
    return made


def tell_owners_of_new_requests(*, now: datetime) -> int:
    """A request from a customer with an account owner: the owner is told, once."""
    since = now - timedelta(days=FollowUpPolicy.current().intake_lookback_days)
    tickets = (Ticket.objects.select_related("customer", "customer__account_owner")
               .filter(created_at__gte=since, created_at__lte=now,
                       customer__account_owner__isnull=False,
                       customer__account_owner__is_active=True)
               .exclude(Exists(Outbox.objects.filter(ticket=OuterRef("pk"),
                                                     kind="owner_call")))
               .order_by("pk"))
    told = 0
    for ticket in tickets:
        with in_site_language():
            subject = _("Your customer %(customer)s called: %(number)s") % {
                "customer": ticket.customer.name, "number": ticket.number}
            body = f"{subject}\n{ticket.summary}"
        with transaction.atomic():
            told += tell_staff([ticket.customer.account_owner], kind="owner_call",
                               key=str(ticket.pk), subject=subject, body=body,
                               ticket=ticket) > 0
    return told


def close_renewed_leads(*, now: datetime) -> int:
    """A renewal lead whose contract was renewed is won by that renewal."""
    rows = (Lead.objects.select_related("contract__renewal")
            .filter(status=Lead.Status.OPEN, contract__renewal__isnull=False))
    done = 0
    for lead in rows:
        done += Lead.objects.filter(pk=lead.pk, status=Lead.Status.OPEN).update(
            status=Lead.Status.WON, won_contract=lead.contract.renewal, closed_at=now)
    return done


def _open_lead(*, actor: User, lead: Lead) -> Lead:
    require_role(actor, *LEAD_WORKERS)
    locked = Lead.objects.select_for_update().select_related("customer").get(pk=lead.pk)
    check_point(actor=actor, service_point_id=locked.customer.service_point_id)
    if locked.status != Lead.Status.OPEN:
        raise Conflict(CampaignCode.LEAD_CLOSED, _("This lead is closed already."), field="status")
    return locked


@transaction.atomic
def win_lead(*, actor: User, lead: Lead, contract: Contract) -> Lead:
    """Won: the contract the customer signed (their own, signed or active)."""
    locked = _open_lead(actor=actor, lead=lead)
    if contract.customer_id != locked.customer_id or contract.status not in OPEN_CONTRACT:
        raise ValidationFailed(_("Name a contract this customer signed."), field="contract")
    locked.status, locked.won_contract = Lead.Status.WON, contract
    locked.closed_at, locked.closed_by = timezone.now(), actor
    locked.save(update_fields=["status", "won_contract", "closed_at", "closed_by"])
    return locked


@transaction.atomic
def lose_lead(*, actor: User, lead: Lead, reason: str) -> Lead:
    """Lost, with the reason (kept for the sales report)."""
    reason = clean_required(reason, field="reason", max_length=200)
    locked = _open_lead(actor=actor, lead=lead)
    locked.status, locked.lost_reason = Lead.Status.LOST, reason
    locked.closed_at, locked.closed_by = timezone.now(), actor
    locked.save(update_fields=["status", "lost_reason", "closed_at", "closed_by"])
    return locked
