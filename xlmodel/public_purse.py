"""The whole public purse: income tax and udligning when a citizen moves from a benefit to a job.

Per person-year in the outcome instead of on the benefit, for year Y with that year's rates
(``xlmodel/parameters/data/skat.toml``, each dated and sourced):

- wage income W (AM-bidrag applies), benefit B (kontanthjælp is taxable personal income, no AM-bidrag);
- AM-bidrag = a × W; personal income P = W − AM-bidrag;
- beskæftigelsesfradrag = min(e × W, e_max); jobfradrag = min(j × max(0, W − j_threshold), j_max);
- taxable income: wage T_W = P − beskæftigelsesfradrag − jobfradrag; benefit T_B = B;
- base above personfradrag f: b(T) = max(0, T − f);
- kommuneskat = t × (b(T_W) − b(T_B)), t the kommune's rate (default the national average t̄);
- udligning = − u × t̄ × (b(T_W) − b(T_B)) (udligningsloven § 2), u = 75 % for a kommune whose tax base is
  90–125 % of the average (``normal``), 75 + 20 = 95 % below 90 % (``svag``), 75 + 18 = 93 % above 125 % (``rig``);
- bundskat = s × (max(0, P − f) − max(0, B − f)); the kommune gets kommuneskat + udligning, the stat
  bundskat + AM-bidrag. The udligning moves money between kommuner: it is not the stat's.

Simplifications, stated: one person, no other income, no kirkeskat, no mellem- or topskat (far above these
incomes), no pension contributions, the benefit and the wage each for a whole year; udligningsloven § 13's
cap for the richest kommuner is not modelled.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from xlmodel import validate
from xlmodel.arithmetic import FloatArray
from xlmodel.compute import CaseResult, PayerResult, has_flows, payer_result
from xlmodel.errors import InvalidValueError
from xlmodel.model import Case, Outcome
from xlmodel.parameters import Parameters, Segment
from xlmodel.refusion import resolve
from xlmodel.settings import KOMMUNE_TYPES

#: The six figures per person-year, in the order reports show them.
PARTS = ("kommuneskat", "udligning", "kommune", "bundskat", "am_bidrag", "stat")
RATE_NAMES = {
    "am_bidrag": "skat.am_bidrag",
    "bundskat": "skat.bundskat",
    "personfradrag": "skat.personfradrag",
    "employment_rate": "skat.beskaeftigelsesfradrag.sats",
    "employment_max": "skat.beskaeftigelsesfradrag.max",
    "job_rate": "skat.jobfradrag.sats",
    "job_threshold": "skat.jobfradrag.graense",
    "job_max": "skat.jobfradrag.max",
    "average_rate": "skat.kommuneskat_gennemsnit",
}

#: The share each kommune type adds to the landsudligning's (udligningsloven § 2, stk. 3–4), read by tax_rates and listed as used.
UDLIGNING_EXTRA = {"normal": None, "svag": "udligning.tillaeg_svag", "rig": "udligning.bidrag_rig"}


@dataclass(frozen=True)
class TaxRates:
    """The rates of one year for one kommune; ``assumptions`` names each parameter whose value for the year
    is an assumption (carried past its own year, or marked so at its source)."""

    year: int
    am_bidrag: float
    bundskat: float
    personfradrag: float
    employment_rate: float
    employment_max: float
    job_rate: float
    job_threshold: float
    job_max: float
    average_rate: float
    kommune_rate: float
    udligning_share: float
    kommune_type: str
    assumptions: tuple[str, ...] = ()


def tax_rates(parameters: Parameters, year: Any, kommune_type: str = "normal", kommune_rate: Any = None) -> TaxRates:
    """The rates of ``year`` (each parameter's value on 1 January) for a kommune of ``kommune_type``, with its
    own kommuneskat rate or (None) the national average.

    >>> r = tax_rates(Parameters(), 2026)
    >>> r.personfradrag, r.average_rate, r.udligning_share, tax_rates(Parameters(), 2026, "svag").udligning_share
    (54100.0, 0.25049, 0.75, 0.95)
    """
    year = validate.year("year", year)
    if kommune_type not in KOMMUNE_TYPES:
        raise InvalidValueError("kommune_type", f"kendte: {', '.join(KOMMUNE_TYPES)} (beskatningsgrundlag 90–125 %, under 90 %, over 125 % af landsgennemsnittet)", value=kommune_type)
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    values: dict[str, float] = {}
    assumptions: list[str] = []
    try:
        for key, name in RATE_NAMES.items():
            segments = parameters.segments(name, start, end, name)
            if segments[0].entry.assumption or any(s.carried_forward for s in segments):
                assumptions.append(name)
            values[key] = float(segments[0].entry.value or 0.0)
        share = float(parameters.value_at("udligning.landsudligning", start, "udligning.landsudligning").value or 0.0)
        extra = UDLIGNING_EXTRA[kommune_type]
        if extra is not None:
            share += float(parameters.value_at(extra, start, extra).value or 0.0)
    except InvalidValueError as exc:  # a year before the first sourced rates: say so on the year
        raise InvalidValueError("year", f"skattesatserne for {year} findes ikke ({exc})", value=year) from None
    own = None if kommune_rate is None else validate.share("kommune_rate", kommune_rate)
    return TaxRates(year=year, **values, kommune_rate=values["average_rate"] if own is None else own, udligning_share=share, kommune_type=kommune_type, assumptions=tuple(assumptions))


@dataclass(frozen=True)
class TaxGain:
    """The public purse's gain per person-year (kr.; arrays broadcast like the income and the benefit)."""

    kommuneskat: FloatArray
    udligning: FloatArray
    bundskat: FloatArray
    am_bidrag: FloatArray

    @property
    def kommune(self) -> FloatArray:
        return self.kommuneskat + self.udligning

    @property
    def stat(self) -> FloatArray:
        return self.bundskat + self.am_bidrag

    def part(self, name: str) -> FloatArray:
        """One of :data:`PARTS` by name."""
        if name not in PARTS:
            raise InvalidValueError("part", f"kendte: {', '.join(PARTS)}", value=name)
        value: FloatArray = getattr(self, name)
        return value


def tax_gain(income: npt.ArrayLike, benefit: npt.ArrayLike, rates: TaxRates) -> TaxGain:
    """The gain of one person-year with wage ``income`` instead of ``benefit`` (kr. a year), by the formulas of
    the module docstring; negative where the job pays less than the benefit.

    Worked example, 2026, a normal kommune: W = 143.35 kr./h × 1,924 h = 275,805; B = 12 × 12,064 = 144,768.
    b(T_W) − b(T_B) = 71,980.24, so kommuneskat = 0.25049 × 71,980.24 = 18,030.33 and udligning =
    −0.75 × 0.25049 × 71,980.24 = −13,522.75; bundskat = 0.1201 × (199,640.6 − 90,668) = 13,087.61.

    >>> g = tax_gain(275_805, 144_768, tax_rates(Parameters(), 2026))
    >>> [round(float(g.part(p)), 2) for p in PARTS]
    [18030.33, -13522.75, 4507.58, 13087.61, 22064.4, 35152.01]
    """
    w = np.asarray(income, dtype=np.float64)
    b = np.asarray(benefit, dtype=np.float64)
    am = rates.am_bidrag * w
    personal = w - am
    employment = np.minimum(rates.employment_rate * w, rates.employment_max)
    job = np.minimum(rates.job_rate * np.maximum(0.0, w - rates.job_threshold), rates.job_max)
    above = lambda taxable: np.maximum(0.0, taxable - rates.personfradrag)  # noqa: E731
    base_change = above(personal - employment - job) - above(b)
    return TaxGain(
        kommuneskat=rates.kommune_rate * base_change,
        udligning=-rates.udligning_share * rates.average_rate * base_change,
        bundskat=rates.bundskat * (above(personal) - above(b)),
        am_bidrag=am,
    )


def tax_gain_of(income: Any, benefit: Any, year: Any, kommune_type: str = "normal", kommune_rate: Any = None, parameters: Parameters | None = None) -> tuple[TaxGain, TaxRates]:
    """:func:`tax_gain` for one income and benefit, each checked and named (``income``, ``benefit``).

    >>> gain, rates = tax_gain_of(275_805, 144_768, 2026, "svag")
    >>> round(float(gain.kommune)), rates.udligning_share
    (902, 0.95)
    >>> tax_gain_of(-1, 144_768, 2026)
    Traceback (most recent call last):
    xlmodel.errors.InvalidValueError: income: må ikke være mindre end 0 (fik -1)
    """
    wage = validate.number("income", income, minimum=0)
    saved = validate.number("benefit", benefit, minimum=0)
    rates = tax_rates(parameters or Parameters(), year, kommune_type, kommune_rate)
    return tax_gain(wage, saved, rates), rates



def parameter_segments(case: Case) -> list[tuple[str, Segment]]:
    """The dated parameter values the tax and udligning of a case that opts in use, each with what uses it:
    every rate of :data:`RATE_NAMES` and the udligning shares as :func:`tax_rates` reads them (the value on
    1 January of each year; consecutive years of the same value as one segment), and a wage parameter with
    its hours a year as :func:`income_in` reads them. Empty for a case without a wage."""
    taxed = [o for o in case.outcomes if o.income is not None]
    if not taxed:
        return []
    p, kind = case.parameters, case.public_purse.kommune_type
    extra = UDLIGNING_EXTRA[kind]
    names = [*RATE_NAMES.values(), "udligning.landsudligning", *([extra] if extra else [])]
    found = [("public_purse", segment) for name in names for segment in _yearly(p, name, case.years)]
    for outcome in taxed:
        if isinstance(outcome.income, str):
            where = f'outcomes "{outcome.id}".income'
            start, end = dt.date(case.first_year, 1, 1), dt.date(case.last_year + 1, 1, 1)
            found += [(where, segment) for segment in p.segments(outcome.income, start, end, where)]
            if p.get(outcome.income, where).unit == "kr/time":
                found += [(where, segment) for segment in _yearly(p, "loen.timer_pr_aar", case.years)]
    return found


def _yearly(parameters: Parameters, name: str, years: list[int]) -> list[Segment]:
    """The value of ``name`` on 1 January of each year, a run of years with the same value as one segment (carried
    forward when any part of a year is)."""
    merged: list[Segment] = []
    for year in years:
        segments = parameters.segments(name, dt.date(year, 1, 1), dt.date(year + 1, 1, 1), name)
        carried = any(s.carried_forward for s in segments)
        last = merged[-1] if merged else None
        if last is not None and last.entry == segments[0].entry and last.carried_forward == carried:
            merged[-1] = Segment(last.start, dt.date(year + 1, 1, 1), name, last.entry, carried)
        else:
            merged.append(Segment(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), name, segments[0].entry, carried))
    return merged


