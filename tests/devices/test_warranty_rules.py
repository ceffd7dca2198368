"""Rule-by-rule tests of the pure 三包 warranty engine (aftersales.devices.warranty).

Each test pins one rule of the product spec so that removing the rule makes
it fail.  Dates are worked out by hand: the purchase day is not counted, so
"7 days" from 1 Nov 2025 ends on 8 Nov 2025 inclusive.
"""

from __future__ import annotations

import calendar
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

try:  # the package may not be installed yet (plain checkout)
    import aftersales  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from aftersales.devices.warranty import (  # noqa: E402
    ACCESSORY_MONTHS_DEFAULT,
    ContractCover,
    Decision,
    Evidence,
    Fault,
    PastRepair,
    Policy,
    Unit,
    add_months,
    decide,
    manufacture_date_from_serial,
    period_end,
)

BOUGHT = date(2025, 11, 1)
PATTERN = r"^[A-Z]{2}(?P<year>\d{2})(?P<month>\d{2})"
UNIT = Unit(serial="AB2403X0001", model_code="M1", purchase_date=BOUGHT)
FULL = Evidence(invoice=True, warranty_card=True)
PERF = Fault(kind="performance", part_sku="MB-01", code="F01")
ALL_OPTIONS = ("return", "exchange", "free_repair")
YEAR_END = date(2026, 11, 1)  # BOUGHT + 12 months


def perf(on, *, unit=UNIT, fault=PERF, cause="none", evidence=FULL, **kw) -> Decision:
    return decide(unit=unit, fault=fault, cause=cause, evidence=evidence, on=on, **kw)


def covered(options, basis, warranty_ends, reasons=()) -> Decision:
    return Decision(True, tuple(options), basis, warranty_ends, tuple(reasons))


def paid(warranty_ends, *reasons) -> Decision:
    return Decision(False, ("paid_repair",), "none", warranty_ends, tuple(reasons))


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2025, 12, 15), 1, date(2026, 1, 15)),
    (date(2025, 3, 31), -1, date(2025, 2, 28)),
    (date(2025, 5, 5), 0, date(2025, 5, 5)),
])
def test_add_months_clamps_to_month_end(start, months, expected):
    # given a start date and a number of months
    # when
    result = add_months(start, months)
    # then
    assert result == expected


def test_period_end_does_not_count_the_start_day():
    # given a purchase on 1 Nov and a 15 Mar start
    # when
    seven_days = period_end(BOUGHT, days=7)
    twelve_months = period_end(date(2026, 3, 15), months=12)
    # then
    assert seven_days == date(2025, 11, 8)
    assert twelve_months == date(2027, 3, 15)


@pytest.mark.parametrize(("serial", "pattern", "expected"), [
    ("AB2403X0001", PATTERN, date(2024, 3, 1)),
    ("SN20231105", r"^SN(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})", date(2023, 11, 5)),
    ("AB2413X0001", PATTERN, None),                                           # month 13
    ("SN230230", r"^SN(?P<year>\d{2})(?P<month>\d{2})(?P<day>\d{2})", None),  # 30 Feb
    ("X-2403", PATTERN, None),                                                # no match
    ("AB2403X0001", None, None),                                              # no pattern
    ("AB2403X0001", "", None),
    ("AB2403X0001", r"^AB(?P<year>\d{3})", None),                            # 3-digit year
    ("AB2403X0001", r"^AB(?P<year>\d{2}", None),                             # broken regex
])
def test_manufacture_date_from_serial(serial, pattern, expected):
    # given a serial and the model's serial layout
    # when
    made = manufacture_date_from_serial(serial, pattern)
    # then
    assert made == expected


# ---------------------------------------------------------------- rule 3: windows and period

@pytest.mark.parametrize(("on", "options"), [
    (date(2025, 11, 1), ALL_OPTIONS),
    (date(2025, 11, 8), ALL_OPTIONS),                    # day 7: return still allowed
    (date(2025, 11, 9), ("exchange", "free_repair")),    # day 8: only exchange
    (date(2025, 11, 16), ("exchange", "free_repair")),   # day 15
    (date(2025, 11, 17), ("free_repair",)),              # day 16
    (YEAR_END, ("free_repair",)),
])
def test_return_and_exchange_windows_count_from_the_day_after_purchase(on, options):
    # given a unit bought on 1 Nov 2025 with invoice and card
    # when a performance fault is reported on `on`
    decision = perf(on)
    # then
    assert decision == covered(options, "invoice", YEAR_END)


