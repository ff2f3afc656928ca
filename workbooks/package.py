"""The user's book is the user's: ``recalc`` patches the package the user handed us instead of rebuilding it.

What xlmodel owns in a book it wrote, and so the only things a patch writes (:data:`OWNED`):

- in each tool sheet's part, the cells that are not inputs: their formula, cached value and type (the cell's
  style stays the user's; a cell the user's part lacks is added with the tool's style, appended to
  ``xl/styles.xml``), the merged ranges and the heights the tool gives its rows (the summary's paragraphs
  move when the number of lines changes);
- in ``docProps/custom.xml``, the properties whose names start with ``xlmodel_``;
- ``xl/calcChain.xml``, Excel's cache of the order of formulas, is dropped when the formula cells changed
  (Excel rebuilds it; a stale one makes Excel repair the book);
- ``fullCalcOnLoad`` in ``xl/workbook.xml``'s ``calcPr`` when the user's own sheets have formulas (their
  cached values may depend on tool cells that changed; Excel recalculates them when the book is opened).

When the tool sheets must change structure (``xlmodel upgrade`` to a new layout, or ``recalc --force`` when
the inputs need another payer or more benefit periods) they are replaced whole instead, in the same package,
by :mod:`workbooks.graft`; what it writes besides the tool sheets' parts is said there.

Every other part keeps its bytes: the user's sheets, defined names, document properties, sensitivity labels
(``docMetadata/LabelInfo.xml``, ``MSIP_Label_*``), protection, conditional formats, data validations, sheet
views, print settings, comments, charts, VBA (``xl/vbaProject.bin``) and the package's content types (so an
``.xlsm`` stays one). On a tool sheet, everything but the cells' contents is the user's too.
"""

from __future__ import annotations

import copy
import io
import posixpath
import re
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree
from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

from workbooks.evaluate import WorkbookError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
CALC_CHAIN = "xl/calcChain.xml"

#: The parts of a book (and the pieces of them) that xlmodel writes; see the module's docstring.
OWNED = {
    "tool sheets": "the <c> elements of <sheetData> that are not input cells (formula, cached value, type), <mergeCells>, and the height of rows the tool sizes",
    "docProps/custom.xml": "the properties named xlmodel_*",
    "xl/styles.xml": "appended cell formats for tool cells the user's part lacks (existing entries never change)",
    CALC_CHAIN: "dropped when the tool sheets' formula cells changed",
    "xl/workbook.xml": "calcPr/@fullCalcOnLoad set when the user's own sheets have formulas",
}

#: The lists of ``xl/styles.xml`` in the schema's order (CT_Stylesheet).
_STYLE_LISTS = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles", "colors", "extLst")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_CELL_CONTENT = {f"{{{MAIN}}}f", f"{{{MAIN}}}v", f"{{{MAIN}}}is"}


def _q(tag: str, ns: str = MAIN) -> str:
    return f"{{{ns}}}{tag}"


