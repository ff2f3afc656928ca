"""Validated, immutable value objects: case, cohort, outcome, fall-back, cost item, savings line, target.

Every object checks itself when it is made and names the offending field, so a ``Case`` that
exists is a case the arithmetic can run on. Dates are kept as month indices
(``year * 12 + month - 1``, see :func:`xlmodel.validate.month_index`).

>>> job = Outcome("job", 146_000, fallbacks=(Fallback(0.10, 2), Fallback(0.10, 4)), fallback_month=4)
>>> hold = Cohort("Hold 1", participants=12, effect_start="2021-04-01", start="2021-01-01",
...               outcomes={"job": CohortOutcome(4, deadweight=1)})
>>> hold.net_persons("job")
3.0
>>> Cohort("Hold 1", 12, "2021-04", outcomes={"job": CohortOutcome(4, deadweight=5)})
Traceback (most recent call last):
...
xlmodel.errors.InvalidValueError: outcomes.job.deadweight: dødvægten kan ikke være større end antallet af personer med effekten (4) (fik 5.0)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from xlmodel import pension, refusion
from xlmodel import validate as v
from xlmodel.errors import InvalidValueError, XlmodelError
from xlmodel.parameters import Parameters
from xlmodel.rounding import format_kr
from xlmodel.settings import AppraisalSettings, PublicPurseSettings, RiskSettings, Uncertainty, check_against

#: Hours a week in one full-time staff year (årsværk).
HOURS_PER_FTE = 37.0

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def _year_amounts(field_name: str, amounts: Mapping[Any, Any], *, minimum: float | None = None) -> Mapping[int, float]:
    """A read-only ``{year: amount}`` with checked years and finite amounts."""
    if not isinstance(amounts, Mapping):
        raise v.InvalidTypeError(field_name, "skal være en tabel år → beløb, fx { 2021 = 1040000 }", value=amounts)
    if not amounts:
        raise InvalidValueError(field_name, "skal have mindst ét år", value=amounts)
    cleaned: dict[int, float] = {}
    for key, amount in amounts.items():
        year = v.year(f"{field_name}.{key}", key)
        cleaned[year] = v.number(f"{field_name}.{key}", amount, minimum=minimum)
    return MappingProxyType(dict(sorted(cleaned.items())))


@dataclass(frozen=True)
class Fallback:
    """Tilbagefald: ``share`` of the persons return to benefits ``after_years`` after the effect."""

    share: float
    after_years: float

    def __post_init__(self) -> None:
        _set(self, "share", v.share("share", self.share))
        _set(self, "after_years", v.number("after_years", self.after_years, minimum=0))


@dataclass(frozen=True)
class Outcome:
    """Effekt: an outcome (job, education, fleksjob) with what it saves and its fall-backs.

    What a full-year person saves is given one of two ways:

    * ``unit_saving``: kr. per full-year person per year, one amount or ``{year: amount}`` covering every
      year of the case; the whole saving is counted to the kommune (a hand-typed price after refusion);
    * ``benefit`` (a parameter name, e.g. ``kontanthjaelp.over_30_andre``) or ``benefit_rate`` (gross
      kr. a year, or ``{year: amount}``): the gross benefit saved, split between kommune and stat by the
      refusion staircase (see :mod:`xlmodel.refusion`). ``wage_subsidy`` marks a fleksjob-like outcome,
      whose weeks never count as self-support, so the refusion clock never resets.

    ``fallback_month`` set → fixed-month convention (every cohort falls back in that month of the year
    ``after_years`` after its start year); ``None`` → exact.
    """

    id: str
    unit_saving: float | Mapping[int, float] | None = None
    label: str = ""
    fallbacks: tuple[Fallback, ...] = ()
    fallback_month: int | None = None
    benefit: str | None = None
    benefit_rate: float | Mapping[int, float] | None = None
    wage_subsidy: bool = False
    #: The wage a full-year person earns in the outcome (kr. a year, ``{year: amount}``, or a parameter such
    #: as ``loen.io_minimum``), for the tax and udligning of the public purse; ``income_share`` for part time.
    income: float | Mapping[int, float] | str | None = None
    income_share: float = 1.0
    #: ``"foertidspension"``: the outcome's persons avoid a førtidspension from the effect start to the
    #: folkepension age (:mod:`xlmodel.pension`); its gross benefit is then a førtidspension rate.
    avoids: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _IDENTIFIER.match(self.id):
            raise InvalidValueError("id", "et id skrives med små bogstaver, tal og _, fx job eller flexjob", value=self.id)
        if self.avoids is not None:
            self._check_avoided()
        given = [name for name in ("unit_saving", "benefit", "benefit_rate") if getattr(self, name) is not None]
        if given == ["benefit", "benefit_rate"]:
            raise InvalidValueError("benefit_rate", "angiv ydelsen enten som parameter (benefit) eller som beløb (benefit_rate), ikke begge")
        if "unit_saving" in given and len(given) > 1:
            raise InvalidValueError(given[1], "angiv enten unit_saving (besparelse efter refusion, til kommunen) eller benefit/benefit_rate (bruttoydelse, delt med staten efter refusionstrappen), ikke begge")
        if not given:
            raise InvalidValueError("unit_saving", "mangler: angiv unit_saving (kr. pr. helårsperson) eller benefit/benefit_rate (bruttoydelse)")
        for name in ("unit_saving", "benefit_rate"):
            value = getattr(self, name)
            if isinstance(value, Mapping):
                _set(self, name, _year_amounts(name, value, minimum=0))
            elif value is not None:
                _set(self, name, v.number(name, value, minimum=0))
        if self.benefit is not None:
            _set(self, "benefit", v.text("benefit", self.benefit))
        if not isinstance(self.wage_subsidy, bool):
            raise v.InvalidTypeError("wage_subsidy", "skal være true eller false", value=self.wage_subsidy)
        _set(self, "label", v.text("label", self.label, required=False) or self.id)
        fallbacks = tuple(self.fallbacks)
        for i, fallback in enumerate(fallbacks):
            if not isinstance(fallback, Fallback):
                raise v.InvalidTypeError(f"fallbacks[{i}]", "skal være et par [andel, efter_år], fx [0.10, 2]", value=fallback)
        v.fallback_shares("fallbacks", [f.share for f in fallbacks])
        _set(self, "fallbacks", fallbacks)
        if self.fallback_month is not None:
            _set(self, "fallback_month", v.month_number("fallback_month", self.fallback_month))
        self._check_income()

    def _check_avoided(self) -> None:
        """An avoided førtidspension is a gross benefit (split by the staircase): a førtidspension rate,
        ``foertidspension.enlige`` unless the outcome names another or gives benefit_rate."""
        avoided = v.avoided("avoids", self.avoids)
        _set(self, "avoids", avoided)
        if self.unit_saving is not None:
            raise InvalidValueError("unit_saving", "en undgået førtidspension regnes af bruttoydelsen (delt efter refusionstrappen): udelad unit_saving, eller angiv benefit = \"foertidspension.andre\"")
        if self.benefit is None and self.benefit_rate is None:
            _set(self, "benefit", pension.AVOIDABLE[avoided])
        elif self.benefit is not None and not str(self.benefit).startswith("foertidspension."):
            raise InvalidValueError("benefit", "en undgået førtidspension sparer en førtidspensionssats: foertidspension.enlige eller foertidspension.andre", value=self.benefit)

    def _check_income(self) -> None:
        """The wage: an amount, a year table or a parameter name; it needs the gross benefit it replaces."""
        if isinstance(self.income, str):
            _set(self, "income", v.text("income", self.income))
        elif isinstance(self.income, Mapping):
            _set(self, "income", _year_amounts("income", self.income, minimum=0))
        elif self.income is not None:
            _set(self, "income", v.number("income", self.income, minimum=0))
        share = v.share("income_share", self.income_share)
        if share == 0:
            raise InvalidValueError("income_share", "en deltidsandel ligger over 0 og højst 1, fx 0.5", value=self.income_share)
        _set(self, "income_share", share)
        if self.income is not None and not self.split:
            raise InvalidValueError("income", "skatten af ydelsen beregnes af bruttoydelsen: angiv benefit eller benefit_rate for effekten (ikke unit_saving)")

    @property
    def split(self) -> bool:
        """True when the saving is a gross benefit split between kommune and stat by the staircase."""
        return self.unit_saving is None

    @property
    def lasting_share(self) -> float:
        """Share still off benefits after the last fall-back: ``1 - Σ share``."""
        return 1.0 - math.fsum(f.share for f in self.fallbacks)

    def unit_saving_in(self, year: int) -> float:
        """Unit saving for ``year`` (the one amount, or the table's entry); only for ``unit_saving`` outcomes."""
        if self.unit_saving is None:
            raise InvalidValueError("unit_saving", f"effekten {self.id} har en bruttoydelse (benefit), ikke en enhedsbesparelse")
        if isinstance(self.unit_saving, Mapping):
            if year not in self.unit_saving:
                raise InvalidValueError("unit_saving", f"mangler et beløb for {year}", value=dict(self.unit_saving))
            return self.unit_saving[year]
        return float(self.unit_saving)


@dataclass(frozen=True)
class CohortOutcome:
    """Persons in one cohort reaching one outcome, and the deadweight among them.

    Deadweight is given in persons (``deadweight``) or as a share of the cohort's participants
    (``deadweight_rate``), not both.
    """

    persons: float
    deadweight: float = 0.0
    deadweight_rate: float | None = None

    def __post_init__(self) -> None:
        _set(self, "persons", v.count("persons", self.persons))
        _set(self, "deadweight", v.count("deadweight", self.deadweight))
        if self.deadweight_rate is not None:
            if self.deadweight:
                raise InvalidValueError("deadweight_rate", "angiv dødvægt enten i personer (deadweight) eller som andel (deadweight_rate), ikke begge")
            _set(self, "deadweight_rate", v.share("deadweight_rate", self.deadweight_rate))

    def deadweight_persons(self, participants: int) -> float:
        """Dødvægt in persons: ``deadweight``, or ``deadweight_rate × participants``."""
        if self.deadweight_rate is not None:
            return self.deadweight_rate * participants
        return self.deadweight


@dataclass(frozen=True)
class Cohort:
    """Hold: participants starting together; ``effect_start`` is when savings begin.

    ``start`` is the course start (defaults to ``effect_start``); the fixed-month fall-back
    convention counts from its year. Dates: ``datetime.date``, ``YYYY-MM[-DD]`` text or a month index.
    ``weeks_on_benefit`` is the cohort's refusion clock at the effect start (weeks on benefits counted by
    the financing law); required when an outcome of the cohort has a gross benefit.
    """

    name: str
    participants: int
    effect_start: int
    outcomes: Mapping[str, CohortOutcome] = field(default_factory=dict)
    start: int | None = None
    weeks_on_benefit: float | None = None
    #: Age at the effect start (years), or ``{age: share}``; needed when an outcome avoids a førtidspension.
    age: float | Mapping[float, float] | None = None

    def __post_init__(self) -> None:
        _set(self, "name", v.text("name", self.name))
        if self.age is not None:
            age = v.age_mix("age", self.age)
            _set(self, "age", MappingProxyType(age) if isinstance(age, dict) else age)
        if self.weeks_on_benefit is not None:
            _set(self, "weeks_on_benefit", v.number("weeks_on_benefit", self.weeks_on_benefit, minimum=0))
        _set(self, "participants", v.whole_count("participants", self.participants))
        _set(self, "effect_start", _month("effect_start", self.effect_start))
        start = self.effect_start if self.start is None else _month("start", self.start)
        v.start_not_after_effect("start", start, self.effect_start)
        _set(self, "start", start)
        if not isinstance(self.outcomes, Mapping):
            raise v.InvalidTypeError("outcomes", "skal være en tabel effekt-id → { persons = ... }", value=self.outcomes)
        for outcome_id, outcome in self.outcomes.items():
            if not isinstance(outcome, CohortOutcome):
                raise v.InvalidTypeError(f"outcomes.{outcome_id}", "skal være { persons = ..., deadweight = ... }", value=outcome)
            field_name = "deadweight_rate" if outcome.deadweight_rate is not None else "deadweight"
            v.deadweight_within_persons(f"outcomes.{outcome_id}.{field_name}", outcome.deadweight_persons(self.participants), outcome.persons)
        total = math.fsum(o.persons for o in self.outcomes.values())
        if total > self.participants + 1e-9:
            raise InvalidValueError("outcomes", f"flere personer med effekt ({total:g}) end deltagere ({self.participants})", value=total)
        _set(self, "outcomes", MappingProxyType(dict(self.outcomes)))

    def net_persons(self, outcome_id: str) -> float:
        """``persons - deadweight`` for one outcome (0 if the cohort does not have it)."""
        outcome = self.outcomes.get(outcome_id)
        if outcome is None:
            return 0.0
        return outcome.persons - outcome.deadweight_persons(self.participants)


def _month(field_name: str, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        if not v.MIN_YEAR * 12 <= value <= v.MAX_YEAR * 12 + 11:
            raise InvalidValueError(field_name, "månedsindeks uden for 1900–2200", value=value)
        return value
    return v.month_index(field_name, value)


def year_shares_from_months(field_name: str, start: Any, months: Any) -> Mapping[int, float]:
    """Share of each calendar year covered by ``months`` months from ``start``.

    >>> dict(year_shares_from_months("period", "2015-08", 30))
    {2015: 0.4166666666666667, 2016: 1.0, 2017: 1.0, 2018: 0.08333333333333333}
    """
    first = v.month_index(f"{field_name}.start", start)
    length = v.number(f"{field_name}.months", months, minimum=0)
    if length <= 0:
        raise InvalidValueError(f"{field_name}.months", "skal være mindst 1 måned", value=months)
    end = first + length
    shares: dict[int, float] = {}
    for year in range(first // 12, math.ceil(end / 12)):
        covered = min(end, (year + 1) * 12) - max(first, year * 12)
        if covered > 0:
            shares[year] = covered / 12.0
    return MappingProxyType(shares)


@dataclass(frozen=True)
class StaffCost:
    """Staff as ``fte × annual_cost × share of the year`` (hours a week / 37 = fte).

    >>> StaffCost(annual_cost=520_000, year_shares={2021: 1.0, 2022: 1.0}, fte=2).amounts()[2021]
    1040000.0
    >>> round(StaffCost(annual_cost=452_880, year_shares={2016: 1.0}, hours_per_week=25).fte, 6)
    0.675676
    """

    annual_cost: float
    year_shares: Mapping[int, float]
    fte: float = 0.0
    hours_per_week: float | None = None

    def __post_init__(self) -> None:
        _set(self, "annual_cost", v.number("annual_cost", self.annual_cost, minimum=0))
        if self.hours_per_week is not None:
            if self.fte:
                raise InvalidValueError("hours_per_week", "angiv enten fte (årsværk) eller hours_per_week, ikke begge")
            hours = v.number("hours_per_week", self.hours_per_week, minimum=0)
            _set(self, "hours_per_week", hours)
            _set(self, "fte", hours / HOURS_PER_FTE)
        else:
            _set(self, "fte", v.number("fte", self.fte, minimum=0))
        shares = _year_amounts("years", self.year_shares, minimum=0)
        for year, share in shares.items():
            v.share(f"years.{year}", share)
        _set(self, "year_shares", shares)

    def amounts(self) -> Mapping[int, float]:
        return {year: self.fte * self.annual_cost * share for year, share in self.year_shares.items()}


@dataclass(frozen=True)
class BudgetLine:
    """A labelled line of yearly amounts in kr. (``{year: amount}``), with how it was derived."""

    label: str
    amounts: Mapping[int, float]
    basis: str = ""
    payer: str = field(default="kommune", kw_only=True)

    def __post_init__(self) -> None:
        _set(self, "label", v.text("label", self.label))
        _set(self, "amounts", _year_amounts("amounts", self.amounts, minimum=0))
        _set(self, "basis", v.text("basis", self.basis, required=False))
        _set(self, "payer", v.payer("payer", self.payer))

    @property
    def total(self) -> float:
        return math.fsum(self.amounts.values())

    @classmethod
    def spread(cls, label: str, total: float, years: Iterable[int], basis: str = "", *, payer: str = "kommune") -> BudgetLine:
        """``total`` spread evenly over ``years`` (an assumption; say so in ``basis``).

        >>> dict(CostItem.spread("Drift", 100_000, [2021, 2022]).amounts)
        {2021: 50000.0, 2022: 50000.0}
        """
        amount = v.number("total", total, minimum=0)
        year_list = sorted({v.year("years", y) for y in years})
        if not year_list:
            raise InvalidValueError("years", "skal have mindst ét år")
        basis = basis or f"{format_kr(amount)} kr. fordelt ligeligt over {len(year_list)} år"
        return cls(label, {y: amount / len(year_list) for y in year_list}, basis, payer=payer)


@dataclass(frozen=True)
class CostItem(BudgetLine):
    """Investering/udgift: a cost of the effort, as yearly amounts or as staff (:class:`StaffCost`).

    ``kind`` tags øvrig vejledning og opkvalificering (``oevo``) or mentor support (``mentor``), which the
    ØVO/mentor cap of the budgetgaranti limits (:mod:`xlmodel.oevo`); blank for any other cost."""

    staff: StaffCost | None = None
    kind: str = field(default="", kw_only=True)

    def __post_init__(self) -> None:
        super().__post_init__()
        _set(self, "kind", v.cost_kind("kind", self.kind))

    @classmethod
    def from_staff(cls, label: str, staff: StaffCost, basis: str = "", *, payer: str = "kommune", kind: str = "") -> CostItem:
        hours = f"{staff.hours_per_week:g} timer/uge" if staff.hours_per_week is not None else f"{staff.fte:g} årsværk"
        basis = basis or f"{hours} × {format_kr(staff.annual_cost)} kr. pr. årsværk"
        return cls(label, staff.amounts(), basis, staff, payer=payer, kind=kind)


@dataclass(frozen=True)
class SavingsLine(BudgetLine):
    """A direct yearly savings line, for cases published only as totals (Ballerup, Silkeborg)."""


def _outcome_ids(field_name: str, value: Any) -> tuple[str, ...]:
    """One outcome id, or several (a target for job + education), as a tuple."""
    if value is None:
        return ()
    ids = (value,) if isinstance(value, str) else tuple(value)
    for outcome_id in ids:
        if not isinstance(outcome_id, str) or not _IDENTIFIER.match(outcome_id):
            raise InvalidValueError(field_name, "et effekt-id skrives med små bogstaver, tal og _, fx job; flere som en liste", value=value)
    return ids


@dataclass(frozen=True)
class Target:
    """Måltal for one year: persons and/or full-year persons reaching one or more outcomes, and/or
    expected savings. ``outcome`` is an id, a list of ids (self-support = ["job", "education"]) or None."""

    year: int
    outcome: str | tuple[str, ...] | None = None
    persons: float | None = None
    person_years: float | None = None
    savings: float | None = None
    label: str = ""

    def __post_init__(self) -> None:
        _set(self, "year", v.year("year", self.year))
        _set(self, "outcome", _outcome_ids("outcome", self.outcome) or None)
        for name in ("persons", "person_years", "savings"):
            value = getattr(self, name)
            if value is not None:
                _set(self, name, v.count(name, value))
        _set(self, "label", v.text("label", self.label, required=False))
        if self.persons is None and self.person_years is None and self.savings is None:
            raise InvalidValueError("target", "et måltal skal have mindst ét af persons, person_years eller savings")

    @property
    def outcomes(self) -> tuple[str, ...]:
        return self.outcome or ()  # type: ignore[return-value]

    @property
    def outcome_key(self) -> str:
        return "+".join(self.outcomes)


@dataclass(frozen=True)
class Actual:
    """Faktiske tal for one year: persons ended with an outcome (job, education, flexjob, førtidspension, ...),
    full-year persons, realised savings (kr.) and active participants."""

    year: int
    outcome: str | None = None
    persons: float | None = None
    person_years: float | None = None
    savings: float | None = None
    active: float | None = None
    label: str = ""

    def __post_init__(self) -> None:
        _set(self, "year", v.year("year", self.year))
        if self.outcome is not None:
            (outcome,) = _outcome_ids("outcome", self.outcome) or (None,)
            _set(self, "outcome", outcome)
        for name in ("persons", "person_years", "savings", "active"):
            value = getattr(self, name)
            if value is not None:
                _set(self, name, v.count(name, value))
        _set(self, "label", v.text("label", self.label, required=False))
        if all(getattr(self, n) is None for n in ("persons", "person_years", "savings", "active")):
            raise InvalidValueError("actual", "et faktisk tal skal have mindst ét af persons, person_years, savings eller active")


@dataclass(frozen=True)
class Case:
    """Investeringscase: the horizon, outcomes, cohorts, costs and direct savings of one case.

    ``periods`` names sub-periods of the horizon, e.g. ``{"projektperiode": (2021, 2022)}``;
    ``published`` holds the figures as the source printed them (see :mod:`xlmodel.published`).
    """

    title: str
    first_year: int
    last_year: int
    municipality: str = ""
    outcomes: tuple[Outcome, ...] = ()
    cohorts: tuple[Cohort, ...] = ()
    costs: tuple[CostItem, ...] = ()
    savings: tuple[SavingsLine, ...] = ()
    targets: tuple[Target, ...] = ()
    periods: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    actuals: tuple[Actual, ...] = ()
    forecast_rate: float | None = None
    published: tuple[Any, ...] = ()
    source: str = ""
    notes: str = ""
    parameters: Parameters = field(default_factory=Parameters)
    appraisal: AppraisalSettings = field(default_factory=AppraisalSettings)
    uncertainty: tuple[Uncertainty, ...] = ()
    risk: RiskSettings = field(default_factory=RiskSettings)
    purpose: str = ""  # what the investment is for (the committee summary's first lines)
    public_purse: PublicPurseSettings = field(default_factory=PublicPurseSettings)  # [public_purse]: tax and udligning
    intervention: str = ""  # the intervention, for the evidence check (xlmodel.evidence): "mentor", "ips", ...
    follows: str = ""  # a follow-up case: the case file of the decision it follows, as written in the case file
    decision: Case | None = field(default=None, compare=False, repr=False)  # that decision case, read with it

    def __post_init__(self) -> None:
        _set(self, "title", v.text("title", self.title))
        _set(self, "purpose", v.text("purpose", self.purpose, required=False))
        _set(self, "intervention", v.text("intervention", self.intervention, required=False))
        _set(self, "follows", v.text("follows", self.follows, required=False))
        _set(self, "municipality", v.text("municipality", self.municipality, required=False))
        _set(self, "source", v.text("source", self.source, required=False))
        _set(self, "notes", v.text("notes", self.notes, required=False))
        first = v.year("first_year", self.first_year)
        last = v.year("last_year", self.last_year)
        if last < first:
            raise InvalidValueError("last_year", f"skal være samme år som eller efter first_year ({first})", value=last)
        if last - first + 1 > v.MAX_HORIZON_YEARS:
            raise InvalidValueError("last_year", f"tidshorisonten må højst være {v.MAX_HORIZON_YEARS} år", value=last)
        _set(self, "first_year", first)
        _set(self, "last_year", last)
        for name in ("outcomes", "cohorts", "costs", "savings", "targets", "actuals", "published"):
            _set(self, name, tuple(getattr(self, name)))
        self._check_outcomes()
        self._check_cohorts()
        self._check_lines()
        self._check_periods()
        self._check_published()
        for i, target in enumerate(self.targets):
            self._in_horizon(f"targets[{i}].year", target.year)
        for i, actual in enumerate(self.actuals):
            self._in_horizon(f"actuals[{i}].year", actual.year)
        if self.forecast_rate is not None:
            rate = v.number("followup.forecast_rate", self.forecast_rate, minimum=0)
            if rate > 2:
                raise InvalidValueError("followup.forecast_rate", f"en realiseringsgrad ligger mellem 0 og 1 (højst 2) — mente du {rate / 100:g}?", value=rate)
            _set(self, "forecast_rate", rate)
        if not isinstance(self.parameters, Parameters):
            raise v.InvalidTypeError("parameters", "skal være xlmodel.parameters.Parameters", value=self.parameters)
        _set(self, "uncertainty", tuple(self.uncertainty))
        check_against(self.uncertainty, {o.id: o for o in self.outcomes}, {"cost": [c.label for c in self.costs], "savings_line": [s.label for s in self.savings]})
        for j, u in enumerate(self.uncertainty):
            if u.distribution == "evidence" and not self.intervention:
                raise InvalidValueError(f"uncertainty[{j}].distribution", 'evidence tager sit spænd fra evidensen for casens indsats: angiv fx intervention = "mentor" under [case]')
        object.__setattr__(self, "_refusion", refusion.resolve(self))

    @property
    def refusion(self) -> refusion.Resolved:
        """The benefits, staircase and reset rule the case uses, resolved from its parameters."""
        return self._refusion  # type: ignore[attr-defined]

    @property
    def has_payer_split(self) -> bool:
        """True when someone besides the kommune saves or pays: a gross benefit, or a line of the stat or region."""
        return any(o.split for o in self.outcomes) or any(line.payer != "kommune" for line in (*self.costs, *self.savings))

    @property
    def payers(self) -> tuple[str, ...]:
        """``kommune`` and ``stat`` always; ``region`` when a cost or savings line names it."""
        used = {line.payer for line in (*self.costs, *self.savings)}
        return tuple(p for p in v.PAYERS if p in ("kommune", "stat") or p in used)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def outcome_ids(self) -> list[str]:
        return [o.id for o in self.outcomes]

    def outcome(self, outcome_id: str) -> Outcome:
        return next(o for o in self.outcomes if o.id == outcome_id)

    def _in_horizon(self, field_name: str, year: int) -> None:
        v.year(field_name, year, first=self.first_year, last=self.last_year)

    def _check_outcomes(self) -> None:
        seen: set[str] = set()
        for i, outcome in enumerate(self.outcomes):
            where = f'outcomes[{i}] "{outcome.id}"'
            if outcome.id in seen:
                raise InvalidValueError(f"{where}.id", "samme effekt-id står to gange", value=outcome.id)
            seen.add(outcome.id)
            for name in ("unit_saving", "benefit_rate"):
                table = getattr(outcome, name)
                if isinstance(table, Mapping):
                    missing = [y for y in self.years if y not in table]
                    if missing:
                        raise InvalidValueError(f"{where}.{name}", f"tabellen mangler år i tidshorisonten: {', '.join(map(str, missing))}")
                    for year in table:
                        self._in_horizon(f"{where}.{name}.{year}", year)

    def _check_cohorts(self) -> None:
        seen: set[str] = set()
        for i, cohort in enumerate(self.cohorts):
            where = f'cohorts[{i}] "{cohort.name}"'
            if cohort.name in seen:
                raise InvalidValueError(f"{where}.name", "to hold har samme navn", value=cohort.name)
            seen.add(cohort.name)
            effect_year = cohort.effect_start // 12
            if not self.first_year <= effect_year <= self.last_year:
                raise InvalidValueError(f"{where}.effect_start", f"effekten skal starte inden for tidshorisonten {self.first_year}–{self.last_year}", value=v.month_text(cohort.effect_start))
            for outcome_id in cohort.outcomes:
                if outcome_id not in self.outcome_ids:
                    raise InvalidValueError(f"{where}.outcomes.{outcome_id}", f"ukendt effekt; kendte: {', '.join(self.outcome_ids) or 'ingen'}", value=outcome_id)
                if cohort.weeks_on_benefit is None and self.outcome(outcome_id).split:
                    raise InvalidValueError(f"{where}.weeks_on_benefit", f"mangler: effekten {outcome_id} har en bruttoydelse, så holdets uger på ydelse ved effektstart (refusionsuret) skal angives, fx weeks_on_benefit = 80")
            pension.check_cohort(self, cohort, where)

    def _check_lines(self) -> None:
        for kind, lines in (("costs", self.costs), ("savings", self.savings)):
            for i, line in enumerate(lines):
                for year in line.amounts:
                    self._in_horizon(f'{kind}[{i}] "{line.label}".amounts.{year}', year)

    def _check_published(self) -> None:
        cohort_names = {c.name for c in self.cohorts}
        line_labels = {line.label for line in (*self.costs, *self.savings)}
        for i, figure in enumerate(self.published):
            where = f'published[{i}] "{figure.figure}"'
            if figure.cohort is not None and figure.cohort not in cohort_names:
                raise InvalidValueError(f"{where}.cohort", "intet hold med det navn", value=figure.cohort)
            known = {*self.outcome_ids, *(t.outcome_key for t in self.targets), *(a.outcome for a in self.actuals if a.outcome)}
            if figure.outcome is not None and figure.outcome not in known:
                raise InvalidValueError(f"{where}.outcome", f"ukendt effekt; kendte: {', '.join(sorted(known)) or 'ingen'}", value=figure.outcome)
            if figure.item is not None and figure.item not in line_labels:
                raise InvalidValueError(f"{where}.item", "ingen udgifts- eller besparelseslinje med den label", value=figure.item)
            for year in (*figure.values, *(figure.years or ())):
                self._in_horizon(f"{where}.years", year)

    def _check_periods(self) -> None:
        periods: dict[str, tuple[int, int]] = {}
        for name, bounds in dict(self.periods).items():
            try:
                first, last = bounds
            except (TypeError, ValueError):
                raise InvalidValueError(f"periods.{name}", "en periode skrives [første år, sidste år]", value=bounds) from None
            self._in_horizon(f"periods.{name}[0]", first)
            self._in_horizon(f"periods.{name}[1]", last)
            if last < first:
                raise InvalidValueError(f"periods.{name}", "sidste år ligger før første år", value=bounds)
            periods[name] = (int(first), int(last))
        _set(self, "periods", MappingProxyType(periods))


__all__ = [
    "HOURS_PER_FTE",
    "Actual",
    "BudgetLine",
    "Case",
    "Cohort",
    "CohortOutcome",
    "CostItem",
    "Fallback",
    "Outcome",
    "SavingsLine",
    "StaffCost",
    "Target",
    "XlmodelError",
    "year_shares_from_months",
]