def test_twelve_month_warranty_includes_the_anniversary():
    # given a unit bought on 15 Mar 2026
    unit = Unit(serial="S1", model_code="M1", purchase_date=date(2026, 3, 15))
    # when
    last_day = perf(date(2027, 3, 15), unit=unit)
    day_after = perf(date(2027, 3, 16), unit=unit)
    # then
    assert last_day == covered(("free_repair",), "invoice", date(2027, 3, 15))
    assert day_after == paid(date(2027, 3, 15), "expired")


def test_policy_values_replace_the_defaults():
    # given a model with 24 months and a 3-day return window
    policy = Policy(warranty_months=24, return_days=3)
    # when
    day_4 = perf(date(2025, 11, 5), policy=policy)
    late = perf(date(2027, 11, 1), policy=policy)
    # then
    assert day_4 == covered(("exchange", "free_repair"), "invoice", date(2027, 11, 1))
    assert late == covered(("free_repair",), "invoice", date(2027, 11, 1))


# ---------------------------------------------------------------- rule 1: exclusions

@pytest.mark.parametrize("cause", ["misuse", "self_repair", "force_majeure"])
def test_excluding_causes_make_the_repair_paid(cause):
    # given a brand-new unit with full proof
    # when the fault was caused by the customer or by force majeure
    decision = perf(date(2025, 11, 2), cause=cause)
    # then
    assert decision == paid(YEAR_END, cause)


def test_altered_card_is_excluded():
    # given
    evidence = Evidence(invoice=True, warranty_card=True, card_altered=True)
    # when
    decision = perf(date(2025, 11, 2), evidence=evidence)
    # then
    assert decision == paid(YEAR_END, "card_altered")


def test_card_serial_mismatch_is_excluded():
    # given a card for another serial
    evidence = Evidence(invoice=True, warranty_card=True, card_serial="AB2403X0002")
    # when
    decision = perf(date(2025, 11, 2), evidence=evidence)
    # then
    assert decision == paid(YEAR_END, "card_mismatch")


def test_card_model_mismatch_is_excluded():
    # given a card for another model
    evidence = Evidence(invoice=True, warranty_card=True, card_model="M2")
    # when
    decision = perf(date(2025, 11, 2), evidence=evidence)
    # then
    assert decision == paid(YEAR_END, "card_mismatch")


def test_card_comparison_ignores_case_and_spaces():
    # given a card written in lower case with stray spaces
    evidence = Evidence(invoice=True, warranty_card=True,
                        card_serial=" ab2403x0001 ", card_model="m1 ")
    # when
    decision = perf(date(2025, 11, 2), evidence=evidence)
    # then
    assert decision == covered(ALL_OPTIONS, "invoice", YEAR_END)


def test_all_exclusion_reasons_are_collected():
    # given misuse, an altered card and a card of another unit
    evidence = Evidence(invoice=True, warranty_card=True, card_altered=True,
                        card_serial="OTHER", casing_wear=True)
    # when
    decision = perf(date(2025, 11, 2), cause="misuse", evidence=evidence)
    # then
    assert decision == paid(YEAR_END, "misuse", "card_altered", "card_mismatch")


def test_unknown_cause_or_fault_kind_is_rejected():
    # given / when / then
    with pytest.raises(ValueError):
        perf(date(2025, 11, 2), cause="dropped")
    with pytest.raises(ValueError):
        perf(date(2025, 11, 2), fault=Fault(kind="software"))


# ---------------------------------------------------------------- rule 2: proof and start

def test_invoice_without_card_counts_from_purchase_but_gives_no_return():
    # given an invoice but no warranty card
    evidence = Evidence(invoice=True)
    # when
    day_2 = perf(date(2025, 11, 3), evidence=evidence)
    day_20 = perf(date(2025, 11, 21), evidence=evidence)
    # then
    assert day_2 == covered(("free_repair",), "invoice", YEAR_END, ["needs_invoice_and_card"])
    assert day_20 == covered(("free_repair",), "invoice", YEAR_END)


