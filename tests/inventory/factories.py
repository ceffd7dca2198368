"""Factories of the inventory app (and a bare ticket for parts-on-ticket tests)."""
import factory

from aftersales.inventory.models import Warehouse
from tests.factories import CustomerFactory, ServicePointFactory


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"WH{n:03d}")
    name = factory.Sequence(lambda n: f"仓库{n}")
    service_point = factory.SubFactory(ServicePointFactory)


def make_ticket(*, number: str, service_point=None, engineer=None, kind: str = "repair",
                fault_code=None, customer=None, status: str = "new"):
    """A ticket row as the tickets app stores it, without going through its workflow."""
    from aftersales.tickets.models import Ticket

    return Ticket.objects.create(
        number=number, kind=kind, mode="onsite", channel="phone",
        customer=customer or CustomerFactory(), service_point=service_point,
        engineer=engineer, fault_code=fault_code, summary="屏幕不亮", status=status,
        tracking_secret=f"secret-{number}")
