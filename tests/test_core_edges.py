"""Edges of the core that the mutation run (bench/mutation.py) found untested: each expectation is worked
out by hand in the test, never taken from the code's own output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re

import numpy as np
import pytest

from xlmodel import compare, compute_case, load_case
from xlmodel.arithmetic import person_years
from xlmodel.bundled import bundled_case
from xlmodel.errors import InvalidValueError
from xlmodel.followup import Realisation, follow_up, realisation_rate
from xlmodel.model import Actual, Case, Cohort, CohortOutcome, CostItem, Fallback, Outcome, SavingsLine, Target
from xlmodel.published import PublishedFigure
from xlmodel.report import report_dict

# ---- arithmetic ----


def test_fall_back_years_per_cohort() -> None:
    """Two cohorts from January 2021, each with its own fall-back: 50 % after 1 year, 50 % after 2 years."""
    py = person_years([2, 2], [2021 * 12, 2021 * 12], [2021, 2022, 2023], [[0.5], [0.5]], [[1], [2]])
    # cohort 1: 2 persons in 2021, 1 from 2022; cohort 2: 2 in 2021 and 2022, 1 from 2023
    assert py.tolist() == [[2.0, 1.0, 1.0], [2.0, 2.0, 1.0]]


def test_every_fall_back_takes_its_own_share() -> None:
    """10 % after one year and 30 % after two: 10 persons from January 2020."""
    py = person_years([10], [2020 * 12], [2020, 2021, 2022], [0.1, 0.3], [1, 2])
    assert py.tolist() == [[10.0, pytest.approx(9.0), pytest.approx(6.0)]]


# ---- compute ----


def _two_by_two() -> Case:
    job, flex = Outcome("job", 100_000), Outcome("flexjob", 40_000)
    cohorts = (
        Cohort("A", 4, "2021-01", outcomes={"job": CohortOutcome(2), "flexjob": CohortOutcome(1)}),
        Cohort("B", 4, "2021-07", outcomes={"job": CohortOutcome(3)}),
    )
    costs = (CostItem("Indsats", {2021: 150_000, 2022: 150_000}),)
    return Case("T", 2021, 2022, outcomes=(job, flex), cohorts=cohorts, costs=costs, savings=(SavingsLine("Direkte", {2022: 10_000}),))


def test_each_cohort_and_payer_row_is_its_own() -> None:
    result = compute_case(_two_by_two())
    assert result.cohort_figure("B", "job").tolist() == [3 * 100_000 / 2, 3 * 100_000]
    assert result.cohort_figure_by_payer("A", "flexjob", "kommune").tolist() == [40_000, 40_000]
    assert result.cohort_figure_by_payer("B", "flexjob", "kommune").tolist() == [0, 0]  # B has no flexjob


def test_totals_net_and_payback_by_hand() -> None:
    result = compute_case(_two_by_two())
    savings = [2 * 100_000 + 40_000 + 150_000, 2 * 100_000 + 40_000 + 300_000 + 10_000]  # 390,000 and 550,000
    assert result.yearly["savings"].tolist() == savings
    assert result.yearly["net"].tolist() == [390_000 - 150_000, 550_000 - 150_000]
    assert result.net_gain == 240_000 + 400_000
    assert result.payback_year == 2021
    # steady state: every cohort's net persons at the last year's unit saving, no fall-back
    assert result.steady_state_saving == 5 * 100_000 + 40_000


def test_payback_is_the_first_year_from_which_the_cumulative_stays_at_or_above_zero() -> None:
    case = Case("T", 2021, 2023, outcomes=(Outcome("job", 100_000),),
                cohorts=(Cohort("A", 1, "2022-01", outcomes={"job": CohortOutcome(1)}),),
                costs=(CostItem("Indsats", {2021: 150_000}),))  # fmt: skip
    result = compute_case(case)
    assert result.yearly["cumulative"].tolist() == [-150_000, -50_000, 50_000]
    assert result.payback_year == 2023
    short = compute_case(Case("T", 2021, 2022, outcomes=case.outcomes, cohorts=case.cohorts, costs=case.costs))
    assert short.payback_year is None  # −50,000 at the end of the horizon


def test_a_period_sums_its_own_years() -> None:
    case = Case("T", 2021, 2023, outcomes=(Outcome("job", 100_000),),
                cohorts=(Cohort("A", 1, "2021-01", outcomes={"job": CohortOutcome(1)}),),
                costs=(CostItem("Indsats", {2021: 30_000, 2022: 20_000, 2023: 10_000}),),
                periods={"efter": (2022, 2023)})  # fmt: skip
    (period,) = compute_case(case).periods
    assert (period.savings, period.costs, period.net_gain) == (200_000, 30_000, 170_000)


def test_steady_state_uses_the_last_years_unit_saving_and_the_lasting_share() -> None:
    job = Outcome("job", {2021: 100_000, 2022: 120_000}, fallbacks=(Fallback(0.25, 1),))
    case = Case("T", 2021, 2022, outcomes=(job,), cohorts=(Cohort("A", 4, "2021-01", outcomes={"job": CohortOutcome(4)}),))
    assert compute_case(case).steady_state_saving == 4 * 0.75 * 120_000
    with_deadweight = dataclasses.replace(case, cohorts=(Cohort("A", 4, "2021-01", outcomes={"job": CohortOutcome(4, deadweight=1)}),))
    assert compute_case(with_deadweight).steady_state_saving == (4 - 1) * 0.75 * 120_000  # the net persons: 270,000
    assert compute_case(Case("T", 2021, 2022, outcomes=(job,))).steady_state_saving is None


# ---- follow-up ----


def test_realisation_rate_and_its_undefined_cases() -> None:
    target = Target(2021, "job", persons=4)
    assert Realisation(target, "persons", 4, 3).rate == 0.75
    assert Realisation(target, "persons", 1, 3).rate == 3.0
    assert Realisation(target, "persons", 0, 3).rate is None
    assert Realisation(target, "persons", 4, None).rate is None
    assert realisation_rate(2, 1) == 2.0
    with pytest.raises(InvalidValueError, match="måltallet er 0"):
        realisation_rate(5, 0)


def _followed(targets: tuple[Target, ...], actuals: tuple[Actual, ...]) -> Case:
    return Case("T", 2021, 2022, targets=targets, actuals=actuals)


def test_forecast_with_a_person_target_of_one() -> None:
    """Target 1 person, none reached: the rate is 0, so the unreported year is forecast at 0."""
    f = follow_up(compute_case(_followed((Target(2021, "job", persons=1, savings=100_000), Target(2022, savings=100_000)),
                                         (Actual(2021, "job", persons=0, savings=0),))))  # fmt: skip
    assert f.rate == 0
    assert f.forecast == [0, 0]
    assert f.total_forecast == 0 and f.total_expected == 200_000 and f.total_write_down == 200_000


def test_forecast_without_a_rate_keeps_the_expectation() -> None:
    """Person targets of 0 give no rate; the forecast is then what was expected."""
    f = follow_up(compute_case(_followed((Target(2021, "job", persons=0, savings=100_000), Target(2022, savings=50_000)),
                                         (Actual(2021, "job", persons=2),))))  # fmt: skip
    assert f.rate is None
    assert f.forecast == [100_000, 50_000] and f.write_down == [0, 0]


# ---- published figures ----


def test_published_figure_forms() -> None:
    with pytest.raises(InvalidValueError, match="unit"):
        PublishedFigure("net_gain", value=1, unit=0)
    with pytest.raises(InvalidValueError, match="angiv enten value eller både minimum og maximum"):
        PublishedFigure("net_gain", value=5, minimum=1)
    with pytest.raises(InvalidValueError, match="values"):
        PublishedFigure("savings", values={2021: 1}, minimum=0)
    assert PublishedFigure("net_gain", minimum=1, maximum=2).minimum == 1


def test_payback_year_and_ranges_are_compared_by_hand() -> None:
    case = _two_by_two()  # pays back in 2021, net gain 640,000
    figures = (
        PublishedFigure("payback_year", value=2021),
        PublishedFigure("payback_year", value=2022, label="forkert år"),
        PublishedFigure("net_gain", minimum=0.5, maximum=0.6, unit=1_000_000, decimals=2, label="interval"),
        PublishedFigure("net_gain", minimum=0.6, maximum=0.7, unit=1_000_000, decimals=2, label="rigtigt interval"),
    )
    result = compare(compute_case(case), figures)
    deviations = {d.where.split(" · ")[0]: d for d in result.deviations}
    assert set(deviations) == {"forkert år", "interval"}
    assert (deviations["forkert år"].model, deviations["forkert år"].difference) == (2021, -1)
    assert deviations["interval"].model == 0.64 and deviations["interval"].difference == pytest.approx(0.04)


def test_split_rows_add_up_per_payer() -> None:
    result = compute_case(_two_by_two())
    total = sum(p.net_gain for p in result.by_payer.values())
    assert total == pytest.approx(result.net_gain)
    assert np.allclose(result.by_payer["kommune"].yearly["net"].to_numpy(), result.yearly["net"].to_numpy())


def test_a_residue_of_exactly_the_tolerance_counts_as_paid_back() -> None:
    from xlmodel.compute import PAYBACK_TOLERANCE_KR, payback_year

    assert payback_year([2021, 2022], [-5.0, -PAYBACK_TOLERANCE_KR]) == 2022  # below in 2021 only
    assert payback_year([2021, 2022], [-5.0, -2 * PAYBACK_TOLERANCE_KR]) is None


def test_more_published_figure_forms() -> None:
    with pytest.raises(InvalidValueError, match="angiv enten value eller både minimum og maximum"):
        PublishedFigure("net_gain")
    with pytest.raises(InvalidValueError, match="angiv enten value eller både minimum og maximum"):
        PublishedFigure("net_gain", minimum=1)
    with pytest.raises(InvalidValueError, match="skal have både cohort og outcome"):
        PublishedFigure("cohort_savings", values={2021: 1}, cohort="Hold 1")
    with pytest.raises(InvalidValueError, match="skal have både cohort og outcome"):
        PublishedFigure("cohort_savings", values={2021: 1}, outcome="job")


def test_forecast_and_write_down_totals_over_a_span_of_years() -> None:
    """Expected 100,000 and 50,000; 60 % realised in 2021 (60,000 reported): forecast 60,000 + 30,000."""
    case = Case("T", 2021, 2022,
                targets=(Target(2021, "job", persons=10, savings=100_000), Target(2022, savings=50_000)),
                actuals=(Actual(2021, "job", persons=6, savings=60_000),),
                published=(PublishedFigure("forecast_total", value=30_000, years=(2022, 2022), label="prognose 2022"),
                           PublishedFigure("forecast_total", value=90_000, label="prognose i alt"),
                           PublishedFigure("write_down_total", value=40_000, years=(2021, 2021), label="nedskrivning 2021"),
                           PublishedFigure("write_down_total", value=20_000, years=(2022, 2022), label="nedskrivning 2022")))  # fmt: skip
    result = compare(compute_case(case))
    assert result.checked == 4 and result.deviations == () and result.agreed == 4
    wrong = compare(compute_case(case), (PublishedFigure("forecast_total", value=31_000, years=(2022, 2022)),))
    assert (wrong.checked, wrong.agreed, wrong.deviations[0].difference) == (1, 0, -1_000)


# ---- risk: results known analytically ----

from .test_appraisal import SMALL as _SMALL  # noqa: E402 - costs 100 in 2021, savings line "Sparet" 150 in 2022


def _uniform_small(n: int) -> object:
    from xlmodel import loads_case
    from xlmodel.risk import simulate

    case = loads_case(_SMALL + '[[uncertainty]]\ninput = "savings_line"\nitem = "Sparet"\ndistribution = "uniform"\nmin = 0.5\nmax = 1.5\nsource = "test"\n')
    return simulate(case, draws=n)


def test_uniform_percentiles_and_payback_year_distribution() -> None:
    """Net gain = 150 a − 100 with a ~ U(0.5, 1.5): the p-th percentile is 150 (0.5 + p) − 100, so
    P10 = −10, P50 = 50, P90 = 110; mean 50. Cumulative: −100 in 2021, then 150 a − 100 in 2022, so it
    never pays back in 2021 and pays back in 2022 when a ≥ 2/3 (probability 5/6). One Latin-hypercube
    draw per stratum: each percentile within 150/n."""
    n = 10_000
    r = _uniform_small(n)
    tol = 150 / n + 1e-9
    assert r.net_gain_p10 == pytest.approx(-10, abs=tol)  # type: ignore[attr-defined]
    assert r.net_gain_p50 == pytest.approx(50, abs=tol)  # type: ignore[attr-defined]
    assert r.net_gain_p90 == pytest.approx(110, abs=tol)  # type: ignore[attr-defined]
    assert r.net_gain_mean == pytest.approx(50, abs=tol)  # type: ignore[attr-defined]
    assert r.payback_years["2021"] == 0  # type: ignore[attr-defined]
    assert abs(r.payback_years["2022"] / n - 5 / 6) <= 1 / n  # type: ignore[attr-defined]
    assert r.payback_years["2022"] + r.payback_years["aldrig"] == n  # type: ignore[attr-defined]
    assert r.cumulative_p_payback[2021] == 0  # type: ignore[attr-defined]
    assert abs(r.cumulative_p_payback[2022] - 5 / 6) <= 1 / n  # type: ignore[attr-defined]
    assert abs(r.p_payback_by_payer["kommune"] - 5 / 6) <= 1 / n  # type: ignore[attr-defined]
    (uncertain,) = r.inputs  # type: ignore[attr-defined]
    assert uncertain["min"] == pytest.approx(0.5, abs=1 / n) and uncertain["max"] == pytest.approx(1.5, abs=1 / n)
    assert uncertain["mean"] == pytest.approx(1.0, abs=1e-3)
    (driver,) = r.drivers  # type: ignore[attr-defined]
    assert driver["share"] == pytest.approx(1.0)  # the only input explains all of the variance


def test_each_distribution_has_its_textbook_quantiles() -> None:
    from scipy import stats

    from xlmodel.risk import distribution
    from xlmodel.settings import Uncertainty

    def make(**kw: object) -> object:
        return Uncertainty(input="persons", source="test", **kw)  # type: ignore[arg-type]

    q = np.array([0.0, 0.25, 0.5, 1.0])
    assert distribution(make(distribution="fixed", value=0.9), (0, 2), "u")(q).tolist() == [0.9] * 4  # type: ignore[arg-type]
    assert distribution(make(distribution="uniform", min=0.5, max=1.5), (0, 2), "u")(q).tolist() == [0.5, 0.75, 1.0, 1.5]  # type: ignore[arg-type]
    # triangular(0, 0.5, 1): F(x) = 2x² below the mode, so the quartile is √(1/8)
    tri = distribution(make(distribution="triangular", min=0, mode=0.5, max=1), (0, 2), "u")  # type: ignore[arg-type]
    assert tri(q).tolist() == pytest.approx([0, math.sqrt(1 / 8), 0.5, 1])
    # PERT(0, 0.25, 1): α = 1 + 4·0.25 = 2, β = 1 + 4·0.75 = 4; its mean is (0 + 4·0.25 + 1)/6 = 1/3
    pert = distribution(make(distribution="pert", min=0, mode=0.25, max=1), (0, 2), "u")  # type: ignore[arg-type]
    grid = (np.arange(100_000) + 0.5) / 100_000
    assert float(np.mean(pert(grid))) == pytest.approx(1 / 3, abs=1e-4)
    assert pert(np.array([0.5]))[0] == pytest.approx(stats.beta.ppf(0.5, 2, 4))
    # normal(1, 0.5) cut to the valid range [0, 1] = z in [−2, 0]: the median is where Φ(z) lies halfway
    # between Φ(−2) = 0.02275 and Φ(0) = 0.5, i.e. Φ(z) = 0.26138, z = −0.6390, x = 1 − 0.5 · 0.6390
    normal = distribution(make(distribution="normal", mean=1, sd=0.5), (0, 1), "u")  # type: ignore[arg-type]
    assert normal(np.array([0.5]))[0] == pytest.approx(1 - 0.5 * 0.6390, abs=1e-3)
    assert normal(np.array([0.0, 1.0])).tolist() == pytest.approx([0, 1])


def test_payback_probability_of_the_excel_function_by_hand() -> None:
    """Savings 100 × a, a ~ triangular(0.5, 1, 1.5), costs fixed at 80: it pays back when a ≥ 0.8;
    P(a < 0.8) = (0.3)² / (1 × 0.5) = 0.18, so P = 0.82."""
    from xlmodel.risk import payback_probability

    p = payback_probability(np.array([100.0]), np.array([80.0]), (0.5, 1.5), (1.0, 1.0), 20_000, 7)
    assert abs(p - 0.82) <= 1 / 20_000
    with pytest.raises(InvalidValueError, match="min skal være"):
        payback_probability(np.array([1.0]), np.array([1.0]), (1.5, 0.5), (1.0, 1.0), 10, 1)


# ---- appraisal ----


def test_discount_factors_change_band_at_the_band_start() -> None:
    """10 % in years 0–1, 5 % from year 2: factors 1, 1/1.1, 1/(1.1·1.05), 1/(1.1·1.05²)."""
    from xlmodel.appraisal import DiscountRate

    rate = DiscountRate((0.0, 2.0), (0.10, 0.05), "", False)
    assert rate.factors(4).tolist() == pytest.approx([1, 1 / 1.1, 1 / (1.1 * 1.05), 1 / (1.1 * 1.05**2)])
    flat = DiscountRate((0.0,), (0.10,), "", True)
    rows = np.array([[-100.0, 110.0]] * 20)  # more rows than npf.npv is used for: the matrix path
    assert flat.npv(rows).tolist() == pytest.approx([0.0] * 20, abs=1e-9)
    assert flat.npv(rows[:2]).tolist() == pytest.approx([0.0] * 2, abs=1e-9)


def test_break_even_with_direct_savings_per_payer_by_hand() -> None:
    """Costs 200,000 (kommune); 2 net persons × 50,000 kr. a year for 2 years = 200,000 from the cohort;
    50,000 direct: k = (200,000 − 50,000) / 200,000 = 0.75; the cohort needs 0.75 × 2 = 1.5 persons."""
    from xlmodel.appraisal import appraise, break_even

    case = Case("T", 2021, 2022, outcomes=(Outcome("job", 50_000),),
                cohorts=(Cohort("A", 2, "2021-01", outcomes={"job": CohortOutcome(2)}),),
                costs=(CostItem("Indsats", {2021: 200_000}),), savings=(SavingsLine("Direkte", {2022: 50_000}),))  # fmt: skip
    a = appraise(case)
    assert a.break_even_factor == pytest.approx(0.75)
    assert a.break_even_by_payer["kommune"] == pytest.approx(0.75)
    assert a.persons_needed == [{"cohort": "A", "net_persons": 2.0, "needed": pytest.approx(1.5)}]
    assert break_even(100, 20, 0.5) == 160  # tiny cohort savings still count
    assert break_even(100, 120, 50) == 0  # direct savings alone cover the costs
    assert break_even(100, 0, 0) is None
    assert a.internal_rate == pytest.approx(0.5)  # −100,000 + 150,000 / (1 + r) = 0


def test_tornado_and_switching_values_of_a_cost_line_by_hand() -> None:
    """Costs 200,000 in 2021; savings 100,000 (2021) and 150,000 (2022, incl. 50,000 direct); flat 10 %.
    Net gain = 250,000 − 200,000 f: zero at f = 1.25; ±20 % gives 90,000 and 10,000.
    NPV = 100,000 + 150,000 / 1.1 − 200,000 f = 236,363.64 − 200,000 f: zero at f = 1.1818."""
    from xlmodel.appraisal import appraise
    from xlmodel.settings import AppraisalSettings

    case = Case("T", 2021, 2022, outcomes=(Outcome("job", 50_000),),
                cohorts=(Cohort("A", 2, "2021-01", outcomes={"job": CohortOutcome(2)}),),
                costs=(CostItem("Indsats", {2021: 200_000}),), savings=(SavingsLine("Direkte", {2022: 50_000}),),
                appraisal=AppraisalSettings(discount_rate=0.10, tornado_change=0.2))  # fmt: skip
    a = appraise(case)
    assert a.npv == pytest.approx(100_000 + 150_000 / 1.1 - 200_000)
    cost = a.switching["cost.0"]
    assert cost.factor_net_gain == pytest.approx(1.25)
    assert cost.factor_npv == pytest.approx((100_000 + 150_000 / 1.1) / 200_000)
    bar = next(b for b in a.tornado if b.input == "cost.0")
    assert (bar.low_factor, bar.high_factor) == (pytest.approx(0.8), pytest.approx(1.2))
    assert (bar.low, bar.high) == (pytest.approx(90_000), pytest.approx(10_000))
    persons = a.switching["persons"]  # 4 person-years × 50,000 × f + 50,000 − 200,000 = 0
    assert persons.factor_net_gain == pytest.approx(0.75)


def test_triangular_with_a_lower_bound_above_zero() -> None:
    from xlmodel.risk import distribution
    from xlmodel.settings import Uncertainty

    tri = distribution(Uncertainty(input="persons", distribution="triangular", min=1, mode=1.5, max=2, source="t"), (0, 3), "u")
    assert tri(np.array([0.25, 0.5])).tolist() == pytest.approx([1 + math.sqrt(1 / 8), 1.5])


def test_a_published_range_is_shown_as_printed() -> None:
    figure = PublishedFigure("net_gain", minimum=0.5, maximum=0.6, unit=1_000_000, decimals=2)
    (deviation,) = compare(compute_case(_two_by_two()), (figure,)).deviations
    assert deviation.published == "0.5–0.6"


# ---- validate: the bounds every input meets ----


def test_the_earliest_and_latest_dates_are_accepted_and_one_day_beyond_is_not() -> None:
    """The allowed dates are 1950-01-01 … 2200-12-31, both included (one rule for files, books and functions)."""
    from xlmodel import validate

    assert validate.date("d", "1950-01-01") == validate.EARLIEST_DATE == dt.date(1950, 1, 1)
    assert validate.date("d", "2200-12-31") == validate.LATEST_DATE == dt.date(2200, 12, 31)
    for outside in ("1949-12-31", "2201-01-01"):
        with pytest.raises(InvalidValueError):
            validate.date("d", outside)


def test_a_share_typed_as_a_percentage_gets_the_hint_and_others_do_not() -> None:
    """25 and 1.5 look like percentages (0.25, 0.015); 100.5 and −0.5 do not."""
    from xlmodel import validate

    for typed, hint in ((25, "mente du 0.25?"), (1.5, "mente du 0.015?"), (100, "mente du 1?")):
        with pytest.raises(InvalidValueError, match=re.escape(hint)):
            validate.share("andel", typed)
    for typed in (100.5, -0.5):
        with pytest.raises(InvalidValueError) as error:
            validate.share("andel", typed)
        assert "mente du" not in str(error.value)


def test_text_is_required_unless_said_otherwise() -> None:
    from xlmodel import validate

    with pytest.raises(InvalidValueError):
        validate.text("title", "")
    assert validate.text("municipality", "", required=False) == ""


# ---- model: value objects ----


def test_an_outcome_without_a_label_is_shown_by_its_id() -> None:
    assert Outcome("job", 100_000).label == "job"
    assert Outcome("job", 100_000, "Beskæftigelse").label == "Beskæftigelse"


def test_small_positive_amounts_are_valid() -> None:
    """Half an hour a week of staff and a line of 0.5 kr. are odd but valid (≥ 0), and spreading a total
    without a basis says how it was spread: 1.000 kr. over 2 years."""
    from xlmodel.model import StaffCost, year_shares_from_months

    staff = StaffCost(annual_cost=370_000, year_shares={2021: 1.0}, hours_per_week=0.5)
    assert staff.amounts()[2021] == pytest.approx(370_000 * 0.5 / 37)
    line = CostItem.spread("Drift", 0.5, [2021])
    assert line.amounts == {2021: 0.5}
    assert CostItem.spread("Drift", 1000, [2021, 2022]).basis == "1.000 kr. fordelt ligeligt over 2 år"
    # 12 months from the first of a year: that year whole and nothing of the next
    assert dict(year_shares_from_months("periode", "2021-01", 12)) == {2021: 1.0}


def test_the_horizon_may_be_as_long_as_allowed_and_not_a_year_longer() -> None:
    from xlmodel import validate

    longest = Case("Lang", 2000, 2000 + validate.MAX_HORIZON_YEARS - 1)
    assert len(longest.years) == validate.MAX_HORIZON_YEARS
    with pytest.raises(InvalidValueError, match="last_year"):
        Case("For lang", 2000, 2000 + validate.MAX_HORIZON_YEARS)


def test_a_forecast_rate_above_two_is_refused_and_two_is_not() -> None:
    assert Case("Prognose", 2021, 2022, forecast_rate=2.0).forecast_rate == 2.0
    with pytest.raises(InvalidValueError, match="forecast_rate"):
        Case("Prognose", 2021, 2022, forecast_rate=2.5)


# ---- parameters ----


def test_a_date_as_the_core_time_counts_days_within_the_month() -> None:
    """16 April 2021: 2021 + 3/12 + 15/(12 × 30) years."""
    from xlmodel.parameters import date_to_time

    assert date_to_time(dt.date(2021, 4, 16)) == pytest.approx(2021 + 3 / 12 + 15 / 360)


def test_a_staircase_override_must_start_at_week_zero_and_rise() -> None:
    from xlmodel.parameters import Override, Parameters

    day = dt.date(2021, 1, 1)
    ok = Parameters((Override("refusion.staircase", day, "ANTAGELSE", weeks=(0, 4, 26, 52), rates=(0.8, 0.4, 0.3, 0.2)),))
    assert ok.value_at("refusion.staircase", day).rates == (0.8, 0.4, 0.3, 0.2)
    for weeks in ((1, 4, 26, 52), (0, 4, 4, 52), (0, 26, 4, 52)):
        with pytest.raises(InvalidValueError, match="refusionstrappe"):
            Parameters((Override("refusion.staircase", day, "ANTAGELSE", weeks=weeks, rates=(0.8, 0.4, 0.3, 0.2)),))
    with pytest.raises(InvalidValueError):  # a number is not a staircase
        Parameters((Override("refusion.staircase", day, "ANTAGELSE", value=0.5),))


def test_a_case_may_set_a_benefit_to_zero_and_its_source_defaults_to_the_case_file() -> None:
    from xlmodel.parameters import Override, Parameters

    day = dt.date(2021, 1, 1)
    parameters = Parameters((Override("kontanthjaelp.over_30_andre", day, "ANTAGELSE: ingen ydelse", value=0),))
    entry = parameters.value_at("kontanthjaelp.over_30_andre", day)
    assert (entry.value, entry.reference, entry.origin) == (0, "case-filen", "case")
    with pytest.raises(InvalidValueError, match="value"):  # a benefit is a number, not a staircase
        Parameters((Override("kontanthjaelp.over_30_andre", day, "ANTAGELSE", weeks=(0,), rates=(0.5,)),))


# ---- linear: the ranges a factor may take, and delays ----


def _two_cohort_case() -> Case:
    """Two cohorts of 10 participants: 4 persons with 1 deadweight, and 5 persons with 2 deadweight (20 %
    of 10); 30 % fall back after a year; 2021–2023."""
    job = Outcome("job", 100_000, fallbacks=(Fallback(0.3, 1),))
    cohorts = (
        Cohort("A", 10, 2021 * 12, {"job": CohortOutcome(4, deadweight=1)}),
        Cohort("B", 10, 2021 * 12 + 6, {"job": CohortOutcome(5, deadweight_rate=0.2)}),
    )
    return Case("To hold", 2021, 2023, outcomes=(job,), cohorts=cohorts, costs=(CostItem("Drift", {2021: 500_000.0}),))


def test_the_valid_range_of_each_factor_by_hand() -> None:
    from xlmodel.linear import LinearModel

    model = LinearModel.of(_two_cohort_case())
    assert model.valid_range("delay_months") == (0.0, 36.0)  # 12 × 3 years
    # persons × k stays ≥ deadweight (1/4, 2/5) and ≤ participants (10/4, 10/5)
    assert model.valid_range("persons") == (pytest.approx(0.4), pytest.approx(2.0))
    assert model.valid_range("persons.job") == (pytest.approx(0.4), pytest.approx(2.0))
    # deadweight × k stays ≤ persons: 4/1 and 5/2
    assert model.valid_range("deadweight") == (0.0, pytest.approx(2.5))
    assert model.valid_range("fallbacks.job") == (0.0, pytest.approx(1 / 0.3))
    assert model.valid_range("costs") == (0.0, math.inf)


def test_a_delay_moves_every_effect_later() -> None:
    """Delaying every effect by 12 months is the same case with effect starts a year later."""
    from xlmodel.linear import LinearModel

    case = _two_cohort_case()
    later = Case(case.title, case.first_year, case.last_year, outcomes=case.outcomes,
                 cohorts=tuple(dataclasses.replace(c, effect_start=c.effect_start + 12, start=c.start + 12) for c in case.cohorts), costs=case.costs)
    run = LinearModel.of(case).evaluate({"delay_months": 12})
    assert run.total_savings[0].tolist() == pytest.approx(compute_case(later).yearly["savings"].tolist())
    # by hand for 2022: cohort A 3 net persons (from Jan 2022), B 3 net persons from July 2022: 3 + 1.5 full-year persons
    assert run.total_savings[0][1] == pytest.approx(100_000 * (3 + 1.5))


def test_a_figure_printed_with_two_decimals_deviates_by_one_hundredth() -> None:
    """Net gain 640,000 kr. = 0.64 mio. kr.: printed 0.62 is off by 0.02 (two steps of the printed precision),
    printed 0.64 agrees."""
    case = _two_by_two()
    figures = (
        PublishedFigure("net_gain", value=0.62, unit=1_000_000, decimals=2, label="skævt"),
        PublishedFigure("net_gain", value=0.64, unit=1_000_000, decimals=2, label="rigtigt"),
    )
    result = compare(compute_case(case), figures)
    assert [d.where.split(" · ")[0] for d in result.deviations] == ["skævt"]
    assert result.deviations[0].difference == pytest.approx(0.02)


def test_fall_back_shares_without_their_years_are_no_fall_backs() -> None:
    """Both parts of a fall-back are needed; shares alone leave 2 persons off benefits all of 2021."""
    assert person_years([2], [2021 * 12], [2021], [0.5], None).tolist() == [[2.0]]


# ---- risk: distributions off zero and of width ≠ 1, NPV percentiles, ranges from zero ----


def test_pert_and_uniform_off_zero_have_their_textbook_quantiles() -> None:
    """PERT(1, 1.5, 3): α = 1 + 4 · 0.5/2 = 2, β = 1 + 4 · 1.5/2 = 4 on [1, 3], so its median is
    1 + 2 · Beta(2, 4)'s median; U(0, 1) has median 0.5 (a minimum of 0 is a minimum, not a blank)."""
    from scipy import stats

    from xlmodel.risk import distribution
    from xlmodel.settings import Uncertainty

    pert = distribution(Uncertainty(input="persons", source="test", distribution="pert", min=1, mode=1.5, max=3), (0, 5), "u")
    assert pert(np.array([0.5]))[0] == pytest.approx(1 + 2 * stats.beta.ppf(0.5, 2, 4))
    uniform = distribution(Uncertainty(input="persons", source="test", distribution="uniform", min=0, max=1), (0, 5), "u")
    assert uniform(np.array([0.5]))[0] == pytest.approx(0.5)


