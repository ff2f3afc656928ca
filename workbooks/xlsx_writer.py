"""Write an openpyxl workbook as .xlsx bytes, with each formula's cached value.

openpyxl writes the package (styles, charts, validations, print set-up, properties) as it always does;
only the cells (``<sheetData>``) are written here, as text, because openpyxl's writer makes several
XML elements per cell in Python (about 10 µs a cell: 0.4 s for a 36,000-cell book). The XML is the
same as openpyxl's (inline strings, numbers with 16 significant digits, dates as serial numbers), plus:

- ``cached``: sheet title -> coordinate -> value; a formula cell listed there gets its value in ``<v>``
  (a number, text as ``t="str"``, a bool as ``t="b"``, an error ``{"kind": ...}`` as ``t="e"``);
- ``as_values``: cells written as their value only, without their formula (how formualizer is given
  the cells our functions compute in one call per block).

A cell openpyxl would write in some other way (rich text, an array formula, a hyperlink, a time) is
written by openpyxl's own cell writer, so nothing is lost.

The cells of a sheet are made once (:func:`sheet_cells`: text pieces with a slot per formula value) and
serve both the minimal file formualizer reads (:func:`formula_input`) and the finished file
(:class:`PreparedBook`, whose values are filled in once formualizer has evaluated them).

Example: ``to_bytes(wb, cached={"Budget": {"I30": 1500.0}})`` stores ``<c r="I30"><f>I28-I29</f><v>1500</v></c>``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.cell._writer import etree_write_cell
from openpyxl.cell.cell import Cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import SHEET_MAIN_NS

from xlmodel.errors import XlmodelError

Cells = Mapping[str, Mapping[str, Any]]  # sheet title -> coordinate -> value
TemplateRows = Mapping[str, Sequence["TemplateRow"]]  # sheet title -> its rows of formulas
#: The text formualizer and our functions use for each error kind.
ERROR_TEXT = {"Value": "#VALUE!", "Na": "#N/A", "Div": "#DIV/0!", "Div0": "#DIV/0!", "Ref": "#REF!", "Name": "#NAME?", "Num": "#NUM!", "Null": "#NULL!", "Spill": "#SPILL!", "Calc": "#CALC!"}
_MARKER = b"<sheetData/>"
_SPECIAL = re.compile('[&<>"\r]')
_NO_STYLE = StyleArray().tobytes()
_SIMPLE = {type(None), str, int, float, bool, dt.datetime, dt.date}
_NOT_CACHED = object()
_LETTERS = [""] + [get_column_letter(c) for c in range(1, 16385)]


class CellValueError(XlmodelError, ValueError):
    """A cached value that cannot be stored (a number that is not finite)."""


def _text(value: str) -> str:
    """Text escaped for XML content or an attribute value; a carriage return stays one (an XML reader
    turns a bare one into a newline)."""
    if _SPECIAL.search(value) is None:
        return value
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return value.replace("\r", "&#13;")


def stored_number(value: float | int) -> str:
    """A number as a value cell stores it: 16 significant digits, as openpyxl writes them (a cached
    value keeps all 17), e.g. ``stored_number(0.26226542116988194)`` → ``"0.2622654211698819"``."""
    return f"{value:.16g}"


def _number_v(number: float) -> str:
    """The ``<v>`` of a finite number, to the last bit (``repr``), a whole number without a decimal point."""
    return f"<v>{int(number) if number.is_integer() else repr(number)}</v>"


def _cached_xml(value: Any, coordinate: str) -> tuple[str, str]:
    """(type attribute, ``<v>`` element) of a formula's value (a number to the last bit: ``repr``)."""
    if isinstance(value, bool):
        return ' t="b"', f"<v>{int(value)}</v>"
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise CellValueError(coordinate, "en formel gav et tal, der ikke er endeligt", value=value)
        return "", _number_v(number)
    if isinstance(value, dict):
        return ' t="e"', f"<v>{ERROR_TEXT.get(str(value.get('kind')), '#VALUE!')}</v>"
    return ' t="str"', f"<v>{_text('' if value is None else str(value))}</v>"


