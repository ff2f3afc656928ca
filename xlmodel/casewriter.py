"""A case as a case file: the inverse of :mod:`xlmodel.casefile`, so a case read from a book (``xlmodel
extract``) can be put under version control and built again. Defaults are left out; years become TOML
keys, month indices first-of-month dates.

>>> from xlmodel import load_case, loads_case
>>> from xlmodel.bundled import bundled_case
>>> case = load_case(bundled_case("ishoej_2021.toml"))
>>> loads_case(dumps_case(case)) == case
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import tomli_w

from xlmodel.model import Actual, Case, Cohort, CostItem, Outcome, SavingsLine, Target
from xlmodel.settings import AppraisalSettings, PublicPurseSettings, RiskSettings
from xlmodel.validate import month_start

#: The header every written case file starts with.
HEADER = "# A case file (investeringscase) for xlmodel: xlmodel report FILE.toml, xlmodel build FILE.toml -o BOOK.xlsx\n"


def _years(amounts: Mapping[int, float]) -> dict[str, float]:
    return {str(year): float(value) for year, value in sorted(amounts.items())}


def _rate(value: float | Mapping[int, float] | None) -> Any:
    return _years(value) if isinstance(value, Mapping) else value


def _fields(value: Any) -> dict[str, Any]:
    """A frozen value object's fields, one level deep (its mappings are read-only proxies)."""
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


def _without_empty(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` without None, empty text and empty tables or lists (TOML has no null)."""
    return {key: value for key, value in data.items() if value is not None and value != "" and value != {} and value != [] and value != ()}


def _outcome(outcome: Outcome) -> dict[str, Any]:
    return _without_empty({
        "id": outcome.id, "label": outcome.label, "unit_saving": _rate(outcome.unit_saving),
        "fallbacks": [[f.share, f.after_years] for f in outcome.fallbacks], "fallback_month": outcome.fallback_month,
        "benefit": outcome.benefit, "benefit_rate": _rate(outcome.benefit_rate), "wage_subsidy": outcome.wage_subsidy or None,
        "income": outcome.income if isinstance(outcome.income, str) else _rate(outcome.income),
        "income_share": None if outcome.income_share == 1.0 else outcome.income_share,
        "avoids": outcome.avoids,
    })


def _cohort(cohort: Cohort) -> dict[str, Any]:
    outcomes = {
        key: _without_empty({"persons": co.persons, "deadweight": co.deadweight or None, "deadweight_rate": co.deadweight_rate})
        for key, co in cohort.outcomes.items()
    }
    return _without_empty({
        "name": cohort.name, "participants": cohort.participants, "start": None if cohort.start is None else month_start(cohort.start),
        "effect_start": month_start(cohort.effect_start), "weeks_on_benefit": cohort.weeks_on_benefit, "age": _age(cohort.age), "outcomes": outcomes,
    })


def _age(age: float | Mapping[float, float] | None) -> Any:
    """A cohort's age, or its age mix with the ages as TOML keys (``{ "40" = 0.5 }``)."""
    if isinstance(age, Mapping):
        return {f"{a:g}": share for a, share in age.items()}
    return age


def _cost(item: CostItem) -> dict[str, Any]:
    line: dict[str, Any] = {"label": item.label, "basis": item.basis, "payer": None if item.payer == "kommune" else item.payer, "kind": item.kind or None}
    staff = item.staff
    if staff is None:
        line["amounts"] = _years(item.amounts)
    else:
        line |= {"fte": None if staff.hours_per_week is not None else staff.fte, "hours_per_week": staff.hours_per_week,
                 "annual_cost": staff.annual_cost, "shares": _years(staff.year_shares)}
    return _without_empty(line)


def _saving(line: SavingsLine) -> dict[str, Any]:
    return _without_empty({"label": line.label, "basis": line.basis, "payer": None if line.payer == "kommune" else line.payer, "amounts": _years(line.amounts)})


def _entry(entry: Target | Actual) -> dict[str, Any]:
    data = _fields(entry)
    if isinstance(data.get("outcome"), tuple):
        data["outcome"] = list(data["outcome"])
    return _without_empty(data)


def _figure(figure: Any) -> dict[str, Any]:
    defaults = {f.name: f.default for f in dataclasses.fields(figure) if f.default is not dataclasses.MISSING}
    data = {key: value for key, value in _fields(figure).items() if key not in defaults or value != defaults[key]}
    if data.get("values"):
        data["values"] = _years(data["values"])
    if data.get("years") is not None:
        data["years"] = list(data["years"])
    return _without_empty(data)


def _appraisal(settings: AppraisalSettings) -> dict[str, Any]:
    defaults = AppraisalSettings()
    data: dict[str, Any] = {"discount_rate": settings.discount_rate}
    if settings.tornado_change != defaults.tornado_change:
        data["tornado_change"] = settings.tornado_change
    if settings.optimism_bias is not None:
        data["optimism_bias"] = _without_empty(_fields(settings.optimism_bias))
    return _without_empty(data)


def case_data(case: Case) -> dict[str, Any]:
    """``case`` as the tables of a case file (what :func:`xlmodel.casefile.parse_case` reads).

    >>> from xlmodel.casefile import parse_case
    >>> data = case_data(parse_case({"case": {"title": "Mentor", "first_year": 2026, "last_year": 2027}}))
    >>> data
    {'case': {'title': 'Mentor', 'first_year': 2026, 'last_year': 2027}}
    """
    head = _without_empty({
        "title": case.title, "municipality": case.municipality, "first_year": case.first_year, "last_year": case.last_year,
        "source": case.source, "notes": case.notes, "purpose": case.purpose, "intervention": case.intervention, "follows": case.follows,
        "periods": {name: list(bounds) for name, bounds in case.periods.items()}, "parameters_date": case.parameters.known_on,
    })
    overrides = [
        _without_empty({"name": o.name, "date": o.date, "value": o.value, "weeks": list(o.weeks), "rates": list(o.rates), "note": o.note, "reference": o.reference})
        for o in case.parameters.overrides
    ]
    risk = {key: value for key, value in _fields(case.risk).items() if value != getattr(RiskSettings(), key)}
    return _without_empty({
        "case": head,
        "outcomes": [_outcome(o) for o in case.outcomes],
        "cohorts": [_cohort(c) for c in case.cohorts],
        "costs": [_cost(c) for c in case.costs],
        "savings": [_saving(s) for s in case.savings],
        "targets": [_entry(t) for t in case.targets],
        "actuals": [_entry(a) for a in case.actuals],
        "followup": _without_empty({"forecast_rate": case.forecast_rate}),
        "published": [_figure(f) for f in case.published],
        "parameters": overrides,
        "appraisal": _appraisal(case.appraisal),
        "uncertainty": [_without_empty(_fields(u)) for u in case.uncertainty],
        "risk": risk,
        "public_purse": {key: value for key, value in _fields(case.public_purse).items() if value != getattr(PublicPurseSettings(), key)},
    })


def dumps_case(case: Case) -> str:
    """``case`` as case-file text (TOML).

    >>> from xlmodel.casefile import parse_case
    >>> print(dumps_case(parse_case({"case": {"title": "Mentor", "first_year": 2026, "last_year": 2027}})).splitlines()[1:])
    ['[case]', 'title = "Mentor"', 'first_year = 2026', 'last_year = 2027']
    """
    return HEADER + tomli_w.dumps(case_data(case), multiline_strings=True)


__all__ = ["case_data", "dumps_case"]
