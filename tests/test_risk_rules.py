"""The Monte Carlo's rules, worked by hand (the full mutation run of xlmodel/risk.py found them untested): a
fixed 0, a truncated normal's median, an empty interval, the bounds of the valid range and how the message
names it, the Sobol sample's seed, whole months of delay and the payback tolerance."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy import stats

from xlmodel import load_case
from xlmodel.bundled import bundled_case
from xlmodel.compute import PAYBACK_TOLERANCE_KR
from xlmodel.errors import InvalidValueError
from xlmodel.linear import LinearModel
from xlmodel.risk import distribution, sample, share_paid_back
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