def income_in(outcome: Outcome, year: int, parameters: Parameters, where: str = "income") -> float:
    """The wage of a full-year person in ``outcome`` in ``year`` (× its part-time share): an amount, the
    year's entry of a table, or a wage parameter averaged over the year (kr. an hour × ``loen.timer_pr_aar``).

    >>> from xlmodel.model import Outcome
    >>> job = Outcome("job", benefit_rate=144_768, income="loen.io_minimum")
    >>> round(income_in(job, 2026, Parameters()), 2)   # (59 days × 139.85 + 306 days × 143.35) / 365 × 1,924 h
    274716.89
    """
    income, share = outcome.income, outcome.income_share
    if income is None:
        raise InvalidValueError(where, "effekten har ingen løn (income)")
    if isinstance(income, Mapping):
        if year not in income:
            raise InvalidValueError(where, f"mangler et beløb for {year}", value=dict(income))
        return float(income[year]) * share
    if not isinstance(income, str):
        return float(income) * share
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    unit = parameters.get(income, where).unit
    per_year = {"kr/time": None, "kr/år": 1.0, "kr/md": 12.0}
    if not income.startswith("loen.") or unit not in per_year:
        raise InvalidValueError(where, f"{income} er ikke en løn (enhed: {unit}); brug fx loen.io_minimum", value=income)
    factor = per_year[unit] or float(parameters.value_at("loen.timer_pr_aar", start, "loen.timer_pr_aar").value or 0.0)
    days = (end - start).days
    return share * factor * math.fsum(float(seg.entry.value or 0.0) * (seg.end - seg.start).days / days for seg in parameters.segments(income, start, end, where))