def test_npv_percentiles_by_hand() -> None:
    """NPV = −100 + 150 a / 1.035 (savings in year 1 at Finansministeriet's 3.5 %), a ~ U(0.5, 1.5): the
    p-th percentile puts a at 0.5 + p."""
    n = 10_000
    r = _uniform_small(n)
    tol = 150 / n + 1e-9
    assert r.npv_p10 == pytest.approx(-100 + 150 * 0.6 / 1.035, abs=tol)  # type: ignore[attr-defined]
    assert r.npv_p50 == pytest.approx(-100 + 150 * 1.0 / 1.035, abs=tol)  # type: ignore[attr-defined]
    assert r.npv_p90 == pytest.approx(-100 + 150 * 1.4 / 1.035, abs=tol)  # type: ignore[attr-defined]


def test_payback_probability_over_a_range_wider_than_one_and_from_zero() -> None:
    """Savings 100 × a, a ~ triangular(0.5, 1, 2.5) (the mode is 1 inside the range), costs 100: it pays
    back when a ≥ 1; P(a < 1) = 0.5² / (2 × 0.5) = 0.25, so P = 0.75. A range may start at 0."""
    from xlmodel.risk import payback_probability

    p = payback_probability(np.array([100.0]), np.array([100.0]), (0.5, 2.5), (1.0, 1.0), 20_000, 7)
    assert abs(p - 0.75) <= 1 / 20_000
    # a ~ triangular(0, 1, 2) on savings 100 against costs 100: symmetric, P = 0.5
    assert abs(payback_probability(np.array([100.0]), np.array([100.0]), (0.0, 2.0), (1.0, 1.0), 20_000, 7) - 0.5) <= 1 / 20_000


