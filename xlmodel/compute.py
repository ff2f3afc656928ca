"""Compute a :class:`~xlmodel.model.Case`: cohort × outcome × year savings, the budget per year,
payback, net gain, periods, the savings/cost ratio and the steady-state saving.

All cohort-outcome pairs go through one array call of :func:`xlmodel.arithmetic.person_years`.
Nothing is rounded.

Sign convention: costs and savings are positive amounts; ``net = savings - costs`` (a gain is
positive); the cumulative net is the running sum of ``net``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from xlmodel import pension
from xlmodel.arithmetic import FloatArray, person_years
from xlmodel.model import BudgetLine, Case, Outcome
from xlmodel.refusion import split_savings

#: Cumulative net results within this many kr. of zero count as "paid back" (float noise only).
PAYBACK_TOLERANCE_KR = 1e-6


def payback_year(years: Sequence[int] | npt.ArrayLike, cumulative: npt.ArrayLike) -> int | None:
    """Tilbagebetalingstid: the first year from which the cumulative net stays ≥ 0 to the end.

    ``None`` when the horizon ends below 0.

    >>> payback_year([2017, 2018, 2019, 2020], [-4.1, 0.8, 6.0, 10.6])
    2018
    >>> payback_year([2021, 2022, 2023], [1.0, -0.5, 2.0])    # dips below 0 again in 2022
    2023
    >>> payback_year([2021, 2022], [-2.0, -1.0]) is None
    True
    """
    cum = np.asarray(cumulative, dtype=np.float64)
    year_array = np.asarray(years)
    if cum.size == 0 or cum[-1] < -PAYBACK_TOLERANCE_KR:
        return None
    below = np.flatnonzero(cum < -PAYBACK_TOLERANCE_KR)
    return int(year_array[0] if below.size == 0 else year_array[below[-1] + 1])


def has_flows(*rows: npt.ArrayLike) -> bool:
    """Whether there is anything to pay back or appraise: a figure other than 0 in some year of one of the
    ``rows`` (costs, savings and, after tax, the tax gain).

    A follow-up case with targets and actuals only has none: its payback and NPV are undefined (``None``),
    not "paid back in the first year" or 0 (:data:`NO_FLOWS`).

    >>> has_flows([0.0, 0.0], [0.0, 0.0]), has_flows([0.0, 0.0], [0.0, 5.0]), has_flows([-1.0, 0.0], [0.0, 0.0])
    (False, True, True)
    """
    return any(bool(np.any(np.asarray(row) != 0)) for row in rows)


#: Why a payback year or an NPV is undefined for a case (or a payer) without costs and savings.
NO_FLOWS = "ingen udgifter eller besparelser i casen"


def savings_cost_ratio(savings: float, costs: float) -> float | None:
    """Savings per krone spent: ``savings / costs`` (``None`` when there are no costs).

    >>> savings_cost_ratio(11_270_000, 5_845_000)
    1.928143712574...
    """
    return None if costs == 0 else savings / costs


@dataclass(frozen=True)
class PeriodTotals:
    """Costs, savings and net gain summed over ``first``..``last`` (inclusive)."""

    name: str
    first: int
    last: int
    costs: float
    savings: float
    net_gain: float


@dataclass(frozen=True)
class PayerResult:
    """One payer's budget: ``yearly`` has savings, costs, net and cumulative per year (kr.)."""

    payer: str
    yearly: pd.DataFrame
    payback_year: int | None
    net_gain: float

    @property
    def has_flows(self) -> bool:
        """Whether the payer has a cost or a saving in some year (:func:`has_flows`)."""
        return has_flows(self.yearly["costs"], self.yearly["savings"])


