"""Evaluate a workbook's own formulas headlessly and store each result as the formula's cached value.

formualizer (Rust core, pinned) evaluates every formula, with our Excel functions registered under
the names each runtime writes (``_xldudf_XLMODEL_SAVINGS`` and ``SAVINGS``). The results are then
written into the ``<v>`` of each formula cell of the openpyxl-written file, so any reader without the
add-in (pandas, calamine, ``openpyxl data_only=True``, Excel without the add-in) sees every number.
"""

from __future__ import annotations

import io
import math
import posixpath
import zipfile
from collections.abc import Callable, Collection, Sequence
from typing import Any

import formualizer
from lxml import etree
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from workbooks.function_blocks import FunctionBlock, block_values
from xlmodel import __version__
from xlmodel.errors import XlmodelError

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)
_FORMULA_CELLS = etree.XPath("//m:sheetData/m:row/m:c[m:f]", namespaces={"m": MAIN_NS})
ERROR_TEXT = {"Value": "#VALUE!", "Na": "#N/A", "Div": "#DIV/0!", "Div0": "#DIV/0!", "Ref": "#REF!", "Name": "#NAME?", "Num": "#NUM!", "Null": "#NULL!", "Spill": "#SPILL!", "Calc": "#CALC!"}

Cells = dict[str, dict[str, Any]]  # sheet title -> coordinate -> value
#: What a status cell shows until the add-in recalculates it.
NOT_LIVE = f"xlmodel {__version__}: gemt værdi, funktionerne kører ikke (åbn med tilføjelsesprogrammet)"


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


def evaluate(data: bytes, cells: dict[str, list[tuple[int, int, str]]], blocks: Sequence[FunctionBlock] = ()) -> Cells:
    """Evaluate the workbook ``data`` and return the value of each listed formula cell.

    The cells of ``blocks`` get their values from one call of our function per block (see
    :mod:`workbooks.function_blocks`); every other call of our functions is made per cell."""
    import udfs

    functions = {function.__name__: function for function in udfs.FUNCTIONS}
    known: Cells = {}
    for block in blocks:
        found = block_values(block, functions)
        if found is not None:
            cells_of = known.setdefault(block.sheet, {})
            for row, row_values in found.items():
                cells_of.update({f"{get_column_letter(block.first_col + j)}{row}": v for j, v in enumerate(row_values)})
    if known:  # formualizer gets those cells as values: replacing 24,000 formulas after loading costs 20 µs each
        data = inject_cached_values(data, known, keep_formulas=False)
    book = formualizer.Workbook.from_bytes(data)
    for name, callback in _udf_callbacks().items():
        book.register_function(name, callback, min_args=0, max_args=12)
    book.evaluate_all()
    values: Cells = {}
    for sheet, coordinates in cells.items():
        if not coordinates:
            values[sheet] = {}
            continue
        last_row = max(row for row, _, _ in coordinates)
        last_col = max(column for _, column, _ in coordinates)
        grid = book.sheet(sheet).get_values(formualizer.RangeAddress(sheet, 1, 1, last_row, last_col))  # one call per sheet
        values[sheet] = {coordinate: grid[row - 1][column - 1] for row, column, coordinate in coordinates}
    for sheet, cells_of in known.items():
        values[sheet].update(cells_of)
    return values


