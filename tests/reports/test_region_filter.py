"""Issue 18: every report takes a region (id): only the points of that region count, on top
of the reader's own scope; an unknown region is refused naming the field."""
from aftersales.network.models import ServicePoint
from aftersales.network.services import create_region, set_point_region
from tests.conftest import ApiClient


def test_kpis_and_tables_keep_to_the_region(worked, admin_user):
    north = create_region(actor=admin_user, code="N", name="北区")
    create_region(actor=admin_user, code="S", name="南区")
    set_point_region(actor=admin_user, service_point=ServicePoint.objects.get(code="SPB"),
                     region=north)
    api = ApiClient(worked)
    period = {"from": "2026-11-01", "to": "2026-11-15"}
    rows = api.get("/reports/kpis", {**period, "group": "service_point",
                                     "region": north.pk}).json()["rows"]
    assert [(r["key"], r["tickets"]) for r in rows] == [("SPB", 1)]
    everyone = api.get("/reports/kpis", {**period, "group": "service_point"}).json()["rows"]
    assert [(r["key"], r["tickets"]) for r in everyone] == [("SPA", 3), ("SPB", 1)]
    unknown = api.get("/reports/kpis", {**period, "region": 999999})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "region"
    sla = api.get("/reports/sla", {**period, "region": north.pk}).json()
    assert sla["tickets"] == 1