def payer_result(payer: str, years: npt.NDArray[np.int64], savings: FloatArray, costs: FloatArray, *, flows: bool | None = None) -> PayerResult:
    """Net, cumulative, payback and net gain of one payer's savings and costs per year:
    ``net = savings − costs``, ``cumulative`` its running sum, payback the first year from which it stays ≥ 0
    (``None`` without costs and savings: :func:`has_flows`, or ``flows`` when the caller knows better).

    >>> p = payer_result("kommune", np.array([2017, 2018, 2019]), np.array([0.0, 5.0, 5.0]), np.array([4.0, 0.0, 0.0]))
    >>> p.yearly["cumulative"].tolist(), p.payback_year, p.net_gain
    ([-4.0, 1.0, 6.0], 2018, 6.0)
    """
    net = savings - costs
    cumulative = np.cumsum(net)
    yearly = pd.DataFrame({"savings": savings, "costs": costs, "net": net, "cumulative": cumulative}, index=pd.Index(years, name="year"))
    if flows is None:
        flows = has_flows(costs, savings)
    return PayerResult(payer, yearly, payback_year(years, cumulative) if flows else None, float(math.fsum(net)))


@dataclass(frozen=True)
class CaseResult:
    """Everything computed for one case. Arrays are unrounded kr. and full-year persons.

    ``cohort_rows`` has one row per cohort × outcome (columns cohort, outcome, participants,
    persons, deadweight, net_persons); ``person_years`` and ``cohort_savings`` have one row per
    cohort × outcome and one column per year. ``yearly`` is the budget per year, over all payers.
    ``cohort_savings_by_payer`` splits ``cohort_savings`` between ``kommune`` and ``stat`` (outcomes with
    a ``unit_saving`` count wholly to the kommune); ``by_payer`` is each payer's budget.
    """

    case: Case
    years: npt.NDArray[np.int64]
    cohort_rows: pd.DataFrame
    person_years: FloatArray
    cohort_savings: FloatArray
    cost_lines: FloatArray
    savings_lines: FloatArray
    yearly: pd.DataFrame
    payback_year: int | None
    net_gain: float
    savings_cost_ratio: float | None
    steady_state_saving: float | None
    periods: tuple[PeriodTotals, ...]
    cohort_savings_by_payer: Mapping[str, FloatArray]
    by_payer: Mapping[str, PayerResult]

    @property
    def has_flows(self) -> bool:
        """Whether the case has a cost or a saving in some year (else payback and NPV are undefined: :data:`NO_FLOWS`)."""
        return has_flows(self.yearly["costs"], self.yearly["savings"])

    def cohort_figure_by_payer(self, cohort: str, outcome: str, payer: str) -> FloatArray:
        """One cohort × outcome row of a payer's savings (zeros if the cohort lacks it)."""
        match = np.flatnonzero((self.cohort_rows["cohort"] == cohort).to_numpy() & (self.cohort_rows["outcome"] == outcome).to_numpy())
        return self.cohort_savings_by_payer[payer][match[0]] if match.size else np.zeros(len(self.years))

    def cohort_figure(self, cohort: str, outcome: str, measure: str = "savings") -> FloatArray:
        """One cohort × outcome row of ``savings`` or ``person_years`` (zeros if the cohort lacks it)."""
        table = self.cohort_savings if measure == "savings" else self.person_years
        match = np.flatnonzero((self.cohort_rows["cohort"] == cohort).to_numpy() & (self.cohort_rows["outcome"] == outcome).to_numpy())
        return table[match[0]] if match.size else np.zeros(len(self.years))

    def line_total(self, label: str, kind: str = "costs") -> float | None:
        lines = self.case.costs if kind == "costs" else self.case.savings
        values = self.cost_lines if kind == "costs" else self.savings_lines
        for line, row in zip(lines, values, strict=True):
            if line.label == label:
                return float(math.fsum(row))
        return None

    def total(self, column: str, first: int | None = None, last: int | None = None) -> float:
        """Sum of a ``yearly`` column over ``first``..``last`` (default: the whole horizon)."""
        series = self.yearly[column]
        lo = self.case.first_year if first is None else first
        hi = self.case.last_year if last is None else last
        return float(math.fsum(series.loc[lo:hi]))


