"""How sure are we: NPV, break-even, switching values, optimism bias and Monte Carlo, checked against
hand calculations (in the comments) and against results known analytically — never against the code's
own output."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import numpy_financial as npf
import pytest

from xlmodel import compute_case, load_case, loads_case
from xlmodel.appraisal import appraise, discount_rate
from xlmodel.errors import XlmodelError
from xlmodel.linear import LinearModel
from xlmodel.risk import simulate

from .conftest import CASES
from .workbook_cases import random_case, random_pension_case

SMALL = """
[case]
title = "Lille"
first_year = 2021
last_year = 2022
[[costs]]
label = "Coach"
amounts = { 2021 = 100 }
[[savings]]
label = "Sparet"
amounts = { 2022 = 150 }
"""


def test_npv_of_ballerup_by_hand() -> None:
    # Net −4.1, 4.9, 5.2, 4.6 mio. kr. 2017-2020 at Finansministeriet's 3.5 % (years 0-35), year 0 undiscounted:
    # −4.1 + 4.9/1.035 + 5.2/1.035² + 4.6/1.035³ = −4.1 + 4.734300 + 4.854255 + 4.148921 = 9.637476 mio. kr.
    a = appraise(load_case(CASES / "ballerup_2017.toml"))
    by_hand = -4.1e6 + 4.9e6 / 1.035 + 5.2e6 / 1.035**2 + 4.6e6 / 1.035**3
    assert a.npv == pytest.approx(by_hand, abs=0.01)
    assert a.npv == pytest.approx(npf.npv(0.035, [-4.1e6, 4.9e6, 5.2e6, 4.6e6]), abs=0.01)  # numpy-financial: first value at t = 0
    assert a.discounted_payback_year == 2018  # −4.1 + 4.73 > 0


def test_a_flat_rate_in_the_case_replaces_the_curve() -> None:
    # −100 in 2021, +150 in 2022 at 50 %: −100 + 150/1.5 = 0 exactly.
    a = appraise(loads_case(SMALL + "[appraisal]\ndiscount_rate = 0.5\n"))
    assert a.rate.flat and a.npv == pytest.approx(0.0, abs=1e-9)
    assert a.internal_rate == pytest.approx(0.5, abs=1e-9)  # the IRR: the rate at which the NPV is 0


def test_the_curve_falls_after_35_years() -> None:
    # 36 years later the factor is 1.035^−35 × 1.025^−1.
    rate = discount_rate(load_case(CASES / "ishoej_2021.toml"))
    factors = rate.factors(37)
    assert factors[35] == pytest.approx(1.035**-35)
    assert factors[36] == pytest.approx(1.035**-35 / 1.025)


def test_break_even_by_hand() -> None:
    # Ishøj: costs 2,180,000; the cohorts save 12,569,000 + 2,180,000 = 14,749,000 over 2021-2026 and there are
    # no direct savings: k = 2,180,000 / 14,749,000 = 0.147807 of the expected net effect.
    a = appraise(load_case(CASES / "ishoej_2021.toml"))
    assert a.break_even_factor == pytest.approx(2_180_000 / 14_749_000)
    assert a.break_even_by_payer["kommune"] == pytest.approx(2_180_000 / 14_749_000)
    assert a.break_even_by_payer["stat"] is None  # the stat saves nothing in this case
    hold1 = next(p for p in a.persons_needed if p["cohort"] == "Hold 1")
    assert hold1["needed"] == pytest.approx(4 * 2_180_000 / 14_749_000)  # 3 job + 1 fleksjob net persons × k


def test_break_even_is_none_without_cohort_savings() -> None:
    assert appraise(loads_case(SMALL)).break_even_factor is None


@pytest.mark.parametrize(
    ("case", "name", "by_hand"),
    [
        # Silkeborg: net gain 5,425,000; the benefits line saves 8,550,000 → 1 − 5,425/8,550
        ("silkeborg_2015.toml", "savings_line.0", 1 - 5_425_000 / 8_550_000),
        # Ballerup: net gain 10,600,000; the investment costs 21,300,000 → it could be 1 + 10.6/21.3 times larger
        ("ballerup_2017.toml", "cost.0", 1 + 10_600_000 / 21_300_000),
        # Ishøj: net gain 12,569,000; the coaches cost 2,080,000 → 1 + 12,569/2,080
        ("ishoej_2021.toml", "cost.0", 1 + 12_569_000 / 2_080_000),
        # Ishøj, refusion variant: net gain 12,437,464; the job outcome saves 12,862,464 gross → 1 − 12,437,464/12,862,464
        ("ishoej_2021_refusion.toml", "benefit_rate.job", 1 - 12_437_464 / 12_862_464),
    ],
)
def test_one_switching_value_per_case_by_hand(case: str, name: str, by_hand: float) -> None:
    a = appraise(load_case(CASES / case))
    assert a.switching[name].factor_net_gain == pytest.approx(by_hand, rel=1e-6)


def test_switching_values_outside_the_valid_range_are_none() -> None:
    a = appraise(load_case(CASES / "ishoej_2021.toml"))
    # even with no fleksjob saving at all the net gain stays positive: no switching value within [0, ∞)
    assert a.switching["unit_saving.flexjob"].factor_net_gain is None
    # persons cannot fall below the deadweight (1 of 3 or 4): the valid range starts at 1/3
    assert a.switching["persons"].valid[0] == pytest.approx(1 / 3)


def test_optimism_bias_by_hand() -> None:
    # Ballerup: costs +20 % and no cohorts to reduce or delay: 10,600,000 − 0.2 × 21,300,000 = 6,340,000.
    text = (CASES / "ballerup_2017.toml").read_text(encoding="utf-8") + '\n[appraisal.optimism_bias]\ncost_uplift = 0.2\nsource = "test"\n'
    bias = appraise(loads_case(text)).optimism_bias
    assert bias is not None and bias["net_gain"] == pytest.approx(6_340_000)


def test_the_linear_parts_reproduce_the_core_exactly() -> None:
    cases = [load_case(p) for p in sorted(CASES.glob("*.toml"))] + [random_case(i) for i in range(20)]
    for case in cases:
        result = compute_case(case)
        run = LinearModel.of(case).evaluate({})
        for payer in case.payers:
            assert run.savings[payer][0] == pytest.approx(result.by_payer[payer].yearly["savings"].to_numpy(), abs=1e-6)
            assert run.costs[payer][0] == pytest.approx(result.by_payer[payer].yearly["costs"].to_numpy(), abs=1e-6)


def test_delayed_parts_computed_once_per_distinct_row_are_those_of_every_row() -> None:
    """The delays share rows (a cohort delayed a month starts when the next did): computing each distinct
    row once gives, bit for bit, the parts of computing every cohort at every delay."""
    from xlmodel.linear import _cohort_arrays, _per_person

    delays = [0, 1, 5, 12, 17, 30]
    ishoej = load_case(CASES / "ishoej_2021.toml")  # job falls back in April of a year counted from the course start
    first = ishoej.cohorts[0]
    # two cohorts with the same effect start, their courses started in different years: not the same row
    same_effect = dataclasses.replace(ishoej, cohorts=(dataclasses.replace(first, name="Hold 0", start=first.effect_start - 5), *ishoej.cohorts))
    cases = [load_case(p) for p in sorted(CASES.glob("*.toml"))] + [random_case(i) for i in range(20)] + [same_effect] + [random_pension_case(i) for i in range(8)]
    for case in cases:
        model = LinearModel.of(case)
        for delay in delays:
            for outcome, parts in zip(case.outcomes, model.parts(delay), strict=True):
                cohorts = _cohort_arrays(case, outcome)  # an avoided pension's ages and ends too (rows differ by them)
                persons, dead = cohorts.persons, cohorts.dead
                if not persons.size:
                    continue
                a, f, sa, sf = _per_person(case, outcome, cohorts.effect + delay, cohorts.start, cohorts.clock, cohorts.ages)
                expected = (persons @ a, dead @ a, persons @ f, dead @ f, persons @ sa, dead @ sa, persons @ sf, dead @ sf)
                got = (parts.pa, parts.da, parts.pf, parts.df, parts.spa, parts.sda, parts.spf, parts.sdf)
                assert all(np.array_equal(x, y) for x, y in zip(got, expected, strict=True)), (case.title, outcome.id, delay)


# --- Monte Carlo: results that do not depend on luck ---


def test_a_degenerate_distribution_gives_the_deterministic_result_exactly() -> None:
    case = load_case(CASES / "ishoej_2021.toml")
    text = (CASES / "ishoej_2021.toml").read_text(encoding="utf-8")
    head = text[: text.index("[[uncertainty]]")]
    fixed = head + '[[uncertainty]]\ninput = "persons"\ndistribution = "fixed"\nvalue = 1\nsource = "test"\n'
    r = simulate(loads_case(fixed), draws=500)
    assert r.net_gain_p10 == r.net_gain_p50 == r.net_gain_p90 == compute_case(case).net_gain
    assert r.p_payback == 1.0 and r.payback_years["2022"] == 500


def test_one_uniform_input_matches_its_analytic_probability() -> None:
    # Savings 150 × a, a ~ uniform(0.5, 1.5), costs 100: it pays back when a ≥ 2/3, so P = (1.5 − 2/3)/1 = 5/6.
    # A Latin hypercube in one dimension puts exactly one draw in each of n equal strata, so the share of
    # draws above the threshold is within 1/n of the truth.
    n = 10_000
    case = loads_case(SMALL + '[[uncertainty]]\ninput = "savings_line"\nitem = "Sparet"\ndistribution = "uniform"\nmin = 0.5\nmax = 1.5\nsource = "test"\n')
    r = simulate(case, draws=n)
    assert abs(r.p_payback - 5 / 6) <= 1 / n
    # and the median net gain is 150 × 1 − 100 = 50, within one stratum's width (150/n)
    assert r.net_gain_p50 == pytest.approx(50, abs=150 / n + 1e-9)


def test_a_triangular_input_matches_its_analytic_probability() -> None:
    # a ~ triangular(0, 1, 2) on savings 150, costs 100: P(a ≥ 2/3) = 1 − (2/3)²/2 = 7/9.
    n = 20_000
    case = loads_case(SMALL + '[[uncertainty]]\ninput = "savings_line"\nitem = "Sparet"\ndistribution = "triangular"\nmin = 0\nmode = 1\nmax = 2\nsource = "test"\n')
    assert abs(simulate(case, draws=n).p_payback - 7 / 9) <= 1 / n


def test_the_seed_reproduces_the_draws_to_the_krone() -> None:
    case = load_case(CASES / "ishoej_2021.toml")
    first, second, other = simulate(case), simulate(case), simulate(case, seed=case.risk.seed + 1)
    assert first == second
    assert first.net_gain_p50 != other.net_gain_p50


def test_the_ishoej_drivers_put_the_effect_first() -> None:
    r = simulate(load_case(CASES / "ishoej_2021.toml"))
    assert r.drivers[0]["input"] == "Personer med effekt (job)"
    assert math.isclose(sum(float(d["share"]) for d in r.drivers), 1.0, abs_tol=0.05)  # a near-linear model: the squares sum to ~R²


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ('input = "people"\ndistribution = "uniform"\nmin = 0\nmax = 1', "input: skal være en af"),
        ('input = "persons"\ndistribution = "triangular"\nmin = 0.5\nmax = 1.5', "mode: mangler"),
        ('input = "persons"\ndistribution = "uniform"\nmin = 1.5\nmax = 0.5', "max: skal være større end min"),
        ('input = "persons"\ndistribution = "beta"\nmin = 0\nmax = 1', "distribution: skal være en af"),
        ('input = "persons"\ndistribution = "uniform"\nmin = 0.5\nmax = 4', 'uncertainty[0] "persons".max: ligger uden for det gyldige område'),
        ('input = "unit_saving"\ndistribution = "uniform"\nmin = 0.5\nmax = 1.5', "outcome: unit_saving gælder én effekt"),
        ('input = "unit_saving"\noutcome = "nope"\ndistribution = "uniform"\nmin = 0.5\nmax = 1.5', "outcome: ukendt effekt"),
        ('input = "cost"\nitem = "Kaffe"\ndistribution = "uniform"\nmin = 0.5\nmax = 1.5', "item: ingen linje med den label"),
        ('input = "persons"\ndistribution = "normal"\nmean = 1\nsd = 0', "sd: en normalfordeling skal have en spredning over 0"),
    ],
)
def test_bad_uncertainty_specs_name_the_field(spec: str, message: str) -> None:
    text = (CASES / "ishoej_2021.toml").read_text(encoding="utf-8")
    head = text[: text.index("[[uncertainty]]")]
    with pytest.raises(XlmodelError) as caught:
        simulate(loads_case(head + "[[uncertainty]]\n" + spec + '\nsource = "test"\n'), draws=100)
    assert message in str(caught.value)


def test_risk_settings_are_checked() -> None:
    with pytest.raises(XlmodelError, match=r"^risk\.draws: mellem 10 og 1\.000\.000"):
        loads_case(SMALL + "[risk]\ndraws = 5\n")
    with pytest.raises(XlmodelError, match=r"^risk\.sampler"):
        loads_case(SMALL + '[risk]\nsampler = "random"\n')
    with pytest.raises(XlmodelError, match=r"^appraisal\.discount_rate: en rente skrives som andel"):
        loads_case(SMALL + "[appraisal]\ndiscount_rate = 3.5\n")


def test_sobol_sampling_also_reproduces() -> None:
    case = loads_case(SMALL + '[risk]\nsampler = "sobol"\ndraws = 1024\n[[uncertainty]]\ninput = "costs"\ndistribution = "uniform"\nmin = 0.5\nmax = 2\nsource = "test"\n')
    r = simulate(case)
    # costs 100 × c, c ~ uniform(0.5, 2), savings 150: pays back when c ≤ 1.5: P = 1/1.5 = 2/3 (Sobol: close)
    assert r == simulate(case) and abs(r.p_payback - 2 / 3) < 0.01
    assert np.isfinite(r.npv_p50)
