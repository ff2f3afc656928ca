"""Today's tool sheets grafted into the user's package, whole, when their structure changed.

``recalc`` patches the cells of tool sheets whose structure is unchanged (:mod:`workbooks.package`). When the
structure changes (``xlmodel upgrade`` of a book of an earlier layout: sheets added, rows reordered) the tool
sheets are replaced whole instead, in the user's own package:

- each old tool sheet's part and the parts only it uses (its drawings, charts, comments) are removed, and
  today's tool sheet comes in their place with its own (new part names, relationships and content types);
  its cell formats and conditional formats' formats are appended to the user's ``xl/styles.xml``;
- of the old tool sheet, what the user set on it comes along: the sheet view (zoom, panes), protection, tab
  colour, and conditional formats and data validations the tool did not make (their ranges moved with the
  cells; a range that has no place is reported);
- ``xl/workbook.xml``: the sheets in today's order with the user's sheets where they were, today's
  ``xlmodel_*`` names and print settings of tool sheets, the user's names with their sheet scopes and
  references moved to where the cells now are;
- the user's sheets keep their bytes, except formulas (cells, conditional formats, data validations, charts)
  whose references into a tool sheet moved: those are rewritten, and reported.

Every other part keeps its bytes (VBA, sensitivity labels, custom XML, the user's drawings and pictures).
"""

from __future__ import annotations

import copy
import posixpath
import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree
from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import column_index_from_string, get_column_letter

from workbooks.evaluate import WorkbookError
from workbooks.package import (
    DOC_RELS,
    RELS,
    TYPES,
    Package,
    StyleMerge,
    _calculate_on_load,
    _cells,
    _drop_calc_chain,
    _q,
    parse,
    patch_custom_properties,
    split_sheet_data,
)

CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"

#: A reference's new text (``repoint(formula, where)`` -> new formula, references moved, references without a place).
Repoint = Callable[[str, str], tuple[str, list[str], list[str]]]
#: Where a cell of an old tool sheet is now: (old title, row, column) -> (new title, row, column), or None.
Place = Callable[[str, int, int], tuple[str, int, int] | None]

#: The children of <worksheet> in the schema's order (CT_Worksheet).
_ORDER = ("sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr", "sheetProtection", "protectedRanges",
          "scenarios", "autoFilter", "sortState", "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
          "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
          "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF",
          "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst")  # fmt: skip
_RANGE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")


@dataclass
class GraftReport:
    user_sheets: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # "Sheet!B2: Budget!D20 → 'Budget'!D28"
    lost: list[str] = field(default_factory=list)  # references, names and ranges with no place in today's layout
    carried: list[str] = field(default_factory=list)  # the user's settings of tool sheets taken along


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _closure(package: Package, start: str) -> list[str]:
    """``start`` and every part reached from it by relationships (with their .rels parts), in order."""
    found, queue = [start], [start]
    while queue:
        part = queue.pop(0)
        if _rels_name(part) in package.parts:
            found.append(_rels_name(part))
        for _, target in package.relationships(part).values():
            if target in package.parts and target not in found:
                found.append(target)
                queue.append(target)
    return found


def _used_elsewhere(package: Package, leaving: set[str]) -> set[str]:
    """Parts that a part staying in ``package`` refers to."""
    used = set()
    for name in package.parts:
        if name.endswith(".rels") and "/_rels/" in "/" + name:
            folder = posixpath.dirname(posixpath.dirname(name))
            source = posixpath.join(folder, posixpath.basename(name)[: -len(".rels")])
            if source in leaving:
                continue
            used |= {target for _, target in package.relationships(source).values()}
    return used


class _Names:
    """Free part names in the user's package: ``xl/charts/chart7.xml`` -> the first ``xl/charts/chartN.xml`` not taken."""

    def __init__(self, package: Package) -> None:
        self.taken = set(package.parts)

    def free(self, part: str) -> str:
        folder, base = posixpath.split(part)
        stem, dot, extension = base.partition(".")
        stem = stem.rstrip("0123456789") or "part"
        number = 1
        while (name := posixpath.join(folder, f"{stem}{number}{dot}{extension}")) in self.taken:
            number += 1
        self.taken.add(name)
        return name