def test_the_tornado_lists_the_widest_swing_first() -> None:
    from xlmodel import load_case
    from xlmodel.appraisal import appraise

    bars = appraise(load_case("cases/ishoej_2021.toml")).tornado
    swings = [bar.swing for bar in bars]
    assert len(swings) > 3 and swings == sorted(swings, reverse=True) and swings[0] > swings[-1]


def test_an_override_gives_a_number_or_a_staircase_never_both() -> None:
    from xlmodel.parameters import Override, Parameters

    day = dt.date(2021, 1, 1)
    stairs = {"weeks": (0, 4, 26, 52), "rates": (0.8, 0.4, 0.3, 0.2)}
    with pytest.raises(InvalidValueError, match="refusionstrappe"):
        Parameters((Override("refusion.staircase", day, "ANTAGELSE", value=0.5, **stairs),))  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="value"):
        Parameters((Override("kontanthjaelp.over_30_andre", day, "ANTAGELSE", value=100_000, **stairs),))  # type: ignore[arg-type]


def test_a_cohort_without_an_outcome_has_no_net_persons_and_part_months_count() -> None:
    from xlmodel.model import year_shares_from_months

    cohort = Cohort("A", 10, "2021-01", {"job": CohortOutcome(4, deadweight=1)})
    assert cohort.net_persons("job") == 3 and cohort.net_persons("education") == 0
    # half a month from January 2021: 0.5/12 of the year
    assert dict(year_shares_from_months("periode", "2021-01", 0.5)) == {2021: pytest.approx(0.5 / 12)}


