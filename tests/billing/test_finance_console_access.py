"""Issue 11 "Scope in the console": /finance/ opens only for the roles the finance API
serves (one require_role for both edges); a refused payment form books nothing."""
import pytest
from django.test import Client

from aftersales.billing.models import LedgerEntry
from tests.factories import UserFactory


@pytest.mark.parametrize("role,status", [("finance", 200), ("manager", 200), ("admin", 200),
                                         ("agent", 403), ("engineer", 403),
                                         ("warehouse", 403)])
def test_the_finance_page_is_for_finance_roles_only(db, role, status):
    web = Client()
    web.force_login(UserFactory(username=f"u_{role}", role=role))
    response = web.get("/finance/")
    assert response.status_code == status
    templates = [t.name for t in response.templates]
    assert ("core/refused.html" in templates) == (status == 403)
    assert ("billing/finance.html" in templates) == (status == 200)


@pytest.mark.parametrize("role", ["agent", "engineer", "warehouse"])
def test_other_roles_cannot_post_a_payment_through_the_console(db, role):
    web = Client()
    web.force_login(UserFactory(username=f"p_{role}", role=role))
    response = web.post("/finance/payments/", {"ticket": "SR1", "amount": "1", "method": "cash"})
    assert response.status_code == 403
    assert not LedgerEntry.objects.exists()
