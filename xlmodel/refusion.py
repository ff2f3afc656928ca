"""Who saves what: the refusion staircase per cohort, exact in continuous time.

Time ``t`` in years as in the core (1 April 2021 = 2021 + 3/12); ``W`` = 52 refusion weeks a year
(parameter ``refusion.weeks_per_year``). ``r(w)`` is the staircase: the state's share of the benefit
when the citizen's clock stands at ``w`` weeks (0.8 in [0, 4), 0.4 in [4, 26), 0.3 in [26, 52), 0.2
from 52; parameter ``refusion.staircase``). ``B(t)`` is the gross benefit in kr. a year, a step function
of the date (parameter values, or ``benefit_rate``).

A cohort outcome with ``N`` net persons off benefits from ``s`` has clock ``w0`` at ``s``
(``weeks_on_benefit``). Had nobody left, the clock would run on: ``w_cf(t) = w0 + W (t − s)``. A
fall-back share ``q_i`` returns at ``f_i`` (≥ s); its actual clock restarts at 0 when ``f_i − s`` ≥ 52
weeks of self-support (``refusion.reset_weeks``, § 6) and the outcome is not a wage subsidy, else it
resumes at ``w0``: ``w_i(t) = a_i + W (t − f_i)``. With ``I(b, a)(Y) = ∫_{[Y, Y+1) ∩ [b, ∞)} B(t)
r(a + W (t − b)) dt`` and ``G(b)(Y) = ∫_{[Y, Y+1) ∩ [b, ∞)} B(t) dt``::

    gross(Y)   = N × (G(s) − Σ_i q_i G(f_i))               = kommune + stat
    stat(Y)    = N × (I(s, w0) − Σ_i q_i I(f_i, a_i))
    kommune(Y) = gross(Y) − stat(Y)

(the stat's part of the stayers' saving is ``B r(w_cf)``; from ``f_i`` the fallen persons save
nothing gross, but the kommune still saves ``B (r(w_i) − r(w_cf))`` each, because its refund for them
follows their actual clock.) Every integral is exact: ``B`` is integrated through its piecewise-linear
cumulative, band by band, between the times the clock crosses each band's bounds.

Worked example: 1 net person, a long-term recipient (w0 = 80) leaving on 1 January 2021, B = 120,000
kr. a year, no fall-back: the clock is past 52 weeks, r = 0.2, so the stat saves 24,000 and the
kommune 96,000 in 2021.

>>> B = StepFunction.constant(120_000, 2021, 2022)
>>> gross, stat = split_savings([1.0], [2021 * 12], [2021], [80.0], B, STAIRCASE_2016)
>>> gross.tolist(), stat.tolist()
([[120000.0]], [[24000.0]])
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from xlmodel.arithmetic import FloatArray, fallback_times
from xlmodel.errors import InvalidValueError, XlmodelError
from xlmodel.parameters import Segment, date_to_time, time_to_date


@dataclass(frozen=True)
class StepFunction:
    """``B(t)``: ``values[j]`` on ``[knots[j], knots[j + 1])``, knots ascending (times in years)."""

    knots: FloatArray
    values: FloatArray

    def __post_init__(self) -> None:
        knots = np.asarray(self.knots, dtype=np.float64)
        values = np.asarray(self.values, dtype=np.float64)
        if knots.ndim != 1 or values.shape != (knots.size - 1,) or np.any(np.diff(knots) <= 0):
            raise ValueError("a step function needs ascending knots and one value per interval")
        object.__setattr__(self, "knots", knots)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "_cumulative", np.concatenate(([0.0], np.cumsum(values * np.diff(knots)))))

    @classmethod
    def constant(cls, value: float, start: float, end: float) -> StepFunction:
        return cls(np.array([start, end], dtype=np.float64), np.array([value], dtype=np.float64))

    @property
    def start(self) -> float:
        return float(self.knots[0])

    def cumulative(self, x: npt.ArrayLike) -> FloatArray:
        """``∫ B`` from the first knot to ``x`` (exact: the cumulative is piecewise linear)."""
        return np.interp(np.asarray(x, dtype=np.float64), self.knots, self._cumulative)  # type: ignore[attr-defined]

    def integral(self, lo: npt.ArrayLike, hi: npt.ArrayLike) -> FloatArray:
        """``∫_lo^hi B`` where ``hi > lo``, else 0 (broadcast).

        >>> StepFunction(np.array([2025.0, 2025.5, 2026.0]), np.array([100.0, 200.0])).integral(2025.25, 2025.75).item()
        75.0
        """
        lo_a, hi_a = np.broadcast_arrays(np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64))
        return np.where(hi_a > lo_a, self.cumulative(hi_a) - self.cumulative(lo_a), 0.0)

    def yearly(self, years: npt.ArrayLike) -> FloatArray:
        """The integral over each calendar year: the average kr. a year of that year."""
        y = np.asarray(years, dtype=np.float64)
        return self.integral(y, y + 1.0)

    def average(self, years: npt.ArrayLike) -> FloatArray:
        """The average kr. a year over the part of each calendar year the function covers (0 where it covers
        none): the rate of a person-year in that year, as a person-year falls where the benefit is defined.
        A benefit from 1 April 2021 (the first effect) gives 2021 its rate, not three quarters of it:

        >>> StepFunction(np.array([2021.25, 2022.0, 2023.0]), np.array([140_376.0, 143_328.0])).average([2020, 2021, 2022]).tolist()
        [0.0, 140376.0, 143328.0]
        """
        y = np.asarray(years, dtype=np.float64)
        lo, hi = np.maximum(y, self.knots[0]), np.minimum(y + 1.0, self.knots[-1])
        covered = np.maximum(hi - lo, 0.0)
        return np.divide(self.integral(lo, hi), covered, out=np.zeros_like(covered), where=covered > 0)


@dataclass(frozen=True)
class Staircase:
    """One version of the staircase, in force on ``[start, end)``: band ``k`` covers clocks
    ``[weeks[k], weeks[k + 1])`` (the last band has no end) and the state refunds ``rates[k]``."""

    weeks: tuple[float, ...]
    rates: tuple[float, ...]
    start: float = -math.inf
    end: float = math.inf

    def rate(self, clock: npt.ArrayLike) -> FloatArray:
        """``r(w)``, vectorised.

        >>> STAIRCASE_2016.rate([0, 3.99, 4, 25.5, 26, 52, 300]).tolist()
        [0.8, 0.8, 0.4, 0.4, 0.3, 0.2, 0.2]
        """
        index = np.searchsorted(np.asarray(self.weeks), np.asarray(clock, dtype=np.float64), side="right") - 1
        return np.asarray(self.rates)[np.clip(index, 0, len(self.rates) - 1)]


#: The staircase of § 5, stk. 2, in force from 4 January 2016 (for examples; the model reads the parameter).
STAIRCASE_2016 = Staircase((0.0, 4.0, 26.0, 52.0), (0.8, 0.4, 0.3, 0.2))


def benefit_from(benefit: StepFunction, years: npt.ArrayLike, start: npt.ArrayLike) -> FloatArray:
    """``G(b)(Y) = ∫_{[Y, Y+1) ∩ [b, ∞)} B``, shape ``start.shape + (Y,)``.

    52,000 kr. a year from 1 April 2021 (b = 2021.25): three quarters of a year's benefit in 2021.

    >>> benefit_from(StepFunction.constant(52_000, 2021, 2023), [2021, 2022], [2021.25]).tolist()
    [[39000.0, 52000.0]]
    """
    y = np.asarray(years, dtype=np.float64)
    b = np.asarray(start, dtype=np.float64)[..., None]
    return benefit.integral(np.maximum(y, b), y + 1.0)


def refunded_from(
    benefit: StepFunction,
    staircases: Sequence[Staircase],
    years: npt.ArrayLike,
    start: npt.ArrayLike,
    clock: npt.ArrayLike,
    weeks_per_year: float = 52.0,
) -> FloatArray:
    """``I(b, a)(Y) = ∫_{[Y, Y+1) ∩ [b, ∞)} B(t) r(a + W (t − b)) dt``, shape ``start.shape + (Y,)``.

    Band by band: the clock is in band ``k`` for ``t`` in ``[b + (w_k − a)/W, b + (w_{k+1} − a)/W)``.

    >>> B = StepFunction.constant(52_000, 2021, 2022)    # 1,000 kr. a week
    >>> refunded_from(B, [STAIRCASE_2016], [2021], [2021.0], [0.0]).round(6).tolist()   # 1,000 × (4×0.8 + 22×0.4 + 26×0.3)
    [[19800.0]]
    """
    y = np.asarray(years, dtype=np.float64)
    b = np.asarray(start, dtype=np.float64)[..., None]  # (..., 1): broadcast over bands
    a = np.asarray(clock, dtype=np.float64)[..., None]
    total = np.zeros((*np.broadcast_shapes(b.shape[:-1], a.shape[:-1]), y.size))
    for stair in staircases:
        lower = np.asarray(stair.weeks, dtype=np.float64)
        upper = np.append(lower[1:], np.inf)
        band_start = b + (lower - a) / weeks_per_year  # (..., K)
        band_end = b + (upper - a) / weeks_per_year
        lo = np.maximum(np.maximum(np.maximum(y, b[..., None]), band_start[..., None]), stair.start)  # (..., K, Y)
        hi = np.minimum(np.minimum(y + 1.0, band_end[..., None]), stair.end)
        total += np.einsum("k,...ky->...y", np.asarray(stair.rates, dtype=np.float64), benefit.integral(lo, hi))
    return total


def split_savings(
    net_persons: npt.ArrayLike,
    effect_start: npt.ArrayLike,
    years: npt.ArrayLike,
    weeks_on_benefit: npt.ArrayLike,
    benefit: StepFunction,
    staircase: Staircase | Sequence[Staircase],
    fallback_shares: npt.ArrayLike | None = None,
    fallback_after_years: npt.ArrayLike | None = None,
    *,
    fallback_month: int | None = None,
    cohort_start: npt.ArrayLike | None = None,
    wage_subsidy: bool = False,
    weeks_per_year: float = 52.0,
    reset_weeks: float = 52.0,
    end: npt.ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Gross savings and the stat's part, each ``(n cohorts, n years)``; the kommune's is the difference.

    ``end`` (month index per cohort, finite; None = never): nobody saves from then on (the folkepension
    age ends an avoided førtidspension). Each term from ``b`` with clock ``a`` loses its tail from
    ``e = max(b, end)``, where the clock stands at ``a + W (e − b)``: ``G(b) − G(e)``, ``I(b, a) − I(e, a + W (e − b))``.

    ``effect_start`` and ``cohort_start`` are month indices (as in :mod:`xlmodel.arithmetic`), fall-backs
    follow the same two conventions. A fall-back at least ``reset_weeks`` after the effect start restarts
    the clock at 0 unless the outcome is a wage subsidy (fleksjob), which never counts as self-support.

    A new spell (clock 0) from 1 January, 52,000 kr. a year: the stat refunds 80 % for 4 weeks, 40 % for
    22, 30 % for 26 (the clock reaches 52 at the year's end): 52,000 × (4 × 0.8 + 22 × 0.4 + 26 × 0.3)/52.

    >>> B = StepFunction.constant(52_000, 2021, 2022)
    >>> gross, stat = split_savings([1.0], [2021 * 12], [2021], [0.0], B, STAIRCASE_2016)
    >>> gross.item(), round(stat.item(), 6)
    (52000.0, 19800.0)
    """
    staircases = [staircase] if isinstance(staircase, Staircase) else list(staircase)
    net = np.asarray(net_persons, dtype=np.float64)
    start_month = np.asarray(effect_start, dtype=np.float64)
    s = start_month / 12.0
    w0 = np.asarray(weeks_on_benefit, dtype=np.float64)
    stop = None if end is None else np.asarray(end, dtype=np.float64) / 12.0

    def until_end(b: FloatArray, a: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``G(b)`` and ``I(b, a)``, less their tails from the end."""
        gross_from, stat_from = benefit_from(benefit, years, b), refunded_from(benefit, staircases, years, b, a, weeks_per_year)
        if stop is None:
            return gross_from, stat_from
        e = np.maximum(b, stop.reshape(stop.shape + (1,) * (b.ndim - stop.ndim)))
        return gross_from - benefit_from(benefit, years, e), stat_from - refunded_from(benefit, staircases, years, e, a + weeks_per_year * (e - b), weeks_per_year)

    gross, stat = until_end(s, w0)
    fallbacks = fallback_times(net.shape[0], start_month, fallback_shares, fallback_after_years, fallback_month=fallback_month, cohort_start=cohort_start)
    if fallbacks is not None:
        shares, falls = fallbacks
        self_support_weeks = (falls - start_month[:, None]) / 12.0 * weeks_per_year
        resets = (self_support_weeks >= reset_weeks - 1e-9) & (not wage_subsidy)
        clock = np.where(resets, 0.0, w0[:, None])
        fallen_gross, fallen_stat = until_end(falls / 12.0, clock)
        gross = gross - np.einsum("nk,nky->ny", shares, fallen_gross)
        stat = stat - np.einsum("nk,nky->ny", shares, fallen_stat)
    return net[:, None] * gross, net[:, None] * stat


# --- the case's parameters, resolved into step functions ---


@dataclass(frozen=True)
class ParameterUse:
    """Where a case uses a parameter value: ``used_by`` (e.g. ``outcomes[0] "job".benefit``) and the segment."""

    used_by: str
    segment: Segment


@dataclass(frozen=True)
class Resolved:
    """Everything the refusion split needs, resolved once from the case's parameters."""

    benefits: Mapping[str, StepFunction]  # outcome id -> B(t), kr. a year
    staircases: tuple[Staircase, ...]
    weeks_per_year: float
    reset_weeks: float
    uses: tuple[ParameterUse, ...]


def _first_of_year(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def _rule(parameters: Any, name: str, start: dt.date, end: dt.date, where: str, uses: list[ParameterUse]) -> float:
    """A one-number rule (weeks a year, reset weeks) that must not change inside the case's horizon."""
    segments = parameters.segments(name, start, end, where)
    values = {s.entry.value for s in segments}
    if len(values) != 1:
        raise InvalidValueError(where, f"{name} skifter værdi inden for casens tidshorisont; det kan modellen ikke regne med", value=sorted(v for v in values if v is not None))
    uses += [ParameterUse(where, s) for s in segments]
    return float(segments[0].entry.value or 0.0)


@dataclass(frozen=True)
class BenefitPeriod:
    """One row of an outcome's benefit table: from ``start`` the gross benefit is ``annual`` kr. a year;
    ``segment`` is the parameter value it comes from (None for a case's ``benefit_rate``)."""

    start: dt.date
    annual: float
    segment: Segment | None = None


def benefit_periods(case: Any, outcome: Any) -> list[BenefitPeriod]:
    """The gross benefit of a split outcome as dated rows, from its first needed date to the horizon's end.

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> case = load_case(bundled_case("ishoej_2021_refusion.toml"))
    >>> [(p.start.isoformat(), p.annual, p.segment.carried_forward) for p in benefit_periods(case, case.outcomes[0])[:2]]
    [('2021-01-01', 140376.0, False), ('2022-01-01', 140376.0, True)]
    """
    index = next(i for i, o in enumerate(case.outcomes) if o.id == outcome.id)
    where = f'outcomes[{index}] "{outcome.id}".benefit'
    segments = [use.segment for use in case.refusion.uses if use.used_by == where]
    if segments:
        step = case.refusion.benefits[outcome.id]
        # from the horizon's start where the parameter has values, so a workbook covers edited effect starts too
        with contextlib.suppress(XlmodelError):
            step, segments = benefit_step(case.parameters, outcome.benefit, _first_of_year(case.first_year), _first_of_year(case.last_year + 1), where)
        return [BenefitPeriod(seg.start, float(value), seg) for seg, value in zip(segments, step.values, strict=True)]
    step = case.refusion.benefits.get(outcome.id)
    if step is None:
        return []
    return [BenefitPeriod(dt.date(int(knot), 1, 1), float(value)) for knot, value in zip(step.knots[:-1], step.values, strict=True)]


def benefit_step(parameters: Any, name: str, start: dt.date, end: dt.date, field_name: str) -> tuple[StepFunction, list[Segment]]:
    """``B(t)`` in kr. a year from the parameter ``name`` over ``[start, end)``, and the segments used.

    Kontanthjælp for a person over 30 in 2023: 11,944 kr. a month, 143,328 kr. a year.

    >>> from xlmodel.parameters import Parameters
    >>> step, used = benefit_step(Parameters(), "kontanthjaelp.over_30_andre", dt.date(2023, 1, 1), dt.date(2024, 1, 1), "benefit")
    >>> step.yearly([2023]).tolist(), [s.entry.value for s in used]
    ([143328.0], [11944.0])
    """
    found = parameters.annual_segments(name, start, end, field_name)
    knots = [date_to_time(segment.start) for segment, _ in found] + [date_to_time(found[-1][0].end)]
    return StepFunction(np.array(knots), np.array([value for _, value in found])), [segment for segment, _ in found]


def staircase_versions(parameters: Any, start: dt.date, end: dt.date, field_name: str) -> tuple[list[Staircase], list[Segment]]:
    """The staircase versions in force over ``[start, end)``.

    >>> from xlmodel.parameters import Parameters
    >>> stairs, used = staircase_versions(Parameters(), dt.date(2021, 1, 1), dt.date(2022, 1, 1), "refusion.staircase")
    >>> [s.rates for s in stairs], len(used)
    ([(0.8, 0.4, 0.3, 0.2)], 1)
    """
    segments = parameters.segments("refusion.staircase", start, end, field_name)
    return [Staircase(s.entry.weeks, s.entry.rates, date_to_time(s.start), date_to_time(s.end)) for s in segments], segments


def resolve(case: Any) -> Resolved:
    """Resolve the benefits, the staircase and the reset rule a case needs; every gap is a clear error.

    Values are needed from the earliest effect start of a cohort with a split outcome to the end of the
    horizon. Raises an :class:`~xlmodel.errors.XlmodelError` naming the outcome's field otherwise.

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> r = resolve(load_case(bundled_case("ishoej_2021_refusion.toml")))
    >>> sorted(r.benefits), [s.rates for s in r.staircases], r.weeks_per_year, r.reset_weeks
    (['job'], [(0.8, 0.4, 0.3, 0.2)], 52.0, 52.0)
    """
    end_date = _first_of_year(case.last_year + 1)
    horizon_end = float(case.last_year + 1)
    uses: list[ParameterUse] = []
    benefits: dict[str, StepFunction] = {}
    needed: list[float] = []
    for i, outcome in enumerate(case.outcomes):
        if not outcome.split:
            continue
        where = f'outcomes[{i}] "{outcome.id}"'
        starts = [c.effect_start for c in case.cohorts if outcome.id in c.outcomes]
        start_time = min(starts) / 12.0 if starts else float(case.first_year)
        needed.append(start_time)
        if outcome.benefit_rate is not None:
            if isinstance(outcome.benefit_rate, Mapping):
                years = sorted(outcome.benefit_rate)
                knots = np.array([*years, years[-1] + 1], dtype=np.float64)
                benefits[outcome.id] = StepFunction(knots, np.array([outcome.benefit_rate[y] for y in years], dtype=np.float64))
            else:
                benefits[outcome.id] = StepFunction.constant(float(outcome.benefit_rate), float(case.first_year), horizon_end)
            continue
        benefits[outcome.id], segments = benefit_step(case.parameters, outcome.benefit, time_to_date(start_time), end_date, f"{where}.benefit")
        uses += [ParameterUse(f"{where}.benefit", segment) for segment in segments]
    if not needed:
        return Resolved(benefits, (), 52.0, 52.0, ())
    stairs, weeks_per_year, reset_weeks = rules_between(case.parameters, time_to_date(min(needed)), end_date, uses)
    return Resolved(benefits, tuple(stairs), weeks_per_year, reset_weeks, tuple(uses))


def rules_between(parameters: Any, start: dt.date, end: dt.date, uses: list[ParameterUse] | None = None) -> tuple[list[Staircase], float, float]:
    """The staircase versions, the weeks a year and the reset weeks in force over ``[start, end)``; each value
    used is noted in ``uses``. A gap in a rule is a clear error naming it.

    >>> from xlmodel.parameters import Parameters
    >>> stairs, weeks_per_year, reset_weeks = rules_between(Parameters(), dt.date(2021, 1, 1), dt.date(2026, 1, 1))
    >>> [(s.weeks, s.rates) for s in stairs], weeks_per_year, reset_weeks
    ([((0.0, 4.0, 26.0, 52.0), (0.8, 0.4, 0.3, 0.2))], 52.0, 52.0)
    """
    found: list[ParameterUse] = [] if uses is None else uses
    stairs, segments = staircase_versions(parameters, start, end, "refusion.staircase")
    found += [ParameterUse("refusion.staircase", segment) for segment in segments]
    weeks_per_year, reset_weeks = refusion_rules(parameters, start, end, found)
    return stairs, weeks_per_year, reset_weeks


def staircase_on(parameters: Any, on: dt.date | None, field_name: str = "date") -> Staircase:
    """The staircase in force on ``on`` (None: the newest the parameters know).

    >>> from xlmodel.parameters import Parameters
    >>> staircase_on(Parameters(), dt.date(2021, 6, 1)).rate([3, 30, 60]).tolist()
    [0.8, 0.3, 0.2]
    """
    if on is None:
        on = parameters.get("refusion.staircase").values[-1].date
    entry = parameters.value_at("refusion.staircase", on, field_name)
    return Staircase(entry.weeks, entry.rates)


def split_savings_in_force(
    parameters: Any,
    net_persons: npt.ArrayLike,
    effect_start: npt.ArrayLike,
    years: npt.ArrayLike,
    weeks_on_benefit: npt.ArrayLike,
    benefit: StepFunction,
    fallback_shares: npt.ArrayLike | None = None,
    fallback_after_years: npt.ArrayLike | None = None,
    *,
    fallback_month: int | None = None,
    cohort_start: npt.ArrayLike | None = None,
    wage_subsidy: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """:func:`split_savings` with the staircase and the reset rule in force from the earliest effect start
    to the end of the last year (what a case gets from :func:`resolve`); ``benefit`` must cover that span.

    >>> from xlmodel.parameters import Parameters
    >>> B = StepFunction.constant(52_000, 2021, 2022)
    >>> gross, stat = split_savings_in_force(Parameters(), [1.0], [2021 * 12], [2021], [2.0], B)
    >>> round(gross.item() - stat.item(), 6)   # the kommune: 52,000 − 1,000 × (2×0.8 + 22×0.4 + 26×0.3 + 2×0.2)
    33400.0
    """
    months = np.asarray(effect_start, dtype=np.float64)
    calendar = np.asarray(years, dtype=np.float64)
    first = float(months.min()) / 12.0
    if benefit.start > float(calendar.min()) and benefit.start > first + 1e-9:
        raise InvalidValueError("benefit", "ydelsen mangler for de første år")
    stairs, weeks_per_year, reset_weeks = rules_between(parameters, time_to_date(first), dt.date(int(calendar.max()) + 1, 1, 1))
    return split_savings(
        net_persons, effect_start, years, weeks_on_benefit, benefit, stairs, fallback_shares, fallback_after_years,
        fallback_month=fallback_month, cohort_start=cohort_start, wage_subsidy=wage_subsidy, weeks_per_year=weeks_per_year, reset_weeks=reset_weeks,
    )


def refusion_rules(parameters: Any, start: dt.date, end: dt.date, uses: list[ParameterUse] | None = None) -> tuple[float, float]:
    """Weeks a year and the reset weeks over ``[start, end)``; checks they fit inside the reset window.

    >>> from xlmodel.parameters import Parameters
    >>> refusion_rules(Parameters(), dt.date(2021, 1, 1), dt.date(2022, 1, 1))    # 52 weeks a year; reset after 52 weeks
    (52.0, 52.0)
    """
    found: list[ParameterUse] = [] if uses is None else uses
    weeks_per_year = _rule(parameters, "refusion.weeks_per_year", start, end, "refusion.weeks_per_year", found)
    reset_weeks = _rule(parameters, "refusion.reset_weeks", start, end, "refusion.reset_weeks", found)
    window = _rule(parameters, "refusion.reset_window_years", start, end, "refusion.reset_window_years", found)
    if weeks_per_year <= 0 or reset_weeks / weeks_per_year > window:
        raise InvalidValueError("refusion.reset_weeks", "genstartsreglen kræver flere uger med selvforsørgelse, end der er plads til inden for perioden", value=reset_weeks)
    return weeks_per_year, reset_weeks
