"""The Monte Carlo's rules, worked by hand (the full mutation run of xlmodel/risk.py found them untested): a
fixed 0, a truncated normal's median, an empty interval, the bounds of the valid range and how the message
names it, the Sobol sample's seed, whole months of delay and the payback tolerance; the persons' range taken
from the Danish evidence for the case's intervention."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy import stats

from tests.test_evidence import EVIDENCE_RANGE, _case
from xlmodel import load_case, loads_case
from xlmodel.bundled import bundled_case
from xlmodel.compute import PAYBACK_TOLERANCE_KR
from xlmodel.errors import InvalidValueError, XlmodelError
from xlmodel.evidence import evidence_table
from xlmodel.linear import LinearModel
from xlmodel.risk import distribution, evidence_range, sample, share_paid_back
from xlmodel.settings import RiskSettings, Uncertainty

Q = np.array([0.1, 0.5, 0.9])


def test_a_fixed_factor_of_0_is_0_in_every_draw() -> None:
    ppf = distribution(Uncertainty("costs", "fixed", value=0, source="test"), (0.0, math.inf), "u")
    assert ppf(Q).tolist() == [0.0, 0.0, 0.0]


def test_the_median_of_a_truncated_normal_by_hand() -> None:
    """Mean 0, sd 0.5, truncated to [0, 2] (α = 0, β = 4): the median is 0.5 · Φ⁻¹((Φ(0) + Φ(4)) / 2)."""
    by_hand = 0.5 * stats.norm.ppf((stats.norm.cdf(0.0) + stats.norm.cdf(4.0)) / 2)
    ppf = distribution(Uncertainty("costs", "normal", mean=0, sd=0.5, min=0, max=2, source="test"), (0.0, math.inf), "u")
    assert float(ppf(np.array([0.5]))[0]) == pytest.approx(by_hand, rel=1e-9)
    assert 0.33 < by_hand < 0.34


def test_a_normal_with_nothing_left_inside_the_valid_range_is_refused() -> None:
    """A fall-back factor can go up to 2 here; a normal on [2, 3] leaves the single point 2: refused."""
    u = Uncertainty("fallbacks", "normal", mean=2.5, sd=0.1, min=2, max=3, outcome="job", source="test")
    with pytest.raises(InvalidValueError, match="tomt"):
        distribution(u, (0.0, 2.0), "u")


def test_a_range_reaches_the_bound_of_the_valid_range_but_not_past_it() -> None:
    """Persons can be scaled within [0.25; 2] (deadweight 1 of 4 persons, 8 participants): a uniform up to
    exactly 2 is fine, up to 2.5 or from 0 is refused, naming the field and the range as [0.25; 2]."""
    valid = (0.25, 2.0)
    ppf = distribution(Uncertainty("persons", "uniform", min=0.5, max=2.0, source="test"), valid, "u")
    assert float(ppf(np.array([1.0]))[0]) == 2.0
    with pytest.raises(InvalidValueError, match=r"\[0\.25; 2\]") as raised:
        distribution(Uncertainty("persons", "uniform", min=0.5, max=2.5, source="test"), valid, "u")
    assert raised.value.field == "u.max"
    with pytest.raises(InvalidValueError) as raised:
        distribution(Uncertainty("persons", "uniform", min=0, max=1.5, source="test"), valid, "u")
    assert raised.value.field == "u.min"


def _ishoej(*uncertainty: Uncertainty, sampler: str = "lhs") -> tuple[object, LinearModel]:
    case = dataclasses.replace(load_case(bundled_case("ishoej_2021.toml")), uncertainty=uncertainty, risk=RiskSettings(draws=64, sampler=sampler))
    return case, LinearModel.of(case)


def test_the_sobol_sample_depends_on_its_seed() -> None:
    case, model = _ishoej(Uncertainty("costs", "uniform", min=0.5, max=1.5, source="test"), sampler="sobol")
    first, second = sample(case, model, 64, seed=1)["costs"], sample(case, model, 64, seed=2)["costs"]  # type: ignore[arg-type]
    assert not np.array_equal(first, second)
    assert first.min() >= 0.5 and first.max() <= 1.5


def test_a_delay_is_drawn_in_whole_months_rounded_to_the_nearest() -> None:
    """A delay uniform on [0, 1] month: below half a month none, above it one month (about half each)."""
    case, model = _ishoej(Uncertainty("delay_months", "uniform", min=0, max=1, source="test"))
    delays = sample(case, model, 64, seed=3)["delay_months"]  # type: ignore[arg-type]
    assert set(delays.tolist()) == {0.0, 1.0} and 24 <= int(delays.sum()) <= 40


def test_a_net_gain_of_minus_the_tolerance_counts_as_paid_back() -> None:
    assert share_paid_back(np.array([-PAYBACK_TOLERANCE_KR, -1.0])) == 0.5


@pytest.mark.parametrize(
    ("intervention", "persons", "low", "high"),
    [
        # mentor 6 %, assumed (10 − 2) ÷ 100 = 8 %: g = 0.75, f = 0.75 + 0.25 × 2/10 = 0.8 (0.8 × 10 − 2 = 6 net = 6 %)
        ("mentor", 10, 0.8, 1.0),
        # IPS 13 %, assumed (6 − 2) ÷ 100 = 4 %: g = 3.25, f = 3.25 − 2.25 × 2/6 = 2.5 (2.5 × 6 − 2 = 13 net = 13 %)
        ("ips", 6, 1.0, 2.5),
        # no effect found: g = 0, f = 2/10 (every person with effect is deadweight), the valid range's own bound
        ("ips_angst_depression", 10, 0.2, 1.0),
    ],
)
def test_the_monte_carlo_may_take_the_evidence_as_the_range_of_the_effect(intervention: str, persons: float, low: float, high: float) -> None:
    """The persons between the effect the evidence found and the case's own: the net persons at the far end
    are the evidence's share of the participants, worked by hand above; the draws fill the range."""
    case = loads_case(_case(persons, intervention, EVIDENCE_RANGE))
    model = LinearModel.of(case)
    u = evidence_range(case, model.valid_range("persons"), "x")
    assert (u.distribution, round(u.min, 10), round(u.max, 10)) == ("uniform", low, high)
    end = low if high == 1.0 else high
    assert end * persons - 2 == pytest.approx(evidence_table()[intervention].effect * 100)
    drawn = sample(case, model, 2000, 7)["persons"]
    assert low <= drawn.min() < low + 0.01 and high - 0.01 < drawn.max() <= high