def test_without_proof_the_serial_dates_the_unit():
    # given no invoice and no card, serial made in March 2024
    unit = Unit(serial="AB2403X0001", model_code="M1", purchase_date=BOUGHT,
                manufactured_on=date(2024, 1, 10), serial_date_pattern=PATTERN)
    # when
    inside = perf(date(2025, 3, 1), unit=unit, evidence=Evidence())
    outside = perf(date(2025, 3, 2), unit=unit, evidence=Evidence())
    # then
    # (dated from manufacture: the customer is told the papers open return/exchange)
    assert inside == covered(("free_repair",), "manufacture_date", date(2025, 3, 1),
                             ["needs_invoice_and_card"])
    assert outside == paid(date(2025, 3, 1), "needs_invoice_and_card", "expired")


def test_card_alone_also_counts_from_manufacture():
    # given only the card, two days after manufacture (no return/exchange without invoice)
    unit = Unit(serial="AB2403X0001", model_code="M1", purchase_date=BOUGHT,
                serial_date_pattern=PATTERN)
    # when
    decision = perf(date(2024, 3, 3), unit=unit, evidence=Evidence(warranty_card=True))
    # then
    assert decision == covered(("free_repair",), "manufacture_date", date(2025, 3, 1),
                               ["needs_invoice_and_card"])


def test_invoice_without_purchase_date_counts_from_manufacture():
    # given an invoice but no recorded purchase date
    unit = Unit(serial="AB2403X0001", model_code="M1", serial_date_pattern=PATTERN)
    # when
    decision = perf(date(2024, 3, 3), unit=unit)
    # then
    assert decision == covered(("free_repair",), "manufacture_date", date(2025, 3, 1),
                               ["needs_invoice_and_card"])


def test_unreadable_serial_falls_back_to_manufactured_on():
    # given a serial that does not fit the pattern
    unit = Unit(serial="ZZZ", model_code="M1", manufactured_on=date(2024, 6, 30),
                serial_date_pattern=PATTERN)
    # when
    decision = perf(date(2025, 6, 30), unit=unit, evidence=Evidence())
    # then
    assert decision == covered(("free_repair",), "manufacture_date", date(2025, 6, 30),
                               ["needs_invoice_and_card"])


def test_no_date_at_all_is_no_proof():
    # given no proof, no pattern and no manufacture date
    unit = Unit(serial="ZZZ", model_code="M1", purchase_date=BOUGHT)
    # when
    decision = perf(date(2025, 11, 2), unit=unit, evidence=Evidence(warranty_card=True))
    # then
    assert decision == paid(None, "no_proof", "needs_invoice_and_card")


# ---------------------------------------------------------------- rule 4: casing wear

def test_casing_wear_removes_return_and_exchange_but_not_free_repair():
    # given a worn casing
    evidence = Evidence(invoice=True, warranty_card=True, casing_wear=True)
    # when
    decision = perf(date(2025, 11, 10), evidence=evidence)
    later = perf(date(2025, 12, 10), evidence=evidence)
    # then
    assert decision == covered(("free_repair",), "invoice", YEAR_END, ["casing_wear"])
    assert later == covered(("free_repair",), "invoice", YEAR_END)


# ---------------------------------------------------------------- rule 5: appearance

def test_appearance_faults_are_always_paid():
    # given a scratch on a new unit that also has a contract and a repair warranty
    fault = Fault(kind="appearance", part_sku="MB-01")
    contract = ContractCover("extended", BOUGHT, date(2028, 1, 1))
    # when
    decision = perf(date(2025, 11, 2), fault=fault, contracts=[contract],
                    repairs=[PastRepair(date(2025, 11, 1), part_sku="MB-01")])
    # then
    assert decision == paid(YEAR_END, "appearance")


# ---------------------------------------------------------------- rule 6: accessories

