"""Debts and service blocking: a unit with a refused or overdue repair gets no new
repair, installation or maintenance; two refused repairs block the customer; paying
every old debt lifts the block at once; consultations and complaints are always taken."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.billing import debts, selectors, services
from aftersales.billing.models import Charge, DebtBlockEvent
from aftersales.core.errors import Conflict
from aftersales.customers.models import Customer
from tests.factories import DeviceFactory

from .factories import charged_ticket

D = Decimal


def refused(boss, customer, device, *, lines=None):
    ticket = charged_ticket(actor=boss, customer=customer, device=device, lines=lines)
    services.refuse_payment(actor=boss, ticket=ticket, note="不愿付款")
    return ticket


def intake_error(customer, device, kind="repair"):
    with pytest.raises(Conflict) as refused_:
        services.check_intake(customer=customer, device=device, kind=kind)
    return refused_.value.code


def test_fresh_debt_does_not_block(boss, customer, device):
    charged_ticket(actor=boss, customer=customer, device=device)
    services.check_intake(customer=customer, device=device, kind="repair")


def test_refused_repair_blocks_the_unit_only(boss, customer, device):
    # given a refused repair on one unit
    refused(boss, customer, device)
    other = DeviceFactory(customer=customer)
    # then that unit gets no repair, installation or maintenance
    for kind in ("repair", "installation", "maintenance"):
        assert intake_error(customer, device, kind) == "device_unpaid"
    # but consultations and complaints are taken, and the customer's other unit too
    for kind in ("consultation", "complaint"):
        services.check_intake(customer=customer, device=device, kind=kind)
    services.check_intake(customer=customer, device=other, kind="repair")
    customer.refresh_from_db()
    assert customer.blocked is False


def test_overdue_repair_blocks_the_unit(boss, customer, device):
    # given a debt above 2,000 resolved 16 days ago (due after 15)
    long_ago = timezone.now() - timedelta(days=16)
    charged_ticket(actor=boss, customer=customer, device=device, resolved_at=long_ago,
                   lines=[{"kind": "part", "description": "主板", "qty": 1,
                           "unit_price": D("2500")}])
    assert intake_error(customer, device) == "device_unpaid"


def test_debt_within_credit_days_does_not_block(boss, customer, device):
    charged_ticket(actor=boss, customer=customer, device=device,
                   resolved_at=timezone.now() - timedelta(days=14),
                   lines=[{"kind": "part", "description": "主板", "qty": 1,
                           "unit_price": D("2500")}])
    services.check_intake(customer=customer, device=device, kind="repair")


def test_two_refusals_block_and_paying_every_old_debt_lifts(boss, customer, device):
    # given two refused repairs
    first = refused(boss, customer, device)
    second = refused(boss, customer, DeviceFactory(customer=customer))
    customer.refresh_from_db()
    assert customer.blocked is True
    assert customer.blocked_reason == _(
        "Refused to pay %(count)d repairs; service resumes when every old debt is paid.") % {
        "count": 2}
    assert intake_error(customer, DeviceFactory(customer=customer)) == "customer_blocked"
    services.check_intake(customer=customer, device=device, kind="consultation")
    # when the first is paid the block stays (one old debt left)
    services.record_payment(actor=boss, ticket=first, amount=D("50.00"), method="cash")
    customer.refresh_from_db()
    assert customer.blocked is True
    # when the last old debt is paid the block is lifted at once
    services.record_payment(actor=boss, ticket=second, amount=D("50.00"), method="alipay")
    customer.refresh_from_db()
    assert (customer.blocked, customer.blocked_reason) == (False, "")
    services.check_intake(customer=customer, device=device, kind="repair")
    assert list(DebtBlockEvent.objects.filter(customer=customer).order_by("id")
                .values_list("blocked", flat=True)) == [True, False]


def test_partial_payment_keeps_the_block(boss, customer, device):
    first = refused(boss, customer, device)
    refused(boss, customer, DeviceFactory(customer=customer))
    services.record_payment(actor=boss, ticket=first, amount=D("49.99"), method="cash")
    customer.refresh_from_db()
    assert customer.blocked is True


def test_a_block_set_by_someone_else_is_left_alone(boss, customer, device):
    # given a refused debt, then a customer blocked by hand
    ticket = refused(boss, customer, device)
    Customer.objects.filter(pk=customer.pk).update(blocked=True, blocked_reason="fraud")
    # when the debt is paid
    services.record_payment(actor=boss, ticket=ticket, amount=D("50.00"), method="cash")
    customer.refresh_from_db()
    assert (customer.blocked, customer.blocked_reason) == (True, "fraud")


def test_refuse_twice_or_nothing_owed_is_a_conflict(boss, customer, device):
    ticket = refused(boss, customer, device)
    with pytest.raises(Conflict) as twice:
        services.refuse_payment(actor=boss, ticket=ticket, note="")
    assert twice.value.code == "already_refused"
    paid = charged_ticket(actor=boss, customer=customer, device=DeviceFactory(customer=customer))
    services.record_payment(actor=boss, ticket=paid, amount=D("50.00"), method="card")
    with pytest.raises(Conflict) as nothing:
        services.refuse_payment(actor=boss, ticket=paid, note="")
    assert nothing.value.code == "nothing_outstanding"
    assert paid.charge.refused_at is None


def test_the_database_filter_of_old_debts_is_the_pure_rule(boss, customer):
    # given charges in every state: fresh, overdue, refused, paid off
    today = timezone.localdate()
    fresh = charged_ticket(actor=boss, customer=customer,
                           device=DeviceFactory(customer=customer))
    overdue = charged_ticket(actor=boss, customer=customer,
                             device=DeviceFactory(customer=customer))
    Charge.objects.filter(ticket=overdue).update(due_on=today - timedelta(days=1))
    refused(boss, customer, DeviceFactory(customer=customer))
    paid = refused(boss, customer, DeviceFactory(customer=customer))
    services.record_payment(actor=boss, ticket=paid, amount=selectors.ticket_money(
        ticket=paid)["outstanding"], method="cash")
    # then the SQL filter picks exactly the charges the pure rule calls old
    charges = list(Charge.objects.filter(customer=customer))
    by_rule = {c.pk for c in charges if debts.is_old_debt(
        outstanding=selectors.charge_outstanding(charge_id=c.pk), due_on=c.due_on,
        refused=c.refused_at is not None, today=today)}
    assert {c.pk for c in selectors.old_debts(today=today)} == by_rule
    assert len(by_rule) == 2 and fresh.charge.pk not in by_rule