class _Types:
    """The user's ``[Content_Types].xml``, edited in memory."""

    def __init__(self, user: Package, new: Package) -> None:
        self.root, self.user = user.xml("[Content_Types].xml"), user
        theirs = new.xml("[Content_Types].xml")
        self.new_overrides = {o.get("PartName"): o.get("ContentType") for o in theirs.iter(_q("Override", TYPES))}
        self.new_defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in theirs.iter(_q("Default", TYPES))}

    def remove(self, part: str) -> None:
        for override in list(self.root.iter(_q("Override", TYPES))):
            if override.get("PartName") == "/" + part:
                self.root.remove(override)

    def add(self, source: str, target: str) -> None:
        """``target`` (in the user's package) with the content type ``source`` has in the new one."""
        wanted = self.new_overrides.get("/" + source)
        extension = posixpath.splitext(source)[1].lstrip(".").lower()
        defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in self.root.iter(_q("Default", TYPES))}
        if wanted is None:
            wanted = self.new_defaults.get(extension)
            if wanted is None or defaults.get(extension) == wanted:
                return
        etree.SubElement(self.root, _q("Override", TYPES), PartName="/" + target, ContentType=wanted)

    def save(self) -> None:
        self.user.set("[Content_Types].xml", self.root)


def _remap_styles(sheet: etree._Element, styles: StyleMerge) -> None:
    """The new part's cell, row and column formats and its conditional formats' formats as entries of the user's styles."""
    for element in sheet.iter(_q("c"), _q("row")):
        if element.get("s") is not None:
            element.set("s", styles.style(element.get("s", "0")))
    for column in sheet.iter(_q("col")):
        if column.get("style") is not None:
            column.set("style", styles.style(column.get("style", "0")))
    for rule in sheet.iter(_q("cfRule")):
        if rule.get("dxfId") is not None:
            rule.set("dxfId", styles.dxf(rule.get("dxfId", "0")))


#: A cell's or row's format in a ``<sheetData>`` our writer wrote: no other element there has an ``s``, and a quote
#: in a text or formula is written ``&quot;``, so the pattern finds nothing else.
_CELL_STYLE = re.compile(rb' s="([0-9]+)"')


def _sheet_settings(package: Package, part: str) -> etree._Element:
    """A sheet part as XML with an empty ``<sheetData/>``: what the user set on the sheet, without its cells."""
    split = split_sheet_data(package.part(part))
    return package.xml(part) if split is None else parse(split.without_cells(), part)


def _new_sheet(data: bytes, part: str, new: Package, styles: StyleMerge, settings: tuple[etree._Element, str] | None, title: str, place: Place, report: GraftReport) -> bytes:
    """Today's sheet part ``data`` with its strings inline, its formats the user's and the user's ``settings`` of
    the old sheet carried. Its cells are edited as text (one pattern: the ``s`` attribute our writer gives a cell
    or row), the rest as XML; a part with shared strings is read whole."""
    split = split_sheet_data(data)
    if split is not None and b't="s"' in split.cells:  # shared strings (our writer writes none): read whole
        split = None
    if split is not None:
        sheet = parse(split.without_cells(), part)
    else:
        sheet = parse(data, part)
        _inline_strings(sheet, new)
    _remap_styles(sheet, styles)
    if settings is not None:
        _carry_user_settings(settings[0], sheet, settings[1], title, place, report)
    written = etree.tostring(sheet, xml_declaration=True, encoding="UTF-8", standalone=True)
    if split is None:
        return written
    around = written.split(split.empty)
    if len(around) != 2:
        raise WorkbookError(part, "arket kunne ikke skrives (sheetData)")
    return b"".join([around[0], *_restyled(split.cells, styles.style), around[1]])