def compute_case(case: Case) -> CaseResult:
    """Compute ``case``.

    >>> from xlmodel.model import Case, CostItem, SavingsLine
    >>> case = Case("Ballerup", 2017, 2018, costs=(CostItem("Investering", {2017: 6.1e6, 2018: 5.6e6}),),
    ...             savings=(SavingsLine("Besparelse", {2017: 2.0e6, 2018: 10.5e6}),))
    >>> result = compute_case(case)
    >>> result.yearly["net"].tolist(), result.payback_year
    ([-4100000.0, 4900000.0], 2018)
    """
    years = np.arange(case.first_year, case.last_year + 1, dtype=np.int64)
    rows, py, cohort_savings, stat_savings = _cohort_arrays(case, years)
    cost_lines = line_matrix(case.costs, years)
    savings_lines = line_matrix(case.savings, years)

    costs = cost_lines.sum(axis=0)
    cohort_total = cohort_savings.sum(axis=0)
    direct = savings_lines.sum(axis=0)
    savings = cohort_total + direct
    net = savings - costs
    cumulative = np.cumsum(net)
    yearly = pd.DataFrame(
        {
            "costs": costs,
            "cohort_savings": cohort_total,
            "direct_savings": direct,
            "savings": savings,
            "net": net,
            "cumulative": cumulative,
            "person_years": py.sum(axis=0),
        },
        index=pd.Index(years, name="year"),
    )
    total_costs = float(math.fsum(costs))
    total_savings = float(math.fsum(savings))
    periods = tuple(
        PeriodTotals(
            name,
            first,
            last,
            costs=float(math.fsum(yearly["costs"].loc[first:last])),
            savings=float(math.fsum(yearly["savings"].loc[first:last])),
            net_gain=float(math.fsum(yearly["net"].loc[first:last])),
        )
        for name, (first, last) in case.periods.items()
    )
    by_payer_savings = {"kommune": cohort_savings - stat_savings, "stat": stat_savings}
    by_payer = {}
    for payer in case.payers:
        cohort_part = by_payer_savings.get(payer, np.zeros((len(rows), len(years)))).sum(axis=0)
        direct_part = _payer_rows(case.savings, savings_lines, payer)
        by_payer[payer] = payer_result(payer, years, cohort_part + direct_part, _payer_rows(case.costs, cost_lines, payer))
    return CaseResult(
        case=case,
        years=years,
        cohort_rows=rows,
        person_years=py,
        cohort_savings=cohort_savings,
        cost_lines=cost_lines,
        savings_lines=savings_lines,
        yearly=yearly,
        payback_year=payback_year(years, cumulative) if has_flows(costs, savings) else None,
        net_gain=float(math.fsum(net)),
        savings_cost_ratio=savings_cost_ratio(total_savings, total_costs),
        steady_state_saving=_steady_state_saving(case, rows),
        periods=periods,
        cohort_savings_by_payer=by_payer_savings,
        by_payer=by_payer,
    )


def _payer_rows(lines: Sequence[BudgetLine], matrix: FloatArray, payer: str) -> FloatArray:
    """The sum per year of the lines ``payer`` pays (or saves)."""
    mask = np.array([line.payer == payer for line in lines], dtype=bool)
    return matrix[mask].sum(axis=0) if mask.size else np.zeros(matrix.shape[1])


