"""The ØVO/mentor cap: a case's spending on øvrig vejledning og opkvalificering and mentor support per
full-time person, against the limit the budgetgaranti counts from 2026.

From 1 January 2026 (lov om en aktiv beskæftigelsesindsats § 203 a, L 77 of 7 November 2025) the kommuner's
spending on ØVO and mentor support counts in the budgetgaranti's efterregulering only up to a limit:
the full-time persons of the target group (LAB § 6, nr. 1–10) × a sum per full-time person
(parameter ``budgetgaranti.oevo_mentor_graense``; the 2026 figure is the draft's, an assumption until the
final figure is found). Spending above it is the kommune's own, and since L 76 (2018–19) no driftsrefusion
is paid on ØVO or mentor support for kontanthjælp recipients: xlmodel counts none (every cost of a case is
its payer's, whole).

The cap is the kommune's, over all its citizens; a case can only show its own share of it. Per year Y:

- spending S_Y = the case's costs tagged ``kind = "oevo"`` or ``"mentor"`` paid by the kommune;
- full-time persons F_Y = Σ over cohorts participants × (months of Y from the cohort's start) ÷ 12, minus the
  full-year persons the case moves off benefits in Y (net of deadweight, after fall-backs, as everywhere);
- spending per full-time person S_Y ÷ F_Y, flagged where it exceeds the limit of Y.

>>> from xlmodel import compute_case, loads_case
>>> case = loads_case('''
... [case]
... title = "Mentor"
... first_year = 2026
... last_year = 2026
... [[outcomes]]
... id = "job"
... unit_saving = 120000
... [[cohorts]]
... name = "H1"
... participants = 20
... effect_start = 2026-07-01
... start = 2026-01-01
... outcomes = { job = { persons = 4 } }
... [[costs]]
... label = "Mentorer"
... kind = "mentor"
... amounts = { 2026 = 300000 }
... ''')
>>> year = cap_check(compute_case(case))[0]
>>> year.full_time_persons, year.per_person, year.limit, year.over
(18.0, 16666.666666666668, 10602.0, True)

(20 participants all year, less 4 in a job from July: 20 − 4 × 6/12 = 18; 300,000 ÷ 18 = 16,667 kr.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from xlmodel.arithmetic import FloatArray
from xlmodel.compute import CaseResult
from xlmodel.errors import InvalidValueError
from xlmodel.parameters import Parameters

LIMIT = "budgetgaranti.oevo_mentor_graense"


@dataclass(frozen=True)
class CapYear:
    """One year of the check: ``limit`` None where no limit applies (before 2026, or not in the parameters
    the case is pinned to); ``assumption`` where the limit is an assumption (the draft's figure, or carried
    forward past its own year)."""

    year: int
    spending: float
    full_time_persons: float
    limit: float | None
    assumption: bool

    @property
    def per_person(self) -> float | None:
        return self.spending / self.full_time_persons if self.full_time_persons > 0 else None

    @property
    def over(self) -> bool:
        """True where the spending per full-time person exceeds the limit (or there is spending and no one
        on benefits to spread it over)."""
        if self.limit is None or self.spending <= 0:
            return False
        per_person = self.per_person
        return per_person is None or per_person > self.limit

    def to_dict(self) -> dict[str, object]:
        return {"year": self.year, "spending": self.spending, "full_time_persons": self.full_time_persons,
                "per_person": self.per_person, "limit": self.limit, "assumption": self.assumption, "over": self.over}


def tagged(result: CaseResult) -> bool:
    """True when the case has a cost tagged ØVO or mentor (the check is shown only then)."""
    return any(item.kind for item in result.case.costs)


def full_time_persons(result: CaseResult) -> FloatArray:
    """F_Y of the module docstring, per year of the case (never below 0)."""
    case = result.case
    year_start = result.years.astype(np.float64) * 12.0
    on_programme = np.zeros(len(result.years))
    for cohort in case.cohorts:
        start = float(cohort.start if cohort.start is not None else cohort.effect_start)
        on_programme += cohort.participants * np.clip(year_start + 12.0 - np.maximum(year_start, start), 0.0, 12.0) / 12.0
    off_benefits = result.person_years.sum(axis=0) if len(result.person_years) else 0.0
    return np.maximum(on_programme - off_benefits, 0.0)


def cap_check(result: CaseResult) -> tuple[CapYear, ...]:
    """The check per year of the case (see the module docstring); empty when no cost is tagged."""
    case = result.case
    if not tagged(result):
        return ()
    rows = [row for item, row in zip(case.costs, result.cost_lines, strict=True) if item.kind and item.payer == "kommune"]
    spending = np.sum(rows, axis=0) if rows else np.zeros(len(result.years))
    persons = full_time_persons(result)
    found = []
    for i, year in enumerate(result.years.tolist()):
        limit, assumption = _limit(case.parameters, year)
        found.append(CapYear(year, float(spending[i]), float(persons[i]), limit, assumption))
    return tuple(found)


def _limit(parameters: Parameters, year: int) -> tuple[float | None, bool]:
    """The limit on 1 January of ``year``, or None where it has no value then (before 2026)."""
    try:
        segment = parameters.segments(LIMIT, dt.date(year, 1, 1), dt.date(year, 1, 2), LIMIT)[0]
    except InvalidValueError:
        return None, False
    return float(segment.entry.value or 0.0), segment.entry.assumption or segment.carried_forward