def _restyled(cells: bytes, style: Callable[[str], str]) -> list[bytes]:
    """The pieces of ``cells`` (a ``<sheetData>`` our writer wrote) with each ``s`` attribute of its cells and rows
    given by ``style`` (:meth:`StyleMerge.style`: the index of that format among the user's), asked in the order
    they occur.

    >>> b"".join(_restyled(b'<sheetData><row r="1"><c r="A1" s="3" t="inlineStr"><is><t>a s=&quot;3&quot;</t></is></c></row></sheetData>', {"3": "17"}.__getitem__))
    b'<sheetData><row r="1"><c r="A1" s="17" t="inlineStr"><is><t>a s=&quot;3&quot;</t></is></c></row></sheetData>'
    """
    pieces = _CELL_STYLE.split(cells)  # text, an index, text, ...
    indexes = pieces[1::2]
    new = {index: b' s="' + style(index.decode()).encode() + b'"' for index in dict.fromkeys(indexes)}
    pieces[1::2] = [new[index] for index in indexes]
    return pieces


def _inline_strings(sheet: etree._Element, new: Package) -> None:
    """Cells of the new part that point into its shared strings, given their text inline (the user's table is theirs)."""
    shared = [c for c in sheet.iter(_q("c")) if c.get("t") == "s"]
    if not shared:
        return
    table = [etree.tostring(si) for si in new.xml("xl/sharedStrings.xml").iter(_q("si"))]
    for cell in shared:
        value = cell.find(_q("v"))
        inline = etree.fromstring(table[int(value.text or "0")]) if value is not None else etree.Element(_q("si"))
        inline.tag = _q("is")
        if value is not None:
            cell.remove(value)
        cell.append(inline)
        cell.set("t", "inlineStr")


def _insert_in_order(sheet: etree._Element, element: etree._Element) -> None:
    position = _ORDER.index(etree.QName(element).localname)
    after = next((e for e in sheet if etree.QName(e).localname in _ORDER[position + 1 :]), None)
    if after is not None:
        after.addprevious(element)
    else:
        sheet.append(element)


def _moved_sqref(sqref: str, title: str, place: Place) -> str | None:
    """A range list (``A1:B2 D4``) of the old sheet ``title`` at its new place, or None when any part has none."""
    moved = []
    for area in sqref.split():
        corners = []
        for corner in area.split(":"):
            match = _RANGE.fullmatch(corner)
            at = place(title, int(match[2]), column_index_from_string(match[1].upper())) if match else None
            if at is None:
                return None
            corners.append(f"{get_column_letter(at[2])}{at[1]}")
        moved.append(":".join(corners))
    return " ".join(moved)


def _canonical(element: etree._Element) -> bytes:
    """An element without its range and priority, to tell the tool's own rules from the user's."""
    clone = copy.deepcopy(element)
    for e in clone.iter():
        for attribute in ("sqref", "priority", "dxfId"):
            e.attrib.pop(attribute, None)
    return etree.tostring(clone, method="c14n")