@pytest.mark.parametrize(("kind", "last_day"), [
    ("earphone", date(2026, 2, 1)),
    ("battery", date(2026, 5, 1)),
    ("charger", date(2026, 11, 1)),
    ("cable", date(2026, 11, 1)),
    ("stylus", date(2026, 11, 1)),  # unknown kind: the unit's own 12 months
])
def test_accessory_periods(kind, last_day):
    # given an accessory fault on a unit bought 1 Nov 2025
    fault = Fault(kind="accessory", accessory_kind=kind)
    # when
    inside = perf(last_day, fault=fault)
    outside = perf(last_day + timedelta(days=1), fault=fault)
    # then
    assert inside == covered(("free_repair",), "invoice", last_day)
    assert outside == paid(last_day, "expired")


def test_accessory_defaults_are_the_spec():
    # given / when / then
    assert ACCESSORY_MONTHS_DEFAULT == {"earphone": 3, "battery": 6, "charger": 12, "cable": 12}
    assert Policy().accessory_months == ACCESSORY_MONTHS_DEFAULT


def test_accessory_exchange_within_exchange_days():
    # given a charger failing soon after purchase
    fault = Fault(kind="accessory", accessory_kind="charger")
    # when
    day_15 = perf(date(2025, 11, 16), fault=fault)
    day_16 = perf(date(2025, 11, 17), fault=fault)
    # then
    assert day_15 == covered(("exchange", "free_repair"), "invoice", YEAR_END)
    assert day_16 == covered(("free_repair",), "invoice", YEAR_END)


# ---------------------------------------------------------------- rule 7: repeat fault

ON = date(2026, 3, 31)
EXCHANGE = ("exchange", "free_repair")


def test_two_repairs_of_the_same_fault_within_30_days_give_an_exchange():
    # given the same fault repaired 30 and 10 days ago
    repairs = [PastRepair(date(2026, 3, 1), fault_code="F01"),
               PastRepair(date(2026, 3, 21), fault_code="f01 ")]
    # when
    decision = perf(ON, repairs=repairs)
    # then
    assert decision == covered(EXCHANGE, "repeat_fault", YEAR_END)


def test_a_repair_31_days_ago_is_not_counted():
    # given one repair 31 days ago and one 10 days ago
    repairs = [PastRepair(date(2026, 2, 28), fault_code="F01"),
               PastRepair(date(2026, 3, 21), fault_code="F01")]
    # when
    decision = perf(ON, repairs=repairs)
    # then
    assert decision == covered(("free_repair",), "invoice", YEAR_END)


def test_one_repair_is_not_enough_and_other_codes_do_not_count():
    # given one repair of this fault and one of another fault
    repairs = [PastRepair(date(2026, 3, 20), fault_code="F01"),
               PastRepair(date(2026, 3, 21), fault_code="F99")]
    # when
    decision = perf(ON, repairs=repairs)
    # then
    assert decision == covered(("free_repair",), "invoice", YEAR_END)


def test_repeat_fault_needs_a_fault_code():
    # given repairs without a code and a fault without a code
    repairs = [PastRepair(date(2026, 3, 20)), PastRepair(date(2026, 3, 21), fault_code="")]
    fault = Fault(kind="performance", code="")
    # when
    decision = perf(ON, fault=fault, repairs=repairs)
    # then
    assert decision == covered(("free_repair",), "invoice", YEAR_END)


def test_repeat_fault_exchange_survives_casing_wear_but_not_exclusions():
    # given two recent repairs of the same fault and a worn casing
    repairs = [PastRepair(date(2026, 3, 20), fault_code="F01"),
               PastRepair(date(2026, 3, 21), fault_code="F01")]
    worn = Evidence(invoice=True, warranty_card=True, casing_wear=True)
    # when
    decision = perf(ON, evidence=worn, repairs=repairs)
    misused = perf(ON, evidence=worn, repairs=repairs, cause="misuse")
    # then
    assert decision == covered(EXCHANGE, "repeat_fault", YEAR_END)
    assert misused == paid(YEAR_END, "misuse")


def test_repeat_fault_keeps_a_return_still_due():
    # given two repairs within the first week
    repairs = [PastRepair(date(2025, 11, 3), fault_code="F01"),
               PastRepair(date(2025, 11, 5), fault_code="F01")]
    # when
    decision = perf(date(2025, 11, 7), repairs=repairs)
    # then
    assert decision == covered(ALL_OPTIONS, "repeat_fault", YEAR_END)


