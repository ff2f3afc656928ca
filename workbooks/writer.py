"""The cell writer every sheet writes through: text, formulas, inputs, styles, header rows, validations.

:class:`Writer` keeps the book's state (the sheets, which cells are inputs, which text depends on the
results, our functions' blocks) and the few rules every sheet follows: user text is always text, never
a formula; an input cell has the input style and, where it has one, its data validation; a formula is
the tool's own text. The sheets themselves are in :mod:`workbooks.sheets`, one module each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.evaluate import WorkbookError
from workbooks.followup_lines import MEASURES
from workbooks.formulas import unless_flows, yes_no_format
from workbooks.function_blocks import FunctionBlock
from workbooks.labels import label
from workbooks.layout import (
    CHECKS_PAYBACK_TOLERANCE_ROW,
    COL_LABEL,
    FIRST_YEAR_COL,
    HEADER_ROW,
    MAX_FALLBACKS,
    RUNTIMES,
    SHEET_NAMES,
    Layout,
    Shape,
    code_name,
    col,
)
from workbooks.xlsx_writer import TemplateRow
from xlmodel import plausibility
from xlmodel.appraisal import Appraisal, appraise
from xlmodel.compute import CaseResult
from xlmodel.errors import InvalidValueError
from xlmodel.model import Case
from xlmodel.published import compare
from xlmodel.risk import Risk, simulate
from xlmodel.rounding import format_kr
from xlmodel.validate import EARLIEST_DATE, LATEST_DATE, PAYERS

#: The most cohort × outcome rows a workbook holds (see the manual's benchmarks, docs/developers/benchmarks.md: time and memory
#: grow linearly; beyond this a book is refused up front instead of exhausting the machine).
MAX_WORKBOOK_PAIRS = 6_000
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
OK_FILL = PatternFill("solid", fgColor="C6EFCE")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
WARN_FILL = PatternFill("solid", fgColor="FFEB9C")  # between the two thresholds of a traffic light
KR = "#,##0;-#,##0"
PERSONS = "#,##0.00"
SHARE = "0.0%"
DATE = "yyyy-mm-dd"
#: The sheets with cells that need the appraisal (see Writer.complete).
DEFERRED_SHEETS = frozenset({"sensitivity", "summary", "cover"})


def appraised(case: Case) -> tuple[Appraisal, Risk | None]:
    """The case's appraisal and, when it has uncertainties, its Monte Carlo run: what the book's deferred sheets show."""
    return appraise(case), simulate(case) if case.uncertainty else None


def excel_date(day: dt.date) -> str:
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

class Writer:
    """Writes one workbook; keeps track of which cells are inputs (the user's) and which are the tool's."""

    def __init__(self, case: Case, result: CaseResult, runtime: str, lang: str, shape: Shape, guidance: bool = False, titles: Mapping[str, str] | None = None) -> None:
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
        self.case, self.result, self.runtime, self.lang = case, result, runtime, lang
        self.comparison = compare(result)  # the published figures: on Kontrol and on the summary
        self.doubts = plausibility.check(case)  # amounts probably typed with a thousands point: on Kontrol and the summary
        self.layout = Layout(shape)
        self.names = {**SHEET_NAMES[lang], **(titles or {})}  # a book the user renamed a tab of keeps its names
        self.yes_no = yes_no_format(label(lang, "yes"), label(lang, "no"))  # the number format of 1/0 flags
        self.payback_tolerance = f"{q(self.names['checks'])}!$C${CHECKS_PAYBACK_TOLERANCE_ROW}"
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.sheets: dict[str, Worksheet] = {key: self.wb.create_sheet(name) for key, name in self.names.items()}
        for key, ws in self.sheets.items():
            ws.sheet_properties.codeName = code_name(key)  # the sheet's identity: see layout.code_name
        self.inputs: list[tuple[str, str]] = []  # (sheet title, coordinate) of every input cell
        self.generated: list[tuple[str, str]] = []  # tool text that depends on the results (deviations)
        self.free_sheets: set[str] = set()  # sheets the tool rewrites whole from the case (the summary): no cell there is the user's
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
        self.appraised: Callable[[], tuple[Appraisal, Risk | None]] | None = None  # given: complete() asks it (two books of one case share one run)

    def t(self, key: str, **kwargs: Any) -> str:
        return label(self.lang, key, **kwargs)

    def ref(self, key: str) -> str:
        return q(self.names[key])

    def unless_flows(self, formula: str, *rows: str) -> str:
        """``formula``, or "—" with the reason where the ``rows`` (costs, savings, …) are 0 in every year (from
        layout 7: :attr:`~workbooks.layout.Shape.undefined_without_flows`; a book of layout 6 keeps its formula)."""
        if not self.layout.shape.undefined_without_flows:
            return formula
        return unless_flows(formula, *rows, undefined=self.t("no_flows"))

    def unless_flows_flag(self, formula: str, *rows: str) -> str:
        """A paid-back flag's ``formula``, or "—" where the ``rows`` are 0 in every year (from layout 8:
        :attr:`~workbooks.layout.Shape.flags_undefined_without_flows`; a book of layout 7 keeps its formula).
        The reason stands beside the payback year the flags are read from."""
        if not self.layout.shape.flags_undefined_without_flows:
            return formula
        return unless_flows(formula, *rows, undefined="—")

    def undefined(self, key: str) -> str:
        """The text of a key figure that is undefined for the reason ``key`` (a label): "—" and the reason from
        layout 7, "-" before it (a book of layout 6 keeps its formulas)."""
        return self.t(key) if self.layout.shape.undefined_without_flows else "-"

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
            if number_format == self.yes_no:  # a flag shows Ja/Nej, or "—" (text) where it is undefined: both to the right
                cell.alignment = Alignment(horizontal="right")
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
        formulas = TemplateRow(row, FIRST_YEAR_COL, self.layout.last_year_col, template, self._style(number_format, False))
        if self.template_rows is not None:
            self.template_rows.setdefault(ws.title, []).append(formulas)
        else:
            formulas.make_cells(ws)

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
            "date": DataValidation(type="date", operator="between", formula1=excel_date(EARLIEST_DATE), formula2=excel_date(LATEST_DATE)),
            "year": DataValidation(type="whole", operator="between", formula1=str(first), formula2=str(last)),
            "measure": DataValidation(type="list", formula1='"' + ",".join(MEASURES[self.lang].values()) + '"'),
            "rate": DataValidation(type="decimal", operator="between", formula1="0", formula2="2"),
            "age": DataValidation(type="decimal", operator="between", formula1="18", formula2="100"),
            "payer": DataValidation(type="list", formula1='"' + ",".join(PAYERS) + '"'),
            "yesno": DataValidation(type="list", formula1=f'"{self.t("yes")},{self.t("no")}"'),
        }

    def finish(self) -> Workbook:
        """Page set-up, column widths, the data validations and the calculation properties, once every sheet
        has its cells (the sheets that wait for the appraisal get their widths in :meth:`complete`)."""
        for key, ws in self.sheets.items():  # A4 landscape, one page wide (the summary one page): ready for the committee
            ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
            ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1 if key == "summary" else 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            if ws.title in self.timelines and key != "summary":  # every printed page shows the years its figures are for
                ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        for key in self.sheets.keys() - DEFERRED_SHEETS:  # fitted once their cells are all there (complete)
            self.fit_columns(self.sheets[key])
        for sheet_and_kind, validation in self.validations.items():
            # one sqref per validation (openpyxl's per-cell add() is quadratic in the number of cells), each
            # column's consecutive cells one range: D5:D204 for a column of the cohort plan
            validation.sqref = MultiCellRange(column_runs(self.validated[sheet_and_kind]))
            self.wb[sheet_and_kind[0]].add_data_validation(validation)
        self.wb.calculation = CalcProperties(calcId=EXCEL_CALC_ID, fullCalcOnLoad=False)
        for key, ws in self.sheets.items():  # each tool sheet's identity, which a renamed tab keeps (layout.code_name)
            self.wb.defined_names[code_name(key)] = DefinedName(code_name(key), attr_text=f"{q(ws.title)}!$A$1", hidden=True)
        return self.wb

    def complete(self) -> set[str]:
        """The appraisal and the Monte Carlo run, their value cells (no formula reads them) and the widths
        of those sheets' columns; returns the titles of the sheets it changed (:data:`DEFERRED_SHEETS`).
        :func:`build_workbook` calls it, or, with ``for_writing``, the caller, while formualizer
        evaluates the formulas in another thread."""
        self.appraisal, self.risk = appraised(self.case) if self.appraised is None else self.appraised()
        for step in self.later:
            step()
        self.later.clear()
        for key in DEFERRED_SHEETS - {"cover"}:  # the cover sets its own widths
            self.fit_columns(self.sheets[key])
        return {self.sheets[key].title for key in DEFERRED_SHEETS}

    def fit_columns(self, ws: Worksheet) -> None:
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