def parse(data: bytes, name: str) -> etree._Element:
    """A part's XML; entities are never expanded and nothing is fetched."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(name, f"delen kan ikke læses som XML ({str(exc)[:200]})") from None


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@dataclass
class Package:
    """An .xlsx/.xlsm package: its parts in their order, read once; ``changed`` parts are written back."""

    infos: list[zipfile.ZipInfo]
    parts: dict[str, bytes]
    changed: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, data: bytes, name: str) -> Package:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
            return cls(infos, {info.filename: archive.read(info) for info in infos})
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise WorkbookError(name, f"kan ikke læses som et .xlsx-regneark ({type(exc).__name__})") from None

    @classmethod
    def of(cls, parts: dict[str, bytes]) -> Package:
        """A package of ``parts`` (name -> bytes, in order), as written now."""
        return cls([zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)) for name in parts], parts)

    def part(self, name: str) -> bytes:
        return self.changed[name] if name in self.changed else self.parts[name]

    def xml(self, name: str) -> etree._Element:
        return parse(self.part(name), name)

    def set(self, name: str, root: etree._Element) -> None:
        self.changed[name] = serialise(root)

    def remove(self, name: str) -> None:
        self.removed.add(name)

    def add(self, name: str, data: bytes) -> None:
        """A new part (a name the package does not have), written after the others."""
        if name in self.parts or any(info.filename == name for info in self.infos):
            raise WorkbookError(name, "delen findes allerede i pakken")
        self.infos.append(zipfile.ZipInfo(name, date_time=self.infos[0].date_time if self.infos else (1980, 1, 1, 0, 0, 0)))
        self.changed[name] = data

    def to_bytes(self) -> bytes:
        """The package with changed parts replaced and removed ones left out; every other part's bytes as read."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in self.infos:
                if info.filename not in self.removed:  # level 1, as xlmodel writes its books (three times faster than 6)
                    target.writestr(info, self.part(info.filename), zipfile.ZIP_DEFLATED, compresslevel=1)
        return out.getvalue()

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """The relationships of ``part``: id -> (type, target part name)."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels not in self.parts:
            return {}
        found = {}
        for rel in self.xml(rels).iter(_q("Relationship", RELS)):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
        return found

    def sheets(self) -> dict[str, str]:
        """Each worksheet's title -> its part, in the book's order."""
        rels = self.relationships("xl/workbook.xml")
        found = {}
        for sheet in self.xml("xl/workbook.xml").iter(_q("sheet")):
            rel = rels.get(sheet.get(_q("id", DOC_RELS), ""))
            if rel is not None and rel[0].endswith("/worksheet"):
                found[sheet.get("name", "")] = rel[1]
        return found


#: The start of a sheet part's ``<sheetData>`` element (its prefix, if any, in group 1).
SHEET_DATA = re.compile(rb"<([A-Za-z_][\w.-]*:)?sheetData(?=[\s/>])[^>]*>")


class SheetSplit(NamedTuple):
    """A sheet part cut around its ``<sheetData>`` element (:func:`split_sheet_data`)."""

    before: bytes
    cells: bytes  # the element, from its start tag to its end tag
    after: bytes

    @property
    def empty(self) -> bytes:
        """The element without its cells, with the prefix it was written with: ``<sheetData/>``."""
        match = SHEET_DATA.match(self.cells)
        return b"<" + ((match[1] or b"") if match else b"") + b"sheetData/>"

    def without_cells(self) -> bytes:
        """The part with an empty element in place of its cells: what the user set on the sheet, read as XML fast."""
        return self.before + self.empty + self.after


def split_sheet_data(data: bytes) -> SheetSplit | None:
    """A sheet part around its ``<sheetData>`` element, so that the rest of the part is read as XML without its
    cells (a tenth of the time for a large sheet); None when it has none.

    >>> split = split_sheet_data(b'<worksheet><sheetData><row r="1"/></sheetData><pageMargins/></worksheet>')
    >>> split.before, split.cells, split.after, split.without_cells()
    (b'<worksheet>', b'<sheetData><row r="1"/></sheetData>', b'<pageMargins/></worksheet>', b'<worksheet><sheetData/><pageMargins/></worksheet>')
    """
    start = SHEET_DATA.search(data)
    if start is None:
        return None
    end = start.end()
    if not start[0].endswith(b"/>"):
        close = b"</" + (start[1] or b"") + b"sheetData>"
        found = data.rfind(close, end)  # from the end: a sheet has one, and text writes "<" as "&lt;"
        if found < 0:
            return None
        end = found + len(close)
    return SheetSplit(data[: start.start()], data[start.start() : end], data[end:])


# --- cells ---


def _position(coordinate: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(coordinate)
    return row, column_index_from_string(letters)


def _cells(sheet: etree._Element) -> dict[str, etree._Element]:
    """The cells of a sheet part by coordinate (a cell or row without its reference gets the next one, as Excel reads it)."""
    found = {}
    row_number = 0
    for row in sheet.iter(_q("row")):
        row_number = int(row.get("r") or row_number + 1)
        row.set("r", str(row_number))
        column = 0
        for cell in row.iter(_q("c")):
            reference = cell.get("r")
            column = _position(reference)[1] if reference else column + 1
            coordinate = reference or f"{get_column_letter(column)}{row_number}"
            cell.set("r", coordinate)
            found[coordinate] = cell
    return found


def _has_content(cell: etree._Element) -> bool:
    return any(child.tag in _CELL_CONTENT for child in cell)


def _is_formula(cell: etree._Element | None) -> bool:
    return cell is not None and cell.find(_q("f")) is not None


class StyleMerge:
    """Cell formats of the rebuilt book appended to the user's ``xl/styles.xml`` when a tool cell needs one
    the user's book does not have; the user's own entries never change."""

    def __init__(self, user: Package, rebuilt: Package) -> None:
        self.user, self.rebuilt = user, rebuilt
        self.mine: etree._Element | None = None
        self.theirs: etree._Element | None = None
        self.done: dict[str, str] = {}

    def _list(self, root: etree._Element, tag: str) -> etree._Element:
        """The list ``tag`` of a styles part, made in its place in the schema's order when missing."""
        found = root.find(_q(tag))
        if found is None:
            found = etree.Element(_q(tag))
            later = _STYLE_LISTS[_STYLE_LISTS.index(tag) + 1 :]
            after = next((e for e in root if etree.QName(e).localname in later), None)
            if after is not None:
                after.addprevious(found)
            else:
                root.append(found)
        return found

    def _append(self, tag: str, element: etree._Element) -> int:
        """The index of ``element`` in the user's list ``tag``: an equal entry's, else a new one at the end."""
        assert self.mine is not None
        target = self._list(self.mine, tag)
        wanted = etree.tostring(element, method="c14n")
        for index, existing in enumerate(target):
            if etree.tostring(existing, method="c14n") == wanted:
                return index
        target.append(copy.deepcopy(element))
        target.set("count", str(len(target)))
        return len(target) - 1

    def _number_format(self, number_format_id: str) -> str:
        assert self.mine is not None and self.theirs is not None
        if int(number_format_id) < 164:
            return number_format_id  # built in
        code = next((f.get("formatCode") for f in self.theirs.iter(_q("numFmt")) if f.get("numFmtId") == number_format_id), None)
        existing = {f.get("formatCode"): f.get("numFmtId", "") for f in self.mine.iter(_q("numFmt"))}
        if code in existing:
            return existing[code]
        new_id = str(max([163] + [int(i) for i in existing.values() if i.isdigit()]) + 1)
        formats = self.mine.find(_q("numFmts"))
        if formats is None:
            formats = etree.Element(_q("numFmts"))
            self.mine.insert(0, formats)
        etree.SubElement(formats, _q("numFmt"), numFmtId=new_id, formatCode=code or "General")
        formats.set("count", str(len(formats)))
        return new_id

    def style(self, rebuilt_index: str) -> str:
        """The index in the user's ``cellXfs`` of the rebuilt book's cell format ``rebuilt_index``."""
        if rebuilt_index in self.done:
            return self.done[rebuilt_index]
        self._open()
        assert self.theirs is not None
        xf = copy.deepcopy(list(self._list(self.theirs, "cellXfs"))[int(rebuilt_index)])
        for key, tag in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            index = int(xf.get(key, "0"))
            if index:
                xf.set(key, str(self._append(tag, list(self._list(self.theirs, tag))[index])))
        xf.set("numFmtId", self._number_format(xf.get("numFmtId", "0")))
        xf.set("xfId", "0")
        self.done[rebuilt_index] = str(self._append("cellXfs", xf))
        return self.done[rebuilt_index]

    def dxf(self, rebuilt_index: str) -> str:
        """The index in the user's ``dxfs`` of the rebuilt book's differential format ``rebuilt_index`` (a
        conditional format's look)."""
        self._open()
        assert self.theirs is not None
        return str(self._append("dxfs", list(self._list(self.theirs, "dxfs"))[int(rebuilt_index)]))

    def _open(self) -> None:
        if self.mine is None:
            self.mine, self.theirs = self.user.xml("xl/styles.xml"), self.rebuilt.xml("xl/styles.xml")

    def save(self) -> None:
        if self.mine is not None:
            self.user.set("xl/styles.xml", self.mine)


