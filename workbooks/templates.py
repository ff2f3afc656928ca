"""Blank templates finance staff fill in: the bundled template case with spare input rows and guidance."""

from __future__ import annotations

import dataclasses
from importlib import resources
from pathlib import Path

from workbooks.build import Built, build_workbook, shape_of
from workbooks.evaluate import WorkbookError
from xlmodel.bundled import PLACES
from xlmodel.casefile import loads_case
from xlmodel.model import Case, Cohort, CostItem, SavingsLine, StaffCost, Target
from xlmodel.validate import year as check_year

#: Blank rows a template offers: cohorts, cost lines, direct savings lines, target and actual lines.
CAPACITY = {"cohort_capacity": 24, "cost_capacity": 8, "savings_capacity": 4, "target_capacity": 8, "actual_capacity": 12}


def template_case(first_year: int | None = None, years: int | None = None) -> Case:
    """The bundled template case, moved to start in ``first_year`` and run ``years`` years."""
    case = loads_case(resources.files("workbooks").joinpath("template.toml").read_text(encoding="utf-8"), name="template.toml")
    if first_year is None and years is None:
        return case
    first = case.first_year if first_year is None else check_year("--first-year", first_year)
    span = (case.last_year - case.first_year + 1) if years is None else years
    if not 2 <= span <= 30:
        raise WorkbookError("--years", "en skabelon har mellem 2 og 30 år", value=span)
    shift = first - case.first_year
    return _shifted(case, shift, first + span - 1)


def _shifted(case: Case, shift: int, last: int) -> Case:
    """``case`` moved ``shift`` years, with the horizon ending in ``last``."""
    move = 12 * shift
    first = case.first_year + shift
    years = range(first, last + 1)
    outcomes = tuple(dataclasses.replace(o, unit_saving=o.unit_saving if not isinstance(o.unit_saving, dict) else {y + shift: v for y, v in o.unit_saving.items()}) for o in case.outcomes)
    cohorts = tuple(Cohort(c.name, c.participants, c.effect_start + move, c.outcomes, (c.start or c.effect_start) + move) for c in case.cohorts)
    costs = []
    for item in case.costs:
        if item.staff is not None:
            staff = StaffCost(item.staff.annual_cost, {y + shift: s for y, s in item.staff.year_shares.items() if y + shift in years}, item.staff.fte)
            costs.append(CostItem.from_staff(item.label, staff, item.basis))
        else:
            costs.append(CostItem(item.label, {y + shift: a for y, a in item.amounts.items() if y + shift in years}, item.basis))
    savings = tuple(SavingsLine(s.label, {y + shift: a for y, a in s.amounts.items() if y + shift in years}, s.basis) for s in case.savings)
    targets = tuple(Target(t.year + shift, t.outcome, t.persons, t.person_years, t.savings, t.label) for t in case.targets if t.year + shift in years)
    periods = {name: (a + shift, min(b + shift, last)) for name, (a, b) in case.periods.items() if a + shift <= last}
    return Case(case.title, first, last, case.municipality, outcomes, cohorts, tuple(costs), savings, targets, periods, source=case.source, notes=case.notes, purpose=case.purpose)


def build_template(*, runtime: str = "officejs", lang: str = "da", first_year: int | None = None, years: int | None = None) -> Built:
    case = template_case(first_year, years)
    return build_workbook(case, runtime=runtime, lang=lang, shape=shape_of(case, **CAPACITY, payers=("kommune", "stat")), source_name="template.toml", guidance=True)


def template_targets(root: Path) -> list[tuple[Path, str, str]]:
    """(workbook, runtime, lang) for every committed template."""
    return [(root / PLACES["templates"] / f"skabelon.{runtime}.{lang}.xlsx", runtime, lang) for runtime in ("officejs", "com", "native") for lang in ("da", "en")]