def _cohort_arrays(case: Case, years: npt.NDArray[np.int64]) -> tuple[pd.DataFrame, FloatArray, FloatArray, FloatArray]:
    """Cohort × outcome rows, their full-year persons, gross savings and the stat's part, each ``(n, Y)``."""
    pairs = [(cohort, outcome_id, co) for cohort in case.cohorts for outcome_id, co in cohort.outcomes.items()]
    persons = np.fromiter((co.persons for _, _, co in pairs), np.float64, len(pairs))
    deadweight = np.fromiter((co.deadweight_persons(c.participants) for c, _, co in pairs), np.float64, len(pairs))
    effect_start = np.fromiter((c.effect_start for c, _, _ in pairs), np.int64, len(pairs))
    start = np.fromiter((c.start for c, _, _ in pairs), np.int64, len(pairs))
    clock = np.fromiter((c.weeks_on_benefit or 0.0 for c, _, _ in pairs), np.float64, len(pairs))
    outcome_ids = np.array([outcome_id for _, outcome_id, _ in pairs], dtype=object)
    rows = pd.DataFrame(
        {
            "cohort": [c.name for c, _, _ in pairs],
            "outcome": outcome_ids,
            "participants": np.fromiter((c.participants for c, _, _ in pairs), np.int64, len(pairs)),
            "persons": persons,
            "deadweight": deadweight,
            "net_persons": persons - deadweight,
            "effect_start": effect_start,
            "start": start,
        }
    )
    net = persons - deadweight
    py = np.zeros((len(pairs), len(years)))
    gross = np.zeros((len(pairs), len(years)))
    stat = np.zeros((len(pairs), len(years)))
    resolved = case.refusion
    # One array call per outcome (fall-back rules are per outcome), none per cohort or year; an avoided
    # førtidspension one per age of the cohorts' age mixes, each ending at its folkepension age.
    for outcome in case.outcomes:
        mask = outcome_ids == outcome.id
        if not mask.any():
            continue
        shares = [f.share for f in outcome.fallbacks]
        after = [f.after_years for f in outcome.fallbacks]
        ages: list[tuple[FloatArray, FloatArray | None]]
        if outcome.avoids:
            age_shares, ends = pension.end_months(case, [c for (c, _, _), chosen in zip(pairs, mask, strict=True) if chosen])
            ages = [(age_shares[:, k], ends[:, k]) for k in range(ends.shape[1])]
        else:
            ages = [(np.ones(int(mask.sum())), None)]
        for weight, end in ages:
            py[mask] += weight[:, None] * person_years(net[mask], effect_start[mask], years, shares, after, fallback_month=outcome.fallback_month, cohort_start=start[mask], end=end)
            if not outcome.split:
                continue
            gross_part, stat_part = split_savings(
                net[mask],
                effect_start[mask],
                years,
                clock[mask],
                resolved.benefits[outcome.id],
                resolved.staircases,
                shares,
                after,
                fallback_month=outcome.fallback_month,
                cohort_start=start[mask],
                wage_subsidy=outcome.wage_subsidy,
                weeks_per_year=resolved.weeks_per_year,
                reset_weeks=resolved.reset_weeks,
                end=end,
            )
            gross[mask] += weight[:, None] * gross_part
            stat[mask] += weight[:, None] * stat_part
        if not outcome.split:
            gross[mask] = np.array([outcome.unit_saving_in(int(y)) for y in years])[None, :] * py[mask]
    return rows, py, gross, stat


def line_matrix(lines: Sequence[BudgetLine], years: npt.NDArray[np.int64]) -> FloatArray:
    """The amounts of budget lines per year, ``(n lines, Y)`` (0 where a line has no amount).

    >>> from xlmodel.model import SavingsLine
    >>> line_matrix([SavingsLine("Husleje", amounts={2022: 50_000.0})], np.array([2021, 2022])).tolist()
    [[0.0, 50000.0]]
    """
    matrix = np.zeros((len(lines), len(years)))
    for i, line in enumerate(lines):
        matrix[i] = [line.amounts.get(int(y), 0.0) for y in years]
    return matrix


def _steady_state_saving(case: Case, rows: pd.DataFrame) -> float | None:
    """Annual saving once every cohort has passed its last fall-back, at the last year's rate.

    ``Σ net_persons × (1 - Σ fall-back shares) × unit_saving(last_year)`` (for a gross benefit: its
    average over the last year); ``None`` without cohorts, and where an outcome avoids a førtidspension
    (that saving ends at the folkepension age: there is no steady state).
    """
    if rows.empty or any(o.avoids for o in case.outcomes):
        return None
    last = case.last_year

    def rate(outcome: Outcome) -> float:
        if outcome.split:
            return float(case.refusion.benefits[outcome.id].yearly([last])[0])
        return outcome.unit_saving_in(last)

    lasting: Mapping[str, float] = {o.id: o.lasting_share * rate(o) for o in case.outcomes}
    per_row = rows["net_persons"].to_numpy() * np.array([lasting[o] for o in rows["outcome"]])
    return float(math.fsum(per_row))
