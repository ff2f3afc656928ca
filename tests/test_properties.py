"""Invariants of the cohort arithmetic and the budget, checked with hypothesis."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlmodel import Case, Cohort, CohortOutcome, CostItem, Fallback, Outcome, compute_case, payback_year
from xlmodel.arithmetic import person_years

YEARS = np.arange(2020, 2031)
months = st.integers(2020 * 12, 2030 * 12 + 11)
persons = st.floats(0, 500, allow_nan=False)
shares = st.floats(0, 0.5, allow_nan=False)
after = st.floats(0, 8, allow_nan=False)
fallback_month = st.one_of(st.none(), st.integers(1, 12))


@st.composite
def cohorts_and_fallbacks(draw: st.DrawFn) -> dict:
    n = draw(st.integers(1, 6))
    k = draw(st.integers(0, 2))
    effect = draw(st.lists(months, min_size=n, max_size=n))
    lead = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    return {
        "net": np.array(draw(st.lists(persons, min_size=n, max_size=n))),
        "effect": np.array(effect),
        "start": np.array([e - d for e, d in zip(effect, lead, strict=True)]),
        "shares": np.array(draw(st.lists(shares, min_size=k, max_size=k))),
        "after": np.array(draw(st.lists(after, min_size=k, max_size=k))),
        "month": draw(fallback_month),
    }


def _py(c: dict, net: np.ndarray | None = None, shares: np.ndarray | None = None) -> np.ndarray:
    return person_years(
        c["net"] if net is None else net,
        c["effect"],
        YEARS,
        c["shares"] if shares is None else shares,
        c["after"],
        fallback_month=c["month"],
        cohort_start=c["start"],
    )


@given(cohorts_and_fallbacks(), st.floats(0, 10, allow_nan=False))
def test_person_years_linear_in_persons(c: dict, factor: float) -> None:
    assert _py(c, net=c["net"] * factor) == pytest.approx(_py(c) * factor, rel=1e-9, abs=1e-9)


@given(cohorts_and_fallbacks())
def test_zero_net_persons_gives_zero(c: dict) -> None:
    assert not _py(c, net=np.zeros_like(c["net"])).any()


@given(cohorts_and_fallbacks(), st.floats(0, 0.5, allow_nan=False))
def test_more_fallback_never_raises_person_years(c: dict, extra: float) -> None:
    more = np.minimum(c["shares"] + extra, 0.5)
    assert np.all(_py(c, shares=more) <= _py(c) + 1e-9)


@given(cohorts_and_fallbacks())
def test_person_years_bounded_and_finite(c: dict) -> None:
    py = _py(c)
    assert np.all(np.isfinite(py))
    assert np.all(py >= -1e-9)
    assert np.all(py <= c["net"][:, None] + 1e-9)  # nobody is more than one year off benefits a year


@st.composite
def cases(draw: st.DrawFn) -> Case:
    first = draw(st.integers(2015, 2025))
    last = first + draw(st.integers(0, 8))
    k = draw(st.integers(0, 2))
    outcome = Outcome(
        "job",
        draw(st.floats(0, 400_000, allow_nan=False)),
        fallbacks=tuple(Fallback(draw(shares), draw(after)) for _ in range(k)),
        fallback_month=draw(fallback_month),
    )
    cohorts = []
    for i in range(draw(st.integers(0, 5))):
        participants = draw(st.integers(0, 30))
        gross = draw(st.floats(0, participants, allow_nan=False))
        dead = draw(st.floats(0, 1, allow_nan=False)) * gross
        effect = draw(st.integers(first * 12, last * 12 + 11))
        cohorts.append(Cohort(f"Hold {i + 1}", participants, effect, {"job": CohortOutcome(gross, dead)}, effect - draw(st.integers(0, 3))))
    costs = tuple(
        CostItem(f"Udgift {i}", {y: draw(st.floats(0, 5e6, allow_nan=False)) for y in range(first, last + 1)})
        for i in range(draw(st.integers(0, 2)))
    )
    return Case("Tilfældig", first, last, outcomes=(outcome,), cohorts=tuple(cohorts), costs=costs)


@settings(max_examples=60)
@given(cases())
def test_case_totals_and_payback(case: Case) -> None:
    result = compute_case(case)
    yearly = result.yearly
    assert np.all(np.isfinite(yearly.to_numpy()))
    assert yearly["savings"].sum() == pytest.approx(result.cohort_savings.sum(), rel=1e-9, abs=1e-6)
    assert yearly["net"].sum() == pytest.approx(result.net_gain, rel=1e-9, abs=1e-6)
    assert yearly["cumulative"].iloc[-1] == pytest.approx(result.net_gain, rel=1e-9, abs=1e-6)
    assert result.net_gain == pytest.approx(result.total("savings") - result.total("costs"), rel=1e-9, abs=1e-6)
    cumulative = yearly["cumulative"].to_numpy()
    assert result.has_flows or result.payback_year is None
    if result.payback_year is None:  # never within the horizon, or nothing to pay back (no costs, no savings)
        assert cumulative[-1] < 0 or not result.has_flows
    else:
        i = list(result.years).index(result.payback_year)
        assert np.all(cumulative[i:] >= -1e-6)
        assert i == 0 or cumulative[i - 1] < 0


@given(cases())
def test_deadweight_equal_to_persons_gives_zero_savings(case: Case) -> None:
    cohorts = tuple(
        Cohort(c.name, c.participants, c.effect_start, {"job": CohortOutcome(c.outcomes["job"].persons, c.outcomes["job"].persons)}, c.start)
        for c in case.cohorts
    )
    result = compute_case(Case(case.title, case.first_year, case.last_year, outcomes=case.outcomes, cohorts=cohorts))
    assert not result.cohort_savings.any()


@given(st.lists(st.floats(-1e7, 1e7, allow_nan=False), min_size=1, max_size=15))
def test_payback_definition(nets: list[float]) -> None:
    cumulative = np.cumsum(nets)
    years = list(range(2020, 2020 + len(nets)))
    found = payback_year(years, cumulative)
    expected = next((y for i, y in enumerate(years) if all(c >= -1e-6 for c in cumulative[i:])), None)
    assert found == expected


def test_fixed_month_before_effect_start_cannot_go_negative() -> None:
    # Fall-back in April 2021 (year 0 after a 2021 course start) while the effect starts in October.
    py = person_years([10], [2021 * 12 + 9], [2021, 2022], [0.5], [0], fallback_month=4, cohort_start=[2021 * 12])
    assert py[0].tolist() == pytest.approx([10 * 0.5 * 3 / 12, 5.0])
    assert math.isfinite(py.sum())
