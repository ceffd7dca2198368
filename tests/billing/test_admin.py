"""The fee schedule, billing policy and subsidy rates are edited in the admin; money
records are shown there read-only."""
from decimal import Decimal

import pytest
from django.test import Client

from aftersales.billing.models import ZoneFee

from .factories import charged_ticket

PAGES = ["zonefee", "billingpolicy", "subsidyrate", "quote", "charge", "ledgerentry",
         "debtblockevent", "subsidystatement"]


@pytest.fixture
def admin_client_(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_pages_open(admin_client_, admin_user, boss, customer, device, page):
    charged_ticket(actor=boss, customer=customer, device=device)
    assert admin_client_.get(f"/admin/billing/{page}/").status_code == 200


def test_visit_fee_edited_in_the_admin(admin_client_):
    city = ZoneFee.objects.get(zone="city")
    response = admin_client_.post(f"/admin/billing/zonefee/{city.pk}/change/", {
        "zone": "city", "visit": "60.00", "revisit_surcharge": "0.00", "transport": "100.00",
        "long_visit_counts_double": "on"})
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.visit == Decimal("60.00")


def test_ledger_cannot_be_edited(admin_client_, boss, customer, device):
    ticket = charged_ticket(actor=boss, customer=customer, device=device)
    entry = ticket.charge.entries.get()
    assert admin_client_.get("/admin/billing/ledgerentry/add/").status_code == 403
    assert admin_client_.post(f"/admin/billing/ledgerentry/{entry.pk}/delete/",
                              {"post": "yes"}).status_code == 403
    assert ticket.charge.entries.count() == 1