def _carry_user_settings(old: etree._Element, new: etree._Element, old_title: str, title: str, place: Place, report: GraftReport) -> None:
    """What the user set on the old tool sheet ``old``, in today's part ``new`` (see the module's docstring). The
    user's conditional formats keep their ``dxfId``: they index the user's own styles, which stay."""
    for tag in ("sheetViews", "sheetProtection"):
        theirs, mine = new.find(_q(tag)), old.find(_q(tag))
        if mine is None:
            continue
        if theirs is not None:
            new.remove(theirs)
        _insert_in_order(new, copy.deepcopy(mine))
    colour = old.find(f"{_q('sheetPr')}/{_q('tabColor')}")
    properties = new.find(_q("sheetPr"))
    if colour is not None and properties is not None and properties.find(_q("tabColor")) is None:
        properties.insert(0, copy.deepcopy(colour))
    tool_rules = {_canonical(r) for r in new.iter(_q("cfRule"))}
    priority = max([0] + [int(r.get("priority", "0")) for r in new.iter(_q("cfRule"))])
    for formatting in old.iter(_q("conditionalFormatting")):
        rules = [r for r in formatting if r.tag == _q("cfRule") and _canonical(r) not in tool_rules]
        if not rules:
            continue
        sqref = _moved_sqref(formatting.get("sqref", ""), old_title, place)
        if sqref is None:
            report.lost.append(f"{old_title}: betinget formatering på {formatting.get('sqref')}")
            continue
        carried = etree.Element(_q("conditionalFormatting"), sqref=sqref)
        for rule in rules:
            rule = copy.deepcopy(rule)
            priority += 1
            rule.set("priority", str(priority))
            carried.append(rule)
        _insert_in_order(new, carried)
        report.carried.append(f"{title}!{sqref}: betinget formatering")
    tool_validations = {_canonical(v) for v in new.iter(_q("dataValidation"))}
    for validation in old.iter(_q("dataValidation")):
        if _canonical(validation) in tool_validations:
            continue
        sqref = _moved_sqref(validation.get("sqref", ""), old_title, place)
        if sqref is None:
            report.lost.append(f"{old_title}: datavalidering på {validation.get('sqref')}")
            continue
        validations = new.find(_q("dataValidations"))
        if validations is None:
            validations = etree.Element(_q("dataValidations"))
            _insert_in_order(new, validations)
        carried_validation = copy.deepcopy(validation)
        carried_validation.set("sqref", sqref)
        validations.append(carried_validation)
        validations.set("count", str(len(validations)))
        report.carried.append(f"{title}!{sqref}: datavalidering")


def _repoint_formulas(root: etree._Element, tags: Iterable[str], home: str, repoint: Repoint, report: GraftReport) -> bool:
    """Every formula text under ``root`` in elements ``tags`` re-pointed; True when one changed."""
    changed = False
    for element in list(root.iter(*tags)):
        if not element.text:
            continue
        text, moved, lost = repoint("=" + element.text, home)
        report.moved += moved
        report.lost += lost
        if text[1:] != element.text:
            element.text = text[1:]
            changed = True
    return changed


def _repoint_sheet(sheet: etree._Element, title: str, repoint: Repoint, report: GraftReport) -> bool:
    """A user's sheet with its formulas' references into tool sheets moved; shared formulas whose master moved
    are given their own formula per cell first (their references may move by different amounts)."""
    cells = _cells(sheet)
    masters = {f.get("si", ""): (c.get("r", ""), f.text) for c in cells.values() for f in c.iter(_q("f")) if f.get("t") == "shared" and f.text}
    moving = {si for si, (coordinate, text) in masters.items() if repoint("=" + (text or ""), "")[0] != "=" + (text or "")}
    changed = False
    for coordinate, cell in cells.items():
        formula = cell.find(_q("f"))
        if formula is None:
            continue
        if formula.get("t") == "shared" and formula.get("si") in moving:
            origin, text = masters[formula.get("si", "")]
            formula.text = Translator("=" + (text or ""), origin=origin).translate_formula(coordinate)[1:]
            for attribute in ("t", "si", "ref"):
                formula.attrib.pop(attribute, None)
            changed = True
        if formula.text:
            text, moved, lost = repoint("=" + formula.text, f"{title}!{coordinate}")
            report.moved += moved
            report.lost += lost
            if text[1:] != formula.text:
                formula.text = text[1:]
                changed = True
    others = [_q("formula"), _q("formula1"), _q("formula2")]
    return _repoint_formulas(sheet, others, f"{title} (betinget formatering/datavalidering)", repoint, report) or changed


