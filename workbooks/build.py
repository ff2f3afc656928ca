"""Build a budget workbook for a case: live formulas in a fixed set of sheets, inputs in one style.

Sheets, in order: cover, assumptions (inputs), cohort plan (inputs), calculation, savings per
cohort × outcome × year (the Ishøj table), budget per year (the Ballerup table), checks. Savings
cells call SAVINGS/PERSON_YEARS in the text each runtime needs (``officejs``:
``_xldudf_XLMODEL_SAVINGS``; ``com``: ``SAVINGS``) or compute the same with built-in functions
(``native``). Totals, net, cumulative and payback are built-in formulas in every runtime. No literal
rates in formulas (only 0, 1 and 12); no volatile functions.

User text (titles, labels, notes) is always written as text, never as a formula.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart
from openpyxl.formatting.rule import CellIsRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.charts import year_chart
from workbooks.evaluate import WorkbookError
from workbooks.followup_lines import MEASURES, actual_lines, target_lines
from workbooks.formulas import overlap, paid_back, payback_year, yes_no_format
from workbooks.function_blocks import FunctionBlock, cohort_blocks
from workbooks.labels import format_percent, label
from workbooks.layout import (
    CHECKS_PAYBACK_TOLERANCE_ROW,
    CHECKS_TOLERANCE_ROW,
    COL_DETAIL,
    COL_LABEL,
    COL_NOTE,
    COL_P1,
    COL_P2,
    COL_P3,
    COL_UNIT,
    COL_WEEKS,
    FIRST_YEAR_COL,
    FUNCTION_PREFIX,
    HEADER_ROW,
    MAX_FALLBACKS,
    RUNTIMES,
    SHEET_NAMES,
    Layout,
    Shape,
    col,
)
from workbooks.sheet_params import write_params
from workbooks.sheet_refusion import block_sum, pair_sum, write_refusion
from workbooks.sheet_sensitivity import write_sensitivity
from workbooks.sheet_summary import write_summary
from workbooks.xlsx_writer import TemplateRow
from xlmodel import __version__
from xlmodel.appraisal import Appraisal, appraise
from xlmodel.compute import PAYBACK_TOLERANCE_KR, CaseResult, compute_case
from xlmodel.errors import InvalidValueError
from xlmodel.model import HOURS_PER_FTE, Case, CostItem
from xlmodel.published import compare
from xlmodel.refusion import benefit_periods
from xlmodel.risk import Risk, simulate
from xlmodel.rounding import format_kr
from xlmodel.validate import EARLIEST_DATE, LATEST_DATE, PAYERS, month_start

#: The most cohort × outcome rows a workbook holds (see the README's workbook benchmark: time and memory
#: grow linearly; beyond this a book is refused up front instead of exhausting the machine).
MAX_WORKBOOK_PAIRS = 6_000
#: At most this many outcomes counted together by one target line (job + education + ...).
TARGET_OUTCOMES = 3
#: Excel 365's calculation engine id: a file with an older calcId is fully recalculated on open,
#: which without the add-in would replace the cached values by #NAME?.
EXCEL_CALC_ID = 191029
#: The widest a label column gets (longer text is cut at the next filled cell, as in any budget table).
MAX_LABEL_WIDTH = 48
#: Text longer than this (characters) in a column after the first does not widen it (a heading wraps).
WRAP_AT = 28

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INPUT_FONT = Font(color="1F4E79")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
SECTION_FONT = Font(bold=True, size=12)
TITLE_FONT = Font(bold=True, size=14)
THIN = Side(style="thin", color="BFBFBF")
INPUT_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
KR = "#,##0;-#,##0"
PERSONS = "#,##0.00"
SHARE = "0.0%"
DATE = "yyyy-mm-dd"
#: The sheets with cells that need the appraisal (see _Writer.complete).
DEFERRED_SHEETS = frozenset({"sensitivity", "summary", "cover"})
OK_FILL = PatternFill("solid", fgColor="C6EFCE")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")


def _excel_date(day: dt.date) -> str:
    """A date as formula text, e.g. ``DATE(1950,1,1)``: for data validation bounds."""
    return f"DATE({day.year},{day.month},{day.day})"


def q(sheet: str) -> str:
    """A sheet name as formulas write it: bare when it is only letters (``Forudsætninger``, as Excel itself
    writes it), else quoted (``'Follow-up'``). Bare names are also several times faster to evaluate in
    formualizer (bench/bench_workbooks.py).

    >>> q("Forudsætninger"), q("Follow-up"), q("Bob's")
    ('Forudsætninger', "'Follow-up'", "'Bob''s'")
    """
    if sheet.isalpha():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def column_runs(cells: Iterable[tuple[int, int]]) -> list[CellRange]:
    """The cells ``(row, column)`` as ranges of consecutive rows, one column each.

    >>> [str(r) for r in column_runs([(5, 4), (6, 4), (7, 4), (9, 4), (5, 2)])]
    ['B5', 'D5:D7', 'D9']
    """
    runs: list[list[int]] = []  # [column, first row, last row]
    for column, row in sorted({(c, r) for r, c in cells}):
        if runs and runs[-1][0] == column and runs[-1][2] == row - 1:
            runs[-1][2] = row
        else:
            runs.append([column, row, row])
    return [CellRange(min_col=column, min_row=first, max_col=column, max_row=last) for column, first, last in runs]


def shape_of(case: Case, *, cohort_capacity: int = 0, cost_capacity: int = 0, savings_capacity: int = 0, target_capacity: int = 0, actual_capacity: int = 0) -> Shape:
    """The layout's shape for ``case``; capacities add blank input rows (templates)."""
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
        ),
        case,
    )


def with_case_tables(shape: Shape, case: Case) -> Shape:
    """``shape`` with the parts only tool sheets depend on taken from ``case``: which outcomes are split by
    the staircase, room for their benefit tables, the staircase's bands and the payers. Input cells do not
    move, so ``recalc`` can rebuild a book whose inputs now need more benefit periods or another payer."""
    split = tuple(o.id for o in case.outcomes if o.split)
    periods = max((len(benefit_periods(case, o)) for o in case.outcomes if o.split), default=0)
    stairs = case.refusion.staircases
    return dataclasses.replace(
        shape,
        split_outcomes=split,
        benefit_periods=max(periods, shape.benefit_periods if shape.split_outcomes == split else 0),
        bands=len(stairs[0].weeks) if stairs else 4,
        payers=case.payers,
    )


