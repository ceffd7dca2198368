"""The monthly appraisal per engineer and per service point, on tickets built through the
workflow services, with the managers' rewards and penalties; the payroll workbook. The
figures are the KPIs' (reports/kpis.py: tickets received in the month), equal to
`/reports/kpis` over the same month."""
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from aftersales.billing.models import Charge
from aftersales.billing.selectors import charge_outstanding
from aftersales.billing.services import record_payment
from aftersales.devices.models import WarrantyPolicy
from aftersales.network import services as network
from aftersales.network.models import AppraisalRule
from aftersales.tickets import services as flow
from tests.factories import DeviceFactory, ProductModelFactory
from tests.network.conftest import api
from tests.tickets.factories import open_test_ticket


def at(traveller, day, hour=10, month=11):
    traveller.move_to(datetime(2026, month, day, hour - 8, 0, tzinfo=UTC))


@pytest.fixture
def month(site, frozen):
    boss, tech, rookie = site["boss"], site["tech"], site["rookie"]
    for person in (tech, rookie):
        network.record_certificate(actor=site["root"], user=person, category="手机",
                                   valid_from=date(2026, 1, 1), valid_until=date(2027, 12, 31))

    def ticket(**kw):
        return open_test_ticket(actor=site["agent"], customer=site["customer"], **kw)

    # T1 (tech): answered at once, one visit, fixed the same day, rated 5; the unit comes
    # back on 11-06 (T4, tech again) → T4 is a repeat repair
    at(frozen, 2)
    t1 = ticket(device=site["device"])
    flow.respond(actor=boss, ticket=t1)
    flow.assign(actor=boss, ticket=t1, engineer=tech)
    at(frozen, 2, 11)
    flow.arrive(actor=tech, ticket=t1)
    flow.depart(actor=tech, ticket=t1, outcome="fixed")
    at(frozen, 2, 12)
    flow.resolve(actor=tech, ticket=t1, resolution="换屏")
    flow.test(actor=tech, ticket=t1, note="测试正常")
    flow.sign_off(actor=tech, ticket=t1, signed_by="客户", satisfaction=5)
    for charge in Charge.objects.filter(ticket=t1):  # paid, so the unit may come back
        record_payment(actor=boss, ticket=t1, method="cash",
                       amount=charge_outstanding(charge_id=charge.pk))
    # T2 (tech): answered four days late, two visits, resolved late, rated 3
    other = DeviceFactory(serial="SN-NET-2", customer=site["customer"],
                          model=ProductModelFactory(code="X10", category="手机"))
    at(frozen, 5)
    t2 = ticket(device=other)
    at(frozen, 9)
    flow.respond(actor=boss, ticket=t2)
    flow.assign(actor=boss, ticket=t2, engineer=tech)
    flow.arrive(actor=tech, ticket=t2)
    flow.depart(actor=tech, ticket=t2, outcome="revisit")
    at(frozen, 10)
    flow.arrive(actor=tech, ticket=t2)
    flow.depart(actor=tech, ticket=t2, outcome="fixed")
    at(frozen, 28)
    flow.resolve(actor=tech, ticket=t2, resolution="主板")
    flow.test(actor=tech, ticket=t2, note="测试正常")
    flow.sign_off(actor=tech, ticket=t2, signed_by="客户", satisfaction=3)
    # T3: a complaint handled by the point, no engineer
    at(frozen, 12)
    t3 = ticket(kind="complaint", mode="remote")
    flow.respond(actor=boss, ticket=t3)
    flow.resolve(actor=boss, ticket=t3, resolution="已致歉")
    # T4 (tech): T1's unit back within the repair warranty (left open, not answered)
    at(frozen, 6)
    t4 = ticket(device=site["device"])
    flow.assign(actor=boss, ticket=t4, engineer=tech)
    # T5 (rookie): received in October → not in November; T6 (rookie): remote, no visit
    at(frozen, 20, month=10)
    t5 = ticket(device=DeviceFactory(serial="SN-NET-5", customer=site["customer"]),
                mode="remote")
    flow.respond(actor=boss, ticket=t5)
    flow.assign(actor=boss, ticket=t5, engineer=rookie)
    flow.resolve(actor=rookie, ticket=t5)
    at(frozen, 21)
    t6 = ticket(device=DeviceFactory(serial="SN-NET-6", customer=site["customer"]),
                mode="remote")
    flow.respond(actor=boss, ticket=t6)
    flow.assign(actor=boss, ticket=t6, engineer=rookie)
    flow.resolve(actor=rookie, ticket=t6)
    # the manager's rewards and penalties of November
    praise = AppraisalRule.objects.get(code="R-PRAISE")
    repeat = AppraisalRule.objects.get(code="P-REPEAT")
    network.record_appraisal_entry(actor=boss, user=tech, month=date(2026, 11, 5),
                                   rule=praise, note="表扬信")
    network.record_appraisal_entry(actor=boss, user=tech, month=date(2026, 11, 1), rule=repeat)
    network.record_appraisal_entry(actor=boss, user=rookie, month=date(2026, 10, 1),
                                   rule=praise)  # October: not counted
    at(frozen, 30)
    return {"t1": t1, "t2": t2, "t4": t4}


