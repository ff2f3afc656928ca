"""Build a budget workbook for a case: the orchestrator. Which sheets, in which order, and the book's own
properties; each sheet is a module of :mod:`workbooks.sheets`, and every cell goes through
:class:`workbooks.writer.Writer`.

Savings cells call SAVINGS/PERSON_YEARS in the text each runtime needs (``officejs``:
``_xldudf_XLMODEL_SAVINGS``; ``com``: ``SAVINGS``) or compute the same with built-in functions
(``native``). Totals, net, cumulative and payback are built-in formulas in every runtime. No literal
rates in formulas (only 0, 1 and 12); no volatile functions. User text (titles, labels, notes) is always
written as text, never as a formula.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.followup_lines import actual_lines, target_lines
from workbooks.function_blocks import FunctionBlock
from workbooks.layout import MIN_AGES, Layout, Shape, col
from workbooks.sheets import (
    budget,
    calculation,
    checks,
    cohorts,
    cover,
    followup,
    inputs,
    params,
    refusion,
    savings,
    sensitivity,
    summary,
)
from workbooks.writer import Writer
from workbooks.xlsx_writer import TemplateRow
from xlmodel import __version__
from xlmodel.appraisal import Appraisal
from xlmodel.casewriter import dumps_case
from xlmodel.compute import CaseResult, compute_case
from xlmodel.model import Case, Outcome
from xlmodel.pension import age_mix, age_table
from xlmodel.refusion import benefit_periods
from xlmodel.risk import Risk
from xlmodel.validate import PAYERS

#: The sheets in the order they are written: a sheet refers only to rows that the layout fixes, so the
#: order is that of the arithmetic (the cover last: it shows the checks' status and the key figures).
#: The order of the tabs in the book is the layout's (SHEET_NAMES), not this.
SHEETS: tuple[ModuleType, ...] = (inputs, params, cohorts, calculation, refusion, savings, budget, sensitivity, followup, checks, summary, cover)


def book_payers(case: Case) -> tuple[str, ...]:
    """The payers a book shows: the kommune alone when nobody else saves or pays (no outcome split by the
    refusion staircase, no line of the stat or region), else every payer of the case (``Case.payers``)."""
    return case.payers if case.has_payer_split else ("kommune",)


def shape_of(case: Case, *, cohort_capacity: int = 0, cost_capacity: int = 0, savings_capacity: int = 0, target_capacity: int = 0, actual_capacity: int = 0,
             payers: tuple[str, ...] = ()) -> Shape:  # fmt: skip
    """The layout's shape for ``case``; capacities add blank input rows (templates), ``payers`` rows for payers
    the case does not have yet (a template's user may add a line of the stat's)."""
    return with_case_tables(
        Shape(
            first_year=case.first_year,
            last_year=case.last_year,
            outcomes=tuple(case.outcome_ids),
            cohorts=max(len(case.cohorts), cohort_capacity),
            costs=max(len(case.costs), cost_capacity),
            savings=max(len(case.savings), savings_capacity),
            periods=len(case.periods),
            targets=max(len(target_lines(case)), target_capacity),
            actuals=max(len(actual_lines(case)), actual_capacity),
            payers=payers or book_payers(case),
            published=len(case.published),  # a fresh book only: recalc keeps the stored shape's (no --force for it)
            ages=max([MIN_AGES, *(len(age_mix(c)) for c in case.cohorts)]) if any(o.avoids for o in case.outcomes) else 0,
        ),
        case,
    )


def with_case_tables(shape: Shape, case: Case) -> Shape:
    """``shape`` with the parts only tool sheets depend on taken from ``case``: which outcomes are split by
    the staircase, room for their benefit tables, the staircase's bands and the payers (the book's rows of a
    payer stay when the case no longer needs them: rows of zeros cost nothing, a rebuild costs the user a
    --force). Input cells do not move, so ``recalc`` can rebuild a book whose inputs now need more benefit
    periods or another payer."""
    split = tuple(o.id for o in case.outcomes if o.split)
    periods = max((len(benefit_periods(case, o)) for o in case.outcomes if o.split), default=0)
    stairs = case.refusion.staircases
    return dataclasses.replace(
        shape,
        split_outcomes=split,
        benefit_periods=max(periods, shape.benefit_periods if shape.split_outcomes == split else 0),
        bands=len(stairs[0].weeks) if stairs else 4,
        payers=tuple(p for p in PAYERS if p in {*shape.payers, *book_payers(case)}),
        tax_outcomes=tuple(o.id for o in case.outcomes if o.income is not None),
        decision=int(case.decision is not None),
        pension_outcomes=(pension := tuple(o.id for o in case.outcomes if o.avoids)),
        pension_ages=len(age_table(case.parameters)) if pension else 0,
    )


@dataclass(frozen=True)
class Built:
    """A built workbook (formulas, no cached values yet), its input cells and its result-dependent text cells."""

    workbook: Workbook
    inputs: frozenset[tuple[str, str]]
    generated: frozenset[tuple[str, str]]
    layout: Layout
    validated: frozenset[tuple[str, str]] = frozenset()
    blocks: tuple[FunctionBlock, ...] = ()  # cells of our functions that one call per block caches
    #: With ``for_writing``: writes the appraisal's cells and the column widths (not yet in the book,
    #: nor in ``generated``); call it once, e.g. while the formulas are evaluated. None: the book is complete.
    complete: Callable[[], set[str]] | None = None
    #: With ``for_writing``: the year rows of the large sheets, kept as templates (not in ``workbook``).
    template_rows: dict[str, tuple[TemplateRow, ...]] = dataclasses.field(default_factory=dict)
    #: Sheets the tool rewrites whole from the case (the summary, whose sections move with their number of lines).
    free_sheets: frozenset[str] = frozenset()
    #: Sheets whose cells :meth:`cell` handed out to be changed (their cells are written again).
    touched: set[str] = dataclasses.field(default_factory=set)

    @functools.cached_property
    def _sheets(self) -> dict[str, Worksheet]:  # ``workbook[title]`` looks through every sheet
        return {ws.title: ws for ws in self.workbook.worksheets}

    @functools.cached_property
    def _templates(self) -> dict[tuple[str, int], TemplateRow]:
        return {(title, t.row): t for title, rows in self.template_rows.items() for t in rows}

    def template_at(self, title: str, row: int, column: int) -> TemplateRow | None:
        """The template row a cell lies in (None: the cell is in ``workbook``, or nowhere)."""
        template = self._templates.get((title, row))
        return template if template is not None and template.first_col <= column <= template.last_col else None

    def content_at(self, title: str, row: int, column: int) -> tuple[Any, StyleArray | None]:
        """What the tool writes in a cell, its value (or formula) and style, without making the cell.

        >>> from xlmodel.bundled import bundled_root
        >>> from xlmodel.casefile import load_case
        >>> built = build_workbook(load_case(bundled_root() / "cases" / "ishoej_2021.toml"), runtime="native", for_writing=True)
        >>> built.content_at("Beregning", 5, 10)[0][:15], (5, 10) in built.workbook["Beregning"]._cells
        ('=$D5*(MAX(0,MIN', False)
        """
        template = self.template_at(title, row, column)
        if template is not None:
            return template.formula(col(column)), template.style
        cell = self._sheets[title]._cells.get((row, column))
        return (None, None) if cell is None else (cell.value, cell._style)

    def cell(self, title: str, row: int, column: int) -> Cell:
        """The cell of ``workbook`` at ``row``, ``column`` of sheet ``title``, to be changed (``xlmodel upgrade``
        writes the user's comments and edits into today's book); a template row it lies in is made cells first."""
        template = self.template_at(title, row, column)
        if template is not None:
            template.make_cells(self._sheets[title])
            self.template_rows[title] = tuple(t for t in self.template_rows[title] if t is not template)
            del self._templates[(title, row)]
        self.touched.add(title)
        return self._sheets[title].cell(row, column)


def build_workbook(
    case: Case,
    *,
    runtime: str = "officejs",
    lang: str = "da",
    shape: Shape | None = None,
    source_name: str = "",
    guidance: bool = False,
    for_writing: bool = False,
    titles: Mapping[str, str] | None = None,
    exact_shape: bool = False,
    appraised: Callable[[], tuple[Appraisal, Risk | None]] | None = None,
    computed: CaseResult | None = None,
) -> Built:
    """Build the workbook for ``case``; ``guidance`` puts the template's step-by-step guide on the cover.

    ``for_writing`` (``render``: the book is written and nothing else reads it): the appraisal's value cells
    are left to ``Built.complete`` and the year rows of the large sheets to ``Built.template_rows``, so
    ``Built.workbook`` alone is not the whole book; :func:`workbooks.evaluate.with_cached_values` writes it.
    ``titles``: tool sheets' titles by key where a user's book renamed them (``recalc``). ``exact_shape``: ``shape``
    as given, even where the case's tables need another (what the tool wrote before the inputs changed).
    ``appraised``: gives the case's appraisal and Monte Carlo run when the book is completed (``xlmodel upgrade``
    builds two books of one case and runs them once); ``computed``: the case's results, when the caller has them."""
    if shape is None:
        shape = shape_of(case)
    elif not exact_shape:
        shape = with_case_tables(shape, case)
    writer = Writer(case, compute_case(case) if computed is None else computed, runtime, lang, shape, guidance, titles)
    writer.appraised = appraised
    if for_writing:
        writer.template_rows = {}
    for sheet in SHEETS:
        sheet.write(writer)
    wb = writer.finish()
    if not for_writing:
        writer.complete()
    extra = {
        "source": case.source,
        "notes": case.notes,
        "purpose": case.purpose,
        "published": [_figure_dict(f) for f in case.published],
        "source_file": source_name,
        "benefits": {o.id: _benefit_dict(o) for o in case.outcomes if o.split},
        "public_purse": dataclasses.asdict(case.public_purse),
        "intervention": case.intervention,
        "cost_kinds": {item.label: item.kind for item in case.costs if item.kind},
        "follows": case.follows,
        # the decision a follow-up follows, as its case file: a book read later knows it without the file
        "decision": "" if case.decision is None else dumps_case(case.decision),
        "parameters": _parameters_dict(case),
        "appraisal": _appraisal_dict(case),
    }
    for name, value in (
        ("xlmodel_version", __version__),
        ("xlmodel_layout", writer.layout.shape.layout_version),
        ("xlmodel_runtime", runtime),
        ("xlmodel_lang", lang),
        ("xlmodel_shape", writer.layout.shape.to_json()),
        ("xlmodel_case", json.dumps(extra, ensure_ascii=False)),
        ("xlmodel_guidance", "1" if guidance else "0"),
    ):
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    wb.properties.title = case.title
    wb.properties.creator = f"xlmodel {__version__}"
    validated = frozenset((sheet, f"{col(column)}{row}") for (sheet, _), cells in writer.validated.items() for row, column in cells)
    rows = {title: tuple(found) for title, found in (writer.template_rows or {}).items()}
    return Built(wb, frozenset(writer.inputs), frozenset(writer.generated), writer.layout, validated, tuple(writer.blocks), writer.complete if for_writing else None, rows, frozenset(writer.free_sheets))