class _Writer:
    """Writes one workbook; keeps track of which cells are inputs (the user's) and which are the tool's."""

    def __init__(self, case: Case, runtime: str, lang: str, shape: Shape, guidance: bool = False) -> None:
        if runtime not in RUNTIMES:
            raise InvalidValueError("runtime", f"kendte: {', '.join(RUNTIMES)}", value=runtime)
        if lang not in SHEET_NAMES:
            raise InvalidValueError("lang", "kendte: da, en", value=lang)
        for outcome in case.outcomes:
            if len(outcome.fallbacks) > MAX_FALLBACKS:
                raise InvalidValueError(f'outcomes "{outcome.id}".fallbacks', f"et regneark har plads til højst {MAX_FALLBACKS} tilbagefald pr. effekt", value=len(outcome.fallbacks))
        pairs = shape.cohorts * max(len(shape.outcomes), 1)
        if pairs > MAX_WORKBOOK_PAIRS:
            raise WorkbookError(
                "cohorts",
                f"et regneark kan rumme højst {format_kr(MAX_WORKBOOK_PAIRS)} rækker af hold × effekter; denne case har {format_kr(pairs)} "
                f"({format_kr(shape.cohorts)} hold × {len(shape.outcomes)} effekter). Brug xlmodel report eller xlmodel portfolio, "
                "eller del casen op i flere regneark",
            )
        if len(case.refusion.staircases) > 1:
            raise InvalidValueError("refusion.staircase", "refusionstrappen skifter inden for casens tidshorisont; et regneark kan kun vise én trappe")
        self.case, self.runtime, self.lang = case, runtime, lang
        self.layout = Layout(shape)
        self.names = SHEET_NAMES[lang]
        self.yes_no = yes_no_format(label(lang, "yes"), label(lang, "no"))  # the number format of 1/0 flags
        self.payback_tolerance = f"{q(self.names['checks'])}!$C${CHECKS_PAYBACK_TOLERANCE_ROW}"
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.sheets: dict[str, Worksheet] = {key: self.wb.create_sheet(name) for key, name in self.names.items()}
        self.inputs: list[tuple[str, str]] = []  # (sheet title, coordinate) of every input cell
        self.generated: list[tuple[str, str]] = []  # tool text that depends on the results (deviations)
        self.guidance = guidance
        self.validations: dict[tuple[str, str], DataValidation] = {}
        self.validated: dict[tuple[str, str], list[tuple[int, int]]] = {}  # cells (row, column) per validation, set once at the end
        self._styles: dict[tuple[str | None, bool], StyleArray] = {}  # see _styled
        self.blocks: list[FunctionBlock] = []  # our functions' cells, for one vectorised call per block
        self.shown: dict[tuple[str, int], int] = {}  # (sheet, column) -> longest text a formula there repeats
        self.timelines: set[str] = set()  # sheets with the years across (their label columns end before the years)
        self.later: list[Callable[[], None]] = []  # cells that need the appraisal: written by complete()
        self.template_rows: dict[str, list[TemplateRow]] | None = None  # see year_formulas
        self.appraisal: Appraisal | None = None
        self.risk: Risk | None = None

    # --- small helpers ---
    def t(self, key: str, **kwargs: Any) -> str:
        return label(self.lang, key, **kwargs)

    def ref(self, key: str) -> str:
        return q(self.names[key])

    def text(self, ws: Worksheet, row: int, column: int, value: str, *, font: Font | None = None) -> Cell:
        """User or tool text, always as text (a leading '=' never becomes a formula)."""
        cell = ws.cell(row=row, column=column)
        cell.value = value
        cell.data_type = "s"
        if font is not None:
            cell.font = font
        return cell

    def _style(self, number_format: str | None, is_input: bool) -> StyleArray:
        """The style (index array) of the input style (or none) with ``number_format``. openpyxl hashes every
        style part on each assignment; a workbook has few distinct styles, so each is made once and its index
        array copied to each cell (a third of the build time of a large book otherwise)."""
        key = (number_format, is_input)
        style = self._styles.get(key)
        if style is None:
            cell = Cell(self.sheets["cover"])  # a cell of no sheet's grid, to make the style with
            if is_input:
                cell.fill, cell.font, cell.border = INPUT_FILL, INPUT_FONT, INPUT_BORDER
            if number_format:
                cell.number_format = number_format
            style = self._styles[key] = StyleArray(cell._style)
        return style

    def _styled(self, cell: Cell, number_format: str | None, is_input: bool) -> None:
        """Give ``cell`` the input style (or none) and ``number_format`` (see :meth:`_style`)."""
        cell._style = StyleArray(self._style(number_format, is_input))

    def formula(self, ws: Worksheet, row: int, column: int, formula: str, number_format: str | None = None, *, shows: str | None = None) -> Cell:
        """The tool's own formula (never user text: that goes through :meth:`text`); ``shows`` is the text it
        shows (a name it repeats), so its column can be made wide enough."""
        if shows:
            key = (ws.title, column)
            self.shown[key] = max(self.shown.get(key, 0), len(shows))
        cell = ws._cells.get((row, column))
        if cell is None:  # made directly: ws.cell() checks its arguments, which costs a third of this call
            cell = ws._cells[(row, column)] = Cell(ws, row=row, column=column)
        cell._value, cell.data_type = formula, "f"  # our own formula text: openpyxl's value checks are not needed
        if number_format:
            self._styled(cell, number_format, is_input=False)
        return cell

    def year_formulas(self, ws: Worksheet, row: int, template: str, number_format: str) -> None:
        """The formula ``template`` in each year column of ``row``, with ``{c}`` the year's column letter,
        e.g. ``"={c}5*2"`` gives ``=I5*2``, ``=J5*2``, ...: the large sheets. With ``template_rows`` the row
        is kept as its template (written by workbooks.xlsx_writer, no openpyxl cells), else made in one loop."""
        style, cells = self._style(number_format, False), ws._cells
        formulas = TemplateRow(row, FIRST_YEAR_COL, self.layout.last_year_col, template, style)
        if self.template_rows is not None:
            self.template_rows.setdefault(ws.title, []).append(formulas)
            return
        for year in self.layout.years:
            column = self.layout.year_col(year)
            cell = cells.get((row, column))  # only the freeze-panes corner exists already (empty)
            if cell is None:
                cell = cells[(row, column)] = Cell(ws, row=row, column=column)
            cell._value, cell.data_type, cell._style = formulas.formula(col(column)), "f", StyleArray(style)

    def input(self, ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None, validation: str | None = None) -> Cell:
        cell = ws.cell(row=row, column=column)
        if isinstance(value, str):
            cell.value = value
            cell.data_type = "s"
        else:
            cell.value = value
        self._styled(cell, number_format, is_input=True)
        if validation:
            self._validation(ws.title, validation)
            self.validated.setdefault((ws.title, validation), []).append((row, column))
        self.inputs.append((ws.title, cell.coordinate))
        return cell

    def header_row(self, ws: Worksheet, headers: Sequence[str], *, years: bool) -> None:
        for i, header in enumerate(headers):
            self.text(ws, HEADER_ROW, i + 1, header, font=Font(bold=True)).fill = HEADER_FILL
        if years:
            self.timelines.add(ws.title)
            for c in range(len(headers) + 1, FIRST_YEAR_COL):  # one band from the labels to the last year
                ws.cell(row=HEADER_ROW, column=c).fill = HEADER_FILL
            for year in self.layout.years:
                cell = ws.cell(row=HEADER_ROW, column=self.layout.year_col(year), value=year)
                cell.font, cell.fill = Font(bold=True), HEADER_FILL
            ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=FIRST_YEAR_COL)
        else:
            ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)

    def top(self, ws: Worksheet, title: str) -> None:
        self.text(ws, 1, 1, title, font=TITLE_FONT)
        self.text(ws, 2, 1, self.t("master_check"), font=Font(bold=True))
        master = f"{self.ref('checks')}!$B$2" if ws is not self.sheets["checks"] else None
        if master:
            self.formula(ws, 2, 2, f"={master}")
        ws.conditional_formatting.add("B2", CellIsRule(operator="equal", formula=['"OK"'], fill=OK_FILL))
        ws.conditional_formatting.add("B2", CellIsRule(operator="notEqual", formula=['"OK"'], fill=BAD_FILL))

    def _validation(self, sheet_title: str, kind: str) -> DataValidation:
        """One data validation per sheet and kind (openpyxl ties a validation to one sheet)."""
        key = (sheet_title, kind)
        if key not in self.validations:
            first, last = self.case.first_year, self.case.last_year
            validation = self._validation_specs()[kind]
            validation.allow_blank = True
            validation.showErrorMessage = True
            validation.errorTitle = self.t("validation_title")
            validation.error = self.t(f"validation_{kind}", first=first, last=last)
            self.validations[key] = validation
        return self.validations[key]

    def _validation_specs(self) -> dict[str, DataValidation]:
        first, last = self.case.first_year, self.case.last_year
        return {
            "share": DataValidation(type="decimal", operator="between", formula1="0", formula2="1"),
            "nonneg": DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0"),
            "whole": DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0"),
            "month": DataValidation(type="whole", operator="between", formula1="1", formula2="12"),
            "date": DataValidation(type="date", operator="between", formula1=_excel_date(EARLIEST_DATE), formula2=_excel_date(LATEST_DATE)),
            "year": DataValidation(type="whole", operator="between", formula1=str(first), formula2=str(last)),
            "measure": DataValidation(type="list", formula1='"' + ",".join(MEASURES[self.lang].values()) + '"'),
            "rate": DataValidation(type="decimal", operator="between", formula1="0", formula2="2"),
            "payer": DataValidation(type="list", formula1='"' + ",".join(PAYERS) + '"'),
            "yesno": DataValidation(type="list", formula1=f'"{self.t("yes")},{self.t("no")}"'),
        }

    # --- the sheets ---
    def build(self, result: CaseResult) -> Workbook:
        self.result = result
        self.comparison = compare(result)  # the published figures: on Kontrol and on the summary
        self._inputs()
        write_params(self)
        self._cohorts()
        self._calc()
        write_refusion(self)
        self._savings()
        self._budget()
        write_sensitivity(self)
        self._follow_up()
        self._checks(result)
        write_summary(self)
        self._cover(result)
        for key, ws in self.sheets.items():  # A4 landscape, one page wide (the summary one page): ready for the committee
            ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
            ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1 if key == "summary" else 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
        for key in self.sheets.keys() - DEFERRED_SHEETS:  # fitted once their cells are all there (complete)
            self._fit_columns(self.sheets[key])
        for sheet_and_kind, validation in self.validations.items():
            # one sqref per validation (openpyxl's per-cell add() is quadratic in the number of cells), each
            # column's consecutive cells one range: D5:D204 for a column of the cohort plan
            validation.sqref = MultiCellRange(column_runs(self.validated[sheet_and_kind]))
            self.wb[sheet_and_kind[0]].add_data_validation(validation)
        self.wb.calculation = CalcProperties(calcId=EXCEL_CALC_ID, fullCalcOnLoad=False)
        return self.wb

    def complete(self) -> set[str]:
        """The appraisal and the Monte Carlo run, their value cells (no formula reads them) and the widths
        of those sheets' columns; returns the titles of the sheets it changed (:data:`DEFERRED_SHEETS`).
        :func:`build_workbook` calls it, or, with ``for_writing``, the caller, while formualizer
        evaluates the formulas in another thread."""
        self.appraisal = appraise(self.case)
        self.risk = simulate(self.case) if self.case.uncertainty else None
        for step in self.later:
            step()
        self.later.clear()
        for key in DEFERRED_SHEETS - {"cover"}:  # the cover sets its own widths
            self._fit_columns(self.sheets[key])
        return {self.sheets[key].title for key in DEFERRED_SHEETS}

    def _fit_columns(self, ws: Worksheet) -> None:
        """Label columns (before the years; every column of a sheet without years) as wide as what they show,
        unused ones narrow, so every row reads left to right without a gap before its numbers; year columns one
        width on every sheet. The title row and text that spans columns (sections, wrapped paragraphs) do not
        count; a long text beside the label counts as :data:`WRAP_AT` characters (a heading wraps)."""
        widths: dict[int, float] = {}
        timeline = ws.title in self.timelines
        label_cols = FIRST_YEAR_COL if timeline else ws.max_column + 1  # a sheet without years: every column is a label column
        fonts, alignments = self.wb._fonts, self.wb._alignments
        text_width: dict[tuple[int, int], float | None] = {}  # (font, alignment) -> width of a character, None: not counted
        for (row, column), cell in ws._cells.items():
            if column >= label_cols or row == 1 or cell.value is None:
                continue
            value = cell.value
            if cell.data_type == "f":
                length = 12.0  # a number (formulas that repeat a name say so through ``shows``)
            elif isinstance(value, str):
                style = cell._style  # None: openpyxl's default style, the first font and alignment
                key = (style.fontId, style.alignmentId) if style is not None else (0, 0)
                if key not in text_width:
                    font, alignment = fonts[key[0]], alignments[key[1]]
                    # a section heading reads across the empty cells beside it; a paragraph spans columns
                    text_width[key] = None if (font.sz and font.sz >= SECTION_FONT.sz) or alignment.wrap_text else 1.1 if font.b else 1.0
                per_character = text_width[key]
                if per_character is None:
                    continue
                length = len(value) * per_character
                if column > COL_LABEL and length > WRAP_AT:  # a long text beside the label does not widen its column:
                    if row == HEADER_ROW:  # a heading wraps onto a second line
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                        ws.row_dimensions[HEADER_ROW].height = 30
                    length = WRAP_AT  # other text runs on into empty cells, or is cut at the next filled one
            else:
                length = 12.0
            widths[column] = max(widths.get(column, 0.0), length)
        for (title, column), length in self.shown.items():
            if title == ws.title:
                widths[column] = max(widths.get(column, 0.0), float(length))
        for c in range(1, label_cols):
            ws.column_dimensions[col(c)].width = min(MAX_LABEL_WIDTH, widths[c] + 2) if c in widths else 1.0
        if timeline:
            for c in range(FIRST_YEAR_COL, self.layout.last_year_col + 1 + (MAX_FALLBACKS + 1 if ws is self.sheets["calc"] else 0)):
                ws.column_dimensions[col(c)].width = 13

    def _inputs(self) -> None:
        ws, lay, case = self.sheets["inputs"], self.layout, self.case
        self.top(ws, self.t("inputs_title"))
        self.header_row(ws, [self.t("h_assumption"), self.t("h_id"), self.t("h_unit"), self.t("h_value"), "", "", "", self.t("h_note")], years=True)
        self.text(ws, lay.title_row, COL_LABEL, self.t("title"))
        self.input(ws, lay.title_row, COL_P1, case.title)
        self.text(ws, lay.municipality_row, COL_LABEL, self.t("municipality"))
        self.input(ws, lay.municipality_row, COL_P1, case.municipality)
        self.text(ws, lay.constants_row, COL_LABEL, self.t("hours_per_fte"))
        self.text(ws, lay.constants_row, COL_UNIT, self.t("u_hours"))
        ws.cell(row=lay.constants_row, column=COL_P1, value=HOURS_PER_FTE).number_format = "0.0"  # the core's constant: not an input
        self.text(ws, lay.constants_row, COL_NOTE, self.t("hours_source"))
        for k, outcome in enumerate(case.outcomes):
            rows = lay.outcome_rows(k)
            self.input(ws, rows["title"], COL_LABEL, outcome.label).font = Font(bold=True, color=INPUT_FONT.color)
            self.text(ws, rows["title"], COL_DETAIL, outcome.id)
            if outcome.split:
                self._gross_benefit_row(ws, rows["unit"], outcome.id)
            else:
                self.text(ws, rows["unit"], COL_LABEL, self.t("unit_saving"))
                self.text(ws, rows["unit"], COL_UNIT, self.t("u_kr_py"))
                self.input(ws, rows["unit"], COL_NOTE, "")
                for year in lay.years:
                    self.input(ws, rows["unit"], lay.year_col(year), outcome.unit_saving_in(year), KR, "nonneg")
            for i in range(MAX_FALLBACKS):
                row = rows[f"fallback{i + 1}"]
                fallback = outcome.fallbacks[i] if i < len(outcome.fallbacks) else None
                self.text(ws, row, COL_LABEL, self.t("fallback_n", n=i + 1))
                self.text(ws, row, COL_UNIT, self.t("u_share_years"))
                self.input(ws, row, COL_P1, fallback.share if fallback else None, SHARE, "share")
                self.input(ws, row, COL_P2, fallback.after_years if fallback else None, "0.0", "nonneg")
            self.text(ws, rows["month"], COL_LABEL, self.t("fallback_month"))
            self.text(ws, rows["month"], COL_UNIT, self.t("u_month"))
            self.input(ws, rows["month"], COL_P1, outcome.fallback_month, "0", "month")
            self.text(ws, rows["subsidy"], COL_LABEL, self.t("wage_subsidy"))
            self.text(ws, rows["subsidy"], COL_UNIT, self.t("u_yesno"))
            self.input(ws, rows["subsidy"], COL_P1, self.t("yes") if outcome.wage_subsidy else self.t("no"), None, "yesno")
        self._costs(ws)
        self._lines(ws)
        self._periods(ws)

    def _gross_benefit_row(self, ws: Worksheet, row: int, outcome_id: str) -> None:
        """A split outcome's gross benefit per year: the average of its benefit table over each year."""
        lay, pr = self.layout, self.ref("params")
        first, last = lay.benefit_rows(lay.shape.split_outcomes.index(outcome_id))
        starts, ends, amounts = (f"{pr}!${c}${first}:${c}${last}" for c in ("D", "E", "C"))
        self.text(ws, row, COL_LABEL, self.t("gross_benefit"))
        self.text(ws, row, COL_UNIT, self.t("u_kr_py_gross"))
        outcome = self.case.outcome(outcome_id)
        self.text(ws, row, COL_P1, outcome.benefit or self.t("benefit_rate_given"))
        for year in lay.years:
            y = f"{col(lay.year_col(year))}${HEADER_ROW}"
            self.formula(ws, row, lay.year_col(year), f"=SUMPRODUCT({amounts}*{overlap(y, f'{y}+1', starts, ends)})", KR)

    def _costs(self, ws: Worksheet) -> None:
        lay = self.layout
        header = lay.costs_header
        self.text(ws, header, COL_LABEL, self.t("costs_section"), font=SECTION_FONT)
        for column, key in ((COL_DETAIL, "h_payer"), (COL_P1, "h_fte"), (COL_P2, "h_hours"), (COL_P3, "h_annual_cost")):
            self.text(ws, header, column, self.t(key), font=Font(bold=True))
        self.text(ws, header, FIRST_YEAR_COL, self.t("h_cost_years"), font=Font(italic=True))
        for i in range(lay.shape.costs):
            row = lay.cost_row(i)
            item: CostItem | None = self.case.costs[i] if i < len(self.case.costs) else None
            staff = item.staff if item is not None else None
            self.input(ws, row, COL_LABEL, item.label if item else None)
            self.input(ws, row, COL_DETAIL, item.payer if item else None, None, "payer")
            p = f"$F{row}"
            self.formula(ws, row, COL_UNIT, f'=IF({p}="","{self.t("u_kr")}","{self.t("u_share_of_year")}")')
            fte = None if staff is None or staff.hours_per_week is not None else staff.fte
            self.input(ws, row, COL_P1, fte, "0.00", "nonneg")
            self.input(ws, row, COL_P2, staff.hours_per_week if staff else None, "0.0", "nonneg")
            self.input(ws, row, COL_P3, staff.annual_cost if staff else None, KR, "nonneg")
            self.input(ws, row, COL_NOTE, item.basis if item else None)
            for year in lay.years:
                if staff is not None:
                    value, fmt, check = staff.year_shares.get(year), SHARE, "share"
                else:
                    value, fmt, check = (item.amounts.get(year) if item else None), KR, "nonneg"
                self.input(ws, row, lay.year_col(year), value, fmt, check)

    def _lines(self, ws: Worksheet) -> None:
        lay = self.layout
        self.text(ws, lay.savings_header, COL_LABEL, self.t("savings_section"), font=SECTION_FONT)
        self.text(ws, lay.savings_header, COL_DETAIL, self.t("h_payer"), font=Font(bold=True))
        for i in range(lay.shape.savings):
            row = lay.savings_line_row(i)
            line = self.case.savings[i] if i < len(self.case.savings) else None
            self.input(ws, row, COL_LABEL, line.label if line else None)
            self.input(ws, row, COL_DETAIL, line.payer if line else None, None, "payer")
            self.text(ws, row, COL_UNIT, self.t("u_kr"))
            self.input(ws, row, COL_NOTE, line.basis if line else None)
            for year in lay.years:
                self.input(ws, row, lay.year_col(year), line.amounts.get(year) if line else None, KR, "nonneg")

    def _periods(self, ws: Worksheet) -> None:
        lay = self.layout
        self.text(ws, lay.periods_header, COL_LABEL, self.t("periods_section"), font=SECTION_FONT)
        self.text(ws, lay.periods_header, COL_P1, self.t("h_first_year"), font=Font(bold=True))
        self.text(ws, lay.periods_header, COL_P2, self.t("h_last_year"), font=Font(bold=True))
        for i, (name, (first, last)) in enumerate(self.case.periods.items()):
            row = lay.period_row(i)
            self.input(ws, row, COL_LABEL, name)
            self.input(ws, row, COL_P1, first, "0", "year")
            self.input(ws, row, COL_P2, last, "0", "year")

    def _cohorts(self) -> None:
        ws, lay, case = self.sheets["cohorts"], self.layout, self.case
        self.top(ws, self.t("cohorts_title"))
        headers = [self.t("h_cohort"), self.t("h_start"), self.t("h_effect_start"), self.t("h_participants"), self.t("h_weeks")]
        for outcome in case.outcomes:
            headers += [self.t("h_persons", outcome=outcome.label), self.t("h_deadweight"), self.t("h_deadweight_rate")]
        self.header_row(ws, headers, years=False)
        for i in range(lay.shape.cohorts):
            row = lay.cohort_row(i)
            cohort = case.cohorts[i] if i < len(case.cohorts) else None
            self.input(ws, row, 1, cohort.name if cohort else None)
            self.input(ws, row, 2, month_start(cohort.start) if cohort and cohort.start is not None else None, DATE, "date")
            self.input(ws, row, 3, month_start(cohort.effect_start) if cohort else None, DATE, "date")
            self.input(ws, row, 4, cohort.participants if cohort else None, "0", "whole")
            self.input(ws, row, COL_WEEKS, cohort.weeks_on_benefit if cohort else None, "0.0", "nonneg")
            for k, outcome in enumerate(case.outcomes):
                persons_col, dead_col, rate_col = lay.cohort_outcome_cols(k)
                co = cohort.outcomes.get(outcome.id) if cohort else None
                self.input(ws, row, persons_col, co.persons if co else None, "0.00", "nonneg")
                self.input(ws, row, dead_col, (co.deadweight or None) if co else None, "0.00", "nonneg")
                self.input(ws, row, rate_col, co.deadweight_rate if co else None, SHARE, "share")

    def _cohort_refs(self, cohort_index: int, outcome_index: int) -> dict[str, str]:
        """Absolute references to one cohort's inputs for one outcome, and to the outcome's assumptions."""
        lay = self.layout
        hp, fu = self.ref("cohorts"), self.ref("inputs")
        # the cohort's row relative in layout 4 (the same formula down an outcome's block), absolute in layout 3
        r = f"{'' if lay.shape.pairs_by_outcome else '$'}{lay.cohort_row(cohort_index)}"
        persons_col, dead_col, rate_col = lay.cohort_outcome_cols(outcome_index)
        rows = lay.outcome_rows(outcome_index)
        return {
            "name": f"{hp}!$A{r}",
            "start": f"{hp}!$B{r}",
            "effect": f"{hp}!$C{r}",
            "participants": f"{hp}!$D{r}",
            "persons": f"{hp}!${col(persons_col)}{r}",
            "deadweight": f"{hp}!${col(dead_col)}{r}+{hp}!${col(rate_col)}{r}*{hp}!$D{r}",
            "fallbacks": f"{fu}!$D${rows['fallback1']}:$E${rows[f'fallback{MAX_FALLBACKS}']}",
            "month": f"{fu}!$D${rows['month']}",
            "unit_row": str(rows["unit"]),
            "label": f"{fu}!$A${rows['title']}",
            **{f"share{i + 1}": f"{fu}!$D${rows[f'fallback{i + 1}']}" for i in range(MAX_FALLBACKS)},
            **{f"after{i + 1}": f"{fu}!$E${rows[f'fallback{i + 1}']}" for i in range(MAX_FALLBACKS)},
        }

    def _pair_rows(self, ws: Worksheet, unit_key: str) -> Iterator[tuple[int, int, int, dict[str, str]]]:
        """Each cohort × outcome row, with its head (cohort, outcome, unit) written; yields the cohort and
        outcome index, the row and its references."""
        for i, k in self.layout.pairs():
            row, refs = self.layout.pair_row(i, k), self._cohort_refs(i, k)
            cohort = self.case.cohorts[i].name if i < len(self.case.cohorts) else None
            self.formula(ws, row, 1, f'=IF({refs["name"]}="","",{refs["name"]})', shows=cohort)
            self.formula(ws, row, 2, f"={refs['label']}", shows=self.case.outcomes[k].label)
            self.text(ws, row, 3, self.t(unit_key))
            yield i, k, row, refs

    def _calc(self) -> None:
        ws, lay = self.sheets["calc"], self.layout
        self.top(ws, self.t("calc_title"))
        headers = [self.t("h_cohort"), self.t("h_outcome"), self.t("h_unit"), self.t("h_net_persons"), self.t("h_effect_month")]
        headers += [self.t("h_fallback_month_n", n=i + 1) for i in range(MAX_FALLBACKS)]
        self.header_row(ws, headers, years=True)
        prefix = FUNCTION_PREFIX[self.runtime]
        if prefix is None:
            for j in range(MAX_FALLBACKS):
                self.text(ws, HEADER_ROW, lay.calc_share_col(j), self.t("h_fallback_share_n", n=j + 1), font=Font(bold=True)).fill = HEADER_FILL
        for _, _, row, refs in self._pair_rows(ws, "u_person_years"):
            self.formula(ws, row, 4, f"={refs['persons']}-({refs['deadweight']})", PERSONS)
            self.formula(ws, row, 5, f'=IF({refs["effect"]}="",0,YEAR({refs["effect"]})*12+MONTH({refs["effect"]})-1)', "0")
            anchor = f'IF({refs["start"]}="",{refs["effect"]},{refs["start"]})'
            for j in range(MAX_FALLBACKS):
                after = refs[f"after{j + 1}"]
                exact = f"$E{row}+{after}*12"
                fixed = f"YEAR({anchor})*12+{after}*12+{refs['month']}-1"
                self.formula(ws, row, 6 + j, f'=IF($E{row}=0,0,MAX($E{row},IF({refs["month"]}="",{exact},{fixed})))', "0")
            if prefix is None:  # the fall-back shares beside the years: a local reference is much faster to evaluate
                for j in range(MAX_FALLBACKS):
                    self.formula(ws, row, lay.calc_share_col(j), f"={refs[f'share{j + 1}']}", SHARE)
            # one template per row, the year's column filled in per cell ({c}): the same text, made faster
            if prefix is None:
                terms = "".join(f"-${col(lay.calc_share_col(j))}{row}*{_months_after('{c}', f'${col(6 + j)}{row}')}" for j in range(MAX_FALLBACKS))
                template = f"=$D{row}*({_months_after('{c}', f'$E{row}')}{terms})/12"
            else:
                args = [refs["persons"], refs["effect"], f"{{c}}${HEADER_ROW}", refs["fallbacks"], refs["month"], refs["start"], refs["deadweight"]]
                template = f"=IF($D{row}=0,0,{prefix}PERSON_YEARS({','.join(args)}))"
            self.year_formulas(ws, row, template, PERSONS)
        if prefix is not None:
            self.blocks += cohort_blocks(ws.title, "person_years", self.case, list(enumerate(self.case.outcomes)), lay.years, FIRST_YEAR_COL, lay.pair_row, lay.shape.cohorts)

    def _savings(self) -> None:
        ws, lay = self.sheets["savings"], self.layout
        self.top(ws, self.t("savings_title"))
        self.header_row(ws, [self.t("h_cohort"), self.t("h_outcome"), self.t("h_unit")], years=True)
        prefix = FUNCTION_PREFIX[self.runtime]
        calc, fu = self.ref("calc"), self.ref("inputs")
        for i, k, row, refs in self._pair_rows(ws, "u_kr"):
            outcome_id = lay.shape.outcomes[k]
            if outcome_id in lay.shape.split_outcomes:  # the gross benefit saved, from the refusion sheet
                for year in lay.years:
                    self.formula(ws, row, lay.year_col(year), f"={pair_sum(self, 0, i, outcome_id, col(lay.year_col(year)))}", KR)
                continue
            unit = f"{fu}!{{c}}${refs['unit_row']}"
            if prefix is None:
                template = f"={calc}!{{c}}{row}*{unit}"
            else:
                args = [refs["persons"], unit, refs["effect"], f"{{c}}${HEADER_ROW}", refs["fallbacks"], refs["month"], refs["start"], refs["deadweight"]]
                template = f"=IF({calc}!$D{row}=0,0,{prefix}SAVINGS({','.join(args)}))"
            self.year_formulas(ws, row, template, KR)
        if prefix is not None:
            unit_outcomes = [(k, o) for k, o in enumerate(self.case.outcomes) if o.id not in lay.shape.split_outcomes]
            self.blocks += cohort_blocks(ws.title, "savings", self.case, unit_outcomes, lay.years, FIRST_YEAR_COL, lay.pair_row, lay.shape.cohorts)
        total = lay.savings_total_row
        self.text(ws, total, 1, self.t("total"), font=Font(bold=True))
        for year in lay.years:
            c = col(lay.year_col(year))
            self.formula(ws, total, lay.year_col(year), f"={lay.pairs_sum(self.ref('savings'), c)}", KR).font = Font(bold=True)

    def _budget(self) -> None:
        ws, lay = self.sheets["budget"], self.layout
        self.top(ws, self.t("budget_title"))
        self.header_row(ws, [self.t("h_item"), self.t("h_line"), self.t("h_unit"), self.t("h_value")], years=True)
        rows = lay.budget_rows()
        fu, calc, sav = self.ref("inputs"), self.ref("calc"), self.ref("savings")
        first_c, last_c = col(FIRST_YEAR_COL), col(lay.last_year_col)
        hours = f"{fu}!$D${lay.constants_row}"

        def row_formula(row: int, template: str, name: str, fmt: str = KR, bold: bool = False) -> None:
            self.text(ws, row, 1, name, font=Font(bold=bold))
            for year in lay.years:
                c = col(lay.year_col(year))
                cell = self.formula(ws, row, lay.year_col(year), template.format(c=c, r=row), fmt)
                if bold:
                    cell.font = Font(bold=True)

        for i in range(lay.shape.costs):
            src = lay.cost_row(i)
            self.formula(ws, rows[f"cost{i}"], 2, f'=IF({fu}!$A${src}="","",{fu}!$A${src})', shows=self.case.costs[i].label if i < len(self.case.costs) else None)
            row_formula(rows[f"cost{i}"], f'=IF({fu}!$F${src}="",{fu}!{{c}}${src},({fu}!$D${src}+{fu}!$E${src}/{hours})*{fu}!$F${src}*{fu}!{{c}}${src})', self.t("cost_line"))
        cost_rows = [rows[f"cost{i}"] for i in range(lay.shape.costs)]
        row_formula(rows["costs"], f"=SUM({{c}}{cost_rows[0]}:{{c}}{cost_rows[-1]})" if cost_rows else "=0", self.t("costs_total"), bold=True)
        row_formula(rows["cohort_savings"], f"={sav}!{{c}}${lay.savings_total_row}", self.t("cohort_savings"))
        for i in range(lay.shape.savings):
            src = lay.savings_line_row(i)
            self.formula(ws, rows[f"saving{i}"], 2, f'=IF({fu}!$A${src}="","",{fu}!$A${src})', shows=self.case.savings[i].label if i < len(self.case.savings) else None)
            row_formula(rows[f"saving{i}"], f"={fu}!{{c}}${src}", self.t("direct_saving"))
        line_rows = [rows[f"saving{i}"] for i in range(lay.shape.savings)]
        direct = f"+SUM({{c}}{line_rows[0]}:{{c}}{line_rows[-1]})" if line_rows else ""
        row_formula(rows["savings"], f"={{c}}{rows['cohort_savings']}{direct}", self.t("savings_total"), bold=True)
        row_formula(rows["net"], f"={{c}}{rows['savings']}-{{c}}{rows['costs']}", self.t("net"), bold=True)
        row_formula(rows["cumulative"], f"=SUM(${first_c}${rows['net']}:{{c}}{rows['net']})", self.t("cumulative"))
        row_formula(rows["person_years"], "=" + lay.pairs_sum(calc, "{c}"), self.t("person_years"), PERSONS)
        row_formula(rows["paid_back"], "=" + paid_back(f"{{c}}{rows['cumulative']}:${last_c}${rows['cumulative']}", self.payback_tolerance), self.t("paid_back"), self.yes_no)
        flags = f"${first_c}${rows['paid_back']}:${last_c}${rows['paid_back']}"
        net = f"${first_c}${rows['net']}:${last_c}${rows['net']}"
        self.text(ws, rows["payback_year"], 1, self.t("payback_year"), font=Font(bold=True))
        self.formula(ws, rows["payback_year"], COL_P1, payback_year(flags, f"${last_c}${HEADER_ROW}", self.t("never")), "0")
        self.text(ws, rows["net_gain"], 1, self.t("net_gain"), font=Font(bold=True))
        self.text(ws, rows["net_gain"], COL_UNIT, self.t("u_kr"))
        self.formula(ws, rows["net_gain"], COL_P1, f"=SUM({net})", KR)
        costs_range = f"${first_c}${rows['costs']}:${last_c}${rows['costs']}"
        savings_range = f"${first_c}${rows['savings']}:${last_c}${rows['savings']}"
        self.text(ws, rows["savings_cost_ratio"], 1, self.t("savings_cost_ratio"), font=Font(bold=True))
        self.formula(ws, rows["savings_cost_ratio"], COL_P1, f'=IF(SUM({costs_range})=0,"-",SUM({savings_range})/SUM({costs_range}))', "0.00")
        years = f"${first_c}${HEADER_ROW}:${last_c}${HEADER_ROW}"
        for i in range(lay.shape.periods):
            row, src = rows[f"period{i}"], lay.period_row(i)
            self.formula(ws, row, 1, f'={fu}!$A${src}', shows=list(self.case.periods)[i])
            self.text(ws, row, COL_UNIT, self.t("u_kr"))
            self.formula(ws, row, COL_P1, f'=SUMIFS({net},{years},">="&{fu}!$D${src},{years},"<="&{fu}!$E${src})', KR)
        self._payers(ws, rows, row_formula)
        self._charts(ws, rows)

    def _payers(self, ws: Worksheet, rows: dict[str, int], row_formula: Any) -> None:
        """Who saves what: per payer savings, costs, net, cumulative, paid-back flags, payback year and net gain.

        The state's part of the cohort savings is the refund block of the refusion sheet; lines count to
        the payer named in their payer cell (blank = kommune)."""
        lay, fu = self.layout, self.ref("inputs")
        first_c, last_c = col(FIRST_YEAR_COL), col(lay.last_year_col)
        self.text(ws, rows["payers_header"], 1, self.t("payers_section"), font=SECTION_FONT)

        def by_payer(payer: str, kind: str) -> str:
            """Σ of the budget rows of the cost (or direct savings) lines whose payer is ``payer``."""
            n = lay.shape.costs if kind == "cost" else lay.shape.savings
            if n == 0:
                return "0"
            src_first = lay.cost_row(0) if kind == "cost" else lay.savings_line_row(0)
            who = f"{fu}!$B${src_first}:$B${src_first + n - 1}"
            match = f'(({who}="{payer}")+({who}=""))' if payer == "kommune" else f'({who}="{payer}")'
            return f"SUMPRODUCT({match}*{{c}}{rows[f'{kind}0']}:{{c}}{rows[f'{kind}{n - 1}']})"

        for payer in lay.shape.payers:
            name = self.t(f"payer_{payer}")
            r = {key: rows[f"{payer}_{key}"] for key in ("savings", "costs", "net", "cumulative", "paid_back", "payback_year", "net_gain")}
            stat_cohorts = block_sum(self, 1, "{c}")
            cohort_part = {"kommune": f"{{c}}{rows['cohort_savings']}-{stat_cohorts}", "stat": stat_cohorts}.get(payer, "0")
            row_formula(r["savings"], f"={cohort_part}+{by_payer(payer, 'saving')}", self.t("p_savings", payer=name))
            row_formula(r["costs"], f"={by_payer(payer, 'cost')}", self.t("p_costs", payer=name))
            row_formula(r["net"], f"={{c}}{r['savings']}-{{c}}{r['costs']}", self.t("p_net", payer=name), bold=True)
            row_formula(r["cumulative"], f"=SUM(${first_c}${r['net']}:{{c}}{r['net']})", self.t("p_cumulative", payer=name))
            row_formula(r["paid_back"], "=" + paid_back(f"{{c}}{r['cumulative']}:${last_c}${r['cumulative']}", self.payback_tolerance), self.t("p_paid_back", payer=name), self.yes_no)
            flags = f"${first_c}${r['paid_back']}:${last_c}${r['paid_back']}"
            self.text(ws, r["payback_year"], 1, self.t("p_payback_year", payer=name), font=Font(bold=True))
            self.formula(ws, r["payback_year"], COL_P1, payback_year(flags, f"${last_c}${HEADER_ROW}", self.t("never")), "0")
            self.text(ws, r["net_gain"], 1, self.t("p_net_gain", payer=name), font=Font(bold=True))
            self.text(ws, r["net_gain"], COL_UNIT, self.t("u_kr"))
            self.formula(ws, r["net_gain"], COL_P1, f"=SUM(${first_c}${r['net']}:${last_c}${r['net']})", KR)

    def _follow_up(self) -> None:
        ws, lay, case = self.sheets["followup"], self.layout, self.case
        self.top(ws, self.t("followup_title"))
        self.header_row(ws, [self.t("h_item"), self.t("h_outcome"), self.t("h_measure"), self.t("h_value")], years=True)
        rows = lay.followup_rows()
        m = MEASURES[self.lang]
        budget_savings = f"{self.ref('budget')}!{{c}}${lay.budget_rows()['savings']}"
        bold = Font(bold=True)
        self.text(ws, rows["rate_input"], 1, self.t("rate_input"))
        self.text(ws, rows["rate_input"], COL_UNIT, self.t("rate_input_unit"))
        self.input(ws, rows["rate_input"], COL_P1, case.forecast_rate, SHARE, "rate")
        self.text(ws, rows["green"], 1, self.t("green_from"))
        self.input(ws, rows["green"], COL_P1, 1.0, SHARE, "rate")
        self.text(ws, rows["yellow"], 1, self.t("yellow_from"))
        self.input(ws, rows["yellow"], COL_P1, 0.8, SHARE, "rate")

        def line_block(header_key: str, first_row: int, capacity: int, lines: list[Any], outcome_cols: int) -> None:
            self.text(ws, first_row - 1, 1, self.t(header_key), font=SECTION_FONT)
            for k, column in enumerate((COL_DETAIL, COL_P1, COL_P2)[:outcome_cols]):
                self.text(ws, first_row - 1, column, self.t("h_outcome_n", n=k + 1) if outcome_cols > 1 else self.t("h_outcome"), font=bold)
            self.text(ws, first_row - 1, COL_UNIT, self.t("h_measure"), font=bold)
            for i in range(capacity):
                row, line = first_row + i, lines[i] if i < len(lines) else None
                self.input(ws, row, 1, line.label if line else None)
                outcomes = line.outcome.split("+") if line and line.outcome else []
                if len(outcomes) > outcome_cols:
                    raise InvalidValueError("targets.outcome", f"et måltal i et regneark kan højst samle {outcome_cols} effekter", value="+".join(outcomes))
                for k, column in enumerate((COL_DETAIL, COL_P1, COL_P2)[:outcome_cols]):
                    self.input(ws, row, column, outcomes[k] if k < len(outcomes) else None)
                self.input(ws, row, 3, m[line.measure] if line else None, None, "measure")
                for year in lay.years:
                    value = line.values.get(year) if line else None
                    fmt = KR if line is not None and line.measure == "savings" else "#,##0.##"
                    self.input(ws, row, lay.year_col(year), value, fmt, "nonneg")

        line_block("targets_section", rows["targets"], lay.shape.targets, target_lines(case), TARGET_OUTCOMES)
        line_block("actuals_section", rows["actuals"], lay.shape.actuals, actual_lines(case), 1)
        t_first, t_last = rows["targets"], rows["targets"] + max(lay.shape.targets, 1) - 1
        a_first, a_last = rows["actuals"], rows["actuals"] + max(lay.shape.actuals, 1) - 1
        a_b, a_c = f"$B${a_first}:$B${a_last}", f"$C${a_first}:$C${a_last}"
        t_c = f"$C${t_first}:$C${t_last}"
        self.text(ws, rows["matched_header"], 1, self.t("matched_section"), font=SECTION_FONT)
        self.text(ws, rows["realisation_header"], 1, self.t("realisation_section"), font=SECTION_FONT)
        for i in range(lay.shape.targets):
            t = rows["targets"] + i
            matched, reported, realised = rows["matched"] + i, rows["reported"] + i, rows["realisation"] + i
            # an actual line counts for a target line when the unit is the same and its outcome is one of the
            # target's outcomes (B, D, E), or the target names no outcome at all
            outcome_cells = [f"${col(c)}{t}" for c in (COL_DETAIL, COL_P1, COL_P2)]
            for row in (matched, reported, realised):
                self.formula(ws, row, 1, f'=IF($A{t}="","",$A{t})')
                for cell, column in zip(outcome_cells, (COL_DETAIL, COL_P1, COL_P2), strict=True):
                    self.formula(ws, row, column, f'=IF({cell}="","",{cell})')
                self.formula(ws, row, 3, f'=IF($C{t}="","",$C{t})')
            no_outcome = "AND(" + ",".join(f'{cell}=""' for cell in outcome_cells) + ")"
            for year in lay.years:
                c = col(lay.year_col(year))
                acts = f"{c}${a_first}:{c}${a_last}"
                per_outcome = "+".join(f'IF({cell}="",0,SUMIFS({acts},{a_c},$C{t},{a_b},{cell}))' for cell in outcome_cells)
                counts = "+".join(f'IF({cell}="",0,COUNTIFS({a_c},$C{t},{a_b},{cell},{acts},"<>"))' for cell in outcome_cells)
                self.formula(ws, matched, lay.year_col(year), f"=IF({no_outcome},SUMIFS({acts},{a_c},$C{t}),{per_outcome})", "#,##0.##")
                # 1 when the line has a target this year and something was reported against it
                self.formula(ws, reported, lay.year_col(year), f'=IF({c}{t}="",0,IF(IF({no_outcome},COUNTIFS({a_c},$C{t},{acts},"<>"),{counts})>0,1,0))', "0")
                self.formula(ws, realised, lay.year_col(year), f'=IF(OR({c}{t}="",{c}{t}=0,{c}{reported}=0),"",{c}{matched}/{c}{t})', SHARE)
        if lay.shape.targets:
            span = f"{col(FIRST_YEAR_COL)}{rows['realisation']}:{col(lay.last_year_col)}{rows['realisation'] + lay.shape.targets - 1}"
            green, yellow = f"$D${rows['green']}", f"$D${rows['yellow']}"
            ws.conditional_formatting.add(span, CellIsRule(operator="greaterThanOrEqual", formula=[green], fill=OK_FILL))
            ws.conditional_formatting.add(span, CellIsRule(operator="between", formula=[yellow, green], fill=PatternFill("solid", fgColor="FFEB9C")))
            ws.conditional_formatting.add(span, CellIsRule(operator="lessThan", formula=[yellow], fill=BAD_FILL))
        # the rate used: the input, else Σ actual / Σ target over the reported person targets (1 without any)
        person = f'(({t_c}="{m["persons"]}")+({t_c}="{m["person_years"]}"))'
        block = lambda first: f"${col(FIRST_YEAR_COL)}${first}:${col(lay.last_year_col)}${first + max(lay.shape.targets, 1) - 1}"  # noqa: E731
        targets_block, matched_block, reported_block = block(rows["targets"]), block(rows["matched"]), block(rows["reported"])
        if lay.shape.targets:
            numerator = f"SUMPRODUCT({person}*{reported_block}*{matched_block})"
            denominator = f"SUMPRODUCT({person}*{reported_block}*{targets_block})"
            computed = f"IF({denominator}=0,1,{numerator}/{denominator})"
        else:
            computed = "1"
        self.text(ws, rows["rate"], 1, self.t("rate_used"), font=bold)
        self.formula(ws, rows["rate"], COL_P1, f'=IF($D${rows["rate_input"]}<>"",$D${rows["rate_input"]},{computed})', SHARE)
        self.text(ws, rows["results_header"], 1, self.t("results_section"), font=SECTION_FONT)
        kr = f'"{m["savings"]}"'
        t_year = f"{{c}}${t_first}:{{c}}${t_last}"
        a_year = f"{{c}}${a_first}:{{c}}${a_last}"
        specs = [
            ("expected", "expected_savings", f'=IF(SUMPRODUCT(({t_c}={kr})*({t_year}<>""))=0,{budget_savings},SUMPRODUCT(({t_c}={kr})*{t_year}))', KR)
            if lay.shape.targets else ("expected", "expected_savings", f"={budget_savings}", KR),
            ("realised", "realised_savings", f'=IF(SUMPRODUCT(({a_c}={kr})*({a_year}<>""))=0,"",SUMPRODUCT(({a_c}={kr})*{a_year}))', KR)
            if lay.shape.actuals else ("realised", "realised_savings", '=""', KR),
            ("forecast", "forecast", f'=IF({{c}}{rows["realised"]}="",{{c}}{rows["expected"]}*$D${rows["rate"]},{{c}}{rows["realised"]})', KR),
            ("write_down", "write_down", f"={{c}}{rows['expected']}-{{c}}{rows['forecast']}", KR),
            ("variance", "variance", f'=IF({{c}}{rows["realised"]}="","",{{c}}{rows["realised"]}-{{c}}{rows["expected"]})', KR),
            ("ended", "ended", f'=SUMPRODUCT(({a_c}="{m["persons"]}")*{a_year})' if lay.shape.actuals else "=0", "#,##0.##"),
            ("active", "active", f'=SUMPRODUCT(({a_c}="{m["active"]}")*{a_year})' if lay.shape.actuals else "=0", "#,##0.##"),
        ]
        for name, key, template, fmt in specs:
            self.text(ws, rows[name], 1, self.t(key), font=bold if name in ("forecast", "write_down") else None)
            for year in lay.years:
                c = col(lay.year_col(year))
                self.formula(ws, rows[name], lay.year_col(year), template.format(c=c), fmt)
        years_span = f"${col(FIRST_YEAR_COL)}${{r}}:${col(lay.last_year_col)}${{r}}"
        for name, source in (("write_down_total", "write_down"), ("forecast_total", "forecast")):
            self.text(ws, rows[name], 1, self.t(name), font=bold)
            self.text(ws, rows[name], COL_UNIT, self.t("u_kr"))
            self.formula(ws, rows[name], COL_P1, f"=SUM({years_span.format(r=rows[source])})", KR)
        series = [(self.t(key), rows[name]) for name, key in (("expected", "expected_savings"), ("realised", "realised_savings"), ("forecast", "forecast"))]
        chart = year_chart(LineChart, ws, self.t("chart_followup"), self.t("u_kr"), series, (HEADER_ROW, FIRST_YEAR_COL, lay.last_year_col))
        ws.add_chart(chart, f"A{rows['chart']}")

    def _charts(self, ws: Worksheet, rows: dict[str, int]) -> None:
        """Net result per year and the cumulative curve, side by side under the table."""
        years = (HEADER_ROW, FIRST_YEAR_COL, self.layout.last_year_col)
        bar = year_chart(BarChart, ws, self.t("chart_net"), self.t("u_kr"), [(self.t("net"), rows["net"])], years)
        line = year_chart(LineChart, ws, self.t("chart_cumulative"), self.t("u_kr"), [(self.t("cumulative"), rows["cumulative"])], years)
        ws.add_chart(bar, f"A{rows['chart']}")
        ws.add_chart(line, f"{col(COL_NOTE)}{rows['chart']}")
        ws.row_breaks.append(Break(id=rows["chart"] - 1))  # the charts start a printed page of their own

    def _checks(self, result: CaseResult) -> None:
        ws, lay, case = self.sheets["checks"], self.layout, self.case
        self.top(ws, self.t("checks_title"))
        self.header_row(ws, [self.t("h_check"), "", self.t("h_result")], years=False)
        rows = lay.budget_rows()
        budget, sav, calc, fu, hp = (self.ref(k) for k in ("budget", "savings", "calc", "inputs", "cohorts"))
        first_c, last_c = col(FIRST_YEAR_COL), col(lay.last_year_col)
        pairs_last = max(lay.pairs_last_row, HEADER_ROW + 1)
        tolerance_row = CHECKS_TOLERANCE_ROW
        tol = f"$C${tolerance_row}"
        shares_ok = ",".join(
            f"SUM({fu}!$D${lay.outcome_rows(k)['fallback1']}:$D${lay.outcome_rows(k)[f'fallback{MAX_FALLBACKS}']})<=1" for k in range(len(case.outcomes))
        ) or "TRUE"
        persons_cols = [lay.cohort_outcome_cols(k)[0] for k in range(len(case.outcomes))]
        c_first, c_last = lay.cohort_row(0), lay.cohort_row(max(lay.shape.cohorts - 1, 0))
        persons_sum = "+".join(f"{hp}!${col(c)}${c_first}:${col(c)}${c_last}" for c in persons_cols) or "0"
        effect = f"{calc}!$E${HEADER_ROW + 1}:$E${pairs_last}"
        checks = [
            ("check_savings_sum", f"=ABS(SUM({budget}!${first_c}${rows['cohort_savings']}:${last_c}${rows['cohort_savings']})-{lay.pairs_sum(sav)})<={tol}"),
            ("check_net_persons", f'=COUNTIF({calc}!$D${HEADER_ROW + 1}:$D${pairs_last},"<0")=0'),
            ("check_fallback_shares", f"=AND({shares_ok})"),
            ("check_effect_in_horizon", f'=COUNTIFS({effect},">0",{effect},"<"&{budget}!${first_c}${HEADER_ROW}*12)+COUNTIF({effect},">="&({budget}!${last_c}${HEADER_ROW}+1)*12)=0'),
            ("check_persons_participants", f"=SUMPRODUCT(--(({persons_sum})>{hp}!$D${c_first}:$D${c_last}))=0"),
            ("check_cumulative", f"=ABS({budget}!${last_c}${rows['cumulative']}-{budget}!$D${rows['net_gain']})<={tol}"),
            ("check_payers", self._payers_check(budget, rows, tol)),
            ("check_benefit_tables", self._benefit_tables_check()),
        ]
        for i, (key, formula) in enumerate(checks):
            row = HEADER_ROW + 1 + i
            self.text(ws, row, 1, self.t(key))
            self.formula(ws, row, 3, formula)
            ws.conditional_formatting.add(f"C{row}", CellIsRule(operator="equal", formula=["TRUE"], fill=OK_FILL))
            ws.conditional_formatting.add(f"C{row}", CellIsRule(operator="equal", formula=["FALSE"], fill=BAD_FILL))
        last_check = HEADER_ROW + len(checks)
        self.formula(ws, 2, 2, f'=IF(AND(C{HEADER_ROW + 1}:C{last_check}),"OK","{self.t("fail")}")')
        self.text(ws, tolerance_row, 1, self.t("tolerance"))
        ws.cell(row=tolerance_row, column=3, value=0.01).number_format = "0.00"  # a labelled constant, not a literal in a formula
        self.text(ws, CHECKS_PAYBACK_TOLERANCE_ROW, 1, self.t("payback_tolerance"))
        ws.cell(row=CHECKS_PAYBACK_TOLERANCE_ROW, column=3, value=PAYBACK_TOLERANCE_KR).number_format = "0.000000"
        status_row = CHECKS_PAYBACK_TOLERANCE_ROW + 1
        self.text(ws, status_row, 1, self.t("functions_status"))
        prefix = FUNCTION_PREFIX[self.runtime]
        if prefix is None:
            self.text(ws, status_row, 3, self.t("native_status"))
        else:
            self.formula(ws, status_row, 3, f"={prefix}STATUS()")
        comparison = self.comparison
        row = status_row + 2
        if comparison.checked:
            self.text(ws, row, 1, self.t("deviations_title", checked=comparison.checked, agreed=comparison.agreed), font=SECTION_FONT)
            self.generated.append((ws.title, f"A{row}"))
        for deviation in comparison.deviations:
            row += 1
            self.text(ws, row, 1, deviation.where)
            self.text(ws, row, 3, self.t("deviation_line", published=_shown(deviation.published), model=_shown(deviation.model), difference=_shown(deviation.difference)))
            self.generated += [(ws.title, f"A{row}"), (ws.title, f"C{row}")]
        self.status_cell = f"{self.ref('checks')}!$C${status_row}"

    def _payers_check(self, budget: str, rows: dict[str, int], tol: str) -> str:
        """Σ over payers of savings and of costs equals the totals, summed over the horizon."""
        lay = self.layout
        span = lambda row: f"SUM({budget}!${col(FIRST_YEAR_COL)}${row}:${col(lay.last_year_col)}${row})"  # noqa: E731
        savings = "+".join(span(rows[f"{p}_savings"]) for p in lay.shape.payers)
        costs = "+".join(span(rows[f"{p}_costs"]) for p in lay.shape.payers)
        return f"=AND(ABS({savings}-{span(rows['savings'])})<={tol},ABS({costs}-{span(rows['costs'])})<={tol})"

    def _benefit_tables_check(self) -> str:
        """Every cohort with a split outcome has its effect start on or after its benefit table's first date."""
        lay = self.layout
        if not lay.shape.split_outcomes or not lay.shape.cohorts:
            return "=TRUE"
        pr, hp = self.ref("params"), self.ref("cohorts")
        c_first, c_last = lay.cohort_row(0), lay.cohort_row(lay.shape.cohorts - 1)
        effects = f"{hp}!$C${c_first}:$C${c_last}"
        parts = []
        for s_index, outcome_id in enumerate(lay.shape.split_outcomes):
            persons_col = lay.cohort_outcome_cols(lay.shape.outcomes.index(outcome_id))[0]
            persons = f"{hp}!${col(persons_col)}${c_first}:${col(persons_col)}${c_last}"
            first, _ = lay.benefit_rows(s_index)
            parts.append(f'SUMPRODUCT(({persons}<>"")*({effects}<>"")*({effects}<{pr}!$B${first}))=0')
        return f"=AND({','.join(parts)})"

    def _cover_risk(self, ws: Worksheet, row: int) -> None:
        """The cover's line with the Monte Carlo probability of payback (result text: rebuilt by recalc)."""
        assert self.risk is not None
        value = format_percent(self.risk.p_payback, self.lang)
        self.text(ws, row, 2, value).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 15 * (1 + len(value) // 80)
        self.generated.append((ws.title, f"B{row}"))

    def _cover(self, result: CaseResult) -> None:
        ws, case, lay = self.sheets["cover"], self.case, self.layout
        fu, budget = self.ref("inputs"), self.ref("budget")
        self.formula(ws, 1, 1, f"={fu}!$D${lay.title_row}").font = TITLE_FONT
        self.text(ws, 2, 1, self.t("master_check"), font=Font(bold=True))
        self.formula(ws, 2, 2, f"={self.ref('checks')}!$B$2")
        ws.conditional_formatting.add("B2", CellIsRule(operator="equal", formula=['"OK"'], fill=OK_FILL))
        ws.conditional_formatting.add("B2", CellIsRule(operator="notEqual", formula=['"OK"'], fill=BAD_FILL))
        rows = lay.budget_rows()
        formula, text, result_text, risk_text = "formula", "text", "result", "risk"
        # (name, value, number format, kind): only the tool's own formulas are formulas; user text (the
        # source) is always text, whatever it starts with; result text is rebuilt by recalc
        lines: list[tuple[str, Any, str | None, str]] = [
            (self.t("municipality"), f'=IF({fu}!$D${lay.municipality_row}="","",{fu}!$D${lay.municipality_row})', None, formula),
            (self.t("source"), case.source, None, text),
            (self.t("horizon"), f"{case.first_year}–{case.last_year}", None, text),
            (self.t("version"), self.t("version_text", version=__version__, runtime=self.t(f"runtime_{self.runtime}")), None, text),
            (self.t("functions_status"), f"={self.status_cell}", None, formula),
            ("", "", None, text),
            (self.t("key_figures"), "", None, text),
            (self.t("payback_year"), f"={budget}!$D${rows['payback_year']}", "0", formula),
            (self.t("net_gain"), f"={budget}!$D${rows['net_gain']}", KR, formula),
            (self.t("savings_cost_ratio"), f"={budget}!$D${rows['savings_cost_ratio']}", "0.00", formula),
            (self.t("npv_key"), f"={self.ref('sensitivity')}!$D${lay.sens_rows['npv']}", KR, formula),
            *([(self.t("p_payback_key"), "", None, risk_text)] if case.uncertainty else []),
            *(
                [(self.t("kommune_payback"), f"={budget}!$D${rows['kommune_payback_year']}", "0", formula), (self.t("kommune_net_gain"), f"={budget}!$D${rows['kommune_net_gain']}", KR, formula)]
                if case.has_payer_split
                else []
            ),
            ("", "", None, text),
            (self.t("sign_convention"), self.t("sign_text"), None, text),
            (self.t("how_to"), self.t("how_to_text"), None, text),
        ]
        row = 4
        for name, value, fmt, kind in lines:
            self.text(ws, row, 1, name, font=Font(bold=True))
            if kind == formula:
                self.formula(ws, row, 2, value, fmt)
            elif kind == risk_text:  # the Monte Carlo result, once run (complete)
                self.later.append(functools.partial(self._cover_risk, ws, row))
            elif value != "":
                self.text(ws, row, 2, value).alignment = Alignment(wrap_text=True, vertical="top")
                ws.row_dimensions[row].height = 15 * (1 + len(value) // 80)
                if kind == result_text:
                    self.generated.append((ws.title, f"B{row}"))
            row += 1
        if self.guidance:
            row += 1
            self.text(ws, row, 1, self.t("guide_title"), font=SECTION_FONT)
            for step in range(1, 8):
                row += 1
                self.text(ws, row, 1, f"{step}.", font=Font(bold=True)).alignment = Alignment(vertical="top")
                self.text(ws, row, 2, self.t(f"guide_{step}")).alignment = Alignment(wrap_text=True, vertical="top")
                ws.row_dimensions[row].height = 30
            row += 1
        self.text(ws, row + 1, 1, self.t("style_key"), font=SECTION_FONT)
        sample = ws.cell(row=row + 2, column=1, value=self.t("style_input"))
        sample.fill, sample.font, sample.border = INPUT_FILL, INPUT_FONT, INPUT_BORDER
        self.text(ws, row + 3, 1, self.t("style_formula"))
        if case.notes:
            self.text(ws, row + 5, 1, self.t("notes"), font=SECTION_FONT)
            self.text(ws, row + 6, 1, " ".join(case.notes.split())).alignment = Alignment(wrap_text=True, vertical="top")
            ws.merge_cells(start_row=row + 6, start_column=1, end_row=row + 6, end_column=6)
            ws.row_dimensions[row + 6].height = 150
        ws.column_dimensions["A"].width = 34
        ws.column_dimensions["B"].width = 80


def _months_after(year_col: str, start: str) -> str:
    """Months of year ``year_col$4`` after month index ``start``: MAX(0,MIN(12,(Y+1)*12-MAX(Y*12,start)))."""
    y = f"{year_col}${HEADER_ROW}"
    return f"MAX(0,MIN(12,({y}+1)*12-MAX({y}*12,{start})))"


def _shown(value: Any) -> str:
    return f"{value:,.10g}" if isinstance(value, float) else str(value)


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
    template_rows: Mapping[str, tuple[TemplateRow, ...]] = dataclasses.field(default_factory=dict)


def build_workbook(
    case: Case, *, runtime: str = "officejs", lang: str = "da", shape: Shape | None = None, source_name: str = "", guidance: bool = False, for_writing: bool = False
) -> Built:
    """Build the workbook for ``case``; ``guidance`` puts the template's step-by-step guide on the cover.

    ``for_writing`` (``render``: the book is written and nothing else reads it): the appraisal's value cells
    are left to ``Built.complete`` and the year rows of the large sheets to ``Built.template_rows``, so
    ``Built.workbook`` alone is not the whole book; :func:`workbooks.evaluate.with_cached_values` writes it."""
    writer = _Writer(case, runtime, lang, shape_of(case) if shape is None else with_case_tables(shape, case), guidance)
    if for_writing:
        writer.template_rows = {}
    result = compute_case(case)
    wb = writer.build(result)
    if not for_writing:
        writer.complete()
    extra = {
        "source": case.source,
        "notes": case.notes,
        "purpose": case.purpose,
        "published": [_figure_dict(f) for f in case.published],
        "source_file": source_name,
        "benefits": {o.id: {"benefit": o.benefit, "benefit_rate": _rate_dict(o.benefit_rate)} for o in case.outcomes if o.split},
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
    return Built(wb, frozenset(writer.inputs), frozenset(writer.generated), writer.layout, validated, tuple(writer.blocks), writer.complete if for_writing else None, rows)


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
