"""Evaluate a workbook's own formulas headlessly and store each result as the formula's cached value.

formualizer (Rust core, pinned) evaluates every formula, with our Excel functions registered under
the names each runtime writes (``_xldudf_XLMODEL_SAVINGS`` and ``SAVINGS``). The results are then
written into the ``<v>`` of each formula cell as the file is written (:mod:`workbooks.xlsx_writer`), so
any reader without the add-in (pandas, calamine, ``openpyxl data_only=True``, Excel without the add-in)
sees every number.
"""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Callable, Collection, Sequence
from typing import Any

import formualizer
from lxml import etree
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from workbooks.function_blocks import FunctionBlock, block_values
from workbooks.xlsx_writer import ERROR_TEXT, PreparedBook, SheetCells, TemplateRows, formula_input, sheet_cells
from xlmodel import __version__
from xlmodel.errors import XlmodelError

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)

Cells = dict[str, dict[str, Any]]  # sheet title -> coordinate -> value
#: What a status cell shows until the add-in recalculates it.
NOT_LIVE = f"xlmodel {__version__}: gemt værdi, funktionerne kører ikke (åbn med tilføjelsesprogrammet)"


def _one_thread() -> formualizer.WorkbookConfig:
    """formualizer evaluates in one thread of its own: it runs beside ours, which writes the file meanwhile
    (its parallel mode measured no faster on the 200-cohort book, bench/bench_workbooks.py)."""
    settings = formualizer.EvaluationConfig()
    settings.enable_parallel = False
    return formualizer.WorkbookConfig(eval_config=settings)


_CONFIG = _one_thread()


class WorkbookError(XlmodelError, ValueError):
    """A workbook that cannot be built, evaluated, read or written as asked."""


def _udf_callbacks() -> dict[str, Callable[..., Any]]:
    """Our Excel functions as formualizer callbacks, under every name a runtime writes."""
    import udfs  # imported here: the core and the CLI start without xlwings

    def wrap(function: Callable[..., list[list[Any]]]) -> Callable[..., Any]:
        def callback(*args: Any) -> Any:
            result = function(*args)
            return result[0][0] if len(result) == 1 and len(result[0]) == 1 else result

        return callback

    callbacks: dict[str, Callable[..., Any]] = {}
    for function in udfs.FUNCTIONS:
        name = function.__name__.upper()
        callbacks[name] = callbacks[f"_xldudf_XLMODEL_{name}"] = wrap(function)
    # The cached STATUS must not claim the functions are live: only a live add-in replaces it.
    callbacks["STATUS"] = callbacks["_xldudf_XLMODEL_STATUS"] = lambda: NOT_LIVE
    return callbacks


def formula_cells(wb: Workbook) -> dict[str, list[tuple[int, int, str]]]:
    """Every formula cell (row, column, coordinate) per sheet."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for ws in wb.worksheets:
        found[ws.title] = [
            (cell.row, cell.column, cell.coordinate) for row in ws.iter_rows() for cell in row if cell.data_type == "f"
        ]
    return found


def _loaded(wb: Workbook, blocks: Sequence[FunctionBlock], custom_functions: bool, template_rows: TemplateRows) -> tuple[formualizer.Workbook, Cells, dict[str, SheetCells]]:
    """formualizer's copy of ``wb``, ready to evaluate; the values of the ``blocks`` cells (given to it as
    values); the cells as they were given, per sheet (to be reused for the sheets that do not change)."""
    import udfs

    functions = {function.__name__: function for function in udfs.FUNCTIONS}
    known: Cells = {}
    for block in blocks:
        found = block_values(block, functions)
        if found is not None:
            cells_of = known.setdefault(block.sheet, {})
            for row, row_values in found.items():
                cells_of.update({f"{get_column_letter(block.first_col + j)}{row}": v for j, v in enumerate(row_values)})
    # formualizer gets those cells as values: replacing 24,000 formulas after loading costs 20 µs each
    cells = {ws.title: sheet_cells(ws, template_rows.get(ws.title, ())) for ws in wb.worksheets}
    data = formula_input(wb, cells, known) or PreparedBook(wb, reuse=cells).to_bytes(as_values=known, compress=False)
    book = formualizer.Workbook.from_bytes(data, config=_CONFIG)
    if custom_functions:
        for name, callback in _udf_callbacks().items():
            book.register_function(name, callback, min_args=0, max_args=12)
    return book, known, cells


def _values(book: formualizer.Workbook, cells: dict[str, list[tuple[int, int, str]]], known: Cells) -> Cells:
    """The evaluated value of each listed formula cell (one read per sheet); ``known`` cells keep their value."""
    values: Cells = {}
    for sheet, coordinates in cells.items():
        if not coordinates:
            values[sheet] = {}
            continue
        last_row = max(row for row, _, _ in coordinates)
        last_col = max(column for _, column, _ in coordinates)
        grid = book.sheet(sheet).get_values(formualizer.RangeAddress(sheet, 1, 1, last_row, last_col))
        values[sheet] = {coordinate: grid[row - 1][column - 1] for row, column, coordinate in coordinates}
    for sheet, cells_of in known.items():
        values[sheet].update(cells_of)
    return values


def evaluate(wb: Workbook, cells: dict[str, list[tuple[int, int, str]]], blocks: Sequence[FunctionBlock] = (), *, custom_functions: bool = True) -> Cells:
    """Evaluate the formulas of ``wb`` and return the value of each listed formula cell.

    The cells of ``blocks`` get their values from one call of our function per block (see
    :mod:`workbooks.function_blocks`); every other call of our functions is made per cell. Without
    ``custom_functions`` (the ``native`` runtime) our functions are not registered: a call of one is an error."""
    book, known, _ = _loaded(wb, blocks, custom_functions, {})
    book.evaluate_all()
    return _values(book, cells, known)


def errors_in(values: Cells) -> list[str]:
    """``Sheet!A1: #VALUE!`` for every formula that evaluated to an error."""
    return [
        f"{sheet}!{coordinate}: {ERROR_TEXT.get(str(value.get('kind')), '#VALUE!')} {value.get('message') or ''}".rstrip()
        for sheet, cells in values.items()
        for coordinate, value in cells.items()
        if isinstance(value, dict)
    ]


