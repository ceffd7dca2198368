"""The fee schedule is configuration seeded with the default table (docs/rules.md)."""
from decimal import Decimal

import pytest

from aftersales.billing import fees
from aftersales.billing.models import BillingPolicy, SubsidyRate, ZoneFee
from aftersales.billing.selectors import fee_schedule

D = Decimal


@pytest.mark.django_db
def test_seeded_with_the_published_table():
    rows = {row.zone: (row.visit, row.revisit_surcharge, row.transport,
                       row.long_visit_counts_double) for row in ZoneFee.objects.all()}
    assert rows == {
        "city": (D("50.00"), D("0.00"), D("100.00"), True),
        "prefecture": (D("100.00"), D("50.00"), D("200.00"), False),
        "province": (D("300.00"), D("200.00"), D("500.00"), False),
    }
    policy = BillingPolicy.current()
    assert (policy.long_visit_hours, policy.max_visits_without_manager, policy.on_spot_limit,
            policy.credit_days, policy.block_after_refusals) == (D("8.00"), 3, D("2000.00"),
                                                                 15, 2)
    assert dict(SubsidyRate.objects.values_list("tier", "per_job")) == {
        "diamond": D("80.00"), "gold": D("60.00"), "a": D("40.00"), "general": D("20.00")}


@pytest.mark.django_db
def test_schedule_from_rows_equals_the_engine_default():
    assert fee_schedule() == fees.FeeSchedule.default()


@pytest.mark.django_db
def test_edited_rows_feed_the_engine():
    ZoneFee.objects.filter(zone="prefecture").update(revisit_surcharge=D("80.00"),
                                                     long_visit_counts_double=True)
    BillingPolicy.objects.update(long_visit_hours=D("6.00"), max_visits_without_manager=2)
    schedule = fee_schedule()
    assert schedule.fees_for("prefecture").revisit_surcharge == D("80.00")
    assert schedule.long_visit_zones == ("city", "prefecture")
    assert (schedule.long_visit_hours, schedule.max_visits_without_manager) == (D("6.00"), 2)


def test_fee_schedule_api(agent_api):
    ZoneFee.objects.filter(zone="province").update(transport=D("550.00"))
    body = agent_api.get("/fee-schedule").json()
    assert body == {
        "zones": [
            {"zone": "city", "visit": "50.00", "revisit_surcharge": "0.00",
             "transport": "100.00", "long_visit_counts_double": True},
            {"zone": "prefecture", "visit": "100.00", "revisit_surcharge": "50.00",
             "transport": "200.00", "long_visit_counts_double": False},
            {"zone": "province", "visit": "300.00", "revisit_surcharge": "200.00",
             "transport": "550.00", "long_visit_counts_double": False}],
        "long_visit_hours": "8.00", "max_visits_without_manager": 3,
        "on_spot_limit": "2000.00", "credit_days": 15}