def graft_book(user: Package, new: Package, *, sheets: Mapping[str, str | None], old_tools: Collection[str], repoint: Repoint, place: Place, name: str) -> tuple[bytes, GraftReport]:
    """The user's book (its package ``user``, changed here) with its tool sheets replaced by those of ``new`` (the
    rebuilt book's package).

    ``sheets``: each tool sheet of ``rebuilt`` (by title, in today's order) -> the title of the tool sheet it
    replaces in ``original`` (None: a sheet the old layout did not have); ``old_tools``: every tool sheet of
    ``original`` (those not named in ``sheets`` are removed). ``repoint`` moves a formula's references into
    tool sheets; ``place`` one cell of an old tool sheet.
    """
    report = GraftReport()
    old_sheets, new_sheets = user.sheets(), new.sheets()
    replaced = {old for old in sheets.values() if old is not None}
    leaving_tools = [title for title in old_sheets if title in set(old_tools) | replaced]
    missing = [t for t in replaced if t not in old_sheets] + [t for t in sheets if t not in new_sheets]
    if missing:
        raise WorkbookError(name, f"fanerne {', '.join(missing)} mangler")
    styles, types = StyleMerge(user, new), _Types(user, new)

    # 1. The old tool sheets out, with the parts only they use.
    leaving: set[str] = set()
    for title in leaving_tools:
        leaving.update(_closure(user, old_sheets[title]))
    leaving -= _used_elsewhere(user, leaving)
    old_parts = {title: _sheet_settings(user, old_sheets[title]) for title in leaving_tools}
    for part in leaving:
        user.remove(part)
        types.remove(part)

    # 2. Today's tool sheets in, with their own parts under free names, and what the user set on the old ones.
    names = _Names(user)
    new_part_of = {}
    for title, old_title in sheets.items():
        settings = None if old_title is None else (old_parts[old_title], old_title)
        new_part_of[title] = _bring_in(user, new, new_sheets[title], title, settings, names, styles, types, place, report)
    styles.save()
    types.save()

    # 3. The workbook: sheets in today's order with the user's where they were, names moved.
    report.user_sheets = [t for t in old_sheets if t not in leaving_tools]
    _rewrite_workbook(user, new, sheets, new_part_of, list(old_sheets), leaving_tools, repoint, report)

    # 4. The user's sheets: references into tool sheets moved (charts included).
    for title in report.user_sheets:
        part = old_sheets[title]
        sheet = user.xml(part)
        if _repoint_sheet(sheet, title, repoint, report):
            user.set(part, sheet)
        for chart in _closure(user, part):
            if chart.startswith("xl/charts/") and chart.endswith(".xml"):
                root = user.xml(chart)
                if _repoint_formulas(root, [f"{{{CHART}}}f"], f"{title} (diagram)", repoint, report):
                    user.set(chart, root)

    patch_custom_properties(user, new)
    _drop_calc_chain(user)
    _calculate_on_load(user, list(new_part_of.values()))
    return user.to_bytes(), report


def _bring_in(user: Package, new: Package, part: str, title: str, settings: tuple[etree._Element, str] | None, names: _Names, styles: StyleMerge, types: _Types, place: Place, report: GraftReport) -> str:
    """Today's tool sheet ``part`` of ``new`` (titled ``title``) and the parts it uses, added to ``user`` under
    free names: its strings inline, its formats the user's, ``settings`` (the old sheet's part and title) of
    the user's carried. Returns the sheet's part name in ``user``."""
    closure = _closure(new, part)
    renamed = {p: names.free(p) for p in closure if not p.endswith(".rels")}
    for source in renamed:
        data = new.parts[source]
        if source == part:
            data = _new_sheet(data, source, new, styles, settings, title, place, report)
        user.add(renamed[source], data)
        types.add(source, renamed[source])
        relationships = new.relationships(source)
        if relationships:
            rels = new.xml(_rels_name(source))
            for rel in rels.iter(_q("Relationship", RELS)):
                target = relationships.get(rel.get("Id", ""))
                if target is not None and target[1] in renamed:
                    rel.set("Target", "/" + renamed[target[1]])
            user.add(_rels_name(renamed[source]), etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True))
    return renamed[part]