@dataclass(frozen=True)
class CaseTax:
    """The tax and udligning of a case per year (kr.): each line of :data:`LINES` in total and per cohort ×
    outcome, and the parameters whose value for some year is an assumption."""

    years: tuple[int, ...]
    lines: Mapping[str, FloatArray]
    pairs: tuple[tuple[str, str, Mapping[str, FloatArray]], ...]
    assumptions: tuple[str, ...]

    def part(self, name: str) -> FloatArray:
        """A line, or ``kommune`` (kommuneskat + udligning) or ``stat`` (bundskat + AM-bidrag), per year."""
        if name == "kommune":
            return self.lines["kommuneskat"] + self.lines["udligning"]
        if name == "stat":
            return self.lines["bundskat"] + self.lines["am_bidrag"]
        return self.lines[name]


#: The four lines of the public purse's gain, as JSON and the report name them.
LINES = ("kommuneskat", "udligning", "bundskat", "am_bidrag")


def opts_in(case: Case) -> bool:
    """True when an outcome of ``case`` has a wage (``income``): the case shows the public purse.

    >>> from xlmodel import load_case
    >>> from xlmodel.bundled import bundled_case
    >>> opts_in(load_case(bundled_case("ishoej_2021.toml"))), opts_in(load_case(bundled_case("ishoej_2021_refusion.toml")))
    (False, True)
    """
    return any(o.income is not None for o in case.outcomes)


