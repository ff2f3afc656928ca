"""The appraisal's rules, each worked by hand on a small case (the full mutation run of xlmodel/appraisal.py found
them untested): the falling discount rate past year 35, the rate's bounds, where a switching value or the
internal rate of return stops being defined, the discounted payback, the break-even per payer, optimism bias
on the effects and the switching value of a delay."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from xlmodel import compute_case, load_case
from xlmodel.appraisal import _root, appraise, flat_or_ministry_rate, ministry_rate
from xlmodel.bundled import bundled_case
from xlmodel.errors import InvalidValueError
from xlmodel.model import Case, Cohort, CohortOutcome, CostItem, Outcome, SavingsLine
from xlmodel.parameters import Parameters
from xlmodel.report import report_dict
from xlmodel.settings import AppraisalSettings, OptimismBias


def _flows(costs: dict[int, float], savings: dict[int, float], first: int = 2026, last: int = 2028) -> Case:
    """A case of one cost line and one direct saving line: its net is savings − costs per year."""
    return Case("T", first, last, costs=(CostItem("Indsats", costs),), savings=(SavingsLine("Direkte", savings),))


def test_the_falling_rate_discounts_year_36_on_at_2_5_percent() -> None:
    """Finansministeriet's curve: 3.5 % a year up to year 35, 2.5 % from year 36. A flow of 1 kr. in each of
    years 0–39: Σ 1.035^−t for t ≤ 35, then 1.035^−35 · 1.025^−(t−35) (a flat 3.5 % would give less)."""
    by_hand = math.fsum(1.035**-t for t in range(36)) + math.fsum(1.035**-35 * 1.025 ** -(t - 35) for t in range(36, 40))
    rate = ministry_rate(Parameters())
    assert not rate.flat and rate.npv(np.ones(40))[0] == pytest.approx(by_hand, rel=1e-12)
    assert by_hand > math.fsum(1.035**-t for t in range(40)) + 0.01


def test_a_flat_rate_is_a_share_below_1() -> None:
    assert flat_or_ministry_rate(Parameters(), 0.999).rates == (0.999,)
    with pytest.raises(InvalidValueError, match="andel"):
        flat_or_ministry_rate(Parameters(), 1.0)


def test_a_root_on_the_bound_of_the_valid_range_counts_and_one_past_it_does_not() -> None:
    """The factor k where g0 + k (g1 − g0) = 0: −10 + k · 20 = 0 at k = 0.5, the lower bound; −20 + k · 10 at
    k = 2, the upper bound; k = 2.5 and k = −0.5 lie outside (0, 2)."""
    assert _root(-10.0, 10.0, (0.5, 2.0)) == 0.5
    assert _root(-20.0, -10.0, (0.0, 2.0)) == 2.0
    assert _root(-25.0, -15.0, (0.0, 2.0)) is None  # k = 25 / 10 = 2.5
    assert _root(5.0, 15.0, (0.0, 2.0)) is None  # k = −5 / 10 = −0.5


def test_the_deadweight_is_an_input_of_the_switching_values_only_where_there_is_some() -> None:
    outcome = Outcome("job", 100_000)

    def case(deadweight: float) -> Case:
        cohort = Cohort("A", 4, "2026-01", outcomes={"job": CohortOutcome(2, deadweight=deadweight)})
        return Case("T", 2026, 2027, outcomes=(outcome,), cohorts=(cohort,), costs=(CostItem("Indsats", {2026: 50_000}),))

    assert "deadweight" not in appraise(case(0)).switching
    assert appraise(case(1)).switching["deadweight"].base == 1


def test_discounting_can_take_away_the_payback() -> None:
    """100,000 kr. spent in 2026, 50,000 saved in 2027 and in 2028: paid back in 2028 undiscounted, never
    discounted (−100,000 + 50,000 / 1.035 + 50,000 / 1.035² = −5,014.12 kr.)."""
    a = appraise(_flows({2026: 100_000}, {2027: 50_000, 2028: 50_000}))
    assert compute_case(_flows({2026: 100_000}, {2027: 50_000, 2028: 50_000})).payback_year == 2028
    assert a.npv == pytest.approx(-100_000 + 50_000 / 1.035 + 50_000 / 1.035**2, abs=1e-6)
    assert a.discounted_payback_year is None and a.discounted_payback_by_payer["kommune"] is None


def test_no_cohort_effect_is_needed_when_the_direct_savings_cover_the_costs() -> None:
    """Costs 100,000 and direct savings 150,000: the break-even factor on the cohorts' effect is 0, so no
    person of the cohort is needed to break even."""
    cohort = Cohort("A", 4, "2026-01", outcomes={"job": CohortOutcome(2)})
    case = Case("T", 2026, 2027, outcomes=(Outcome("job", 100_000),), cohorts=(cohort,),
                costs=(CostItem("Indsats", {2026: 100_000}),), savings=(SavingsLine("Direkte", {2026: 150_000}),))  # fmt: skip
    a = appraise(case)
    assert a.break_even_factor == 0.0
    assert a.persons_needed == [{"cohort": "A", "net_persons": 2.0, "needed": 0.0}]


def test_the_kommunes_break_even_counts_only_what_the_stat_does_not_refund() -> None:
    """Ishøj's refusion variant: the kommune pays every cost and keeps the cohorts' savings less the stat's
    refund (no direct savings), so its break-even factor is its costs ÷ its savings; the stat pays nothing."""
    case = load_case(bundled_case("ishoej_2021_refusion.toml"))
    result = compute_case(case)
    kommune = result.by_payer["kommune"]
    a = appraise(case)
    assert float(result.cohort_savings_by_payer["stat"].sum()) > 0  # the stat refunds part of the benefit
    assert a.break_even_by_payer["kommune"] == pytest.approx(float(kommune.yearly["costs"].sum()) / float(kommune.yearly["savings"].sum()), rel=1e-12)
    assert a.break_even_by_payer["stat"] == 0.0


def test_optimism_bias_scales_every_effect_down() -> None:
    """Ishøj (no direct savings): effects −15 % scale persons and deadweight, so the cohorts' savings by 0.85;
    net gain with the bias = 0.85 × savings − costs."""
    case = load_case(bundled_case("ishoej_2021.toml"))
    biased = dataclasses.replace(case, appraisal=AppraisalSettings(optimism_bias=OptimismBias(effect_reduction=0.15, source="test")))
    result = compute_case(case)
    bias = appraise(biased).optimism_bias
    assert bias is not None
    assert bias["net_gain"] == pytest.approx(0.85 * float(result.yearly["savings"].sum()) - float(result.yearly["costs"].sum()), rel=1e-12)


def test_a_delay_switches_the_net_gain_at_the_first_month_it_is_not_positive() -> None:
    """Net gain exactly 0 already: the switching delay is month 0. Net gain 0.50 kr. and no effect to delay:
    no delay makes it 0. One person from January 2026 saving 120,000 kr. a year against costs of 9,000: an
    11-month delay leaves one month (10,000 kr.), a 12-month delay none, so it switches at 12 months, the
    last month of the horizon."""
    assert appraise(_flows({2026: 100}, {2026: 100})).switching["delay_months"].factor_net_gain == 0.0
    assert appraise(_flows({2026: 100}, {2026: 100.5})).switching["delay_months"].factor_net_gain is None
    cohort = Cohort("A", 1, "2026-01", outcomes={"job": CohortOutcome(1)})
    case = Case("T", 2026, 2026, outcomes=(Outcome("job", 120_000),), cohorts=(cohort,), costs=(CostItem("Indsats", {2026: 9_000}),))
    delay = appraise(case).switching["delay_months"]
    assert delay.valid == (0.0, 12.0) and delay.factor_net_gain == 12.0


def test_the_delays_own_value_is_no_delay() -> None:
    """The switching value of a delay is a number of months; the case itself delays nothing (0 months)."""
    data = report_dict(compute_case(load_case(bundled_case("ishoej_2021.toml"))))
    delay = data["appraisal"]["switching_values"]["delay_months"]  # type: ignore[index]
    assert delay["base"] == 0.0 and delay["unit"] == "måneder"


@pytest.mark.parametrize(
    ("saved", "irr"),
    [
        (200_000, 1.0),  # −100,000 + 200,000 / (1 + r) = 0 at r = 100 %
        (1_100_000, 10.0),  # r = 1,000 %, the bound of the search: found
        (1_150_000, None),  # r = 1,050 %: beyond the search
    ],
)
def test_the_internal_rate_of_return_by_hand(saved: float, irr: float | None) -> None:
    a = appraise(_flows({2026: 100_000}, {2027: saved}, last=2027))
    assert a.internal_rate == (pytest.approx(irr, rel=1e-9) if irr is not None else None)


def test_an_internal_rate_beyond_the_search_is_none_for_small_amounts_too() -> None:
    """0.01 kr. spent, 0.20 kr. saved a year later: r = 1,900 %. Both ends of the search have a positive NPV
    (their product 0.16), so there is no rate within it."""
    assert appraise(_flows({2026: 0.01}, {2027: 0.2}, last=2027)).internal_rate is None


def test_a_case_without_costs_and_savings_has_no_payback_npv_or_switching_value() -> None:
    """A follow-up with targets only: nothing to pay back or discount. Its payback, NPV and discounted payback
    are undefined (None), not the first year and 0; one krone of cost or saving makes them defined again:
    a saving of 1 in 2028 pays back from 2026 (cumulative 0, 0, 1 never below 0), a cost of 1 never does."""
    empty = Case("T", 2026, 2028)
    result, a = compute_case(empty), appraise(empty)
    assert not result.has_flows and result.payback_year is None
    assert all(p.payback_year is None and not p.has_flows for p in result.by_payer.values())
    assert a.npv is None and a.discounted_payback_year is None
    assert set(a.npv_by_payer.values()) == {None} and set(a.discounted_payback_by_payer.values()) == {None}
    delay = a.switching["delay_months"]
    assert (delay.base, delay.factor_net_gain, delay.factor_npv) == (0.0, None, None)  # the case delays nothing; no delay makes 0 of 0
    assert report_dict(result)["undefined"] == dict.fromkeys(("payback_year", "npv", "discounted_payback_year"), "ingen udgifter eller besparelser i casen")
    saving = Case("T", 2026, 2028, savings=(SavingsLine("Direkte", {2028: 1.0}),))
    assert compute_case(saving).payback_year == 2026 and appraise(saving).npv == pytest.approx(1 / 1.035**2)
    assert appraise(saving).discounted_payback_year == 2026 and report_dict(compute_case(saving))["undefined"] == {}
    cost = Case("T", 2026, 2028, costs=(CostItem("Indsats", {2028: 1.0}),))
    assert compute_case(cost).payback_year is None and appraise(cost).npv == pytest.approx(-1 / 1.035**2)


def test_a_payer_without_costs_and_savings_has_no_payback_or_npv_of_its_own() -> None:
    """Costs 100 in 2026 and savings 150 in 2027, all the kommune's: the stat has nothing, so its payback and
    NPV are None while the kommune pays back in 2027 with an NPV of −100 + 150 / 1.035."""
    case = _flows({2026: 100.0}, {2027: 150.0})
    result, a = compute_case(case), appraise(case)
    assert result.by_payer["kommune"].payback_year == 2027 and result.by_payer["stat"].payback_year is None
    assert a.npv_by_payer["kommune"] == pytest.approx(-100 + 150 / 1.035) and a.npv_by_payer["stat"] is None
    assert a.discounted_payback_by_payer == {"kommune": 2027, "stat": None}
    stat = dataclasses.replace(case, costs=(CostItem("Indsats", {2026: 100.0}, payer="stat"),))  # the stat pays, the kommune saves
    assert compute_case(stat).by_payer["stat"].payback_year is None and compute_case(stat).by_payer["kommune"].payback_year == 2026
    assert appraise(stat).npv_by_payer["stat"] == pytest.approx(-100.0)


def test_optimism_bias_of_a_case_without_costs_and_savings_leaves_its_figures_undefined() -> None:
    """Costs × 1.5 and effects × 0.5 of nothing are nothing: the biased NPV and paybacks stay None; a case with a
    cost of 100 in 2026 and a saving of 300 in 2027 biased by costs +50 %: net −150, +300, NPV −150 + 300 / 1.035."""
    bias = AppraisalSettings(optimism_bias=OptimismBias(cost_uplift=0.5, effect_reduction=0.5, source="test"))
    summary = appraise(Case("T", 2026, 2028, appraisal=bias)).optimism_bias
    assert summary is not None and (summary["npv"], summary["payback_year"]) == (None, None)
    assert set(summary["payback_by_payer"].values()) == {None}
    flowing = appraise(dataclasses.replace(_flows({2026: 100.0}, {2027: 300.0}), appraisal=bias)).optimism_bias
    assert flowing is not None and flowing["npv"] == pytest.approx(-150 + 300 / 1.035) and flowing["payback_year"] == 2027
    assert flowing["payback_by_payer"] == {"kommune": 2027, "stat": None}
