"""The admin shows money in the field and the loaner pool/purchasing: the policies are
edited there (with history), the records are read-only."""
from decimal import Decimal

import pytest
from django.test import Client

from aftersales.billing import cash, claims, services
from aftersales.billing.models import FieldMoneyPolicy
from aftersales.inventory.models import LoanerPolicy

from .factories import assigned, charged_ticket

PAGES = ["billing/fieldmoneypolicy", "billing/cashhandover", "billing/staffliability",
         "billing/claim", "billing/feedispute", "billing/invoicerequest", "billing/refund",
         "inventory/loanerpolicy", "inventory/loaner", "inventory/supplier",
         "inventory/purchaseorder", "inventory/inspection", "inventory/supplierclaim"]


@pytest.fixture
def admin_client_(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def records(boss, tech, cashier, customer, device):
    ticket = charged_ticket(actor=boss, customer=customer, device=device)
    entry = services.record_payment(actor=tech, ticket=assigned(ticket, tech), amount=Decimal("50.00"),
                                    method="cash")
    cash.hand_over_cash(actor=cashier, engineer=tech, payments=[entry.pk],
                        total=Decimal("50.00"))
    claims.open_claim(actor=tech, ticket=ticket, kind="our_fault", description="指导错误")


@pytest.mark.parametrize("page", PAGES)
def test_pages_open(admin_client_, records, page):
    assert admin_client_.get(f"/admin/{page}/").status_code == 200


def test_policies_are_edited_and_records_are_not(admin_client_, records):
    policy = FieldMoneyPolicy.current()
    response = admin_client_.post(f"/admin/billing/fieldmoneypolicy/{policy.pk}/change/", {
        "handover_days": "2", "personal_qr_counts_as_cash": "on", "return_refund_days": "7"})
    assert response.status_code == 302
    assert FieldMoneyPolicy.current().handover_days == 2
    assert FieldMoneyPolicy.history.count() >= 1
    loaner_policy = LoanerPolicy.current()
    response = admin_client_.post(f"/admin/inventory/loanerpolicy/{loaner_policy.pk}/change/",
                                  {"loan_days": "10"})
    assert response.status_code == 302 and LoanerPolicy.current().loan_days == 10
    assert admin_client_.get("/admin/billing/cashhandover/add/").status_code == 403
    assert admin_client_.get("/admin/billing/claim/add/").status_code == 403