def _benefit_dict(outcome: Outcome) -> dict[str, Any]:
    """What a split outcome keeps in the book's properties: its gross benefit and, opted in, its wage."""
    found = {"benefit": outcome.benefit, "benefit_rate": _rate_dict(outcome.benefit_rate)}
    if outcome.avoids:
        found["avoids"] = outcome.avoids
    if outcome.income is not None:
        found |= {"income": outcome.income if isinstance(outcome.income, str) else _rate_dict(outcome.income), "income_share": outcome.income_share}
    return found


def _rate_dict(rate: Any) -> Any:
    return {str(y): v for y, v in rate.items()} if hasattr(rate, "items") else rate


def _parameters_dict(case: Case) -> dict[str, Any]:
    """The case's pinned date and its own parameter values, so ``recalc`` sees the same parameters."""
    p = case.parameters
    return {
        "date": None if p.known_on is None else p.known_on.isoformat(),
        "overrides": [
            {"name": o.name, "date": o.date.isoformat(), "note": o.note, "value": o.value, "weeks": list(o.weeks), "rates": list(o.rates), "reference": o.reference}
            for o in p.overrides
        ],
    }


def _appraisal_dict(case: Case) -> dict[str, Any]:
    """The case's appraisal and risk settings (the flat rate is also an input cell), for ``recalc``."""
    bias = case.appraisal.optimism_bias
    return {
        "tornado_change": case.appraisal.tornado_change,
        "optimism_bias": None if bias is None else dataclasses.asdict(bias),
        "uncertainty": [{k: v for k, v in dataclasses.asdict(u).items() if v is not None} for u in case.uncertainty],
        "risk": dataclasses.asdict(case.risk),
    }


def _figure_dict(figure: Any) -> dict[str, Any]:
    data = {k: v for k, v in vars(figure).items() if v not in (None, "", {}, ())}
    if "values" in data:
        data["values"] = {str(y): v for y, v in data["values"].items()}
    if "years" in data:
        data["years"] = list(data["years"])
    return data
