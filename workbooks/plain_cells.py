"""A book read with the cells of its sheets taken from their XML in one pass (``xlmodel upgrade``).

openpyxl makes several Python objects per XML element it reads: 0.23 s for the 200-cohort book, the largest
part of an upgrade. Most cells xlmodel, openpyxl and Excel write are plain, one pattern each::

    <row r="5" ht="30" customHeight="1"><c r="I5" s="3" t="n"><f>I4*2</f><v>10</v></c></row>

A sheet part whose cells are all plain is read here: a ``<c>`` with ``r`` and optional ``s`` and ``t``, then an
optional ``<f>`` without attributes (but LibreOffice's ``aca``, which openpyxl ignores too), ``<v>`` and an
inline string ``<is><t>``; text with the five named entities and the character references XML allows; UTF-8,
the default namespace, no merged cells nor hyperlinks. openpyxl reads the package with that sheet's
``<sheetData>`` emptied (its styles, views, validations, comments), and the cells are made afterwards with
openpyxl's own rules for values (numbers, shared strings, booleans, dates by the cell's number format). Any
other part (shared or array formulas, rich text, whitespace between elements, an attribute more) is read by
openpyxl whole. The result equals openpyxl's load: tested cell by cell on every committed book, on books
saved by openpyxl and LibreOffice, and on random cells. :func:`read_book` leaves the cells of such sheets to be
made when the caller asks (:class:`Unbound`): ``xlmodel upgrade`` leaves out the rows it finds as the tool wrote them.

>>> rows = plain_rows(b'<sheetData><row r="2" ht="30" customHeight="1"><c r="B2" s="1" t="inlineStr"><is><t>A &amp; B</t></is></c></row></sheetData>')
>>> rows[0][0], rows[0][1]["ht"], rows[0][2]
(2, '30', [(2, 2, 1, 'inlineStr', None, None, 'A & B')])
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.workbook import Workbook
from openpyxl.worksheet._reader import _cast_number
from openpyxl.worksheet.dimensions import RowDimension

from workbooks.evaluate import WorkbookError
from workbooks.files import load, unpack
from workbooks.package import RELS, Package, SheetSplit, parse, serialise, split_sheet_data

MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

#: Characters XML does not allow in a document (the parser refuses them; here no token matches them, and the part
#: is left to openpyxl).
_FORBIDDEN = rb"\x00-\x08\x0b\x0c\x0e-\x1f"
_TEXT = rb"([^<" + _FORBIDDEN + rb"]*)"
#: One token of ``<sheetData>``: a row's start (number, other attributes, "/" when empty), a row's end, or a cell
#: (column, row, style, type, formula present, formula, empty formula, value, inline text present, inline text).
_TOKEN = re.compile(
    rb'<row r="([0-9]{1,7})"((?: [A-Za-z][A-Za-z0-9:]*="[^"<&' + _FORBIDDEN + rb']*")*)(/?)>'
    rb"|(</row>)"
    rb'|<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="([0-9]{1,6})")?(?: t="([A-Za-z]{1,9})")?'
    rb"(?:/>|>(?:(<f(?: aca=\"(?:true|false)\")?>)" + _TEXT + rb"</f>|(<f(?: aca=\"(?:true|false)\")?/>))?(?:<v>" + _TEXT + rb"</v>|<v/>)?"
    rb"(?:(<is>)<t(?: xml:space=\"preserve\")?>" + _TEXT + rb"</t></is>)?</c>)"
)
_ENCODING = re.compile(rb'<\?xml[^>]*?encoding=["\']([^"\']*)["\']')
_ATTRIBUTE = re.compile(rb'([A-Za-z][A-Za-z0-9:]*)="([^"]*)"')
_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}  # "amp" first: replaced last

#: A cell as read: (row, column, style index, type, formula text or None, value text or None, inline text or None).
PlainCell = tuple[int, int, int, str, str | None, str | None, str | None]
#: A sheet's rows as read: (number, the row element's attributes, its cells).
Rows = list[tuple[int, dict[str, str], list[PlainCell]]]


class _NotPlain(Exception):
    """The part has something the one pattern does not read; openpyxl reads it whole."""


def _text(raw: bytes) -> str:
    """XML text as the parser gives it: line ends normalised, the named entities and character references resolved.

    >>> _text(b"1 &lt; 2 &#229;r&#x21; &amp;lt;")
    '1 < 2 år! &lt;'
    """
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    text = raw.decode()
    if "&" not in text:
        return text
    if "&#" in text:  # one pass, so a resolved "&" is never read again
        references = _REFERENCE.findall(text)
        if len(references) != text.count("&"):
            raise _NotPlain  # an entity the pattern does not know
        return _REFERENCE.sub(_resolved, text)
    named = [text.count(f"&{name};") for name in _NAMED]
    if sum(named) != text.count("&"):
        raise _NotPlain
    for (name, character), count in zip(_NAMED.items(), named, strict=True):
        if count and name != "amp":
            text = text.replace(f"&{name};", character)
    return text.replace("&amp;", "&") if named[0] else text


_NUMERIC_REFERENCE = re.compile(rb"&#(?:[0-9]{1,7}|x[0-9a-fA-F]{1,6});")


def _non_ascii_resolved(data: bytes) -> bytes:
    """``data`` with each character reference to a non-ASCII character XML allows replaced by that character
    (UTF-8). Such a character has no meaning in markup, so this is what the parser reads wherever the reference
    may stand; elsewhere the part stays as unreadable as it was. (Our writer writes æ, ø and å as references.)

    >>> _non_ascii_resolved(b"<t>hel&#229;r &#38; &#x3c; &amp;#230;</t>").decode()
    '<t>helår &#38; &#x3c; &amp;#230;</t>'
    """
    if b"&#" not in data:
        return data
    table: dict[bytes, bytes] = {}

    def resolved(match: re.Match[bytes]) -> bytes:
        reference = match[0]
        found = table.get(reference)
        if found is None:
            code = int(reference[3:-1], 16) if reference[2:3] == b"x" else int(reference[2:-1])
            found = table[reference] = chr(code).encode() if code >= 0x80 and _allowed(code) else reference
        return found

    return _NUMERIC_REFERENCE.sub(resolved, data)


def _resolved(match: re.Match[str]) -> str:
    number = match[1] or match[2]
    return _character(int(number, 16 if match[2] else 10)) if number else _NAMED[match[3]]


def _character(code: int) -> str:
    """The character a reference names, where XML allows it (else the parser's error is openpyxl's to give)."""
    if _allowed(code):
        return chr(code)
    raise _NotPlain


def _allowed(code: int) -> bool:
    """A character XML allows in a document."""
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def plain_rows(sheet_data: bytes) -> Rows:
    """The rows of a ``<sheetData>`` element, each (number, its attributes, its cells); raises :class:`_NotPlain`
    when any piece of it is not one of the plain tokens."""
    if not sheet_data.startswith(b"<sheetData>") or not sheet_data.endswith(b"</sheetData>"):
        if sheet_data == b"<sheetData/>":
            return []
        raise _NotPlain
    sheet_data = _non_ascii_resolved(sheet_data)
    end = len(sheet_data) - len(b"</sheetData>")
    at = len(b"<sheetData>")
    rows: Rows = []
    cells: list[PlainCell] = []
    in_row = False
    match_token = _TOKEN.match
    columns: dict[bytes, int] = {}  # each column's, style's and type's text read once
    styles: dict[bytes | None, int] = {None: 0}
    kinds: dict[bytes | None, str] = {None: "n"}
    try:
        while at < end:
            m = match_token(sheet_data, at)
            if m is None:
                raise _NotPlain
            at = m.end()
            if m[1] is not None:  # a row starts (and ends, when empty)
                if in_row:
                    raise _NotPlain
                attributes = {"r": m[1].decode()} | {k.decode(): v.decode() for k, v in _ATTRIBUTE.findall(m[2])}
                cells, in_row = [], not m[3]
                rows.append((int(m[1]), attributes, cells))
            elif m[4] is not None:  # a row ends
                if not in_row:
                    raise _NotPlain
                in_row = False
            else:
                if not in_row:
                    raise _NotPlain
                _, _, _, _, letters, number, style, kind, has_formula, formula, empty_formula, value, has_inline, inline = m.groups()
                column, style_index, data_type = columns.get(letters), styles.get(style), kinds.get(kind)
                if column is None:
                    column = columns[letters] = column_index_from_string(letters.decode())
                if style_index is None:
                    style_index = styles[style] = int(style)
                if data_type is None:
                    data_type = kinds[kind] = kind.decode()
                cells.append((int(number), column, style_index, data_type, _text(formula) if has_formula else ("" if empty_formula else None),
                              None if value is None else _text(value) if value else "", _text(inline) if has_inline else None))  # fmt: skip
    except UnicodeDecodeError:
        raise _NotPlain from None
    if in_row:
        raise _NotPlain
    return rows


def _split(part: bytes) -> SheetSplit | None:
    """(before, ``<sheetData>`` element, after) of a sheet part that may be read here; None otherwise."""
    declared = _ENCODING.match(part)
    if declared is not None and declared[1].lower() not in (b"utf-8", b"utf8"):
        return None
    split = split_sheet_data(part)
    if split is None or MAIN not in split.before or b"<mergeCell" in split.after or b"<hyperlink" in split.after:  # a DTD stays: openpyxl refuses it
        return None
    return split


#: Sheet parts smaller than this are left to openpyxl. None: the plain reading is faster on parts of every size
#: (the 200-cohort book's small sheets: 5 ms less than openpyxl's); a test reads with a higher one to compare.
MIN_PART_BYTES = 0


def plain_sheet_parts(parts: dict[str, bytes], min_part_bytes: int = MIN_PART_BYTES) -> dict[str, Rows]:
    """The rows of each plain sheet part of at least ``min_part_bytes``; in ``parts`` (a package's parts by name)
    those sheets' ``<sheetData>`` is emptied (openpyxl reads the rest of them)."""
    plain: dict[str, Rows] = {}
    for part, content in parts.items():
        if not (part.startswith("xl/worksheets/") and part.endswith(".xml") and len(content) >= min_part_bytes):
            continue  # small parts: openpyxl reads them about as fast
        split = _split(content)
        if split is None:
            continue
        try:
            plain[part] = plain_rows(split.cells)
        except _NotPlain:
            continue
        parts[part] = split.without_cells()
    return plain


def load_book(data: bytes, name: str, *, min_part_bytes: int | None = None) -> Workbook:
    """The book in ``data`` as :func:`workbooks.files.load` reads it (formulas, not their cached values), with the
    cells of plain sheet parts of at least ``min_part_bytes`` made from their XML (see the module docstring)."""
    wb, unbound, _ = read_book(data, name, min_part_bytes=min_part_bytes)
    for title in list(unbound.rows):
        unbound.bind(wb[title])
    return wb


@dataclass
class Unbound:
    """The plain sheets of a book read by :func:`read_book`, whose cells are not made yet: :meth:`bind` makes them."""

    name: str  # the book's, for messages
    rows: dict[str, Rows]  # by sheet title
    shared_strings: list[str]

    def bind(self, ws: Any, leave: Leave | None = None) -> set[int]:
        """The sheet's cells made, as openpyxl makes them, but for the rows ``leave`` names (the caller knows them
        already: ``xlmodel upgrade`` leaves the rows it finds as the tool wrote them); a row where a comment made a
        cell is made all the same. Returns the rows left."""
        rows = self.rows.pop(ws.title)
        left = set()
        try:
            if leave is not None:
                made = {row for row, _ in ws._cells}  # the rows where the sheet's comments made cells already
                for number, _, cells in rows:
                    if number not in made and leave(number, cells):
                        cells.clear()
                        left.add(number)
            _bind(ws, rows, self.shared_strings)
        except Exception as exc:  # a forged part (a shared string or style that is not there), worded as load words it
            raise WorkbookError(self.name, f"kan ikke læses som et .xlsx-regneark ({type(exc).__name__}: {str(exc)[:200]})") from None
        return left


def _without_drawings(relationships: bytes, name: str) -> bytes:
    """A sheet's relationships without its drawing (charts and pictures)."""
    root = parse(relationships, name)
    for relationship in root.findall(f"{{{RELS}}}Relationship"):
        if relationship.get("Type", "").endswith("/drawing"):
            root.remove(relationship)
    return serialise(root)


#: Given a row's number and its cells: whether its cells need not be made.
Leave = Callable[[int, list[PlainCell]], bool]


class ReadBook(NamedTuple):
    """A book read by :func:`read_book`: openpyxl's workbook, its plain sheets still to be made into cells, and
    its package as it is (every part's bytes, unpacked once)."""

    workbook: Workbook
    unbound: Unbound
    package: Package


def read_book(data: bytes, name: str, *, min_part_bytes: int | None = None, drawings: bool = True) -> ReadBook:
    """The book in ``data`` read by openpyxl but for the cells of its plain sheet parts of at least
    ``min_part_bytes`` (default :data:`MIN_PART_BYTES`): those sheets' rows, read, wait in :class:`Unbound` (a
    sheet's comments are there already). Without ``drawings`` the sheets' charts and pictures are not read (a
    reader of cells: ``xlmodel upgrade`` carries them in the package)."""
    if not openpyxl.DEFUSEDXML:
        raise WorkbookError("defusedxml", "defusedxml skal være installeret, så openpyxl afviser farlig XML")
    unpacked = unpack(data, name)  # under the size limits
    if unpacked is None:
        load(data, name)  # openpyxl's error, as load words it
        raise WorkbookError(name, "kan ikke læses som et .xlsx-regneark")
    package = Package(*unpacked)
    parts = dict(package.parts)  # the parts openpyxl reads: the plain sheets' cells taken out
    plain = plain_sheet_parts(parts, MIN_PART_BYTES if min_part_bytes is None else min_part_bytes)
    if not drawings:
        for part in [part for part in parts if part.startswith("xl/worksheets/_rels/") and b"/drawing" in parts[part]]:
            parts[part] = _without_drawings(parts[part], part)
    elif not plain:
        return ReadBook(load(data, name), Unbound(name, {}, []), package)
    reduced = io.BytesIO()
    with zipfile.ZipFile(reduced, "w", zipfile.ZIP_STORED) as out:
        for part, content in parts.items():
            out.writestr(part, content)
    try:
        reader = ExcelReader(io.BytesIO(reduced.getvalue()))  # load_workbook's defaults, as files.load reads
        reader.read()
        part_of = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}
    except Exception as exc:  # as load: openpyxl raises KeyError, XML errors, ... for broken files
        raise WorkbookError(name, f"kan ikke læses som et .xlsx-regneark ({type(exc).__name__}: {str(exc)[:200]})") from None
    rows = {ws.title: plain[part_of[ws.title]] for ws in reader.wb.worksheets if part_of.get(ws.title, "") in plain}
    return ReadBook(reader.wb, Unbound(name, rows, reader.shared_strings), package)