def test_appraisal_per_engineer(site, month):
    body = api(site["boss"]).get("/reports/appraisal",
                                 {"month": "2026-11", "group": "engineer"})
    assert body.status_code == 200, body.content
    rows = {r["id"]: r for r in body.json()["rows"]}
    tech, rookie = rows[site["tech"].pk], rows[site["rookie"].pk]
    assert {k: tech[k] for k in ("tickets", "responded_in_time", "response_rate",
                                 "resolved_in_time", "resolution_rate", "first_time_fix",
                                 "first_time_fix_rate", "repeat_repairs", "satisfaction",
                                 "complaints", "rewards")} == {
        "tickets": 3, "responded_in_time": 1, "response_rate": "0.3333",
        "resolved_in_time": 1, "resolution_rate": "0.3333",
        "first_time_fix": 1, "first_time_fix_rate": "0.5000", "repeat_repairs": 1,
        "satisfaction": "4.00", "complaints": 0, "rewards": "50.00"}
    # T1 answered at once, T2 after four days: the median of 0 and 5760 minutes; resolved
    # after 2 hours and 23 days → the median of 2 and 552 hours
    assert (tech["first_response_minutes_median"], tech["resolve_hours_median"]) == (
        "2880.0", "277.00")
    assert (rookie["tickets"], rookie["first_time_fix"], rookie["repeat_repairs"],
            rookie["satisfaction"], rookie["rewards"]) == (1, 1, 0, None, "0.00")


def test_appraisal_equals_the_kpis_of_the_month(site, month):
    client = api(site["boss"])
    for group, key in (("engineer", "username"), ("service_point", "code")):
        appraised = client.get("/reports/appraisal", {"month": "2026-11",
                                                      "group": group}).json()["rows"]
        kpis = client.get("/reports/kpis", {"from": "2026-11-01", "to": "2026-11-30",
                                            "group": group}).json()["rows"]
        names = {r["name"]: r for r in kpis}
        assert len(appraised) == len(kpis) > 0
        for row in appraised:
            kpi = names[row["name"]]
            assert (row["tickets"], row["first_response_minutes_median"],
                    row["resolve_hours_median"], row["first_time_fix_rate"],
                    row["repeat_repairs"], row["satisfaction"]) == (
                kpi["tickets"], kpi["first_response_minutes_median"],
                kpi["resolve_hours_median"], kpi["first_time_fix_rate"],
                kpi["repeat_repairs"], kpi["satisfaction_avg"]), (group, key)


def test_the_repeat_window_is_the_repair_warranty_policy(site, month):
    """T4 came 3 days 22 hours after T1's resolution: a repeat within 90 days, not within 3."""
    policy = WarrantyPolicy.current()
    policy.repair_warranty_days = 3
    policy.save()
    rows = api(site["boss"]).get("/reports/appraisal", {"month": "2026-11",
                                                        "group": "engineer"}).json()["rows"]
    assert {r["id"]: r["repeat_repairs"] for r in rows} == {site["tech"].pk: 0,
                                                            site["rookie"].pk: 0}
    policy.repair_warranty_days = 4
    policy.save()
    rows = api(site["boss"]).get("/reports/appraisal", {"month": "2026-11",
                                                        "group": "engineer"}).json()["rows"]
    assert {r["id"]: r["repeat_repairs"] for r in rows} == {site["tech"].pk: 1,
                                                            site["rookie"].pk: 0}


def test_appraisal_per_service_point(site, month):
    rows = api(site["boss"]).get("/reports/appraisal", {"month": "2026-11",
                                                        "group": "service_point"}).json()["rows"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["id"], row["tickets"], row["complaints"], row["repeat_repairs"],
            row["first_time_fix"], row["rewards"]) == (site["point"].pk, 5, 1, 1, 3, "50.00")


def test_bad_month_and_group_are_422(site):
    client = api(site["boss"])
    assert client.get("/reports/appraisal", {"month": "2026-13"}).status_code == 422
    assert client.get("/reports/appraisal", {"month": "2026-11",
                                             "group": "region"}).status_code == 422
    assert client.get("/reports/appraisal", {"month": "2026-11"},
                      ).status_code == 200
    assert api(site["agent"]).get("/reports/appraisal",
                                  {"month": "2026-11"}).status_code == 403


def test_payroll_workbook(site, month):
    response = api(site["boss"]).get("/reports/appraisal", {"month": "2026-11",
                                                            "group": "engineer",
                                                            "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    tech_row = next(v for v in values if v[0] == site["tech"].name)
    assert tech_row[1] == 3 and Decimal(str(tech_row[-1])) == Decimal("50.00")


def test_penalty_is_negative_and_rules_are_the_admins(site):
    rule = AppraisalRule.objects.get(code="P-COMPLAINT")
    entry = network.record_appraisal_entry(actor=site["boss"], user=site["tech"],
                                           month=date(2026, 11, 9), rule=rule)
    assert (entry.amount, entry.month) == (Decimal("-100.00"), date(2026, 11, 1))
    response = api(site["agent"]).post(f"/staff/{site['tech'].pk}/appraisal-entries",
                                       {"month": "2026-11", "rule": "R-PRAISE"})
    assert response.status_code == 403
    response = api(site["boss"]).post(f"/staff/{site['tech'].pk}/appraisal-entries",
                                      {"month": "2026-11", "rule": "NOPE"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "rule"
