"""The upgrade's fast reader (:mod:`workbooks.plain_cells`) reads every book exactly as openpyxl does: the same
cells (value, type, style, comment), row dimensions and extent, on every committed book, on books openpyxl and
LibreOffice saved, and on random cell contents; a part it cannot read plainly is left to openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.workbook import Workbook

from tests.test_workbooks import require_libreoffice
from workbooks.evaluate import WorkbookError
from workbooks.files import load
from workbooks.libreoffice import convert
from workbooks.plain_cells import load_book, plain_sheet_parts, read_book

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = sorted([*(ROOT / "tests" / "data").glob("*.xlsx"), *(ROOT / "examples").rglob("*.xlsx")])


def snapshot(wb: Workbook) -> dict[str, Any]:
    """What a reader makes of each sheet: every cell's class, value, type, style and comment; the row dimensions;
    the extent, the merged ranges and the charts."""
    found = {}
    for ws in wb.worksheets:
        cells = {key: (type(c).__name__, c._value, c.data_type, None if c._style is None else c._style.tobytes(), None if c.comment is None else c.comment.text)
                 for key, c in ws._cells.items()}  # fmt: skip
        rows = {key: (d.ht, d.hidden, d.outlineLevel, d.customHeight, d.thickBot, None if d._style is None else d._style.tobytes()) for key, d in ws.row_dimensions.items()}
        found[ws.title] = (cells, rows, ws.max_row, ws.max_column, str(ws.merged_cells), len(ws._charts))
    return found


def plain_parts(data: bytes) -> list[str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return list(plain_sheet_parts({info.filename: archive.read(info) for info in archive.infolist()}, 0))


def assert_read_alike(data: bytes) -> None:
    assert snapshot(load_book(data, "bog", min_part_bytes=0)) == snapshot(load(data, "bog"))


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_every_committed_book_is_read_as_openpyxl_reads_it(path: Path) -> None:
    data = path.read_bytes()
    assert plain_parts(data), "the book's sheets must be read the plain way, or the comparison says nothing"
    assert_read_alike(data)


def _edge_cases() -> Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Kanter"
    values: list[Any] = ["A & B <c> \"d\" 'e'", " mellemrum ", "linje\nlinje", "æøå €", "", 0, -1, 10**15, 1.5e-9, 1 / 3, True, False,
                         dt.datetime(2024, 3, 1, 12, 30), dt.date(2021, 1, 1), dt.time(8, 15), "=1/0", '=IF(A1="x","&","<")', "#N/A",
                         "&lt; typed as text, &amp; too"]  # fmt: skip
    for row, value in enumerate(values, start=1):
        ws.cell(row, 1, value)
        ws.cell(row, 2, f"=A{row}")
    ws["A3"].comment = Comment("en kommentar", "Hanne")
    ws.row_dimensions[4].height = 30
    ws.row_dimensions[5].hidden = True
    ws.row_dimensions[30].height = 40  # a row with a height and no cells: <row r="30" .../>
    ws["C7"].number_format = "yyyy-mm-dd"
    ws["C7"] = 45000
    ws["C8"].number_format = "[h]:mm"
    ws["C8"] = 1.25
    return wb


def test_edge_cases_saved_by_openpyxl_and_by_libreoffice_are_read_alike(tmp_path: Path) -> None:
    path = tmp_path / "kanter.xlsx"
    _edge_cases().save(path)
    data = path.read_bytes()
    assert plain_parts(data) == ["xl/worksheets/sheet1.xml"]
    assert_read_alike(data)
    require_libreoffice()
    [saved] = convert([path], tmp_path / "lo", "xlsx", recalculate_on_load=False)
    assert plain_parts(saved.read_bytes()), "LibreOffice's cells (shared strings, <f aca=...>) are plain too"
    assert_read_alike(saved.read_bytes())


def test_a_part_it_cannot_read_plainly_is_left_to_openpyxl(tmp_path: Path) -> None:
    wb = _edge_cases()
    merged = wb.create_sheet("Flettet")
    merged["A1"] = "overskrift"
    merged.merge_cells("A1:C1")
    linked = wb.create_sheet("Link")
    linked["A1"].hyperlink = "https://example.org"
    path = tmp_path / "blandet.xlsx"
    wb.save(path)
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    # a shared formula, as Excel writes one for a filled range
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b"<f>A2</f>", b'<f t="shared" ref="B2:B3" si="0">A2</f>', 1).replace(b"<f>A3</f>", b'<f t="shared" si="0"/>', 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    shared = out.getvalue()
    assert plain_parts(data) == ["xl/worksheets/sheet1.xml"] and plain_parts(shared) == []
    assert_read_alike(data)
    assert_read_alike(shared)
    assert load_book(shared, "bog", min_part_bytes=0)["Kanter"]["B3"].value == "=A3"  # the shared formula, as openpyxl translates it


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t&<>\"'"), max_size=12)


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")  # a number too large for a date format: both readers say so
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_TEXT, st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none()), min_size=1, max_size=30),
       st.sampled_from(["General", "0.00", "dd-mm-yyyy", "#,##0 kr."]))  # fmt: skip
def test_random_cells_are_read_as_openpyxl_reads_them(tmp_path: Path, values: list[Any], number_format: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for i, value in enumerate(values):
        cell = ws.cell(i // 5 + 1, i % 5 + 1, value.replace("=", "x", 1) if isinstance(value, str) and value.startswith("=") else value)
        cell.number_format = number_format
    out = io.BytesIO()
    wb.save(out)
    assert_read_alike(out.getvalue())


def _with_sheet(replace: tuple[bytes, bytes]) -> bytes:
    """A one-sheet book (A1 holds the text MARK, written inline) with ``replace`` made in its sheet part."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "MARK"
    out = io.BytesIO()
    wb.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert replace[0] in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(*replace)
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return changed.getvalue()


