"""A case as a sum of parts that are linear in its key inputs: the engine of appraisal and Monte Carlo.

For one outcome the savings of a cohort are ``(persons − deadweight) × (A − F)``: ``A`` is what one net
person saves over the year without fall-backs, ``F`` what the fall-backs take back (both include the unit
saving, or the gross benefit; for a split outcome the same holds for the stat's refund). So with factors
``a`` on persons, ``b`` on deadweight, ``u`` on the unit saving (or benefit rate) and ``f`` on the
fall-back shares, an outcome's savings per year are exactly::

    gross = u × (a × (PA − f × PF) − b × (DA − f × DF))         PA = Σ_cohorts persons × A, ...
    stat  = u × (a × (SPA − f × SPF) − b × (SDA − f × SDF))     (the same parts of the stat's refund)

and costs and direct savings lines are linear in a factor per line. Effects delayed by whole months are
the same parts computed with later effect starts. Evaluating a thousand draws is then a few array
operations per outcome, and at every factor 1 the parts give exactly what :func:`compute_case` gives.

>>> from xlmodel import compute_case, load_case
>>> from xlmodel.bundled import bundled_case
>>> model = LinearModel.of(load_case(bundled_case("ishoej_2021.toml")))
>>> run = model.evaluate({})
>>> float(run.net_gain[0]) == compute_case(model.case).net_gain
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from xlmodel import pension
from xlmodel.arithmetic import FloatArray, person_years
from xlmodel.compute import PAYBACK_TOLERANCE_KR, line_matrix
from xlmodel.model import Case, Outcome
from xlmodel.refusion import split_savings


@dataclass(frozen=True)
class OutcomeParts:
    """The year-by-year parts of one outcome, summed over its cohorts (each ``(Y,)``)."""

    id: str
    split: bool
    pa: FloatArray
    da: FloatArray
    pf: FloatArray
    df: FloatArray
    spa: FloatArray
    sda: FloatArray
    spf: FloatArray
    sdf: FloatArray


Parts = tuple[FloatArray, FloatArray, FloatArray, FloatArray]


def _per_person(case: Case, outcome: Outcome, effect: npt.NDArray[np.int64], start: npt.NDArray[np.int64], clock: FloatArray, ages: tuple[FloatArray, FloatArray] | None = None) -> Parts:
    """Per net person (rows: cohorts) the saving without fall-backs ``A``, what the fall-backs take ``F``,
    and the same two for the stat's refund (zeros for a unit-saving outcome). ``ages`` (an outcome that
    avoids a førtidspension): per row the shares ``(n, K)`` and end months ``(n, K)`` of its ages; the parts
    are then ``Σ_k share_k × parts until end_k``, as :func:`xlmodel.compute.compute_case` adds them."""
    if ages is None:
        return _parts_until(case, outcome, effect, start, clock, None)
    shares, ends = ages
    by_age = [_parts_until(case, outcome, effect, start, clock, ends[:, k]) for k in range(ends.shape[1])]
    a, f, sa, sf = (np.sum([shares[:, k, None] * parts[j] for k, parts in enumerate(by_age)], axis=0) for j in range(4))
    return a, f, sa, sf


def _parts_until(case: Case, outcome: Outcome, effect: npt.NDArray[np.int64], start: npt.NDArray[np.int64], clock: FloatArray, end: FloatArray | None) -> Parts:
    """:func:`_per_person` of one age: every term stops at ``end`` (month index per row; None = never)."""
    years = np.arange(case.first_year, case.last_year + 1)
    ones = np.ones(effect.shape[0])
    shares = [f.share for f in outcome.fallbacks]
    after = [f.after_years for f in outcome.fallbacks]
    zeros = np.zeros((effect.shape[0], years.size))
    if not outcome.split:
        unit = np.array([outcome.unit_saving_in(int(y)) for y in years])
        active = person_years(ones, effect, years, end=end)
        kept = person_years(ones, effect, years, shares, after, fallback_month=outcome.fallback_month, cohort_start=start, end=end)
        return active * unit, (active - kept) * unit, zeros, zeros
    r = case.refusion
    common: dict[str, Any] = {"weeks_per_year": r.weeks_per_year, "reset_weeks": r.reset_weeks, "wage_subsidy": outcome.wage_subsidy, "end": end}
    gross, stat = split_savings(ones, effect, years, clock, r.benefits[outcome.id], r.staircases, **common)
    gross_kept, stat_kept = split_savings(ones, effect, years, clock, r.benefits[outcome.id], r.staircases, shares, after, fallback_month=outcome.fallback_month, cohort_start=start, **common)
    return gross, gross - gross_kept, stat, stat - stat_kept


@dataclass(frozen=True)
class _Cohorts:
    """Persons, deadweight (persons), effect start, course start (months) and refusion clock of the cohorts
    with one outcome, as arrays; for an outcome that avoids a førtidspension the shares and end months of each
    cohort's ages (``(n, K)``: the ends of the case's own effect starts, so a delay shortens the saving, as
    the person is no younger)."""

    persons: FloatArray
    dead: FloatArray
    effect: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    clock: FloatArray
    ages: tuple[FloatArray, FloatArray] | None


def _cohort_arrays(case: Case, outcome: Outcome) -> _Cohorts:
    """The cohorts with ``outcome`` as arrays (read once per model; a delay only moves the effect starts)."""
    cohorts = [c for c in case.cohorts if outcome.id in c.outcomes]
    return _Cohorts(
        np.array([c.outcomes[outcome.id].persons for c in cohorts], dtype=np.float64),
        np.array([c.outcomes[outcome.id].deadweight_persons(c.participants) for c in cohorts], dtype=np.float64),
        np.array([c.effect_start for c in cohorts], dtype=np.int64),
        np.array([c.start for c in cohorts], dtype=np.int64),
        np.array([c.weeks_on_benefit or 0.0 for c in cohorts], dtype=np.float64),
        pension.end_months(case, cohorts) if outcome.avoids and cohorts else None,
    )


@dataclass(frozen=True)
class Run:
    """A batch of evaluations, one row per draw: savings and costs per payer and the totals, ``(n, Y)``."""

    years: npt.NDArray[np.int64]
    savings: Mapping[str, FloatArray]
    costs: Mapping[str, FloatArray]

    @property
    def total_savings(self) -> FloatArray:
        return sum(self.savings.values())  # type: ignore[return-value]

    @property
    def total_costs(self) -> FloatArray:
        return sum(self.costs.values())  # type: ignore[return-value]

    def net(self, payer: str | None = None) -> FloatArray:
        if payer is None:
            return self.total_savings - self.total_costs
        return self.savings[payer] - self.costs[payer]

    @property
    def net_gain(self) -> FloatArray:
        return self.net().sum(axis=1)

    def net_gain_of(self, payer: str) -> FloatArray:
        return self.net(payer).sum(axis=1)


def payback_years(years: npt.NDArray[np.int64], net: FloatArray) -> npt.NDArray[np.int64]:
    """Payback year of every row of ``net`` (the first year from which the cumulative stays ≥ 0), or −1.

    >>> payback_years(np.array([2017, 2018, 2019]), np.array([[-4.1, 4.9, 5.2], [-4.0, 1.0, 1.0], [1.0, -2.0, 3.0]])).tolist()
    [2018, -1, 2019]
    """
    cumulative = np.cumsum(net, axis=1)
    below = cumulative < -PAYBACK_TOLERANCE_KR
    last_below = np.where(below.any(axis=1), below.shape[1] - 1 - np.argmax(below[:, ::-1], axis=1), -1)
    paid = ~below[:, -1]
    return np.where(paid, years[np.clip(last_below + 1, 0, years.size - 1)], -1)


@dataclass(frozen=True)
class LinearModel:
    """The parts of a case; :meth:`evaluate` applies factors to them (see the module docstring)."""

    case: Case
    years: npt.NDArray[np.int64]
    outcomes: tuple[OutcomeParts, ...]
    cost_lines: FloatArray
    savings_lines: FloatArray
    _delayed: dict[int, tuple[OutcomeParts, ...]] = field(default_factory=dict, compare=False, repr=False)
    _cohorts: dict[str, _Cohorts] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, case: Case) -> LinearModel:
        years = np.arange(case.first_year, case.last_year + 1, dtype=np.int64)
        model = cls(case, years, (), line_matrix(case.costs, years), line_matrix(case.savings, years))
        object.__setattr__(model, "outcomes", model.parts(0))
        return model

    def parts(self, delay_months: int) -> tuple[OutcomeParts, ...]:
        """The outcomes' parts with every effect start ``delay_months`` later (cached per delay)."""
        if delay_months not in self._delayed:
            self._compute_parts([delay_months])
        return self._delayed[delay_months]

    def _compute_parts(self, delays: list[int]) -> None:
        """The parts of every delay in ``delays``, with one array call per outcome for all of them (the
        cohorts repeated once per delay), into the cache."""
        case, d = self.case, len(delays)
        found: list[list[OutcomeParts]] = [[] for _ in delays]
        for outcome in case.outcomes:
            if outcome.id not in self._cohorts:
                self._cohorts[outcome.id] = _cohort_arrays(case, outcome)
            cohorts = self._cohorts[outcome.id]
            persons, dead, effect, start, clock = cohorts.persons, cohorts.dead, cohorts.effect, cohorts.start, cohorts.clock
            n = persons.size
            if not n:
                zeros = np.zeros(self.years.size)
                for parts in found:
                    parts.append(OutcomeParts(outcome.id, outcome.split, *(zeros,) * 8))
                continue
            shifted = (effect[None, :] + np.asarray(delays, dtype=np.int64)[:, None]).ravel()
            # A row's parts depend only on its effect start, the year of its course start (fixed fall-back
            # month only) and its refusion clock (split outcomes only): each distinct row is computed once
            # (241 delays × 200 cohorts are 360 distinct rows), row by row the same arithmetic.
            course_years, year_code = np.unique(start // 12 if outcome.fallback_month is not None else np.zeros(n, dtype=np.int64), return_inverse=True)
            clocks, clock_code = np.unique(clock if outcome.split else np.zeros(n), return_inverse=True)
            # and, avoiding a førtidspension, its ages (their shares and end months)
            mixes, age_code = np.unique(np.hstack(cohorts.ages) if cohorts.ages else np.zeros((n, 1)), axis=0, return_inverse=True)
            key = ((shifted * course_years.size + np.tile(year_code.ravel(), d)) * clocks.size + np.tile(clock_code.ravel(), d)) * len(mixes) + np.tile(age_code.ravel(), d)  # one number per row
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            ages = None if cohorts.ages is None else (np.tile(cohorts.ages[0], (d, 1))[first], np.tile(cohorts.ages[1], (d, 1))[first])
            parts_of = _per_person(case, outcome, shifted[first], np.tile(start, d)[first], np.tile(clock, d)[first], ages)
            a, f, sa, sf = (m[inverse.ravel()].reshape(d, n, self.years.size) for m in parts_of)
            for i, parts in enumerate(found):
                parts.append(OutcomeParts(outcome.id, outcome.split, persons @ a[i], dead @ a[i], persons @ f[i], dead @ f[i], persons @ sa[i], dead @ sa[i], persons @ sf[i], dead @ sf[i]))
        for delay, parts in zip(delays, found, strict=True):
            self._delayed[delay] = tuple(parts)

    def evaluate(self, factors: Mapping[str, npt.ArrayLike], n: int | None = None) -> Run:
        """Savings and costs per payer for ``n`` draws of factors (1 where not given; ``delay_months`` 0).

        Factor names: ``persons``, ``persons.<id>``, ``deadweight``, ``unit_saving.<id>`` (or
        ``benefit_rate.<id>``), ``fallbacks.<id>``, ``costs``, ``cost.<i>``, ``savings_line.<i>``,
        ``delay_months`` (whole months).
        """
        arrays = {name: np.atleast_1d(np.asarray(value, dtype=np.float64)) for name, value in factors.items()}
        size = n if n is not None else max((a.size for a in arrays.values()), default=1)
        one = np.ones(size)

        def get(name: str, default: np.ndarray = one) -> FloatArray:
            return np.broadcast_to(arrays[name], (size,)) if name in arrays else default

        persons_all, dead = get("persons"), get("deadweight")
        delays = get("delay_months", np.zeros(size)).astype(np.int64)
        gross_total = np.zeros((size, self.years.size))
        stat_total = np.zeros((size, self.years.size))
        missing = [int(delay) for delay in np.unique(delays) if int(delay) not in self._delayed]
        if missing:
            self._compute_parts(missing)
        for delay in np.unique(delays):
            rows = delays == delay
            for parts in self.parts(int(delay)):
                a = (persons_all * get(f"persons.{parts.id}"))[rows, None]
                b = dead[rows, None]
                u = (get(f"unit_saving.{parts.id}") * get(f"benefit_rate.{parts.id}"))[rows, None]
                f = get(f"fallbacks.{parts.id}")[rows, None]
                gross_total[rows] += u * (a * (parts.pa - f * parts.pf) - b * (parts.da - f * parts.df))
                if parts.split:
                    stat_total[rows] += u * (a * (parts.spa - f * parts.spf) - b * (parts.sda - f * parts.sdf))
        costs_all = get("costs")
        cost_factors = np.stack([get(f"cost.{i}") * costs_all for i in range(len(self.case.costs))], axis=1) if self.case.costs else np.zeros((size, 0))
        line_factors = np.stack([get(f"savings_line.{i}") for i in range(len(self.case.savings))], axis=1) if self.case.savings else np.zeros((size, 0))
        savings: dict[str, FloatArray] = {}
        costs: dict[str, FloatArray] = {}
        for payer in self.case.payers:
            cost_mask = np.array([line.payer == payer for line in self.case.costs], dtype=bool)
            line_mask = np.array([line.payer == payer for line in self.case.savings], dtype=bool)
            direct = line_factors[:, line_mask] @ self.savings_lines[line_mask] if line_mask.any() else np.zeros((size, self.years.size))
            cohort = {"kommune": gross_total - stat_total, "stat": stat_total}.get(payer, np.zeros((size, self.years.size)))
            savings[payer] = cohort + direct
            costs[payer] = cost_factors[:, cost_mask] @ self.cost_lines[cost_mask] if cost_mask.any() else np.zeros((size, self.years.size))
        return Run(self.years, savings, costs)

    def valid_range(self, name: str) -> tuple[float, float]:
        """The factors (or months) for which the case stays valid: deadweight ≤ persons ≤ participants,
        fall-back shares ≤ 1, amounts ≥ 0, delays within the horizon."""
        case = self.case
        if name == "delay_months":
            return 0.0, float(12 * (case.last_year - case.first_year + 1))
        kind, _, outcome_id = name.partition(".")
        pairs = [(c, o, co) for c in case.cohorts for o, co in c.outcomes.items() if not outcome_id or o == outcome_id]
        if kind == "persons":
            low = max((co.deadweight_persons(c.participants) / co.persons for c, _, co in pairs if co.persons > 0), default=0.0)
            high = min((c.participants / co.persons for c, _, co in pairs if co.persons > 0), default=math.inf)
            return low, high
        if kind == "deadweight":
            dead = [(co.persons, co.deadweight_persons(c.participants)) for c, _, co in pairs]
            return 0.0, min((p / d for p, d in dead if d > 0), default=math.inf)
        if kind == "fallbacks":
            total = math.fsum(f.share for f in case.outcome(outcome_id).fallbacks)
            return 0.0, (1.0 / total) if total > 0 else math.inf
        return 0.0, math.inf


__all__ = ["LinearModel", "OutcomeParts", "Run", "payback_years"]