def _set_content(target: etree._Element, source: etree._Element | None) -> None:
    """``target`` (the user's cell) with the content of ``source`` (the rebuilt cell; None: empty); its style stays."""
    array = source is not None and any(f.get("t") == "array" for f in source.iter(_q("f")))
    for child in [c for c in target if c.tag in _CELL_CONTENT]:
        target.remove(child)
    for attribute in ("t", "vm") + (() if array else ("cm",)):
        target.attrib.pop(attribute, None)
    if source is None:
        return
    if source.get("t"):
        target.set("t", source.get("t", ""))
    at = 0
    for child in source:
        if child.tag in _CELL_CONTENT:
            target.insert(at, copy.deepcopy(child))
            at += 1


def _row(sheet_data: etree._Element, rows: dict[int, etree._Element], number: int) -> etree._Element:
    """Row ``number`` of the sheet, made in its place when missing."""
    row = rows.get(number)
    if row is None:
        row = etree.Element(_q("row"), r=str(number))
        before = [n for n in rows if n < number]
        if before:
            rows[max(before)].addnext(row)
        else:
            sheet_data.insert(0, row)
        rows[number] = row
    return row


def _insert(sheet_data: etree._Element, rows: dict[int, etree._Element], cell: etree._Element) -> None:
    """``cell`` in its row (made when missing), in column order."""
    row_number, column = _position(cell.get("r", ""))
    row = _row(sheet_data, rows, row_number)
    for index, existing in enumerate(row.iter(_q("c"))):
        if _position(existing.get("r", ""))[1] > column:
            row.insert(index, cell)
            return
    row.append(cell)


