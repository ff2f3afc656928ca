"""Cached values of our functions in the ``officejs`` and ``com`` books, one vectorised call per block.

A book of 200 cohorts × 3 outcomes × 20 years has 24,000 cells that call PERSON_YEARS or SAVINGS, each for
one cohort and one year. Their cached values are computed with the same Python functions, but once per
block of cells: the cells of one outcome on one sheet share every argument but the cohort's own cells
(persons, dates, deadweight: one column) and the year (one row), so one call of the function with those
columns and that row gives the whole block, exactly as SAVINGS spills in Excel. The arguments are the
values the cells hold, in the form formualizer passes them to a callback (dates as serial numbers,
blanks as None, numbers as the file stores them: openpyxl writes 16 significant digits); a block whose call fails is left to the per-cell evaluation, so every error is reported
for its own cell. ``tests/test_workbooks.py`` checks that both ways give identical values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from workbooks.layout import MAX_FALLBACKS
from workbooks.xlsx_writer import stored_number
from xlmodel.model import Case, Cohort, Outcome
from xlmodel.validate import EXCEL_EPOCH, month_start


@dataclass(frozen=True)
class FunctionBlock:
    """Cells ``rows`` × ``years`` columns from ``first_col`` of ``sheet``: the rows ``calls`` (indices into
    ``rows``) call ``function`` (a name in ``udfs.FUNCTIONS``) with ``args`` (per-cohort arguments as columns,
    the years as a row); the other rows have net persons 0, where the cells' ``IF(net=0,0,…)`` gives 0."""

    sheet: str
    rows: tuple[int, ...]
    first_col: int
    years: int
    calls: tuple[int, ...]
    function: str
    args: tuple[Any, ...]


def _serial(month_index: int | None) -> float | None:
    """The first day of a month (``year × 12 + month − 1``) as Excel's serial number, e.g. April 2021 → 44287.0."""
    if month_index is None:
        return None
    return float((month_start(month_index) - EXCEL_EPOCH).days)


def _stored(value: float) -> float:
    """A number as the file holds it (:func:`workbooks.xlsx_writer.stored_number`: 16 significant digits), so
    0.26226542116988194 is read back as 0.2622654211698819 by every engine.

    >>> _stored(0.26226542116988194)
    0.2622654211698819
    """
    return float(stored_number(float(value)))


def _number(value: float | None) -> float | None:
    return None if value is None else _stored(value)


def cohort_blocks(
    sheet: str, function: str, case: Case, outcomes: Sequence[tuple[int, Outcome]], years: Sequence[int], first_col: int, row_of: Callable[[int, int], int], capacity: int
) -> list[FunctionBlock]:
    """One block per outcome: the rows ``row_of(cohort index, outcome index)`` of all ``capacity`` cohort
    rows (a template's blank rows included); those whose net persons are not 0 call the function.

    ``function`` is ``person_years`` or ``savings`` (which takes the outcome's unit savings as its second
    argument, one per year)."""
    blocks = []
    for k, outcome in outcomes:
        calls, persons, effect, start, dead = [], [], [], [], []
        for i, cohort in enumerate(case.cohorts):
            co = cohort.outcomes.get(outcome.id)
            if co is None:
                continue
            deadweight = _deadweight_cell(cohort, co.deadweight, co.deadweight_rate)
            if _stored(co.persons) - deadweight == 0:
                continue
            calls.append(i)
            persons.append([_stored(co.persons)])
            effect.append([_serial(cohort.effect_start)])
            start.append([_serial(cohort.start)])
            dead.append([deadweight])
        rows = tuple(row_of(i, k) for i in range(capacity))
        if not calls:
            blocks.append(FunctionBlock(sheet, rows, first_col, len(years), (), function, ()))
            continue
        fallbacks: list[list[float | None]] = [[_stored(f.share), _stored(f.after_years)] for f in outcome.fallbacks]
        fallbacks += [[None, None]] * (MAX_FALLBACKS - len(fallbacks))  # the blank rows of the cells' fall-back range
        year_row = [[float(y) for y in years]]
        common = (effect, year_row, fallbacks, _number(outcome.fallback_month), start, dead)
        if function == "savings":
            args: tuple[Any, ...] = (persons, [[_number(outcome.unit_saving_in(y)) for y in years]], *common)
        else:
            args = (persons, *common)
        blocks.append(FunctionBlock(sheet, rows, first_col, len(years), tuple(calls), function, args))
    return blocks


def _deadweight_cell(cohort: Cohort, deadweight: float, rate: float | None) -> float:
    """What the cells' deadweight argument evaluates to: deadweight persons + rate × participants (blanks as 0)."""
    return _stored(deadweight or 0) + _stored(rate or 0) * _stored(cohort.participants)


def block_values(block: FunctionBlock, functions: dict[str, Callable[..., list[list[Any]]]]) -> dict[int, list[float]] | None:
    """Row → the block's values in that row, or None when the call fails (the cells then evaluate one by one)."""
    values = {row: [0.0] * block.years for row in block.rows}
    if not block.calls:
        return values
    try:
        grid = functions[block.function](*block.args)
    except Exception:  # any failure: leave the cells to the per-cell evaluation, which reports each
        return None
    if len(grid) != len(block.calls) or any(len(row) != block.years or not all(isinstance(v, float | int) and not isinstance(v, bool) for v in row) for row in grid):
        return None  # an error value in the grid: per cell, so each cell gets its own
    for i, row_values in zip(block.calls, grid, strict=True):
        values[block.rows[i]] = [float(v) for v in row_values]
    return values

