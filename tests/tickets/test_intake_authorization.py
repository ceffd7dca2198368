"""Issue 11: intake checks role and service point before it looks at an Idempotency-Key,
so a key never hands another point's ticket (or a role's refusal) away."""
import pytest

from aftersales.core.errors import Forbidden, NotFound
from aftersales.network.models import Region
from aftersales.tickets import services
from aftersales.tickets.models import Ticket
from tests.factories import CustomerFactory, ServicePointFactory, UserFactory


def _open(actor, customer, key="k-1"):
    return services.open_ticket(actor=actor, customer=customer, channel="phone",
                                kind="consultation", priority="normal", mode="remote",
                                summary="咨询", idempotency_key=key)


def test_a_role_without_intake_is_refused_before_the_key(db):
    point = ServicePointFactory(code="SJZ")
    customer = CustomerFactory(service_point=point)
    agent = UserFactory(username="ag", role="agent", service_point=point)
    first = _open(agent, customer)
    keeper = UserFactory(username="kp", role="warehouse", service_point=point)
    with pytest.raises(Forbidden):
        _open(keeper, customer)
    assert list(Ticket.objects.values_list("pk", flat=True)) == [first.pk]


def test_another_points_user_with_the_same_key_does_not_get_the_ticket(db, api_for):
    sjz, bj = ServicePointFactory(code="SJZ"), ServicePointFactory(code="BJ")
    customer = CustomerFactory(service_point=sjz)
    _open(UserFactory(username="ag", role="agent", service_point=sjz), customer)
    bj_agent = UserFactory(username="bj", role="agent", service_point=bj)
    with pytest.raises(NotFound):
        _open(bj_agent, customer)
    other = CustomerFactory(service_point=bj, phone="13800000009")
    answer = api_for(bj_agent).post("/tickets", {
        "customer": other.pk, "channel": "phone", "kind": "consultation",
        "priority": "normal", "mode": "remote", "summary": "咨询"},
        HTTP_IDEMPOTENCY_KEY="k-1")
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "idempotency_mismatch"
    assert Ticket.objects.count() == 1


def test_a_regional_manager_gets_a_repeated_key_only_within_the_region(db, api_for):
    """network18's regional manager has no point of their own: the replay is checked against
    the region's points like every write (check_point), never waved through."""
    hebei, north = (Region.objects.create(code="HE", name="河北大区"),
                    Region.objects.create(code="BJR", name="北京大区"))
    sjz = ServicePointFactory(code="SJZ", region=hebei)
    bj = ServicePointFactory(code="BJ", region=north)
    customer = CustomerFactory(service_point=sjz)
    first = _open(UserFactory(username="ag", role="agent", service_point=sjz), customer)
    own = UserFactory(username="rm_he", role="regional_manager", region=hebei)
    assert _open(own, customer).pk == first.pk
    other = UserFactory(username="rm_n", role="regional_manager", region=north)
    theirs = CustomerFactory(service_point=bj, phone="13800000009")
    answer = api_for(other).post("/tickets", {
        "customer": theirs.pk, "channel": "phone", "kind": "consultation",
        "priority": "normal", "mode": "remote", "summary": "咨询"},
        HTTP_IDEMPOTENCY_KEY="k-1")
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "idempotency_mismatch")
    assert Ticket.objects.count() == 1