def test_an_evidence_range_stays_within_what_every_cohort_allows() -> None:
    """No effect found scales the net persons to 0, but a cohort with more deadweight than another reaches 0
    first: the range stops at its deadweight ÷ persons (1 ÷ 2), not at Σ deadweight ÷ Σ persons (1 ÷ 4)."""
    text = _case(2, "ips_angst_depression", "").replace("deadweight = 2", "deadweight = 1") + (
        '[[cohorts]]\nname = "H2"\nparticipants = 100\neffect_start = 2026-01-01\noutcomes = { job = { persons = 2, deadweight = 0 } }\n' + EVIDENCE_RANGE)
    case = loads_case(text)
    u = evidence_range(case, LinearModel.of(case).valid_range("persons"), "x")
    assert (u.min, u.max) == (0.5, 1.0)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (_case(10, "mentor", EVIDENCE_RANGE).replace('intervention = "mentor"\n', ""), "uncertainty[0].distribution"),
        (_case(10, "mentor", EVIDENCE_RANGE.replace('input = "persons"', 'input = "unit_saving"\noutcome = "job"')), "input"),
        (_case(10, "mentor", EVIDENCE_RANGE.replace('distribution = "evidence"', 'distribution = "evidence"\nmin = 0.5')), "min"),
    ],
)
def test_an_evidence_range_needs_an_intervention_and_the_persons(text: str, field: str) -> None:
    with pytest.raises(XlmodelError) as caught:
        loads_case(text)
    assert field in str(caught.value)


def test_an_evidence_range_of_a_case_that_assumes_the_evidence_is_the_case_itself() -> None:
    """Mentor 6 %: 8 with effect, 2 deadweight, 100 participants assume exactly 6 %: g = 1, f = 1, every draw 1."""
    case = loads_case(_case(8, "mentor", EVIDENCE_RANGE))
    model = LinearModel.of(case)
    u = evidence_range(case, model.valid_range("persons"), "x")
    assert (u.distribution, u.value) == ("fixed", 1.0)
    assert set(sample(case, model, 50, 7)["persons"].tolist()) == {1.0}


def test_an_evidence_range_of_a_case_without_an_effect_is_refused() -> None:
    """Every person with effect is deadweight: no net persons for the evidence to scale."""
    case = loads_case(_case(2, "mentor", EVIDENCE_RANGE))
    with pytest.raises(InvalidValueError, match="ingen effekt") as caught:
        evidence_range(case, (1.0, 50.0), "uncertainty[0]")
    assert caught.value.field == "uncertainty[0].distribution"


@pytest.mark.parametrize(("distribution", "named"), [("evidence", True), ("triangular", False)])
def test_the_monte_carlo_lists_the_evidence_beside_an_input_drawn_from_it_only(distribution: str, named: bool) -> None:
    from xlmodel.risk import simulate

    text = EVIDENCE_RANGE if distribution == "evidence" else EVIDENCE_RANGE.replace('distribution = "evidence"', 'distribution = "triangular"\nmin = 0.9\nmode = 1\nmax = 1.1')
    risk = simulate(loads_case(_case(10, "mentor", text)))
    assert risk is not None
    source = risk.inputs[0]["source"]
    assert source.startswith("evidensen for indsatsen") and (evidence_table()["mentor"].source in source) is named