class _Collect:
    """Stands in for openpyxl's XML stream so its own cell writer can write one unusual cell."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, element: Any) -> None:
        self.parts.append(etree.tostring(element))


@dataclass
class SheetCells:
    """One sheet's ``<sheetData>`` as text pieces, with slots for each formula's cached value, and the
    comments and hyperlinks openpyxl writes after it."""

    pieces: list[str]
    #: (index of the type-attribute piece, row, column, coordinate) per formula cell; the piece after it
    #: closes the tag, then come the formula and the value
    slots: list[tuple[int, int, int, str]]
    comments: list[Any]
    hyperlinks: list[Any]

    def formulas(self) -> list[tuple[int, int, str]]:
        """(row, column, coordinate) of each formula cell."""
        return [slot[1:] for slot in self.slots]

    def xml(self, cached: Mapping[str, Any], as_values: Mapping[str, Any], title: str) -> bytes:
        pieces = self.pieces
        if cached or as_values:
            pieces = pieces.copy()
            for index, _, _, coordinate in self.slots:
                if coordinate in as_values:
                    pieces[index], pieces[index + 3] = _cached_xml(as_values[coordinate], f"{title}!{coordinate}")
                    pieces[index + 2] = ""
                    continue
                value = cached.get(coordinate, _NOT_CACHED)
                if type(value) is float and math.isfinite(value):  # most values: the number, no type attribute
                    pieces[index + 3] = _number_v(value)
                elif value is not _NOT_CACHED:
                    pieces[index], pieces[index + 3] = _cached_xml(value, f"{title}!{coordinate}")
        return "".join(pieces).encode()


@dataclass(frozen=True)
class TemplateRow:
    """Formulas in columns ``first_col`` to ``last_col`` of ``row``, each ``template`` with every ``{c}`` its
    column letter, all of one ``style``: the year rows of the large sheets, written without openpyxl cells.

    >>> TemplateRow(5, 9, 10, "={c}4*{c}$3", StyleArray()).formula("J")
    '=J4*J$3'
    """

    row: int
    first_col: int
    last_col: int
    template: str
    style: StyleArray

    def formula(self, letter: str) -> str:
        """The formula in the column ``letter``."""
        return self.template.replace("{c}", letter)

    def formulas(self) -> list[tuple[int, str]]:
        """(column, formula) of each cell of the row."""
        return [(column, "=" + text) for column, text in enumerate(self.texts(), start=self.first_col)]

    def texts(self) -> list[str]:
        """Each cell's formula as the file holds it (without the "=")."""
        parts = self.template[1:].split("{c}")
        return [_LETTERS[column].join(parts) for column in range(self.first_col, self.last_col + 1)]

    def make_cells(self, ws: Worksheet) -> None:
        """The row as openpyxl cells of ``ws`` (a cell there already, only the empty freeze-panes corner, is reused)."""
        cells = ws._cells
        for column in range(self.first_col, self.last_col + 1):
            cell = cells.get((self.row, column))
            if cell is None:  # made directly: ws.cell() checks its arguments, which costs a third of the time
                cell = cells[(self.row, column)] = Cell(ws, row=self.row, column=column)
            cell._value, cell.data_type, cell._style = self.formula(_LETTERS[column]), "f", StyleArray(self.style)