def errors_in(values: Cells) -> list[str]:
    """``Sheet!A1: #VALUE!`` for every formula that evaluated to an error."""
    return [
        f"{sheet}!{coordinate}: {ERROR_TEXT.get(str(value.get('kind')), '#VALUE!')} {value.get('message') or ''}".rstrip()
        for sheet, cells in values.items()
        for coordinate, value in cells.items()
        if isinstance(value, dict)
    ]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> path of its XML part, from workbook.xml and its relationships."""
    workbook = etree.fromstring(archive.read("xl/workbook.xml"), _PARSER)
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), _PARSER)
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        target = targets[sheet.get(f"{{{REL_NS}}}id")]
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return parts


def _set_cached(cell: etree._Element, value: Any) -> None:
    for old in cell.findall(f"{{{MAIN_NS}}}v"):
        cell.remove(old)
    v = etree.SubElement(cell, f"{{{MAIN_NS}}}v")
    if isinstance(value, bool):
        cell.set("t", "b")
        v.text = "1" if value else "0"
    elif isinstance(value, int | float):
        if not math.isfinite(value):
            raise WorkbookError(cell.get("r") or "", "en formel gav et tal, der ikke er endeligt", value=value)
        cell.attrib.pop("t", None)
        v.text = repr(float(value)) if not float(value).is_integer() else str(int(value))
    elif isinstance(value, dict):
        cell.set("t", "e")
        v.text = ERROR_TEXT.get(str(value.get("kind")), "#VALUE!")
    else:
        cell.set("t", "str")
        v.text = "" if value is None else str(value)


def inject_cached_values(data: bytes, values: Cells, *, keep_formulas: bool = True) -> bytes:
    """``data`` with the ``<v>`` of every listed formula cell set (without ``keep_formulas`` the formula
    is removed too, leaving a plain value); other parts copied unchanged."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = _sheet_parts(source)
    rewritten: dict[str, bytes] = {}
    for sheet, cells in values.items():
        part = parts[sheet]
        root = etree.fromstring(source.read(part), _PARSER)
        for cell in _FORMULA_CELLS(root):  # XPath in C: only the cells with a formula
            coordinate = cell.get("r")
            if coordinate in cells:
                _set_cached(cell, cells[coordinate])
                if not keep_formulas:
                    cell.remove(cell.find(f"{{{MAIN_NS}}}f"))
        rewritten[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return with_parts(source, rewritten)


def with_parts(source: zipfile.ZipFile, rewritten: dict[str, bytes]) -> bytes:
    """The package ``source`` with the parts named in ``rewritten`` replaced; every other part copied unchanged."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, rewritten.get(item.filename, source.read(item.filename)))
    return out.getvalue()


def to_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_cached_values(wb: Workbook, *, custom_functions: bool = True, checked_sheets: Collection[str] | None = None, blocks: Sequence[FunctionBlock] = ()) -> bytes:
    """The workbook as .xlsx bytes with every formula's value cached.

    With ``custom_functions`` our Excel functions are registered and the values are injected here;
    without (the ``native`` runtime) formualizer recalculates the file in one pass in Rust, which
    gives the same values faster (formualizer 0.13 refuses that for books above 100,000 formulas; those take
    the general path); ``blocks`` are cells of our functions cached by one call per block.
    Any formula of ``checked_sheets`` (default: every sheet) that
    evaluates to an error stops the build with the list of cells; formulas on other sheets (a user's
    own sheets, carried over by ``recalc``) keep whatever they evaluate to, errors included.
    """
    data = to_bytes(wb)
    checked = set(wb.sheetnames if checked_sheets is None else checked_sheets)
    result = None
    if not custom_functions:
        try:
            result = formualizer.recalculate_xlsx_bytes(data)
        except OSError as error:
            if "formula cell count limit" not in str(error):
                raise WorkbookError("formler", f"formualizer kunne ikke genberegne regnearket: {error}") from None
    if result is not None:
        summary = result["summary"]
        locations = [
            location
            for token, entry in (summary.get("error_summary") or {}).items()
            for location in entry.get("locations", [])
            if location.rsplit("!", 1)[0].strip("'") in checked
        ]
        errors = sum(entry.get("errors", 0) for sheet, entry in (summary.get("sheets") or {}).items() if sheet in checked)
        if errors or locations:
            raise WorkbookError("formler", f"{errors} formler giver fejl: {', '.join(locations[:20])}; ukendte funktioner: {summary.get('unknown_functions')}")
        return bytes(result["bytes"])
    cells = formula_cells(wb)
    values = evaluate(data, cells, blocks)
    problems = errors_in({sheet: found for sheet, found in values.items() if sheet in checked})
    if problems:
        shown = "; ".join(problems[:10]) + (f" (+{len(problems) - 10} flere)" if len(problems) > 10 else "")
        raise WorkbookError("formler", f"{len(problems)} formler giver fejl: {shown}")
    return inject_cached_values(data, values)
