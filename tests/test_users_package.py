"""The user's book is the user's: recalc writes only the parts xlmodel owns (workbooks.package.OWNED) and
every other part of the package keeps its bytes, whatever the user and their IT put in it."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula

from workbooks.evaluate import WorkbookError
from workbooks.layout import LAYOUT_VERSION, RUNTIMES, SHEET_NAMES
from workbooks.libreoffice import convert, soffice
from workbooks.package import MAIN, Package, StyleMerge, patch_sheet
from workbooks.pipeline import ROOT, recalc, render
from workbooks.readback import read_case
from workbooks.results import differences, expected_results, layout_of, read_results
from workbooks.upgrade import upgrade
from xlmodel import compute_case, load_case

from .test_workbooks import require_libreoffice

NAMES = SHEET_NAMES["da"]
CASE = load_case(ROOT / "cases" / "ishoej_2021.toml")
LABEL_ID = "f42aa342-8706-4288-bd11-ebb85995028c"
LABEL_INFO = b'<?xml version="1.0" encoding="utf-8" standalone="yes"?><clbl:labelList xmlns:clbl="http://schemas.microsoft.com/office/2020/mipLabelMetadata"><clbl:label id="{' + LABEL_ID.encode() + b'}" enabled="1" method="Privileged" siteId="{00000000-0000-0000-0000-000000000001}" removed="0"/></clbl:labelList>'


def _book(tmp_path: Path, runtime: str = "officejs", name: str = "case.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(render(CASE, runtime=runtime, source_name="ishoej_2021.toml"))
    return path


def _dress(path: Path) -> None:
    """What a finance department does to its book in Excel over the years (openpyxl stands in for Excel)."""
    wb = openpyxl.load_workbook(path, rich_text=True)
    budget, cohorts, checks = wb[NAMES["budget"]], wb[NAMES["cohorts"]], wb[NAMES["checks"]]
    mine = wb.create_sheet("Udvalgets noter", 0)  # first in the tab order
    mine["A1"] = "Se budgettet"
    mine["A1"].hyperlink = "#'Budget'!A1"
    mine["B2"] = f"={NAMES['budget']}!D28*2"
    mine["C3"] = 7
    mine.conditional_formatting.add("C3", CellIsRule(operator="greaterThan", formula=["5"], fill=PatternFill("solid", fgColor="FFC7CE")))
    mine.defined_names["Lokal"] = DefinedName("Lokal", attr_text="'Udvalgets noter'!$C$3")
    wb.defined_names["Nettogevinst"] = DefinedName("Nettogevinst", attr_text=f"{NAMES['budget']}!$D$28")
    budget.print_title_rows = "1:4"
    budget.print_area = "A1:N30"
    budget.protection.sheet = True
    budget.protection.password = "kommune"
    wb.security = WorkbookProtection(workbookPassword="hemmelig", lockStructure=True)
    budget.conditional_formatting.add("D28", CellIsRule(operator="lessThan", formula=["0"], font=Font(color="9C0006")))
    budget["D28"].fill = PatternFill("solid", fgColor="FFFF00")  # the user's highlight on a tool cell
    budget.sheet_view.zoomScale = 85
    budget.sheet_view.showGridLines = False
    checks.freeze_panes = "B5"
    cohorts["D5"].fill = PatternFill("solid", fgColor="92D050")  # the user's highlight on an input cell
    validation = DataValidation(type="whole", operator="between", formula1="1", formula2="20", error="Højst 20 deltagere")
    cohorts.add_data_validation(validation)
    validation.add("D5:D12")
    cohorts["F5"] = 5  # an input changed: the figures move
    wb[NAMES["inputs"]]["H10"] = CellRichText(TextBlock(InlineFont(b=True), "Kilde: "), "Jobindsats 2023")  # a note in rich text
    wb.custom_doc_props.append(openpyxl.packaging.custom.StringProperty(name="ESDH-sagsnummer", value="27.12.00-G01-3-21"))
    wb.save(path)


def _label_and_macros(path: Path) -> Path:
    """A sensitivity label (custom properties and docMetadata/LabelInfo.xml), VBA and a dynamic array: parts
    openpyxl cannot write, added to the package as Excel and Purview would. Returns the book as .xlsm."""
    source = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Override PartName="/docMetadata/LabelInfo.xml" ContentType="application/vnd.ms-office.classificationlabels+xml"/></Types>')
            if info.filename == "_rels/.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdLabel" Type="http://schemas.microsoft.com/office/2020/02/relationships/classificationlabels" Target="docMetadata/LabelInfo.xml"/></Relationships>')
            if info.filename == "docProps/custom.xml":
                label = f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="90" name="MSIP_Label_{LABEL_ID}_Enabled"><vt:lpwstr xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">true</vt:lpwstr></property>'
                data = data.replace(b"</Properties>", label.encode() + b"</Properties>")
            target.writestr(info, data)
        target.writestr("docMetadata/LabelInfo.xml", LABEL_INFO)
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 a VBA project")
    xlsm = path.with_suffix(".xlsm")
    xlsm.write_bytes(out.getvalue())
    path.unlink()
    return xlsm


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _sheet_parts(path: Path) -> dict[str, str]:
    package = Package.read(path.read_bytes(), path.name)
    return package.sheets()


def _outside_cells(xml: bytes) -> list[bytes]:
    """A sheet part's elements other than its cells, the dimension (which follows them) and the merged ranges
    (the tool's: the summary's paragraphs move with their number of lines)."""
    root = etree.fromstring(xml)
    return [etree.tostring(child) for child in root if child.tag not in (f"{{{MAIN}}}sheetData", f"{{{MAIN}}}dimension", f"{{{MAIN}}}mergeCells")]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_every_part_xlmodel_does_not_own_keeps_its_bytes(tmp_path: Path, runtime: str) -> None:
    path = _book(tmp_path, runtime)
    _dress(path)
    path = _label_and_macros(path)
    before, tool_parts = _parts(path), {_sheet_parts(path)[title] for title in NAMES.values()}
    report = recalc(path)
    after = _parts(path)
    assert set(after) == set(before)
    written = {name for name in before if after[name] != before[name]}
    assert written <= tool_parts | {"docProps/custom.xml", "xl/workbook.xml", "xl/styles.xml"}, written - tool_parts
    styles_before, styles_after = etree.fromstring(before["xl/styles.xml"]), etree.fromstring(after["xl/styles.xml"])
    for old_list in styles_before:  # the cell formats of cells the tool added are appended; the user's entries never change
        new_list = styles_after.find(old_list.tag)
        assert [etree.tostring(e) for e in new_list][: len(old_list)] == [etree.tostring(e) for e in old_list]
    assert set(report.parts) == written
    for name in tool_parts:  # on a tool sheet, everything but the cells is the user's: views, protection, formats, validation, links
        assert _outside_cells(after[name]) == _outside_cells(before[name]), name
    def without_calculate_on_load(xml: bytes) -> str:
        return re.sub(r'\s*fullCalcOnLoad="[^"]*"', "", xml.decode().split("?>", 1)[-1]).strip()

    assert without_calculate_on_load(after["xl/workbook.xml"]) == without_calculate_on_load(before["xl/workbook.xml"])  # one attribute: see OWNED
    assert f"MSIP_Label_{LABEL_ID}_Enabled".encode() in after["docProps/custom.xml"] and b"ESDH-sagsnummer" in after["docProps/custom.xml"]
    assert b"macroEnabled" in after["[Content_Types].xml"] and after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert wb.sheetnames[0] == "Udvalgets noter" and {"Nettogevinst"} <= set(wb.defined_names) and "Lokal" in wb["Udvalgets noter"].defined_names
    budget = wb[NAMES["budget"]]
    assert budget.protection.sheet and wb.security.lockStructure and budget.sheet_view.zoomScale == 85
    assert budget["D28"].fill.fgColor.rgb.endswith("FFFF00") and wb[NAMES["cohorts"]]["D5"].fill.fgColor.rgb.endswith("92D050")
    assert wb.custom_doc_props["ESDH-sagsnummer"].value == "27.12.00-G01-3-21"
    note = openpyxl.load_workbook(path, rich_text=True)[NAMES["inputs"]]["H10"].value
    assert isinstance(note, CellRichText) and str(note) == "Kilde: Jobindsats 2023" and note[0].font.b
    case = read_case(wb)
    assert case.cohorts[0].outcomes["job"].persons == 5
    assert differences(expected_results(compute_case(case), layout_of(wb)[0]), read_results(path)) == []
    recalc(path)  # again: the formats appended the first time are found, not appended once more
    assert _parts(path)["xl/styles.xml"] == after["xl/styles.xml"]


def rename_as_excel_does(path: Path, key: str, title: str) -> None:
    """Rename a tool sheet as Excel does: the tab, every formula and defined name that refers to it."""
    wb = openpyxl.load_workbook(path)
    old = wb[NAMES[key]].title
    wb[old].title = title
    quoted = "'" + title.replace("'", "''") + "'!"
    pattern = re.compile(rf"(?<![\w']){re.escape(old)}!|'{re.escape(old)}'!")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.value = pattern.sub(quoted, cell.value)
    for name in list(wb.defined_names):
        wb.defined_names[name].attr_text = pattern.sub(quoted, wb.defined_names[name].attr_text)
    wb.save(path)


def test_a_renamed_tool_sheet_is_known_by_its_identity(tmp_path: Path) -> None:
    path = _book(tmp_path)
    rename_as_excel_does(path, "budget", "Budget 2021")
    wb = openpyxl.load_workbook(path)
    wb[NAMES["cohorts"]]["F5"] = 5
    wb.save(path)
    recalc(path)
    wb = openpyxl.load_workbook(path)
    assert "Budget 2021" in wb.sheetnames and NAMES["budget"] not in wb.sheetnames
    case = read_case(wb)
    assert case.cohorts[0].outcomes["job"].persons == 5
    assert differences(expected_results(compute_case(case), layout_of(wb)[0]), read_results(path)) == []


def test_a_tool_sheet_deleted_is_named(tmp_path: Path) -> None:
    path = _book(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb[NAMES["sensitivity"]]
    wb.save(path)
    with pytest.raises(WorkbookError, match="mangler fanerne Følsomhed"):
        recalc(path)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_a_book_saved_by_libreoffice_is_not_flagged_as_edited(tmp_path: Path, runtime: str) -> None:
    require_libreoffice()
    (tmp_path / "in").mkdir()
    path = _book(tmp_path / "in", runtime)
    [saved] = convert([path], tmp_path / "out", "xlsx", recalculate_on_load=False)
    report = recalc(saved)  # LibreOffice rewrote every formula's text (TRUE as TRUE(), names in lower case): no hand edit
    assert report.forced_cells == () and not report.rebuilt
    wb = openpyxl.load_workbook(saved)
    assert differences(expected_results(compute_case(read_case(wb)), layout_of(wb)[0]), read_results(saved)) == []


def _sheet(cells: str) -> etree._Element:
    return etree.fromstring(f'<worksheet xmlns="{MAIN}"><dimension ref="A1"/><sheetData>{cells}</sheetData></worksheet>'.encode())


class _NoStyles(StyleMerge):
    def __init__(self) -> None:
        self.done = {}

    def style(self, rebuilt_index: str) -> str:
        return "s" + rebuilt_index


def test_patch_writes_tool_cells_keeps_inputs_styles_and_unshares_formulas() -> None:
    mine = _sheet(
        '<row r="1"><c r="A1" s="4"><f t="shared" ref="A1:C1" si="0">X1+1</f><v>1</v></c><c r="B1"><f t="shared" si="0"/><v>2</v></c>'
        '<c r="C1" t="s"><f t="shared" si="0"/><v>0</v></c></row><row r="3"><c r="A3" t="s"><v>3</v></c></row>'
    )
    theirs = _sheet('<row r="1"><c r="A1" s="9"><f>Y1*2</f><v>5</v></c><c r="C1"><v>8</v></c></row><row r="2"><c r="B2" s="7" t="inlineStr"><is><t>ny</t></is></c></row>')
    report = patch_sheet(mine, theirs, {"B1"}, _NoStyles())
    cells = {c.get("r"): c for c in mine.iter(f"{{{MAIN}}}c")}
    shown = {r: etree.tostring(c).decode().split(">", 1)[1] for r, c in cells.items()}
    assert cells["A1"].get("s") == "4" and "<f>Y1*2</f><v>5</v>" in shown["A1"]  # the tool's formula, the user's style
    assert "<f>Y1+1</f>" in shown["B1"]  # an input cell following a rewritten shared formula gets its own text
    assert cells["C1"].get("t") is None and "<v>8</v>" in shown["C1"]
    assert cells["B2"].get("s") == "s7" and [r.get("r") for r in mine.iter(f"{{{MAIN}}}row")] == ["1", "2", "3"]
    assert "<v>" not in shown["A3"] and cells["A3"].get("t") is None  # nothing of the tool's here: a forced edit undone
    assert (report.added, report.cleared, report.formulas_changed) == (1, 1, True)


def test_a_tool_cell_missing_from_the_users_book_gets_the_tools_style(tmp_path: Path) -> None:
    path = _book(tmp_path)
    parts = _parts(path)
    part = _sheet_parts(path)[NAMES["budget"]]
    xml = parts[part].decode()
    cell = re.search(r'<c r="A1"[^>]*>.*?</c>', xml)
    assert cell is not None
    parts[part] = xml.replace(cell.group(0), "").encode()  # as if another program left the title cell out
    _with_parts(path, parts)
    assert recalc(path, force=True).forced_cells == (f"{NAMES['budget']}!A1",)
    fresh = openpyxl.load_workbook(io.BytesIO(render(CASE, source_name="ishoej_2021.toml")))[NAMES["budget"]]["A1"]
    cell_after = openpyxl.load_workbook(path)[NAMES["budget"]]["A1"]
    assert cell_after.value == fresh.value and cell_after.font.b == fresh.font.b and cell_after.font.sz == fresh.font.sz


def test_a_stale_calculation_chain_is_dropped_with_its_relationship(tmp_path: Path) -> None:
    path = _book(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb[NAMES["budget"]]["I11"] = 999  # a formula typed over; --force puts the formula back
    wb.save(path)
    parts = _parts(path)
    parts["xl/calcChain.xml"] = f'<calcChain xmlns="{MAIN}"><c r="I11" i="9"/></calcChain>'.encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>'
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdChain" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>'
    )
    _with_parts(path, parts)
    recalc(path, force=True)
    after = _parts(path)
    assert "xl/calcChain.xml" not in after and b"calcChain" not in after["[Content_Types].xml"] and b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    assert str(openpyxl.load_workbook(path)[NAMES["budget"]]["I11"].value).startswith("=")


def _with_parts(path: Path, parts: dict[str, bytes]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    path.write_bytes(out.getvalue())


def test_a_users_dynamic_array_keeps_its_cell_metadata(tmp_path: Path) -> None:
    path = _book(tmp_path)
    wb = openpyxl.load_workbook(path)
    mine = wb.create_sheet("Min beregning")
    mine["A1"] = ArrayFormula("A1:A3", "=_xlfn.SEQUENCE(3)")
    wb.save(path)
    parts = _parts(path)
    part = _sheet_parts(path)["Min beregning"]
    parts[part] = parts[part].replace(b'<c r="A1"', b'<c r="A1" cm="1"')  # Excel marks a spilling formula so
    parts["xl/metadata.xml"] = b'<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray"><metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000"/></metadataTypes></metadata>'
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", b'<Override PartName="/xl/metadata.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdMeta" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata" Target="metadata.xml"/></Relationships>'
    )
    _with_parts(path, parts)
    recalc(path)
    after = _parts(path)
    assert after[part] == parts[part] and after["xl/metadata.xml"] == parts["xl/metadata.xml"]


def _package_problems(data: bytes) -> list[str]:
    """Dangling relationships, content types of parts that are gone, parts without a content type."""
    package = Package.read(data, "book")
    problems = []
    for name in package.parts:
        if name.endswith(".rels") and name != "[Content_Types].xml":
            folder = name.rsplit("_rels/", 1)[0]
            source = folder + name.rsplit("/", 1)[-1][: -len(".rels")]
            problems += [f"{source} -> {target}" for _, target in package.relationships(source).values() if target not in package.parts]
    types = package.xml("[Content_Types].xml")
    overrides = {o.get("PartName", "")[1:] for o in types if o.get("PartName")}
    defaults = {d.get("Extension", "").lower() for d in types if d.get("Extension")}
    problems += [f"type of missing {part}" for part in overrides - set(package.parts)]
    problems += [f"no type: {part}" for part in package.parts if part != "[Content_Types].xml" and part not in overrides and part.rsplit(".", 1)[-1].lower() not in defaults]
    return problems


def test_upgrade_grafts_todays_tool_sheets_into_the_users_package(tmp_path: Path) -> None:
    """A layout-3 book of the release, dressed as a finance department does it, upgraded: the user's parts keep
    their bytes (their sheet, VBA, the sensitivity label), their settings on tool sheets move with the cells."""
    path = tmp_path / "case.xlsx"
    path.write_bytes((Path(__file__).parent / "data" / "layout3_ishoej_2021_refusion.native.xlsx").read_bytes())
    _dress(path)
    path = _label_and_macros(path)
    before = _parts(path)
    user_sheet = _sheet_parts(path)["Udvalgets noter"]
    out = tmp_path / "upgraded.xlsm"
    report = upgrade(path, out)
    after = _parts(out)
    assert _package_problems(out.read_bytes()) == []
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"] and after["docMetadata/LabelInfo.xml"] == LABEL_INFO
    assert b"macroEnabled" in after["[Content_Types].xml"]
    assert f"MSIP_Label_{LABEL_ID}_Enabled".encode() in after["docProps/custom.xml"] and b"ESDH-sagsnummer" in after["docProps/custom.xml"]
    assert after[user_sheet] == before[user_sheet] or any(line.startswith("Udvalgets noter!") for line in report.repointed)
    wb = openpyxl.load_workbook(out, keep_vba=True)
    assert wb.sheetnames[0] == "Udvalgets noter" and layout_of(wb)[0].shape.layout_version == str(LAYOUT_VERSION)
    assert {"Nettogevinst"} <= set(wb.defined_names) and "Lokal" in wb["Udvalgets noter"].defined_names
    assert wb["Udvalgets noter"]["A1"].hyperlink is not None
    budget, cohorts = wb[NAMES["budget"]], wb[NAMES["cohorts"]]
    assert budget.protection.sheet and wb.security.lockStructure and budget.sheet_view.zoomScale == 85 and not budget.sheet_view.showGridLines
    assert budget.print_area is not None and "$A$1:$N$30" in str(budget.print_area)
    assert budget["D28"].fill.fgColor.rgb.endswith("FFFF00") and cohorts["D5"].fill.fgColor.rgb.endswith("92D050")
    assert any(str(v.sqref) == "D5:D12" and v.formula2 == "20" for v in cohorts.data_validations.dataValidation)
    assert any(str(cf.sqref) == "D28" for cf in budget.conditional_formatting)
    assert wb[NAMES["checks"]].freeze_panes == "B5"
    case = read_case(wb)
    assert case.cohorts[0].outcomes["job"].persons == 5
    assert differences(expected_results(compute_case(case), layout_of(wb)[0]), read_results(out)) == []
    if soffice() is not None:  # LibreOffice opens the grafted package and computes the same figures
        [saved] = convert([out], tmp_path / "lo", "xlsx", recalculate_on_load=True)
        assert differences(expected_results(compute_case(case), layout_of(wb)[0]), read_results(saved)) == []
    assert any(line.startswith("Forudsætninger!H10") for line in report.hand_edits)  # the note typed over a tool cell stays
    assert wb[NAMES["inputs"]]["H10"].value == "Kilde: Jobindsats 2023"  # its place did not move (its rich text is not kept)
    with pytest.raises(WorkbookError, match="Forudsætninger!H10"):
        recalc(out)  # today's layout, patched like any book: it sees the same hand edit