def _unshare(cells: Mapping[str, etree._Element], masters: Mapping[str, tuple[str, str]]) -> None:
    """Shared formulas (``<f t="shared" si=…/>``) whose master cell was rewritten get their own formula text."""
    present = {f.get("si") for c in cells.values() for f in c.iter(_q("f")) if f.get("t") == "shared" and f.text}
    for coordinate, cell in cells.items():
        formula = cell.find(_q("f"))
        if formula is None or formula.get("t") != "shared" or formula.text or formula.get("si") in present:
            continue
        master = masters.get(formula.get("si", ""))
        if master is None:
            continue
        formula.text = Translator("=" + master[1], origin=master[0]).translate_formula(coordinate)[1:]
        for attribute in ("t", "si", "ref"):
            formula.attrib.pop(attribute, None)


@dataclass
class SheetPatch:
    cells: int = 0
    added: int = 0
    cleared: int = 0
    formulas_changed: bool = False


def patch_sheet(mine: etree._Element, theirs: etree._Element, keep: Collection[str], styles: StyleMerge) -> SheetPatch:
    """Write the rebuilt sheet's (``theirs``) tool cells into the user's sheet part (``mine``); ``keep``: the input
    cells, never written. Every other element of the user's part stays as it is."""
    report = SheetPatch()
    sheet_data = mine.find(_q("sheetData"))
    if sheet_data is None:
        raise WorkbookError("sheetData", "et af værktøjets ark har ingen celler")
    cells, new_cells = _cells(mine), _cells(theirs)
    rows = {int(r.get("r", "0")): r for r in sheet_data.iter(_q("row"))}
    masters = {f.get("si", ""): (c.get("r", ""), f.text) for c in cells.values() for f in c.iter(_q("f")) if f.get("t") == "shared" and f.text}
    formulas_before = {k for k, c in cells.items() if k not in keep and _is_formula(c)}
    for coordinate, new in new_cells.items():
        if coordinate in keep:
            continue
        cell = cells.get(coordinate)
        if cell is None:
            if not _has_content(new) and new.get("s") is None:
                continue
            cell = etree.Element(_q("c"), r=coordinate)
            if new.get("s") not in (None, "0"):
                cell.set("s", styles.style(new.get("s", "0")))
            _insert(sheet_data, rows, cell)
            cells[coordinate] = cell
            report.added += 1
        _set_content(cell, new)
        report.cells += 1
    for coordinate, cell in cells.items():
        if coordinate not in keep and coordinate not in new_cells and _has_content(cell):
            _set_content(cell, None)  # the tool writes nothing here: a forced hand edit is undone
            report.cleared += 1
    _take_structure(mine, theirs, rows, sheet_data)
    _unshare(cells, masters)
    report.formulas_changed = formulas_before != {k for k, c in cells.items() if k not in keep and _is_formula(c)}
    _update_dimension(mine, cells)
    return report