def case_tax(result: CaseResult) -> CaseTax:
    """Per year: Σ over cohorts × outcomes with a wage of person-years × the gain of one person-year in the job
    instead of on the outcome's gross benefit, at the year's rates and the case's ``[public_purse]`` settings.

    One person from 1 July 2026 in a job at 275,805 kr. instead of on 144,768 kr.: half a person-year, half
    the worked example's gain.

    >>> from xlmodel import compute_case, loads_case
    >>> case = loads_case('''
    ... [case]
    ... title = "Job"
    ... first_year = 2026
    ... last_year = 2026
    ... [[outcomes]]
    ... id = "job"
    ... benefit_rate = 144768
    ... income = 275805
    ... [[cohorts]]
    ... name = "H1"
    ... participants = 1
    ... effect_start = 2026-07-01
    ... weeks_on_benefit = 80
    ... outcomes = { job = { persons = 1 } }
    ... ''')
    >>> tax = case_tax(compute_case(case))
    >>> round(float(tax.part("kommune")[0]), 2), round(float(tax.part("stat")[0]), 2)   # 4,507.58 / 2 and 35,152.01 / 2
    (2253.79, 17576.0)
    """
    case = result.case
    years = [int(y) for y in result.years]
    settings = case.public_purse
    rates = {y: tax_rates(case.parameters, y, settings.kommune_type, settings.kommune_rate) for y in years}
    benefits = resolve(case).benefits
    totals = {line: np.zeros(len(years)) for line in LINES}
    pairs = []
    for k, outcome in enumerate(case.outcomes):
        if outcome.income is None:
            continue
        where = f'outcomes[{k}] "{outcome.id}".income'
        wage = np.array([income_in(outcome, y, case.parameters, where) for y in years])
        benefit = benefits[outcome.id].average(years)  # the rate of a person-year: where the benefit runs, not spread over the whole year
        per_person = [tax_gain(wage[i], benefit[i], rates[y]) for i, y in enumerate(years)]
        gain = {line: np.array([float(getattr(g, line)) for g in per_person]) for line in LINES}
        for cohort in case.cohorts:
            if outcome.id not in cohort.outcomes:
                continue
            person_years = result.cohort_figure(cohort.name, outcome.id, "person_years")
            row = {line: person_years * gain[line] for line in LINES}
            pairs.append((cohort.name, outcome.id, row))
            for line in LINES:
                totals[line] += row[line]
    assumptions = sorted({name for r in rates.values() for name in r.assumptions})
    return CaseTax(tuple(years), totals, tuple(pairs), tuple(assumptions))


def payer_with_tax(result: CaseResult, tax: CaseTax, payer: str) -> PayerResult:
    """``payer``'s (kommune or stat) budget with its tax gain counted as a saving: net, cumulative, payback
    and net gain including tax (:func:`xlmodel.compute.payer_result`).

    >>> from xlmodel import compute_case, loads_case
    >>> case = loads_case('''
    ... [case]
    ... title = "Job"
    ... first_year = 2026
    ... last_year = 2026
    ... [[outcomes]]
    ... id = "job"
    ... benefit_rate = 144768
    ... income = 275805
    ... [[cohorts]]
    ... name = "H1"
    ... participants = 1
    ... effect_start = 2026-01-01
    ... weeks_on_benefit = 80
    ... outcomes = { job = { persons = 1 } }
    ... ''')
    >>> result = compute_case(case)
    >>> kommune = payer_with_tax(result, case_tax(result), "kommune")
    >>> round(kommune.net_gain - result.by_payer["kommune"].net_gain, 2)   # one person-year: the worked example's 4,507.58
    4507.58
    """
    budget = result.by_payer[payer].yearly
    savings, costs, gain = budget["savings"].to_numpy(), budget["costs"].to_numpy(), tax.part(payer)
    return payer_result(payer, result.years, savings + gain, costs, flows=has_flows(costs, savings, gain))

__all__ = ["KOMMUNE_TYPES", "LINES", "PARTS", "CaseTax", "TaxGain", "TaxRates", "case_tax", "income_in", "opts_in", "payer_with_tax", "tax_gain", "tax_gain_of", "tax_rates"]