def test_the_valid_ranges_with_a_zero_and_a_small_deadweight() -> None:
    """Cohort C has the outcome with 0 persons (it bounds nothing); D has 1 person with 0.5 deadweight, so
    deadweight × k ≤ persons gives k ≤ 1 / 0.5 = 2, below A's 4 and B's 2.5; persons × k ≥ deadweight gives
    k ≥ 0.5, and persons × k ≤ participants k ≤ 10 / 5 = 2."""
    from xlmodel.linear import LinearModel

    base = _two_cohort_case()
    extra = (Cohort("C", 10, 2021 * 12, {"job": CohortOutcome(0)}), Cohort("D", 10, 2021 * 12, {"job": CohortOutcome(1, deadweight=0.5)}))
    case = dataclasses.replace(base, cohorts=base.cohorts + extra)
    model = LinearModel.of(case)
    assert model.valid_range("deadweight") == (0.0, pytest.approx(2.0))
    assert model.valid_range("persons") == (pytest.approx(0.5), pytest.approx(2.0))


def test_variance_drivers_ignore_inputs_that_do_not_vary_and_outcomes_that_do_not() -> None:
    """y = 3a + 5 with a varying and b fixed: a explains all of the variance, b none; if the outcome itself
    does not vary nothing explains anything (no division by a zero spread)."""
    from xlmodel.risk import drivers

    case = Case("Drivere", 2021, 2021)
    a = np.linspace(0.5, 1.5, 101)
    b = np.full(101, 2.0)
    found = {d["input"]: d for d in drivers({"a": a, "b": b}, 3 * a + 5, case)}
    assert found["a"]["share"] == pytest.approx(1.0) and found["a"]["src"] == pytest.approx(1.0)
    assert (found["b"]["share"], found["b"]["src"]) == (0.0, 0.0)
    flat = drivers({"a": a}, np.full(101, 7.0), case)
    assert flat == [{"input": "a", "src": 0.0, "share": 0.0}]



