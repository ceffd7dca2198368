import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test starts with empty rate-limit windows."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def quoted(db):
    """A ticket of an on-site repair not covered by warranty (misuse), quoted at 50 (the
    city visit) + 480 (a screen) and waiting for the customer."""
    from datetime import date

    from aftersales.catalog.models import FaultCode
    from aftersales.tickets import services as tickets
    from tests.factories import (
        CustomerFactory,
        DeviceFactory,
        PartFactory,
        ProductModelFactory,
        ServicePointFactory,
        UserFactory,
    )

    point = ServicePointFactory(code="SJZ", name="石家庄服务站", province="河北省", city="石家庄市")
    agent = UserFactory(username="q_agent", role="agent")
    engineer = UserFactory(username="q_eng", name="张工", role="engineer")
    customer = CustomerFactory(name="张伟", phone="13912345678", zone="city",
                               service_point=point)
    device = DeviceFactory(serial="XY2601000001", customer=customer,
                           model=ProductModelFactory(code="X9", name="星耀 X9"),
                           purchase_date=date(2026, 1, 10), invoice_no="FP1",
                           warranty_card_no="K1")
    PartFactory(sku="SCR-X9", name="X9 屏幕总成", price="480.00")
    fault, _ = FaultCode.objects.get_or_create(code="F-SCR", defaults={"name": "屏幕不显示"})
    ticket = tickets.open_ticket(actor=agent, customer=customer, device=device, channel="phone",
                                 kind="repair", priority="normal", mode="onsite",
                                 summary="屏幕摔碎", contact_name="张伟",
                                 contact_phone="13912345678")
    ticket = tickets.assign(actor=agent, ticket=ticket, engineer=engineer)
    ticket = tickets.arrive(actor=engineer, ticket=ticket)
    ticket = tickets.diagnose(actor=engineer, ticket=ticket, fault_code=fault,
                              findings="屏幕碎裂", cause="misuse")
    ticket = tickets.quote(actor=engineer, ticket=ticket,
                           lines=[{"kind": "part", "sku": "SCR-X9", "qty": 1}])
    assert ticket.status == "awaiting_approval"
    return {"ticket": ticket, "agent": agent, "engineer": engineer, "customer": customer}
