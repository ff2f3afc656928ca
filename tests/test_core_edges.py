"""Edges of the core that the mutation run (bench/mutation.py) found untested: each expectation is worked
out by hand in the test, never taken from the code's own output."""

from __future__ import annotations

import numpy as np
import pytest

from xlmodel import compare, compute_case
from xlmodel.arithmetic import person_years
from xlmodel.errors import InvalidValueError
from xlmodel.followup import Realisation, follow_up, realisation_rate
from xlmodel.model import Actual, Case, Cohort, CohortOutcome, CostItem, Fallback, Outcome, SavingsLine, Target
from xlmodel.published import PublishedFigure

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