def sheet_cells(ws: Worksheet, template_rows: Sequence[TemplateRow] = ()) -> SheetCells:
    """The cells of ``ws`` and its ``template_rows`` (see the module docstring), with the comments and
    hyperlinks openpyxl writes after them (openpyxl's own row writer collects them the same way)."""
    styles = ws.parent._cell_styles
    style_ids: dict[bytes, str] = {}  # a style's bytes -> its s="..." attribute
    templates = {t.row: t for t in template_rows}
    if len(templates) != len(template_rows):
        raise XlmodelError(ws.title, "to formelrækker i samme række (en fejl i xlmodel)")
    rows = cells_by_row(ws, templates.keys())
    epoch = ws.parent.epoch
    out: list[str] = ["<sheetData>"]
    slots: list[tuple[int, int, int, str]] = []
    comments: list[Any] = []
    hyperlinks: list[Any] = []

    def style_of(style: StyleArray, key: bytes) -> str:
        s = style_ids.get(key)
        if s is None:
            s = style_ids[key] = f' s="{styles.add(style)}"' if key != _NO_STYLE else ""
        return s

    def write_template(t: TemplateRow) -> None:
        s = style_of(t.style, t.style.tobytes())
        parts = _text(t.template[1:]).split("{c}")  # escaped once per row: a column letter needs no escaping
        for column in range(t.first_col, t.last_col + 1):
            letter = _LETTERS[column]
            coordinate = f"{letter}{t.row}"
            slots.append((len(out) + 1, t.row, column, coordinate))
            out.extend((f'<c r="{coordinate}"{s}', "", ">", f"<f>{letter.join(parts)}</f>", "<v></v>", "</c>"))

    for r in sorted(rows):
        attrs = "".join(f' {k}="{_text(v)}"' for k, v in ws.row_dimensions[r]) if r in ws.row_dimensions else ""
        out.append(f'<row r="{r}"{attrs}>')
        template = templates.get(r)
        for cell in rows[r]:
            if template is not None and cell.column >= template.first_col:
                if cell.column <= template.last_col:
                    if cell._value is not None or cell.has_style:  # only the empty freeze-panes corner may sit there
                        raise XlmodelError(f"{ws.title}!{cell.coordinate}", "cellen ligger i en formelrække (en fejl i xlmodel)")
                    continue
                write_template(template)
                template = None
            if cell._comment is not None:
                comments.append(CommentRecord.from_cell(cell))
            value, kind, style = cell._value, cell.data_type, cell._style
            key = _NO_STYLE if style is None else style.tobytes()
            if value is None and key == _NO_STYLE and cell._comment is None:
                continue
            coordinate = f"{_LETTERS[cell.column]}{r}"
            s = "" if key == _NO_STYLE else style_of(style, key)
            if cell._hyperlink is not None or type(value) not in _SIMPLE:
                collect = _Collect()  # rich text, array formulas, hyperlinks, times: openpyxl's own writer
                before = len(ws._hyperlinks)
                etree_write_cell(collect, ws, cell, key != _NO_STYLE)  # appends the cell's hyperlink to ws._hyperlinks
                hyperlinks += ws._hyperlinks[before:]
                del ws._hyperlinks[before:]
                out.append(collect.parts[0].decode())
                continue
            if value is None or value == "":
                out.append(f'<c r="{coordinate}"{s}/>' if kind != "s" else f'<c r="{coordinate}"{s} t="inlineStr"/>')
            elif kind == "f":
                slots.append((len(out) + 1, r, cell.column, coordinate))
                out += (f'<c r="{coordinate}"{s}', "", ">", f"<f>{_text(value[1:])}</f>", "<v></v>", "</c>")
            else:
                out.append(_value_xml(coordinate, s, value, kind, epoch, ws.title))
        if template is not None:  # no cell after the row's formulas
            write_template(template)
        out.append("</row>")
    out.append("</sheetData>")
    return SheetCells(out, slots, comments, hyperlinks)


def cells_by_row(ws: Worksheet, template_rows: Iterable[int]) -> dict[int, list[Any]]:
    """The cells of ``ws`` per row, in column order; an empty list for a row with only a height or a style,
    or only a template row."""
    rows: dict[int, list[Any]] = {}
    for (r, _), cell in sorted(ws._cells.items()):
        rows.setdefault(r, []).append(cell)
    for r in (ws.row_dimensions.keys() | set(template_rows)) - rows.keys():
        rows[r] = []
    return rows


def _value_xml(coordinate: str, s: str, value: Any, kind: str, epoch: Any, sheet: str) -> str:
    """A cell with a value and no formula, as openpyxl writes it (text inline, a date as its serial number).

    >>> _value_xml("A1", "", " x", "s", None, "Ark")
    '<c r="A1" t="inlineStr"><is><t xml:space="preserve"> x</t></is></c>'
    """
    if kind == "s":
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{coordinate}"{s} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
    if kind == "d":
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            raise CellValueError(f"{sheet}!{coordinate}", "Excel kan ikke gemme en tidszone i en dato")
        return f'<c r="{coordinate}"{s} t="n"><v>{stored_number(to_excel(value, epoch))}</v></c>'
    if kind == "b":
        return f'<c r="{coordinate}"{s} t="b"><v>{stored_number(value)}</v></c>'
    if kind == "n":
        if isinstance(value, float) and not math.isfinite(value):
            return f'<c r="{coordinate}"{s} t="n"><v></v></c>'  # openpyxl writes an empty value
        return f'<c r="{coordinate}"{s} t="n"><v>{stored_number(value)}</v></c>'
    return f'<c r="{coordinate}"{s} t="{kind}"><v>{_text(str(value))}</v></c>'  # "str", "e", "inlineStr": as openpyxl writes them


