"""The linear model's rules, each held against the core or worked by hand (the full mutation run of
xlmodel/linear.py found them untested): the payback of each draw, the factors combined, an outcome no cohort
reaches, cohorts that share a row only when their rows are the same, and the valid ranges of the inputs."""

from __future__ import annotations

import numpy as np
import pytest

from xlmodel import compute_case
from xlmodel.compute import PAYBACK_TOLERANCE_KR
from xlmodel.linear import LinearModel, payback_years
from xlmodel.model import Case, Cohort, CohortOutcome, CostItem, Fallback, Outcome

YEARS = np.array([2017, 2018, 2019])


@pytest.mark.parametrize(
    ("net", "year"),
    [
        ([-4.0, 5.0, 5.0], 2018),  # cumulative −4, 1, 6: from 2018
        ([0.0, 0.0, 0.0], 2017),  # never below 0: from the first year
        ([-PAYBACK_TOLERANCE_KR, 0.0, 0.0], 2017),  # a rounding residue of the tolerance counts as paid back
        ([-1.0, 0.0, 0.0], -1),  # never
    ],
)
def test_the_payback_year_of_each_draw(net: list[float], year: int) -> None:
    assert payback_years(YEARS, np.array([net])).tolist() == [year]


def _case(**outcome_args: object) -> Case:
    outcome = Outcome("job", 120_000, **outcome_args)  # type: ignore[arg-type]
    cohorts = (Cohort("A", 4, "2021-03", outcomes={"job": CohortOutcome(2)}, start="2021-01"),)
    return Case("T", 2021, 2023, outcomes=(outcome, Outcome("flexjob", 45_000)), cohorts=cohorts, costs=(CostItem("Indsats", {2021: 100_000}),))


def test_an_outcome_no_cohort_reaches_saves_nothing() -> None:
    """Fleksjob is an outcome of the case that no cohort reaches: the linear model gives the core's figures."""
    case = _case()
    run = LinearModel.of(case).evaluate({})
    assert run.net()[0].tolist() == pytest.approx(compute_case(case).yearly["net"].tolist(), abs=1e-6)


def test_factors_of_different_sizes_are_one_draw_each_and_multiply() -> None:
    """Five draws of ``persons`` with one ``persons.job`` of 0.5: persons × 2 × 0.5 is the case itself."""
    model = LinearModel.of(_case())
    run = model.evaluate({"persons": np.full(5, 2.0), "persons.job": 0.5})
    assert run.net().shape == (5, 3)
    assert run.net()[4].tolist() == pytest.approx(model.evaluate({}).net()[0].tolist(), abs=1e-6)


def test_cohorts_of_different_courses_and_effect_starts_keep_their_own_rows() -> None:
    """A fixed fall-back month makes the course year part of a row: cohort A (course 2021, effect March 2021)
    and cohort B (course 2020, effect May 2021) are different rows, whatever their numbers; the linear model
    gives the core's savings for each."""
    outcome = Outcome("job", 120_000, fallbacks=(Fallback(0.5, 1),), fallback_month=6)
    cohorts = (
        Cohort("A", 4, "2021-03", outcomes={"job": CohortOutcome(1)}, start="2021-01"),
        Cohort("B", 4, "2021-05", outcomes={"job": CohortOutcome(1)}, start="2020-12"),
    )
    case = Case("T", 2021, 2023, outcomes=(outcome,), cohorts=cohorts)
    assert LinearModel.of(case).evaluate({}).net()[0].tolist() == pytest.approx(compute_case(case).yearly["savings"].tolist(), abs=1e-6)


def test_the_valid_ranges_of_persons_and_fall_backs() -> None:
    """Persons may grow until a cohort has as many as its participants: A has 1 of 2 (factor 2), B 2 of 10
    (factor 5), so 2. Persons of 0 everywhere bound nothing: from 0. A fall-back share of 0 cannot be scaled
    to a total of 1: no upper bound."""
    outcome = Outcome("job", 100_000, fallbacks=(Fallback(0.0, 1),))
    cohorts = (Cohort("A", 2, "2021-01", outcomes={"job": CohortOutcome(1)}), Cohort("B", 10, "2021-01", outcomes={"job": CohortOutcome(2)}))
    model = LinearModel.of(Case("T", 2021, 2022, outcomes=(outcome,), cohorts=cohorts))
    assert model.valid_range("persons") == (0.0, 2.0)
    assert model.valid_range("fallbacks.job") == (0.0, float("inf"))
    nobody = (Cohort("A", 2, "2021-01", outcomes={"job": CohortOutcome(0)}),)
    assert LinearModel.of(Case("T", 2021, 2022, outcomes=(outcome,), cohorts=nobody)).valid_range("persons") == (0.0, float("inf"))


def test_cohorts_that_differ_only_in_their_ages_and_effect_keep_their_own_rows() -> None:
    """An avoided førtidspension makes the ages part of a row: A (40 in January 2026) and B (60 in March 2026),
    the same clock, are different rows however their effect months and ages combine into a row's key; the
    linear model gives the core's savings for each, payer by payer."""
    outcome = Outcome("fp", None, benefit="foertidspension.enlige", avoids="foertidspension")
    cohorts = (
        Cohort("A", 4, "2026-01", outcomes={"fp": CohortOutcome(1)}, weeks_on_benefit=10, age=40),
        Cohort("B", 4, "2026-03", outcomes={"fp": CohortOutcome(2)}, weeks_on_benefit=10, age=60),
    )
    case = Case("T", 2026, 2040, outcomes=(outcome,), cohorts=cohorts)
    run, result = LinearModel.of(case).evaluate({}), compute_case(case)
    for payer in case.payers:
        assert run.net(payer)[0].tolist() == pytest.approx(result.by_payer[payer].yearly["net"].tolist(), abs=1e-6)