@pytest.mark.parametrize("bad", [b"&#1;", b"&#xD800;", b"\x01", b"&nbsp;"], ids=["control reference", "surrogate", "control byte", "unknown entity"])
def test_text_xml_forbids_is_refused_as_openpyxl_refuses_it(bad: bytes) -> None:
    broken = _with_sheet((b"MARK", bad))
    assert plain_parts(broken) == []
    with pytest.raises(WorkbookError, match="kan ikke læses"):
        load(broken, "bog")
    with pytest.raises(WorkbookError, match="kan ikke læses"):
        load_book(broken, "bog", min_part_bytes=0)


def test_references_and_entities_in_one_text_are_read_alike() -> None:
    """A reference to a character of the markup (or a tab) beside the named entities: resolved once, in one pass."""
    data = _with_sheet((b"MARK", b"&#38;amp; &#9;&lt;x&gt; &#x26;#229; &#229;"))
    assert plain_parts(data) == ["xl/worksheets/sheet1.xml"]
    assert snapshot(load_book(data, "bog", min_part_bytes=0)) == snapshot(load(data, "bog"))
    assert load(data, "bog").active["A1"].value == "&amp; \t<x> &#229; å"


def test_a_book_read_for_its_cells_has_them_all_and_no_charts() -> None:
    """``read_book(drawings=False)``, as ``xlmodel upgrade`` reads: every cell as openpyxl reads it, the charts left
    in the package (``load_book`` reads them, as openpyxl does)."""
    data = (ROOT / "examples" / "built" / "ishoej_2021.native.xlsx").read_bytes()
    read = read_book(data, "bog", drawings=False)
    for title in list(read.unbound.rows):
        read.unbound.bind(read.workbook[title])
    expected = snapshot(load(data, "bog"))
    assert sum(charts for *_, charts in expected.values()) > 0
    assert snapshot(read.workbook) == {title: (*found[:-1], 0) for title, found in expected.items()}
    assert read.package.parts == {name: zipfile.ZipFile(io.BytesIO(data)).read(name) for name in read.package.parts}


@pytest.mark.parametrize("code", [0x8, 0x9, 0xA, 0xD, 0x1F, 0x20, 0xD7FF, 0xD800, 0xDFFF, 0xE000, 0xFFFD, 0xFFFE, 0x10000, 0x10FFFF, 0x110000], ids=hex)
def test_a_character_reference_at_the_edges_of_what_xml_allows_is_read_or_refused_alike(code: int) -> None:
    data = _with_sheet((b"MARK", f"a&#x{code:X};b".encode()))
    try:
        expected = snapshot(load(data, "bog"))
    except WorkbookError:
        assert plain_parts(data) == []
        with pytest.raises(WorkbookError, match="kan ikke læses"):
            load_book(data, "bog", min_part_bytes=0)
        return
    assert plain_parts(data) == ["xl/worksheets/sheet1.xml"] and snapshot(load_book(data, "bog", min_part_bytes=0)) == expected


def test_what_is_read_the_plain_way() -> None:
    """An empty sheet is plain; a cell table with an attribute, a comment or a DTD is left to openpyxl (which
    refuses the DTD)."""
    assert plain_parts(_with_sheet((b'<row r="1"><c r="A1" t="inlineStr"><is><t>MARK</t></is></c></row>', b""))) == ["xl/worksheets/sheet1.xml"]
    empty_row = _with_sheet((b"</sheetData>", b'<row r="9" ht="40" customHeight="1"/><row r="10"><c r="B10"><v>2</v></c></row></sheetData>'))  # as Excel writes a row with only a height
    assert plain_parts(empty_row) == ["xl/worksheets/sheet1.xml"]
    assert snapshot(load_book(empty_row, "bog", min_part_bytes=0)) == snapshot(load(empty_row, "bog"))
    for odd in (b'<sheetData foo="1">', b"<sheetData><!-- x -->"):
        data = _with_sheet((b"<sheetData>", odd))
        assert plain_parts(data) == [] and snapshot(load_book(data, "bog", min_part_bytes=0)) == snapshot(load(data, "bog"))
    with_dtd = _with_sheet((b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY x "y">]><worksheet'))
    for reader in (load, lambda data, name: load_book(data, name, min_part_bytes=0)):
        with pytest.raises(WorkbookError, match="kan ikke læses"):
            reader(with_dtd, "bog")