# --- survivors of the full mutation run (bench/mutation.py --all, 2026-12-03), each killed by a figure worked on paper ---


def test_a_deviation_is_measured_to_six_places_beyond_the_printed_precision() -> None:
    """Ishøj's costs 2021 are 1,090,000 kr.: printed as 1.0904321 mio. kr. with 0 decimals, the model shows 1 and
    the difference is 1 − 1.0904321 = −0.0904321, rounded to 0 + 6 places: −0.090432."""
    result = compute_case(load_case(bundled_case("ishoej_2021.toml")))
    figure = PublishedFigure("costs", values={2021: 1.0904321}, unit=1_000_000, decimals=0)
    [deviation] = compare(result, (figure,)).deviations
    assert (deviation.model, deviation.difference) == (1, -0.090432)


def test_a_published_range_missed_from_above_is_measured_from_its_upper_end() -> None:
    """Ishøj's net gain of 12,569,000 kr. shows as 12.6 mio. kr. (1 decimal): against a printed range 11.0–12.0 it
    is 0.6 above the upper end; against 12.6–13.0 it lies on the lower end exactly and agrees."""
    result = compute_case(load_case(bundled_case("ishoej_2021.toml")))
    above = PublishedFigure("net_gain", minimum=11.0, maximum=12.0, unit=1_000_000, decimals=1)
    on_the_edge = PublishedFigure("net_gain", minimum=12.6, maximum=13.0, unit=1_000_000, decimals=1)
    deviations = compare(result, (above, on_the_edge)).deviations
    assert [(d.model, d.difference) for d in deviations] == [(12.6, 0.6)]