class _SheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer with an empty ``<sheetData/>`` in place of the rows (written after)."""

    def write_rows(self) -> None:
        xf = self.xf.send(True)
        xf.write(etree.Element("sheetData"))
        self.xf.send(None)


class _BookWriter(ExcelWriter):
    """openpyxl's package writer; each sheet's cells are kept aside (``sheets``) for :class:`PreparedBook`."""

    def __init__(self, wb: Workbook, archive: zipfile.ZipFile, reuse: Mapping[str, SheetCells], template_rows: TemplateRows) -> None:
        super().__init__(wb, archive)
        self.reuse, self.template_rows = reuse, template_rows
        self.sheets: dict[str, tuple[str, SheetCells]] = {}  # part name -> (sheet title, cells)

    def write_worksheet(self, ws: Worksheet) -> None:  # as openpyxl's, with the rows written by sheet_cells
        from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing

        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _SheetWriter(ws)  # empties ws._comments and ws._hyperlinks
        cells = self.reuse.get(ws.title) or sheet_cells(ws, self.template_rows.get(ws.title, ()))
        ws._comments, ws._hyperlinks = list(cells.comments), list(cells.hyperlinks)  # written after the cells
        self.sheets[ws.path[1:]] = (ws.title, cells)
        writer.write()
        ws._rels = writer._rels
        with open(writer.out, "rb") as file:
            xml = file.read()
        if xml.count(_MARKER) != 1:
            raise XlmodelError(ws.title, "arket kunne ikke skrives (sheetData)")
        self._archive.writestr(ws.path[1:], xml)
        self.manifest.append(ws)
        writer.cleanup()


class PreparedBook:
    """A workbook written once, the values of its formulas still to come: :meth:`to_bytes` fills them in.

    ``reuse``: cells of sheets already written (by an earlier PreparedBook of the same workbook) that have
    not changed since; ``template_rows``: rows of formulas without openpyxl cells, per sheet title."""

    def __init__(self, wb: Workbook, reuse: Mapping[str, SheetCells] | None = None, template_rows: TemplateRows | None = None) -> None:
        self._buffer = io.BytesIO()
        with zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
            writer = _BookWriter(wb, archive, reuse or {}, template_rows or {})
            writer.save()
        self._sheets = writer.sheets

    @property
    def sheets(self) -> dict[str, SheetCells]:
        """Each sheet's cells, by title."""
        return {title: cells for title, cells in self._sheets.values()}

    def formula_cells(self) -> dict[str, list[tuple[int, int, str]]]:
        """(row, column, coordinate) of every formula cell, per sheet title."""
        return {title: cells.formulas() for title, cells in self._sheets.values()}

    def parts(self, cached: Cells | None = None, *, as_values: Cells | None = None) -> dict[str, bytes]:
        """The package's parts in order, with ``cached`` values in the formula cells listed there; ``as_values``:
        cells written as their value only (see the module docstring)."""
        found = {}
        with zipfile.ZipFile(self._buffer) as source:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename in self._sheets:
                    title, cells = self._sheets[item.filename]
                    data = data.replace(_MARKER, cells.xml((cached or {}).get(title, {}), (as_values or {}).get(title, {}), title))
                found[item.filename] = data
        return found

    def to_bytes(self, cached: Cells | None = None, *, as_values: Cells | None = None, compress: bool = True) -> bytes:
        """The .xlsx bytes of :meth:`parts`."""
        out = io.BytesIO()
        method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        # level 1: three times faster than zlib's default 6, the file about an eighth larger
        with zipfile.ZipFile(out, "w", method, allowZip64=True, compresslevel=1) as target:
            for name, data in self.parts(cached, as_values=as_values).items():
                target.writestr(name, data, compress_type=target.compression)
        return out.getvalue()


_CONTENT_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def formula_input(wb: Workbook, cells: Mapping[str, SheetCells], as_values: Cells | None = None) -> bytes | None:
    """The smallest .xlsx formualizer evaluates like the whole book: the sheets and their cells (``cells``,
    by title), without styles, charts, validations or properties (a third of the writing time). None when
    the book has defined names (formulas may use them): then write the whole book."""
    if wb.defined_names or any(ws.defined_names for ws in wb.worksheets):
        return None
    titles = [ws.title for ws in wb.worksheets]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CONTENT_TYPES}.worksheet+xml"/>' for i in range(1, len(titles) + 1))
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CONTENT_TYPES}.sheet.main+xml"/>{overrides}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(f'<sheet name="{_text(title)}" sheetId="{i}" r:id="rId{i}"/>' for i, title in enumerate(titles, start=1))
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{SHEET_MAIN_NS}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>',
        )
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(titles) + 1))
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        for i, title in enumerate(titles, start=1):
            data = cells[title].xml({}, (as_values or {}).get(title, {}), title)
            archive.writestr(f"xl/worksheets/sheet{i}.xml", b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="' + SHEET_MAIN_NS.encode() + b'">' + data + b"</worksheet>")
    return out.getvalue()


def to_bytes(wb: Workbook, *, cached: Cells | None = None, as_values: Cells | None = None, compress: bool = True) -> bytes:
    """``wb`` as .xlsx bytes; ``cached`` values of formula cells, ``as_values`` cells without their formula;
    without ``compress`` the parts are stored as they are (for a file read back at once, in memory)."""
    return PreparedBook(wb).to_bytes(cached, as_values=as_values, compress=compress)