def test_repeat_fault_does_not_apply_out_of_warranty():
    # given an expired unit with two recent repairs of the fault
    repairs = [PastRepair(date(2026, 11, 20), fault_code="F01"),
               PastRepair(date(2026, 11, 21), fault_code="F01")]
    # when
    decision = perf(date(2026, 11, 30), repairs=repairs)
    # then
    assert decision == paid(YEAR_END, "expired")


# ---------------------------------------------------------------- rule 8: repair warranty

REPAIRED = date(2026, 10, 1)
REPAIR_END = date(2026, 12, 30)  # repaired + 90 days


def test_repair_warranty_covers_the_same_part_through_day_90():
    # given an expired unit whose board was replaced on 1 Oct 2026
    repairs = [PastRepair(REPAIRED, part_sku="mb-01")]
    # when
    day_90 = perf(REPAIR_END, repairs=repairs)
    day_91 = perf(REPAIR_END + timedelta(days=1), repairs=repairs)
    # then
    assert day_90 == covered(("free_repair",), "repair_warranty", REPAIR_END)
    assert day_91 == paid(YEAR_END, "expired")


def test_repair_warranty_is_per_part():
    # given a repair of another part
    repairs = [PastRepair(REPAIRED, part_sku="LCD-7")]
    # when
    decision = perf(date(2026, 12, 1), repairs=repairs)
    # then
    assert decision == paid(YEAR_END, "expired")


def test_repair_warranty_stands_in_for_missing_proof():
    # given a unit with no datable proof but a recent repair of the part
    unit = Unit(serial="ZZZ", model_code="M1")
    # when
    decision = perf(date(2026, 10, 5), unit=unit, evidence=Evidence(),
                    repairs=[PastRepair(REPAIRED, part_sku="MB-01")])
    # then
    assert decision == covered(("free_repair",), "repair_warranty", REPAIR_END,
                               ["needs_invoice_and_card"])


def test_exclusions_beat_the_repair_warranty():
    # given a recent repair of the part but self-repair since
    # when
    decision = perf(date(2026, 12, 1), cause="self_repair",
                    repairs=[PastRepair(REPAIRED, part_sku="MB-01")])
    # then
    assert decision == paid(YEAR_END, "self_repair")


# ---------------------------------------------------------------- rule 9: contracts

CONTRACT = ContractCover("extended", date(2026, 11, 2), date(2027, 11, 1))


def test_contract_makes_an_expired_unit_free():
    # given an expired unit under an extended-warranty contract
    # when
    decision = perf(date(2027, 5, 1), contracts=[CONTRACT])
    # then
    assert decision == covered(("free_repair",), "contract", date(2027, 11, 1))


def test_contract_does_not_beat_misuse_or_its_own_dates():
    # given the same contract
    # when
    misused = perf(date(2027, 5, 1), cause="misuse", contracts=[CONTRACT])
    after = perf(date(2027, 11, 2), contracts=[CONTRACT])
    # then
    assert misused == paid(YEAR_END, "misuse")
    assert after == paid(YEAR_END, "expired")


def test_other_contract_kinds_are_ignored():
    # given a per-visit contract
    contract = ContractCover("per_visit", date(2026, 1, 1), date(2027, 12, 31))
    # when
    decision = perf(date(2027, 5, 1), contracts=[contract])
    # then
    assert decision == paid(YEAR_END, "expired")


def test_contract_extends_warranty_end_of_a_covered_unit():
    # given an annual contract while the unit is still in its return window
    contract = ContractCover("annual", BOUGHT, date(2027, 1, 31))
    # when
    decision = perf(date(2025, 11, 3), contracts=[contract])
    # then
    assert decision == covered(ALL_OPTIONS, "invoice", date(2027, 1, 31))


def test_contract_stands_in_for_missing_proof():
    # given an undatable unit under an annual contract
    unit = Unit(serial="ZZZ", model_code="M1")
    contract = ContractCover("annual", date(2026, 1, 1), date(2026, 12, 31))
    # when
    decision = perf(date(2026, 6, 1), unit=unit, evidence=Evidence(), contracts=[contract])
    # then
    assert decision == covered(("free_repair",), "contract", date(2026, 12, 31),
                               ["needs_invoice_and_card"])


