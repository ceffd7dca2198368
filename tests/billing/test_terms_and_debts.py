"""The payment-terms and debt-blocking rules in one home (billing/terms.py, billing/debts.py)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales.billing import debts, terms

TODAY = date(2026, 3, 31)


@given(st.integers(min_value=-400, max_value=400))
def test_the_sql_ranges_and_the_bucket_of_a_date_agree(days_overdue):
    # the finance filter is built from bucket_due_range; a due date lies in exactly the
    # range of the bucket ageing_bucket gives it
    due_on = TODAY - timedelta(days=days_overdue)
    holding = []
    for name in terms.AGEING_BUCKETS:
        earliest, latest = terms.bucket_due_range(name, today=TODAY)
        if (earliest is None or due_on >= earliest) and (latest is None or due_on <= latest):
            holding.append(name)
    assert holding == [terms.ageing_bucket(due_on=due_on, today=TODAY)]


@pytest.mark.parametrize("days_overdue, bucket", [
    (-3, "current"), (0, "current"), (1, "1_15"), (15, "1_15"), (16, "16_60"),
    (60, "16_60"), (61, "60_plus")])
def test_ageing_edges(days_overdue, bucket):
    assert terms.ageing_bucket(due_on=TODAY - timedelta(days=days_overdue),
                               today=TODAY) == bucket


def test_an_unknown_bucket_is_refused():
    with pytest.raises(ValueError):
        terms.bucket_due_range("90_plus", today=TODAY)


@pytest.mark.parametrize("total, due", [
    (Decimal("2000.00"), TODAY), (Decimal("2000.01"), TODAY + timedelta(days=15))])
def test_payment_terms_by_the_default_numbers(total, due):
    assert terms.due_date(total=total, resolved_on=TODAY) == due


@pytest.mark.parametrize("outstanding, due_on, refused, old", [
    (Decimal("10.00"), TODAY - timedelta(days=1), False, True),   # overdue
    (Decimal("10.00"), TODAY, False, False),                      # due today: not yet
    (Decimal("10.00"), TODAY + timedelta(days=5), True, True),    # refused: at once
    (Decimal("0.00"), TODAY - timedelta(days=30), True, False),   # paid
])
def test_what_an_old_debt_is(outstanding, due_on, refused, old):
    assert debts.is_old_debt(outstanding=outstanding, due_on=due_on, refused=refused,
                             today=TODAY) is old


@pytest.mark.parametrize("refused, block_after, blocked", [
    (1, 2, False), (2, 2, True), (5, 2, True), (9, 0, False)])
def test_blocking_after_refusals(refused, block_after, blocked):
    assert debts.should_block(refused_unpaid=refused, block_after=block_after) is blocked


def test_a_debt_block_lifts_only_when_nothing_old_is_left():
    assert debts.should_lift(blocked_for_debt=True, old_debts=0)
    assert not debts.should_lift(blocked_for_debt=True, old_debts=1)
    assert not debts.should_lift(blocked_for_debt=False, old_debts=0)


def test_only_repairs_installations_and_maintenance_are_checked_at_intake():
    assert {kind for kind in ("consultation", "repair", "installation", "maintenance",
                              "training", "return", "exchange", "complaint")
            if debts.checked_at_intake(kind)} == {"repair", "installation", "maintenance"}
