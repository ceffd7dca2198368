"""What callers say finds the archive: a one-character surname, the last digits of a
phone, part of a ticket number, part of a serial or IMEI, a company name; and a new
customer on a phone that already has an archive is offered that archive instead."""
import pytest
from django.test import Client

from aftersales.customers.models import Customer
from aftersales.customers.services import add_contact
from tests.tickets.factories import open_test_ticket


@pytest.fixture
def people(customer_factory, agent):
    wang = customer_factory(name="王小明", phone="13911112345")
    li = customer_factory(name="李四", phone="13822220000")
    company = customer_factory(name="石家庄恒通商贸有限公司", kind="company",
                               phone="031187654321")
    add_contact(actor=agent, customer=company, name="赵六", phone="13700009876")
    return {"wang": wang, "li": li, "company": company}


def hotline(agent, q):
    client = Client()
    client.force_login(agent)
    response = client.get("/customers/hotline/", {"q": q}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def found(api, q):
    return sorted(c["name"] for c in api.get("/customers", {"q": q}).json()["items"])


def test_a_one_character_surname_finds_everyone_with_it_and_no_one_else(people, agent_api):
    assert found(agent_api, "王") == ["王小明"]
    assert found(agent_api, "李") == ["李四"]
    assert found(agent_api, "赵") == ["石家庄恒通商贸有限公司"]  # the company's contact


def test_the_last_four_or_more_digits_of_a_phone(people, agent_api):
    assert found(agent_api, "2345") == ["王小明"]
    assert found(agent_api, "112345") == ["王小明"]
    assert found(agent_api, "9876") == ["石家庄恒通商贸有限公司"]  # a contact's phone
    assert found(agent_api, "4321") == ["石家庄恒通商贸有限公司"]
    assert found(agent_api, "139 1111 2345") == ["王小明"]
    assert found(agent_api, "0000") == ["李四"]
    assert found(agent_api, "7777") == []


def test_a_company_name_fragment(people, agent_api):
    assert found(agent_api, "恒通") == ["石家庄恒通商贸有限公司"]
    assert found(agent_api, "商贸") == ["石家庄恒通商贸有限公司"]


def test_the_hotline_box_finds_each_pattern(people, agent, device_factory):
    wang = people["wang"]
    device = device_factory(customer=wang, serial="X9A1B2C3D4", imei="864209031234567")
    ticket = open_test_ticket(actor=agent, customer=wang, device=device)
    number_part = ticket.number[-5:]
    assert "王小明" in hotline(agent, "王")
    assert "王小明" in hotline(agent, "2345")
    assert ticket.number in hotline(agent, number_part)
    assert ticket.number in hotline(agent, ticket.number[:8].lower())
    assert "X9A1B2C3D4" in hotline(agent, "b2c3")
    assert "X9A1B2C3D4" in hotline(agent, "031234")
    assert "石家庄恒通商贸有限公司" in hotline(agent, "恒通")
    nothing = hotline(agent, "不存在的名字")
    assert "没有找到" in nothing or "Nothing found" in nothing


def test_a_duplicate_phone_is_refused_with_409_and_creates_nothing(people, agent_api):
    before = Customer.objects.count()
    response = agent_api.post("/customers", {"name": "王先生", "kind": "person",
                                             "phone": "+86 139-1111-2345", "zone": "city"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("duplicate_phone", "phone")
    assert people["wang"].number in error["message"]
    assert Customer.objects.count() == before


def test_a_contacts_phone_counts_as_taken(people, agent_api):
    response = agent_api.post("/customers", {"name": "赵六", "kind": "person",
                                             "phone": "13700009876", "zone": "city"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_phone"


def test_a_confirmed_duplicate_is_created(people, agent_api):
    response = agent_api.post("/customers", {
        "name": "王先生", "kind": "person", "phone": "13911112345", "zone": "city",
        "confirm_duplicate_phone": True})
    assert response.status_code == 201
    assert Customer.objects.filter(phone="13911112345").count() == 2


def test_the_new_customer_form_offers_the_existing_archive(people, agent):
    client = Client()
    client.force_login(agent)
    before = Customer.objects.count()
    response = client.post("/customers/new/", {"name": "王先生", "kind": "person",
                                               "phone": "13911112345", "zone": "city"})
    assert response.status_code == 409 or response.status_code == 422
    page = response.content.decode()
    assert f'/customers/{people["wang"].pk}/' in page
    assert 'name="confirm_duplicate_phone"' in page
    assert Customer.objects.count() == before
    response = client.post("/customers/new/", {"name": "王先生", "kind": "person",
                                               "phone": "13911112345", "zone": "city",
                                               "confirm_duplicate_phone": "1"})
    assert response.status_code == 302
    assert Customer.objects.count() == before + 1