def with_parts(source: zipfile.ZipFile, rewritten: dict[str, bytes]) -> bytes:
    """The package ``source`` with the parts named in ``rewritten`` replaced; every other part copied unchanged."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, rewritten.get(item.filename, source.read(item.filename)))
    return out.getvalue()


def with_cached_values(
    wb: Workbook,
    *,
    custom_functions: bool = True,
    checked_sheets: Collection[str] | None = None,
    blocks: Sequence[FunctionBlock] = (),
    meanwhile: Callable[[], Collection[str]] | None = None,
    template_rows: TemplateRows | None = None,
) -> bytes:
    """The workbook as .xlsx bytes with every formula's value cached.

    formualizer evaluates every formula, with our Excel functions registered when ``custom_functions``;
    ``blocks`` are cells of our functions cached by one call per block. Any formula of ``checked_sheets``
    (default: every sheet) that evaluates to an error stops the build with the list of cells; formulas on
    other sheets (a user's own sheets, carried over by ``recalc``) keep whatever they evaluate to, errors included.

    formualizer evaluates in a second thread (it releases the GIL) while this one runs ``meanwhile`` and
    writes the package. ``meanwhile`` may add value cells that no formula reads (the appraisal's tables),
    never formulas, and returns the titles of the sheets it changed (their cells are written again).
    ``template_rows``: rows of formulas the build left as templates (:class:`workbooks.xlsx_writer.TemplateRow`).
    """
    prepared, values = _evaluated(wb, custom_functions=custom_functions, checked_sheets=checked_sheets, blocks=blocks, meanwhile=meanwhile, template_rows=template_rows)
    return prepared.to_bytes(values)


def cached_parts(wb: Workbook, *, custom_functions: bool, blocks: Sequence[FunctionBlock] = (), meanwhile: Callable[[], Collection[str]] | None = None,
                 template_rows: TemplateRows | None = None) -> dict[str, bytes]:  # fmt: skip
    """:func:`with_cached_values`'s package as its parts, in order (``xlmodel upgrade`` grafts them into the
    user's package: not zipped to be read again at once)."""
    prepared, values = _evaluated(wb, custom_functions=custom_functions, blocks=blocks, meanwhile=meanwhile, template_rows=template_rows)
    return prepared.parts(values)


def _evaluated(
    wb: Workbook,
    *,
    custom_functions: bool = True,
    checked_sheets: Collection[str] | None = None,
    blocks: Sequence[FunctionBlock] = (),
    meanwhile: Callable[[], Collection[str]] | None = None,
    template_rows: TemplateRows | None = None,
) -> tuple[PreparedBook, Cells]:
    """The book written once and the values of its formulas (see :func:`with_cached_values`)."""
    checked = set(wb.sheetnames if checked_sheets is None else checked_sheets)
    template_rows = template_rows or {}
    book, known, given = _loaded(wb, blocks, custom_functions, template_rows)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            book.evaluate_all()
        except BaseException as error:  # re-raised in this thread below
            failure.append(error)

    worker = threading.Thread(target=run, name="formualizer")
    worker.start()
    try:
        changed = meanwhile() if meanwhile is not None else ()
        prepared = PreparedBook(wb, reuse={title: cells for title, cells in given.items() if title not in changed}, template_rows=template_rows)
    finally:
        worker.join()
    if failure:
        raise failure[0]
    cells = prepared.formula_cells()
    if cells != {title: found.formulas() for title, found in given.items()}:  # ``meanwhile`` added or removed a formula
        raise WorkbookError("formler", "formler kom til eller forsvandt under beregningen (en fejl i xlmodel)")
    values = _values(book, cells, known)
    problems = errors_in({sheet: found for sheet, found in values.items() if sheet in checked})
    if problems:
        shown = "; ".join(problems[:10]) + (f" (+{len(problems) - 10} flere)" if len(problems) > 10 else "")
        raise WorkbookError("formler", f"{len(problems)} formler giver fejl: {shown}")
    return prepared, values
