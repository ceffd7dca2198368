"""Capability 1: the customer archive, its validation, search and scoping."""
from aftersales.customers.models import Customer

PERSON = {"name": "张三", "kind": "person", "phone": "13812345678", "zone": "city"}


def test_create_a_person(agent_api):
    response = agent_api.post("/customers", PERSON)
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("C")
    assert (body["name"], body["phone"], body["zone"]) == ("张三", "13812345678", "city")
    assert body["blocked"] is False
    assert body["blocked_reason"] == ""
    assert body["outstanding"] == "0.00"


def test_phone_is_normalised(agent_api):
    response = agent_api.post("/customers", {**PERSON, "phone": "+86 138-1234-5678"})
    assert response.json()["phone"] == "13812345678"


def test_bad_phone_is_422_on_phone(agent_api):
    response = agent_api.post("/customers", {**PERSON, "phone": "12345"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "phone"
    assert Customer.objects.count() == 0


def test_company_with_a_valid_credit_code_and_contacts(agent_api):
    response = agent_api.post("/customers", {
        "name": "石家庄恒通商贸有限公司", "kind": "company", "phone": "031187654321",
        "zone": "prefecture", "credit_code": "91110000600037341L",
        "contacts": [{"name": "王五", "phone": "13900001111", "title": "IT主管"}]})
    assert response.status_code == 201
    body = response.json()
    assert body["credit_code"] == "91110000600037341L"
    assert [c["name"] for c in body["contacts"]] == ["王五"]
    assert body["contacts"][0]["is_primary"] is True


def test_bad_credit_code_is_422_and_creates_nothing(agent_api):
    response = agent_api.post("/customers", {**PERSON, "kind": "company",
                                             "credit_code": "91110000600037341X"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "credit_code"
    assert Customer.objects.count() == 0


def test_bad_contact_phone_names_the_contact_field_and_rolls_back(agent_api):
    response = agent_api.post("/customers", {**PERSON, "contacts": [
        {"name": "王五", "phone": "1"}]})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "contacts.0.phone"
    assert Customer.objects.count() == 0


def test_search_by_name_substring_phone_and_number(agent_api, customer_factory):
    # given
    a = customer_factory(name="石家庄恒通商贸", phone="13811112222")
    b = customer_factory(name="王小明", phone="13933334444")
    # then
    def found(q):
        return [c["id"] for c in agent_api.get("/customers", {"q": q}).json()["items"]]
    assert found("恒通") == [a.pk]
    assert found("13933334444") == [b.pk]
    assert found(b.number) == [b.pk]
    assert found("没有这个人") == []


def test_customer_numbers_are_unique_and_sequential(agent_api):
    first = agent_api.post("/customers", PERSON).json()["number"]
    second = agent_api.post("/customers", {**PERSON, "name": "李四",
                                           "phone": "13812345679"}).json()["number"]
    assert int(second[1:]) == int(first[1:]) + 1


def test_point_staff_create_customers_for_their_point_and_see_only_those(
        api_for, service_point_factory, user_factory, customer_factory):
    # given
    mine, other = service_point_factory(), service_point_factory()
    agent = user_factory(role="agent", service_point=mine)
    theirs = customer_factory(service_point=other)
    api = api_for(agent)
    # when
    created = api.post("/customers", PERSON).json()
    # then
    assert created["service_point"] == mine.pk
    assert [c["id"] for c in api.get("/customers").json()["items"]] == [created["id"]]
    assert api.get(f"/customers/{theirs.pk}").status_code == 404


def test_point_staff_cannot_file_a_customer_under_another_point(
        api_for, service_point_factory, user_factory):
    mine, other = service_point_factory(), service_point_factory()
    api = api_for(user_factory(role="agent", service_point=mine))
    response = api.post("/customers", {**PERSON, "service_point": other.pk})
    assert response.status_code == 422
    assert Customer.objects.count() == 0


def test_customer_changes_are_audited(agent_api, agent):
    created = agent_api.post("/customers", PERSON).json()
    agent_api.patch(f"/customers/{created['id']}", {"address": "裕华路1号"})
    history = Customer.objects.get(pk=created["id"]).history.order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~"]
    assert history.last().address == "裕华路1号"


def test_customer_list_costs_the_same_queries_for_1_and_200_rows(
        agent_api, customer_factory, django_assert_num_queries):
    # given: one customer, measure
    customer_factory()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert len(agent_api.get("/customers", {"page_size": 200}).json()["items"]) == 1
    customer_factory.create_batch(199)
    # then
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(agent_api.get("/customers", {"page_size": 200}).json()["items"]) == 200