def test_repair_warranty_comes_before_contract():
    # given both a repair warranty and a contract
    # when
    decision = perf(date(2026, 12, 1), contracts=[CONTRACT],
                    repairs=[PastRepair(REPAIRED, part_sku="MB-01")])
    # then
    assert decision == covered(("free_repair",), "repair_warranty", REPAIR_END)


# ---------------------------------------------------------------- rule 10: own-reason return

OWN = Fault(kind="own_reason")


def test_own_reason_return_within_7_days():
    # given an unused unit with invoice and card
    # when
    day_7 = perf(date(2025, 11, 8), fault=OWN)
    day_8 = perf(date(2025, 11, 9), fault=OWN)
    # then
    assert day_7 == covered(("return",), "invoice", YEAR_END)
    assert day_8 == Decision(False, (), "none", YEAR_END, ("expired",))


def test_own_reason_return_needs_proof_and_an_unused_unit():
    # given a used unit with an invoice only, brought back late
    evidence = Evidence(invoice=True, casing_wear=True)
    # when
    decision = perf(date(2025, 11, 20), fault=OWN, evidence=evidence)
    # then
    assert decision == Decision(False, (), "none", YEAR_END,
                                ("needs_invoice_and_card", "expired", "casing_wear"))


def test_own_reason_return_refused_on_card_mismatch():
    # given a card of another unit
    evidence = Evidence(invoice=True, warranty_card=True, card_serial="OTHER")
    # when
    decision = perf(date(2025, 11, 2), fault=OWN, evidence=evidence)
    # then
    assert decision == Decision(False, (), "none", YEAR_END, ("card_mismatch",))


# ---------------------------------------------------------------- properties

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 31))
month_counts = st.integers(min_value=-1000, max_value=1000)


@given(dates, month_counts)
def test_add_months_lands_in_the_right_month_without_overshooting(start, months):
    # given any date and month count
    # when
    result = add_months(start, months)
    # then
    index = start.year * 12 + start.month - 1 + months
    assert (result.year, result.month) == (index // 12, index % 12 + 1)
    assert result.day <= start.day
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, last)


@given(st.integers(min_value=1900, max_value=8999).filter(calendar.isleap))
def test_leap_day_plus_12_months_is_28_february(year):
    # given 29 Feb of a leap year
    # when
    result = add_months(date(year, 2, 29), 12)
    # then
    assert result == date(year + 1, 2, 28)


@given(st.integers(min_value=1900, max_value=8999))
def test_31_january_plus_one_month_is_the_end_of_february(year):
    # given 31 Jan of any year
    # when
    result = add_months(date(year, 1, 31), 1)
    # then
    assert result == date(year, 2, 29 if calendar.isleap(year) else 28)


@given(dates, st.integers(min_value=0, max_value=3650))
def test_period_end_in_days_is_start_plus_n(start, n):
    # given / when
    end = period_end(start, days=n)
    # then
    assert end - start == timedelta(days=n)


@given(
    purchase=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    offset=st.integers(min_value=0, max_value=800),
    earlier=st.integers(min_value=0, max_value=800),
    months=st.integers(min_value=0, max_value=36),
    invoice=st.booleans(),
    card=st.booleans(),
    wear=st.booleans(),
    kind=st.sampled_from(["performance", "accessory"]),
)
def test_coverage_is_monotone_in_time(purchase, offset, earlier, months, invoice, card,
                                      wear, kind):
    # given a unit covered on day `purchase + offset` (no history, no contract)
    unit = Unit(serial="S1", model_code="M1", purchase_date=purchase,
                manufactured_on=purchase)
    fault = Fault(kind=kind, accessory_kind="earphone")
    evidence = Evidence(invoice=invoice, warranty_card=card, casing_wear=wear)
    policy = Policy(warranty_months=months)
    later = purchase + timedelta(days=offset)
    first = decide(unit=unit, fault=fault, cause="none", evidence=evidence, on=later,
                   policy=policy)
    # when asked on an earlier day that is still on or after the start
    day = later - timedelta(days=min(earlier, offset))
    again = decide(unit=unit, fault=fault, cause="none", evidence=evidence, on=day,
                   policy=policy)
    # then coverage never appears as time passes
    if first.covered:
        assert again.covered
        assert set(first.options) <= set(again.options)
