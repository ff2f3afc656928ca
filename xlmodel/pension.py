"""Avoided førtidspension: the saving runs from the effect start until the folkepension age.

An outcome with ``avoids = "foertidspension"`` counts its net persons as persons who, without the effort,
would have been awarded førtidspension at the effect start and kept it until the folkepension age, when
the pension becomes folkepension (the stat's). The gross saving is the førtidspension rate
(``foertidspension.enlige`` by default, or ``foertidspension.andre``, kr. a month × 12), split between the
kommune and the stat by the refusion staircase like any gross benefit: a førtidspension awarded from
1 July 2014 is in the financing law (lov om kommunernes finansiering af visse offentlige ydelser § 2 and
§ 3, stk. 1, nr. 11), so the kommune co-finances it by the citizen's clock, about 80 % after a year on
benefits; one awarded before then is paid 65 % by the kommune and 35 % by the stat (pensionsloven § 52,
stk. 1), which xlmodel does not model: the staircase's parameters start on 4 January 2016.

The cohort's age at the effect start (``age = 45``, or a mix ``age = { 40 = 0.5, 55 = 0.5 }``) gives the
birth date, taken as the middle of the year of age (an assumption: the age is given in whole years):
``birth = effect start − (age + ½) years``; the folkepension age of that birth date (``folkepension.alder``,
lov om social pension § 1 a: 67 for those born 1 July 1955–1962, 68 for 1963–66, 69 for 1967–70, 70 from
1971) gives the end: ``end = birth + folkepension age``. Each age of a mix ends at its own time, weighted
by its share. Mortality, a revoked award and the tax of the pension are not modelled.

>>> import datetime as dt
>>> from xlmodel.parameters import Parameters
>>> end = pension_month(Parameters(), 2026 * 12, 60.0)   # 60 on 1 January 2026: born mid-1965, 68 years
>>> end / 12, end_text(end)
(2033.5, '2033-07')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from xlmodel import validate as v
from xlmodel.arithmetic import FloatArray
from xlmodel.errors import InvalidValueError
from xlmodel.parameters import time_to_date

if TYPE_CHECKING:
    from xlmodel.model import Case, Cohort
    from xlmodel.parameters import Parameters, ParameterValue

#: What an outcome may avoid, and the gross benefit it saves unless the outcome names another.
AVOIDABLE = {"foertidspension": "foertidspension.enlige"}
AGE_PARAMETER = "folkepension.alder"
#: Years from the birth to the start of the year of age the case gives: the middle of it (an assumption).
BIRTH_IN_YEAR_OF_AGE = 0.5


def _pension_age(parameters: Parameters, effect_start: float, age: float, field_name: str) -> tuple[float, float, ParameterValue]:
    """The birth month, the folkepension age and the parameter value that gives it, for a person ``age``
    years old at ``effect_start`` (born mid-year of age, see the module docstring)."""
    birth = effect_start - (age + BIRTH_IN_YEAR_OF_AGE) * 12.0
    entry = parameters.value_at(AGE_PARAMETER, time_to_date(birth / 12.0), AGE_PARAMETER)
    if entry.value is None:
        raise InvalidValueError(field_name, f"folkepensionsalderen for født {end_text(birth)} findes ikke i parametrene", value=age)
    return birth, float(entry.value), entry


def age_table(parameters: Parameters) -> tuple[ParameterValue, ...]:
    """The folkepension age by birth date as the case's parameters know it (what the book's Parametre lists and
    its end months look up).

    >>> from xlmodel.parameters import Parameters
    >>> [(e.date.isoformat(), e.value) for e in age_table(Parameters())][-2:]
    [('1967-01-01', 69.0), ('1971-01-01', 70.0)]
    """
    return tuple(e for e in parameters.get(AGE_PARAMETER).values if e.value is not None)


def pension_month(parameters: Parameters, effect_start: float, age: float, field_name: str = "age") -> float:
    """The month index (months since year 0, as :mod:`xlmodel.arithmetic`) the folkepension age is reached
    by a person ``age`` years old at ``effect_start``: birth + folkepension age."""
    birth, pension_age, _ = _pension_age(parameters, effect_start, age, field_name)
    return birth + pension_age * 12.0


def end_text(month: float) -> str:
    """A month index as ``YYYY-MM`` (the month it falls in)."""
    whole = math.floor(month + 1e-9)
    return f"{whole // 12:04d}-{whole % 12 + 1:02d}"


def age_mix(cohort: Cohort) -> tuple[tuple[float, float], ...]:
    """The cohort's ages at the effect start with their shares: ``((age, share), ...)``; empty without an age."""
    if cohort.age is None:
        return ()
    if isinstance(cohort.age, Mapping):
        return tuple((float(age), float(share)) for age, share in cohort.age.items())
    return ((float(cohort.age), 1.0),)