def _bind(ws: Any, rows: Rows, shared_strings: list[str]) -> None:
    """The cells and row dimensions of ``rows`` in ``ws``, as openpyxl's WorksheetReader makes them (a cell that a
    comment made already is given its content in place)."""
    wb = ws.parent
    styles, dates, timedeltas, epoch, existing = wb._cell_styles, wb._date_formats, wb._timedelta_formats, wb.epoch, ws._cells
    made_before = bool(existing)  # cells a comment made: openpyxl would have made them in the rows' order
    for number, attributes, cells in rows:
        if {k for k in attributes if ":" not in k} - {"r", "spans"}:  # openpyxl keeps a row's dimension only then
            found = {k: v for k, v in attributes.items() if ":" not in k}
            style = found.pop("s", None)
            ws.row_dimensions[number] = RowDimension(ws, s=None if style is None else styles[int(style)], **found)
        for row, column, style_id, data_type, formula, value, inline in cells:
            content: Any = value or None
            if data_type == "inlineStr":
                content = None
            if formula is not None:
                data_type, content = "f", "=" + formula
            elif content is not None:
                if data_type == "n":
                    content = _cast_number(content)
                    if style_id in dates:
                        data_type = "d"
                        try:
                            content = from_excel(content, epoch, timedelta=style_id in timedeltas)
                        except (OverflowError, ValueError):
                            warnings.warn(f"Cell {get_column_letter(column)}{row} is marked as a date but the serial value {content} is outside the limits for dates. "
                                          "The cell will be treated as an error.", stacklevel=1)  # fmt: skip  # openpyxl's words
                            data_type, content = "e", "#VALUE!"
                elif data_type == "s":
                    content = shared_strings[int(content)]
                elif data_type == "b":
                    content = bool(int(content))
                elif data_type == "str":
                    data_type = "s"
                elif data_type == "d":
                    content = from_ISO8601(content)
            elif data_type == "inlineStr" and inline is not None:
                data_type, content = "s", inline
            cell = existing.get((row, column))
            if cell is None:
                cell = existing[(row, column)] = Cell(ws, row=row, column=column, style_array=styles[style_id])
            else:
                cell._style = StyleArray(styles[style_id])
            cell._value, cell.data_type = content, data_type
    if made_before:
        ws._cells = dict(sorted(existing.items()))
    if ws._cells:
        ws._current_row = ws.max_row