def test_net_persons_are_persons_less_deadweight_in_the_report() -> None:
    """Ishøj Hold 1: 4 persons reach a job, 1 of them would have anyway: 3 net."""
    report = report_dict(compute_case(load_case(bundled_case("ishoej_2021.toml"))))
    job = report["cohorts"][0]["outcomes"]["job"]
    assert (job["persons"], job["deadweight"], job["net_persons"]) == (4, 1, 3)


def test_nothing_is_written_down_in_a_year_where_nothing_was_expected() -> None:
    """Silkeborg's status, worked by hand: 2016 expected 0 (no target of savings, no model savings), 735,000 kr.
    realised: forecast 735,000, write-down 0 (not −735,000), variance +735,000. A year with 100,000 expected and
    60,000 realised writes down 40,000."""
    case = Case("Status", 2016, 2017, targets=(Target(2017, savings=100_000),), actuals=(Actual(2016, savings=735_000), Actual(2017, savings=60_000)))
    f = follow_up(compute_case(case))
    assert f.expected == [0.0, 100_000.0] and f.forecast == [735_000.0, 60_000.0]
    assert f.write_down == [0.0, 40_000.0] and f.variance == [735_000.0, -40_000.0] and f.total_write_down == 40_000.0


def test_validation_bounds_sit_exactly_where_they_say() -> None:
    """Each limit of xlmodel.validate, at the limit and one step beyond it."""
    from xlmodel import validate as v

    assert v.number("x", 1e15) == 1e15 and v.number("x", -1e15) == -1e15
    for beyond in (1e15 + 1, -1e15 - 1):  # 1e15 + 1 is a float exactly (below 2**53)
        with pytest.raises(InvalidValueError, match="urealistisk stort"):
            v.number("x", beyond)
    assert len(v.text("x", "a" * 32_767)) == 32_767  # Excel's limit for a cell
    with pytest.raises(InvalidValueError, match="for lang"):
        v.text("x", "a" * 32_768)
    assert v.year("x", 1950) == 1950 and v.year("x", 2200) == 2200
    for outside in (1949, 2201):
        with pytest.raises(InvalidValueError, match="mellem 1950 og 2200"):
            v.year("x", outside)
    assert (dt.date(2021, 1, 1) - v.EXCEL_EPOCH).days == 44197  # Excel's serial number of 1 January 2021
    assert Case("Hundrede år", 2000, 2099).last_year == 2099
    with pytest.raises(InvalidValueError, match="højst være 100 år"):
        Case("Hundrede og et år", 2000, 2100)


def test_validation_names_the_first_offending_row_and_allows_float_noise() -> None:
    """The message names the first bad row and its own figures; shares adding up to exactly 1 are allowed, as is
    a deadweight above the persons by float noise (1e-12); a year is a whole number; a payer is one of three."""
    from xlmodel import validate as v

    with pytest.raises(InvalidValueError) as caught:
        v.deadweight_within_persons("dw", [1, 5, 9], [4, 4, 8])
    assert str(caught.value).startswith("dw (række 2): dødvægten kan ikke være større end antallet af personer med effekten (4) (fik 5.0)")
    v.deadweight_within_persons("dw", 4 + 1e-12, 4)  # float noise of a computed deadweight
    with pytest.raises(InvalidValueError) as caught:
        v.start_not_after_effect("start", [24250, 24256, 24260], [24255, 24255, 24255])
    assert "start (række 2)" in str(caught.value) and "fik '2021-05'" in str(caught.value)
    assert v.fallback_shares("fallbacks", [0.5, 0.5]) == 1.0
    with pytest.raises(InvalidValueError, match="helt tal"):
        v.year("x", 2021.5)
    with pytest.raises(InvalidValueError, match="kommune, stat, region"):
        v.payer("payer", "kommunen")