def avoids_pension(case: Case, cohort: Cohort) -> bool:
    """True when an outcome of ``cohort`` avoids a førtidspension."""
    return any(case.outcome(outcome_id).avoids for outcome_id in cohort.outcomes)


def check_cohort(case: Case, cohort: Cohort, where: str) -> None:
    """A cohort with an outcome that avoids a førtidspension needs an age below the folkepension age."""
    if not avoids_pension(case, cohort):
        return
    if cohort.age is None:
        raise InvalidValueError(f"{where}.age", "mangler: en effekt undgår førtidspension, så holdets alder ved effektstart skal angives, fx age = 45 eller age = { 40 = 0.5, 55 = 0.5 }")
    for age, _ in age_mix(cohort):
        end = pension_month(case.parameters, cohort.effect_start, age, f"{where}.age")
        if end <= cohort.effect_start:
            raise InvalidValueError(f"{where}.age", f"{age:g} år ved effektstart ({v.month_text(cohort.effect_start)}) er på eller over folkepensionsalderen (nås {end_text(end)}): ingen førtidspension at undgå", value=age)


def end_months(case: Case, cohorts: Sequence[Cohort]) -> tuple[FloatArray, FloatArray]:
    """Per cohort the shares ``(n, K)`` and end months ``(n, K)`` of its ages (padded with share 0)."""
    mixes = [age_mix(c) for c in cohorts]
    width = max((len(m) for m in mixes), default=0) or 1
    shares = np.zeros((len(cohorts), width))
    ends = np.full((len(cohorts), width), float((case.last_year + 1) * 12))
    for i, (cohort, mix) in enumerate(zip(cohorts, mixes, strict=True)):
        for k, (age, share) in enumerate(mix):
            shares[i, k] = share
            ends[i, k] = pension_month(case.parameters, cohort.effect_start, age)
    return shares, ends


def last_pension_year(parameters: Parameters, cohorts: Sequence[tuple[int, float]]) -> int:
    """The last year anyone of ``cohorts`` (effect start month, age) still has a førtidspension to avoid:
    what ``last_year = "pension_age"`` means.

    >>> from xlmodel.parameters import Parameters
    >>> last_pension_year(Parameters(), [(2026 * 12, 60.0), (2026 * 12, 58.0)])   # 2033-07 and 2036-07
    2036
    """
    if not cohorts:
        raise InvalidValueError("last_year", '"pension_age" kræver et hold med alder (age) og en effekt med avoids = "foertidspension"')
    return max(math.ceil(pension_month(parameters, start, age) - 1e-9) - 1 for start, age in cohorts) // 12


@dataclass(frozen=True)
class PensionEnd:
    """When one age of one cohort reaches the folkepension age, and the rule that says so."""

    cohort: str
    age: float
    share: float
    birth_month: float
    pension_age: float
    end_month: float
    reference: str

    def to_dict(self) -> dict[str, object]:
        return {"cohort": self.cohort, "age": self.age, "share": self.share, "born": end_text(self.birth_month),
                "pension_age": self.pension_age, "ends": end_text(self.end_month), "reference": self.reference}


def pension_ends(case: Case) -> tuple[PensionEnd, ...]:
    """Every cohort × age whose førtidspension the case avoids, with its end (empty when none is avoided)."""
    found = []
    for cohort in case.cohorts:
        if not avoids_pension(case, cohort):
            continue
        for age, share in age_mix(cohort):
            birth, pension_age, entry = _pension_age(case.parameters, cohort.effect_start, age, "age")
            found.append(PensionEnd(cohort.name, age, share, birth, pension_age, birth + pension_age * 12.0, entry.reference))
    return tuple(found)