def _sheet_order(old_order: list[str], sheets: Mapping[str, str | None], user_titles: list[str]) -> list[str]:
    """Today's tool sheets in their order, each of the user's sheets after the sheet it followed (a tool
    sheet where it is now), or first.

    >>> _sheet_order(["Mine", "A", "Noter", "B"], {"A": "A", "New": None, "B": "B"}, ["Mine", "Noter"])
    ['Mine', 'A', 'Noter', 'New', 'B']
    """
    order = list(sheets)
    tool_of = {old: title for title, old in sheets.items() if old is not None}
    for title in user_titles:
        before = [tool_of.get(t, t) for t in old_order[: old_order.index(title)] if tool_of.get(t, t) in order]
        order.insert(order.index(before[-1]) + 1 if before else 0, title)
    return order


def _rewrite_workbook(user: Package, new: Package, sheets: Mapping[str, str | None], new_part_of: Mapping[str, str], old_order: list[str], old_tools: list[str], repoint: Repoint, report: GraftReport) -> None:
    """``xl/workbook.xml`` and its relationships: the sheet list in today's order (a replaced tool sheet keeps
    its id and the user's hidden state), the names moved, the active tab where it was."""
    workbook, workbook_rels, new_workbook = user.xml("xl/workbook.xml"), user.xml("xl/_rels/workbook.xml.rels"), new.xml("xl/workbook.xml")
    view = workbook.find(f"{_q('bookViews')}/{_q('workbookView')}")
    active = view.get("activeTab", "0") if view is not None else "0"
    active_title = old_order[int(active)] if active.isdigit() and int(active) < len(old_order) else ""
    elements = {s.get("name", ""): s for s in workbook.iter(_q("sheet"))}
    new_elements = {s.get("name", ""): s for s in new_workbook.iter(_q("sheet"))}
    order = _sheet_order(old_order, sheets, report.user_sheets)
    rel_ids = {rel.get("Id", "") for rel in workbook_rels}
    sheet_ids = [int(e.get("sheetId", "0")) for e in elements.values()]
    for rel in list(workbook_rels):
        if rel.get("Id") in {elements[t].get(_q("id", DOC_RELS)) for t in old_tools}:
            workbook_rels.remove(rel)
    sheets_element = workbook.find(_q("sheets"))
    assert sheets_element is not None
    for child in list(sheets_element):
        sheets_element.remove(child)
    for title in order:
        if title not in sheets:
            sheets_element.append(elements[title])
            continue
        number = 1
        while f"rId{number}" in rel_ids:
            number += 1
        rel_ids.add(f"rId{number}")
        etree.SubElement(workbook_rels, _q("Relationship", RELS), Id=f"rId{number}", Type=DOC_RELS + "/worksheet", Target="/" + new_part_of[title])
        element, old_title = copy.deepcopy(new_elements[title]), sheets[title]
        if old_title is not None:
            element.set("sheetId", elements[old_title].get("sheetId", "1"))
            if elements[old_title].get("state") is not None:
                element.set("state", elements[old_title].get("state", ""))
        else:
            sheet_ids.append(max([*sheet_ids, 0]) + 1)
            element.set("sheetId", str(sheet_ids[-1]))
        element.set(_q("id", DOC_RELS), f"rId{number}")
        sheets_element.append(element)
    _move_names(workbook, new_workbook, old_order, list(new_elements), order, sheets, repoint, report)
    if view is not None:
        replacement = next((t for t, o in sheets.items() if o == active_title), active_title)
        view.set("activeTab", str(order.index(replacement)) if replacement in order else "0")
        view.attrib.pop("firstSheet", None)
    user.set("xl/workbook.xml", workbook)
    user.set("xl/_rels/workbook.xml.rels", workbook_rels)


