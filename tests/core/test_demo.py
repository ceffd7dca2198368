"""`aftersales demo` builds its data through the services; a small run must succeed."""
from aftersales.demo.loader import demo_exists, load_demo
from aftersales.devices.models import Device
from aftersales.network.models import ServicePoint, User
from aftersales.tickets.models import Ticket


def test_a_small_demo_loads_through_the_services(db):
    # when
    summary = load_demo(customers=12, devices=40)
    # then
    assert demo_exists()
    assert summary["customers"] == 12
    assert Device.objects.count() == 40
    assert set(ServicePoint.objects.values_list("tier", flat=True)) == {
        "diamond", "gold", "a", "general"}
    assert set(User.objects.values_list("role", flat=True)) == {
        "admin", "manager", "agent", "engineer", "warehouse", "finance"}
    assert Ticket.objects.count() == summary["tickets"] == 40
    assert Ticket.objects.filter(status="closed").exists()
