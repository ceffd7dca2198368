"""Network and staff: service points, deposits and credit, staff and roles."""
from decimal import Decimal

from aftersales.network.models import Deposit, ServicePoint, User


def test_admin_creates_a_service_point(admin_api):
    response = admin_api.post("/service-points", {"code": "BJ01", "name": "北京服务站",
                                                  "kind": "branch", "tier": "gold"})
    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "BJ01"
    assert body["deposit"] == "0.00"
    assert body["credit_limit"] == "0.00"
    assert body["stock_value"] == "0.00"


def test_duplicate_code_is_409_and_creates_nothing(admin_api, service_point_factory):
    service_point_factory(code="BJ01")
    response = admin_api.post("/service-points", {"code": "BJ01", "name": "x",
                                                  "kind": "branch", "tier": "gold"})
    assert response.status_code == 409
    assert response.json()["error"]["field"] == "code"
    assert ServicePoint.objects.filter(code="BJ01").count() == 1


def test_an_agent_cannot_create_service_points(agent_api):
    response = agent_api.post("/service-points", {"code": "X", "name": "x", "kind": "hq",
                                                  "tier": "a"})
    assert response.status_code == 403
    assert ServicePoint.objects.count() == 0


def test_credit_limit_is_deposit_times_leverage(admin_api, service_point_factory):
    # given
    point = service_point_factory()
    # when
    admin_api.post(f"/service-points/{point.pk}/deposits", {"amount": "30000.00"})
    admin_api.post(f"/service-points/{point.pk}/deposits", {"amount": "5000.50"})
    # then
    body = admin_api.get(f"/service-points/{point.pk}").json()
    assert body["deposit"] == "35000.50"
    assert body["credit_limit"] == "70001.00"


def test_leverage_is_configuration(admin_api, service_point_factory):
    from aftersales.network.models import NetworkPolicy

    policy = NetworkPolicy.current()
    policy.credit_leverage = Decimal("3")
    policy.save()
    point = service_point_factory()
    admin_api.post(f"/service-points/{point.pk}/deposits", {"amount": "100"})
    assert admin_api.get(f"/service-points/{point.pk}").json()["credit_limit"] == "300.00"


def test_a_refund_larger_than_the_deposit_is_refused(admin_api, service_point_factory):
    point = service_point_factory()
    admin_api.post(f"/service-points/{point.pk}/deposits", {"amount": "100"})
    response = admin_api.post(f"/service-points/{point.pk}/deposits", {"amount": "-100.01"})
    assert response.status_code == 409
    assert Deposit.objects.filter(service_point=point).count() == 1


def test_deposit_with_three_decimals_is_422(admin_api, service_point_factory):
    point = service_point_factory()
    response = admin_api.post(f"/service-points/{point.pk}/deposits", {"amount": "1.005"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "amount"
    assert not Deposit.objects.exists()


def test_admin_creates_staff_with_role_point_and_skills(admin_api, service_point_factory):
    point = service_point_factory()
    response = admin_api.post("/staff", {"username": "li", "password": "Tea-pot-4821",
                                         "name": "李工", "role": "engineer",
                                         "service_point": point.pk, "skills": ["手机", "平板"]})
    assert response.status_code == 201
    user = User.objects.get(username="li")
    assert (user.role, user.service_point_id, user.skills) == ("engineer", point.pk,
                                                              ["平板", "手机"])
    assert user.check_password("Tea-pot-4821")


def test_a_point_manager_sees_only_their_point(api_for, service_point_factory, user_factory):
    # given
    mine, other = service_point_factory(), service_point_factory()
    boss = user_factory(role="manager", service_point=mine)
    api = api_for(boss)
    # then
    listed = [p["id"] for p in api.get("/service-points").json()["items"]]
    assert listed == [mine.pk]
    assert api.get(f"/service-points/{other.pk}").status_code == 404


def test_a_point_manager_cannot_add_staff_to_another_point(api_for, service_point_factory,
                                                           user_factory):
    mine, other = service_point_factory(), service_point_factory()
    api = api_for(user_factory(role="manager", service_point=mine))
    response = api.post("/staff", {"username": "x1", "password": "Tea-pot-4821", "name": "x",
                                   "role": "engineer", "service_point": other.pk})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "service_point"
    assert not User.objects.filter(username="x1").exists()