def _move_names(workbook: etree._Element, new_workbook: etree._Element, old_order: list[str], new_order: list[str], order: list[str], sheets: Mapping[str, str | None], repoint: Repoint, report: GraftReport) -> None:
    """Today's ``xlmodel_*`` names and tool print settings; the user's names with their scope's new index and
    their references moved (a name scoped to a tool sheet that is gone is dropped and reported)."""
    names = workbook.find(_q("definedNames"))
    theirs = new_workbook.find(_q("definedNames"))
    tool_of = {old: title for title, old in sheets.items() if old is not None}
    tool_scoped = set()
    kept = []
    for defined in [] if names is None else list(names):
        name = defined.get("name", "")
        scope = defined.get("localSheetId")
        scope_title = old_order[int(scope)] if scope is not None and scope.isdigit() and int(scope) < len(old_order) else None
        if name.startswith("xlmodel_"):
            continue
        if scope_title is not None and scope_title not in order and scope_title not in tool_of:
            report.lost.append(f"navnet {name} på fanen {scope_title}, som ikke findes i dagens layout")
            continue
        if scope_title is not None:
            target = tool_of.get(scope_title, scope_title)
            defined.set("localSheetId", str(order.index(target)))
            if name.startswith("_xlnm.") and scope_title in tool_of:
                tool_scoped.add((name, target))
        if defined.text:
            text, moved, lost = repoint("=" + defined.text, f"navnet {name}")
            defined.text = text[1:]
            report.moved += moved
            report.lost += lost
        kept.append(defined)
    if names is None:
        names = etree.Element(_q("definedNames"))
        sheets_element = workbook.find(_q("sheets"))
        assert sheets_element is not None
        sheets_element.addnext(names)
    for child in list(names):
        names.remove(child)
    for defined in [] if theirs is None else theirs:
        scope = defined.get("localSheetId")
        if scope is not None:
            title = new_order[int(scope)]
            if (defined.get("name"), title) in tool_scoped:
                continue  # the user's own print setting of this tool sheet stands
            defined = copy.deepcopy(defined)
            defined.set("localSheetId", str(order.index(title)))
        names.append(copy.deepcopy(defined))
    for defined in kept:
        names.append(defined)


#: What an old tool sheet may hold that the graft carries: the tool's charts, the user's comments (taken through
#: the rebuilt book) and printer settings (the tool sets its own page setup).
_CARRIED_RELATIONS = ("/drawing", "/comments", "/vmlDrawing", "/printerSettings")
_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"


def check_tool_sheets_carriable(user: Package, tool_titles: Iterable[str], name: str) -> None:
    """Refuse, naming the sheet and what it holds, when a tool sheet has something of the user's that today's
    tool sheet could not take along (a picture or shape, a table, a hyperlink, a threaded comment, an Excel
    extension); nothing is written."""
    parts = user.sheets()
    problems = []
    for title in tool_titles:
        if title not in parts:
            continue
        found = set()
        sheet = _sheet_settings(user, parts[title])  # without its cells: what is looked for is outside them
        for tag, what in (("tableParts", "en tabel"), ("hyperlinks", "links"), ("extLst", "Excel-udvidelser (fx nyere betinget formatering eller sparklines)")):
            if sheet.find(_q(tag)) is not None:
                found.add(what)
        for kind, target in user.relationships(parts[title]).values():
            if not kind.endswith(_CARRIED_RELATIONS):
                found.add(f"indhold af typen {kind.rsplit('/', 1)[-1]}")
            elif kind.endswith("/drawing"):
                drawing = user.xml(target)
                for anchor in drawing:
                    if anchor.find(f"{{{_DRAWING}}}graphicFrame") is None or not any(e.tag == f"{{{CHART}}}chart" for e in anchor.iter()):
                        found.add("billeder, figurer eller tekstfelter")
        if found:
            problems.append(f"«{title}»: {', '.join(sorted(found))}")
    if problems:
        raise WorkbookError(name, "værktøjets ark indeholder noget af dit, som ikke kan føres med over i det nye layout: " + "; ".join(problems) + ". Flyt det til et af dine egne ark, og prøv igen")


def valid_package(data: bytes, name: str) -> None:
    """The written package opens as a zip whose parts are whole."""
    import io

    try:
        broken = zipfile.ZipFile(io.BytesIO(data)).testzip()
    except zipfile.BadZipFile:
        broken = "?"
    if broken is not None:
        raise WorkbookError(name, "den nye fil kunne ikke skrives hel; intet er skrevet")
