"""Follow-up (gevinstrealisering): targets against actuals, revised forecast and write-down.

A case may carry targets (måltal) and actuals per year. Derived per year:

    expected(Y)   = Σ target savings in Y, or the model's savings when no target gives savings
    realised(Y)   = Σ actual savings in Y (None if not reported)
    rate          = forecast_rate if given, else Σ actual / Σ target persons (or full-year persons)
                    over the targets that have actuals
    forecast(Y)   = realised(Y) if reported, else expected(Y) × rate
    write_down(Y) = expected(Y) − forecast(Y), and 0 in a year where nothing was expected (a saving
                    realised there shows as its variance: there is nothing to write down)
    variance(Y)   = realised(Y) − expected(Y) where realised is reported

Realisation of one target = Σ actual persons (or full-year persons, or savings) of its outcomes in its
year / the target; a target may name several outcomes (self-support = job + education).

>>> case = Case("Opfølgning", 2018, 2019, targets=(Target(2018, savings=3_900_000), Target(2019, savings=3_900_000)),
...             forecast_rate=0.7)
>>> f = follow_up(compute_case(case))
>>> [round(x) for x in f.write_down], round(f.total_write_down)
([1170000, 1170000], 2340000)
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from xlmodel.compute import CaseResult, compute_case
from xlmodel.errors import InvalidValueError
from xlmodel.model import Actual, Case, Target

MEASURES = ("persons", "person_years", "savings")


@dataclass(frozen=True)
class Realisation:
    """One target with the actuals reported against it: ``rate = actual / target`` per measure."""

    target: Target
    measure: str
    target_value: float
    actual_value: float | None

    @property
    def rate(self) -> float | None:
        if self.actual_value is None or self.target_value == 0:
            return None
        return self.actual_value / self.target_value


@dataclass(frozen=True)
class FollowUp:
    """Everything derived from targets and actuals, per year of the horizon."""

    years: list[int]
    expected: list[float]
    realised: list[float | None]
    forecast: list[float]
    write_down: list[float]
    variance: list[float | None]
    rate: float | None
    realisations: tuple[Realisation, ...]
    ended: dict[int, float]
    active: dict[int, float]
    actuals: tuple[Actual, ...] = ()
    #: A follow-up of a decision case (``follows``): the decision's savings and costs per year of this case
    #: (None outside its horizon), and the source's own expected savings (targets), where it states them.
    decision_expected: list[float | None] | None = None
    decision_costs: list[float | None] | None = None
    source_expected: list[float | None] = dataclasses.field(default_factory=list)

    @property
    def realised_vs_decision(self) -> list[float | None] | None:
        """Per year, realised − the decision's expected savings (None where either is missing); None for a case
        that follows no decision."""
        if self.decision_expected is None:
            return None
        return [None if r is None or d is None else r - d for r, d in zip(self.realised, self.decision_expected, strict=True)]

    @property
    def total_write_down(self) -> float:
        return math.fsum(self.write_down)

    @property
    def total_forecast(self) -> float:
        return math.fsum(self.forecast)

    @property
    def total_expected(self) -> float:
        return math.fsum(self.expected)

    def realisation(self, year: int, outcome: str | None, measure: str) -> float | None:
        for r in self.realisations:
            if r.target.year == year and r.target.outcome_key == (outcome or "") and r.measure == measure:
                return r.rate
        return None


#: The traffic light of a realisation rate: green from GREEN_FROM, yellow from YELLOW_FROM, red below (the
#: Opfølgning sheet's default thresholds, which a user may change in the book).
GREEN_FROM, YELLOW_FROM = 1.0, 0.8


def status(case: Case) -> str:
    """Where a case's follow-up stands: ``none`` (no targets, actuals or decision), ``awaiting`` (targets or a
    decision, no actuals yet), ``reported`` (actuals, no rate to judge them by), ``on_track`` (realisation
    ≥ GREEN_FROM), ``behind`` (≥ YELLOW_FROM) or ``far_behind``.

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> [status(load_case(bundled_case(n))) for n in ("ishoej_2021.toml", "ballerup_2019_revision.toml", "silkeborg_2016_status.toml")]
    ['none', 'awaiting', 'behind']
    """
    if not case.actuals:
        return "awaiting" if case.targets or case.follows else "none"
    rate = follow_up(compute_case(case)).rate
    if rate is None:
        return "reported"
    return "on_track" if rate >= GREEN_FROM else "behind" if rate >= YELLOW_FROM else "far_behind"


def realisation_rate(actual: float, target: float) -> float:
    """Realiseringsgrad: ``actual / target``.

    >>> realisation_rate(20, 30)
    0.6666666666666666
    """
    if target == 0:
        raise InvalidValueError("target", "måltallet er 0, så realiseringsgraden er ikke defineret", value=target)
    return actual / target


def write_down(expected: float, rate: float) -> float:
    """Nedskrivning: ``expected × (1 − rate)``.

    >>> write_down(3_900_000, 0.7)
    1170000.0000000002
    """
    return expected * (1.0 - rate)


def actual_sum(actuals: tuple[Actual, ...], year: int, outcomes: tuple[str, ...], measure: str) -> float | None:
    """Σ of the ``measure`` of the actuals of ``year`` reported for one of ``outcomes`` (any outcome when empty);
    None when none was reported (a reported 0 is 0).

    >>> a = (Actual(2016, outcome="job", persons=12.0), Actual(2016, outcome="education", persons=8.0), Actual(2017, persons=3.0))
    >>> actual_sum(a, 2016, ("job",), "persons"), actual_sum(a, 2016, (), "persons"), actual_sum(a, 2016, (), "savings")
    (12.0, 20.0, None)
    """
    values = [
        getattr(a, measure)
        for a in actuals
        if a.year == year and getattr(a, measure) is not None and (not outcomes or a.outcome in outcomes)
    ]
    return math.fsum(values) if values else None


def follow_up(result: CaseResult) -> FollowUp:
    """Derive realisation, forecast and write-down for ``result.case``: realisation = actual ÷ target;
    forecast = the realised saving where reported, else expected × rate; write-down = expected − forecast
    where something was expected (else 0).

    Silkeborg's status 2016: 735,000 kr. realised in 2016; 20 of 30 persons in job or education, 20 fleksjob
    against 12, so the rate is (20 + 20) / (30 + 12).

    >>> from xlmodel import compute_case, load_case
    >>> from xlmodel.bundled import bundled_case
    >>> f = follow_up(compute_case(load_case(bundled_case("silkeborg_2016_status.toml"))))
    >>> f.realised, round(f.rate, 4), [(r.measure, r.actual_value, r.target_value) for r in f.realisations]
    ([None, 735000.0, None], 0.9524, [('persons', 20.0, 30.0), ('persons', 20.0, 12.0)])
    """
    case = result.case
    years = case.years
    realisations = []
    for target in case.targets:
        for measure in MEASURES:
            value = getattr(target, measure)
            if value is not None:
                realisations.append(Realisation(target, measure, value, actual_sum(case.actuals, target.year, target.outcomes, measure)))
    source_expected: list[float | None] = []
    for year in years:
        targeted = [t.savings for t in case.targets if t.year == year and t.savings is not None]
        source_expected.append(math.fsum(targeted) if targeted else None)
    decision_expected, decision_costs = _decision_figures(case, years)
    # expected (what forecast and write-down build on): the source's own figure where it states one, else this
    # case's model, as the book's Opfølgning sheet computes it; the decision's figures are set beside it
    expected = [own if own is not None else float(result.yearly["savings"].loc[year]) for year, own in zip(years, source_expected, strict=True)]
    realised: list[float | None] = []
    for year in years:
        reported = [a.savings for a in case.actuals if a.year == year and a.savings is not None]
        realised.append(math.fsum(reported) if reported else None)
    rate = case.forecast_rate
    if rate is None:
        pairs = [(r.actual_value, r.target_value) for r in realisations if r.measure in ("persons", "person_years") and r.actual_value is not None]
        if pairs and math.fsum(t for _, t in pairs) > 0:
            rate = math.fsum(a for a, _ in pairs) / math.fsum(t for _, t in pairs)
    forecast = [r if r is not None else e * (1.0 if rate is None else rate) for e, r in zip(expected, realised, strict=True)]
    ended: dict[int, float] = {}
    active: dict[int, float] = {}
    for a in case.actuals:
        if a.persons is not None:
            ended[a.year] = ended.get(a.year, 0.0) + a.persons
        if a.active is not None:
            active[a.year] = active.get(a.year, 0.0) + a.active
    return FollowUp(
        years=years,
        expected=expected,
        realised=realised,
        forecast=forecast,
        write_down=[0.0 if e == 0 else e - f for e, f in zip(expected, forecast, strict=True)],
        variance=[None if r is None else r - e for e, r in zip(expected, realised, strict=True)],
        rate=rate,
        realisations=tuple(realisations),
        ended=ended,
        active=active,
        actuals=case.actuals,
        decision_expected=decision_expected,
        decision_costs=decision_costs,
        source_expected=source_expected,
    )


def _decision_figures(case: Case, years: list[int]) -> tuple[list[float | None] | None, list[float | None] | None]:
    """The decision case's savings and costs in each of ``years`` (None outside its horizon); (None, None)
    for a case that follows no decision."""
    if case.decision is None:
        return None, None
    decided = compute_case(case.decision)
    known = set(int(y) for y in decided.years)
    pick = lambda column: [float(decided.yearly[column].loc[y]) if y in known else None for y in years]  # noqa: E731
    return pick("savings"), pick("costs")


__all__ = ["GREEN_FROM", "YELLOW_FROM", "Case", "FollowUp", "Realisation", "compute_case", "follow_up", "realisation_rate", "status", "write_down"]
