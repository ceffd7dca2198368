"""API.md "Campaigns": a recall over a serial range opens exactly one ticket per unit of
the model in the range that is still with an owner; progress is units / reached / done /
refused."""
from datetime import date

from aftersales.campaigns.models import CampaignUnit
from aftersales.campaigns.sweeps import run_followup_sweeps
from aftersales.catalog.services import create_product_model
from aftersales.inventory.models import Warehouse
from aftersales.inventory.services import receive_returned_unit
from aftersales.network.models import ServicePoint
from aftersales.tickets.models import Ticket
from tests.conftest import ApiClient


def test_a_recall_over_a_serial_range_opens_the_owned_units_tickets(
        admin_user, boss, make_customer, make_unit, x9):
    # given: X9 units RC001..RC006, another model's unit inside the range, and RC004
    # taken back (a returned unit is no longer in the field)
    other = create_product_model(actor=admin_user, code="Y1", name="Y1", category="手机")
    units = {f"RC00{i}": make_unit(f"RC00{i}", make_customer()) for i in range(1, 7)}
    make_unit("RC0035", make_customer(), model=other)
    point = ServicePoint.objects.create(code="HQX", name="总部", kind="hq", tier="diamond")
    store = Warehouse.objects.create(code="HQ-RC", name="总部库", service_point=point)
    receive_returned_unit(actor=admin_user, device=units["RC004"], warehouse=store,
                          reason="return")
    api = ApiClient(boss)
    before = Ticket.objects.count()
    # when
    response = api.post("/campaigns", {"kind": "recall", "model": "X9",
                                       "serial_from": "RC002", "serial_to": "RC005",
                                       "title": "电池召回", "body": "请联系我们免费更换电池。"})
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["units"], body["reached"], body["done"], body["refused"]) == (3, 3, 0, 0)
    opened = Ticket.objects.order_by("device__serial")
    assert opened.count() - before == 3
    assert [t.device.serial for t in opened] == ["RC002", "RC003", "RC005"]
    assert {t.kind for t in opened} == {"repair"}
    # when: one is repaired, one owner refuses
    first, second, _third = CampaignUnit.objects.order_by("device__serial")
    Ticket.objects.filter(pk=first.ticket_id).update(resolved_at="2026-11-25T10:00:00+08:00")
    run_followup_sweeps()
    refused = api.post(f"/campaigns/{body['id']}/units/{second.pk}/refuse",
                       {"reason": "客户不愿意"})
    assert refused.status_code == 200
    progress = api.get(f"/campaigns/{body['id']}").json()
    assert (progress["units"], progress["reached"], progress["done"],
            progress["refused"]) == (3, 3, 1, 1)


def test_a_notice_by_list_opens_no_ticket_and_is_marked_done(boss, make_customer, make_unit):
    make_unit("NT1", make_customer())
    make_unit("NT2", make_customer())
    api = ApiClient(boss)
    before = Ticket.objects.count()
    body = api.post("/campaigns", {"kind": "notice", "model": "X9", "serials": ["nt2"],
                                   "title": "系统升级", "body": "请升级到 2.1 版。"}).json()
    assert body["units"] == 1 and Ticket.objects.count() == before
    unit = CampaignUnit.objects.get()
    done = api.post(f"/campaigns/{body['id']}/units/{unit.pk}/done")
    assert done.json()["status"] == "done"
    assert api.get(f"/campaigns/{body['id']}").json()["done"] == 1


def test_a_campaign_without_a_selection_is_refused_and_writes_nothing(boss, make_customer,
                                                                      make_unit):
    make_unit("NS1", make_customer(), purchased=date(2026, 1, 1))
    api = ApiClient(boss)
    before = Ticket.objects.count()
    response = api.post("/campaigns", {"kind": "recall", "model": "X9", "title": "t",
                                       "body": "b"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "serial_from"
    assert Ticket.objects.count() == before and not CampaignUnit.objects.exists()
    unknown = api.post("/campaigns", {"kind": "recall", "model": "NOPE", "serials": ["NS1"],
                                      "title": "t", "body": "b"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "model"


def test_agents_may_not_start_a_campaign(agent_api, make_customer, make_unit):
    make_unit("AG1", make_customer())
    response = agent_api.post("/campaigns", {"kind": "recall", "model": "X9",
                                             "serials": ["AG1"], "title": "t", "body": "b"})
    assert response.status_code == 403