#: The elements of a worksheet that come after <mergeCells>, in the schema's order (CT_Worksheet).
_AFTER_MERGES = ("phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
                 "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
                 "legacyDrawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst")  # fmt: skip


def _take_structure(mine: etree._Element, theirs: etree._Element, rows: dict[int, etree._Element], sheet_data: etree._Element) -> None:
    """The tool's merged ranges, and the heights of the rows the tool sizes, in the user's part."""
    merges, wanted = mine.find(_q("mergeCells")), theirs.find(_q("mergeCells"))
    ranges = [set() if found is None else {m.get("ref") for m in found} for found in (merges, wanted)]
    if ranges[0] != ranges[1]:
        if merges is not None:
            mine.remove(merges)
        if wanted is not None:
            after = next((e for e in mine if etree.QName(e).localname in _AFTER_MERGES), None)
            if after is not None:
                after.addprevious(copy.deepcopy(wanted))
            else:
                mine.append(copy.deepcopy(wanted))
    for row in theirs.iter(_q("row")):
        if row.get("customHeight") in ("1", "true") and row.get("ht"):
            target = _row(sheet_data, rows, int(row.get("r", "0")))
            target.set("ht", row.get("ht", ""))
            target.set("customHeight", "1")


def _update_dimension(sheet: etree._Element, cells: Mapping[str, etree._Element]) -> None:
    dimension = sheet.find(_q("dimension"))
    if dimension is None or not cells:
        return
    positions = [_position(c) for c in cells]
    rows, columns = [p[0] for p in positions], [p[1] for p in positions]
    dimension.set("ref", f"A1:{get_column_letter(max(columns))}{max(rows)}" if min(rows) == 1 and min(columns) == 1 else f"{get_column_letter(min(columns))}{min(rows)}:{get_column_letter(max(columns))}{max(rows)}")


# --- properties ---


def patch_custom_properties(user: Package, rebuilt: Package) -> None:
    """The rebuilt book's ``xlmodel_*`` properties in the user's ``docProps/custom.xml``; the user's other
    properties (an ESDH number, a sensitivity label's ``MSIP_Label_*``) keep their place and values."""
    name = "docProps/custom.xml"
    if name not in user.parts:
        raise WorkbookError(name, "arket har ingen xlmodel-dokumentegenskaber")
    mine, theirs = user.xml(name), rebuilt.xml(name)
    existing = {p.get("name"): p for p in mine.iter(_q("property", CUSTOM))}
    next_pid = max([1] + [int(p.get("pid", "1")) for p in existing.values() if (p.get("pid") or "").isdigit()]) + 1
    for prop in theirs.iter(_q("property", CUSTOM)):
        if not (prop.get("name") or "").startswith("xlmodel_"):
            continue
        new = copy.deepcopy(prop)
        old = existing.get(prop.get("name"))
        if old is not None:
            new.set("pid", old.get("pid", ""))
            old.addprevious(new)
            mine.remove(old)
        else:
            new.set("pid", str(next_pid))
            next_pid += 1
            mine.append(new)
    user.set(name, mine)


def _calculate_on_load(user: Package, tool_parts: Collection[str]) -> bool:
    """Ask Excel to calculate the book when it is opened (``fullCalcOnLoad``) when a sheet of the user's has
    formulas: their cached values may depend on tool cells that changed. Returns whether it was asked."""
    if not any(b"<f" in data or b":f" in data for part, data in user.parts.items() if part.startswith("xl/worksheets/") and part.endswith(".xml") and part not in tool_parts):
        return False
    workbook = user.xml("xl/workbook.xml")
    calc = workbook.find(_q("calcPr"))
    if calc is None:
        calc = etree.Element(_q("calcPr"))
        following = [workbook.find(_q(tag)) for tag in ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")]
        anchor = next((f for f in following if f is not None), None)
        if anchor is not None:
            anchor.addprevious(calc)
        else:
            workbook.append(calc)
    if calc.get("fullCalcOnLoad") in ("1", "true"):
        return False
    calc.set("fullCalcOnLoad", "1")
    user.set("xl/workbook.xml", workbook)
    return True


def _drop_calc_chain(user: Package) -> None:
    """Remove Excel's calculation chain with its relationship and content type (Excel rebuilds it)."""
    if CALC_CHAIN not in user.parts:
        return
    user.remove(CALC_CHAIN)
    rels = user.xml("xl/_rels/workbook.xml.rels")
    for rel in list(rels):
        if rel.get("Type", "").endswith("/calcChain"):
            rels.remove(rel)
    user.set("xl/_rels/workbook.xml.rels", rels)
    types = user.xml("[Content_Types].xml")
    for override in list(types):
        if override.get("PartName") == "/" + CALC_CHAIN:
            types.remove(override)
    user.set("[Content_Types].xml", types)


@dataclass(frozen=True)
class PatchReport:
    cells: int
    added: int
    cleared: int
    parts: tuple[str, ...]  # the parts written


def patch_book(original: bytes, rebuilt: bytes, *, sheets: Collection[str], keep: Collection[tuple[str, str]], name: str) -> tuple[bytes, PatchReport]:
    """``original`` (the user's book) with the tool cells of ``sheets`` and the xlmodel properties taken from
    ``rebuilt`` (the same tool sheets, same titles, recalculated); ``keep``: (sheet, coordinate) of input cells."""
    user, new = Package.read(original, name), Package.read(rebuilt, "ny fil")
    mine_parts, new_parts = user.sheets(), new.sheets()
    styles = StyleMerge(user, new)
    total, formulas_changed = SheetPatch(), False
    for title in sheets:
        if title not in mine_parts or title not in new_parts:
            raise WorkbookError(name, f"fanen «{title}» mangler")
        part = mine_parts[title]
        mine = user.xml(part)
        result = patch_sheet(mine, new.xml(new_parts[title]), {c for s, c in keep if s == title}, styles)
        user.set(part, mine)
        total.cells, total.added, total.cleared = total.cells + result.cells, total.added + result.added, total.cleared + result.cleared
        formulas_changed |= result.formulas_changed
    styles.save()
    patch_custom_properties(user, new)
    if formulas_changed:
        _drop_calc_chain(user)
    _calculate_on_load(user, [mine_parts[t] for t in sheets])
    return user.to_bytes(), PatchReport(total.cells, total.added, total.cleared, tuple(sorted(user.changed)) + tuple(sorted(user.removed)))

