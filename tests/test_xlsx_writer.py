"""The cell writer (workbooks/xlsx_writer.py) writes what openpyxl's own writer writes, plus cached values."""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.formula import ArrayFormula

from workbooks.xlsx_writer import CellValueError, PreparedBook, to_bytes


def _tricky_book() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Ark"
    values: list[Any] = [
        "plain", "  leading and trailing  ", "line\nbreak", "carriage\r\nreturn", 'A & B < C > D "quoted"', "=SUM(A1:A2)",
        0, -1, 2**53 + 1, 10**17, 1.5, 0.1 + 0.2, 1e-300, -0.0, True, False, None,
        dt.date(2026, 12, 1), dt.datetime(2026, 12, 1, 13, 30), dt.time(8, 15), dt.timedelta(hours=36),
    ]  # fmt: skip
    for i, value in enumerate(values, start=1):
        cell = ws.cell(row=i, column=1, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text stays text, also when it starts with '='
    ws["B1"] = "=A5*2"
    ws["B2"] = '=IF(A3="","<tom>",A3&"&")'
    ws["B3"] = ArrayFormula("B3:B4", "=A8:A9*2")
    ws["C1"] = CellRichText("rich ", TextBlock(InlineFont(b=True), "text"))
    ws["C2"] = "link"
    ws["C2"].hyperlink = "https://star.dk/"
    ws["C3"] = "noted"
    ws["C3"].comment = Comment("a note", "tester")
    ws["D1"].fill = PatternFill("solid", fgColor="FFFF00")  # styled, no value
    ws["D2"] = 5.0
    ws["D2"].number_format = "0.00%"
    ws["D2"].font = Font(bold=True)
    ws["D2"].alignment = Alignment(wrap_text=True)
    ws["E1"] = float("nan")
    ws.row_dimensions[30].height = 40  # an empty row with a height
    wb.create_sheet("Second sheet")["A1"] = "='Ark'!A7+1"
    return wb


def _cells(data: bytes, data_only: bool = False) -> dict[tuple[str, str], Any]:
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=data_only, rich_text=True)
    found: dict[tuple[str, str], Any] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                value = c.value.text if isinstance(c.value, ArrayFormula) else str(c.value) if isinstance(c.value, CellRichText) else c.value
                found[(ws.title, c.coordinate)] = (
                    value, c.data_type, c.number_format, c.font.b, c.fill.fgColor.rgb, c.alignment.wrap_text,
                    c.comment.text if c.comment else None, c.hyperlink.target if c.hyperlink else None,
                )  # fmt: skip
        found[(ws.title, "rows")] = {k: v.height for k, v in ws.row_dimensions.items() if v.height}
    return found


def test_cells_read_back_exactly_as_from_openpyxls_own_writer() -> None:
    wb = _tricky_book()
    ours = to_bytes(wb)
    theirs = io.BytesIO()
    _tricky_book().save(theirs)
    mine, expected = _cells(ours), _cells(theirs.getvalue())
    assert mine == expected
    assert mine[("Ark", "A4")][0] == "carriage\r\nreturn"  # the carriage return survives
    assert mine[("Ark", "A2")][0] == "  leading and trailing  "
    assert mine[("Ark", "A6")][:2] == ("=SUM(A1:A2)", "s")  # text, never a formula
    assert mine[("Ark", "C3")][6] == "a note" and mine[("Ark", "C2")][7] == "https://star.dk/"


def test_cached_values_are_stored_with_their_type_and_to_the_last_bit() -> None:
    wb = _tricky_book()
    exact = 0.26226542116988194  # 17 significant digits: openpyxl's own %.16g would round it
    cached = {"Ark": {"B1": exact, "B2": "<tom>&"}, "Second sheet": {"A1": {"kind": "Div"}}}
    values = _cells(to_bytes(wb, cached=cached), data_only=True)
    assert values[("Ark", "B1")][0] == exact
    assert values[("Ark", "B2")][0] == "<tom>&"
    assert values[("Second sheet", "A1")][:2] == ("#DIV/0!", "e")
    formulas = _cells(to_bytes(wb, cached=cached))
    assert formulas[("Ark", "B1")][0] == "=A5*2"  # the formula stays
    for value, kind in ((True, "b"), (7.0, "n"), (2, "n")):
        assert _cells(to_bytes(wb, cached={"Ark": {"B1": value}}), data_only=True)[("Ark", "B1")][:2] == (value, kind)


def test_a_cached_value_that_is_not_finite_is_refused_naming_the_cell() -> None:
    with pytest.raises(CellValueError, match="Ark!B1"):
        to_bytes(_tricky_book(), cached={"Ark": {"B1": math.inf}})


def test_as_values_writes_the_value_without_the_formula() -> None:
    data = to_bytes(_tricky_book(), as_values={"Ark": {"B1": 3.25}})
    assert _cells(data)[("Ark", "B1")][:2] == (3.25, "n")


def test_a_prepared_book_reuses_the_cells_of_sheets_that_did_not_change() -> None:
    wb = _tricky_book()
    first = PreparedBook(wb)
    wb["Second sheet"]["B1"] = "added later"
    again = PreparedBook(wb, reuse={"Ark": first.sheets["Ark"]})
    cells = _cells(again.to_bytes({"Ark": {"B1": 1.0}}), data_only=True)
    assert cells[("Second sheet", "B1")][0] == "added later"  # written again
    assert cells[("Ark", "B1")][0] == 1.0 and cells[("Ark", "C3")][6] == "a note"  # reused, its note kept
    assert again.formula_cells() == first.formula_cells()


def test_a_book_with_defined_names_is_evaluated_with_them() -> None:
    """formualizer gets the whole package when formulas may use defined names (a user's own sheets)."""
    from openpyxl.workbook.defined_name import DefinedName

    from workbooks.evaluate import with_cached_values
    from workbooks.xlsx_writer import formula_input, sheet_cells

    wb = Workbook()
    ws = wb.active
    ws.title = "Ark"
    ws["A1"] = 21
    ws["B1"] = "=rate*2"
    wb.defined_names["rate"] = DefinedName("rate", attr_text="Ark!$A$1")
    assert formula_input(wb, {"Ark": sheet_cells(ws)}) is None
    assert _cells(with_cached_values(wb, custom_functions=False), data_only=True)[("Ark", "B1")][0] == 42


def test_template_rows_are_written_in_column_order_between_the_cells() -> None:
    """A row of formulas kept as a template (the large sheets' years) is written between the row's other
    cells, in column order, over the empty freeze-panes corner; a cell with content there is refused."""
    import re
    import zipfile

    from openpyxl.styles.cell_style import StyleArray

    from workbooks.xlsx_writer import TemplateRow
    from xlmodel.errors import XlmodelError

    wb = Workbook()
    ws = wb.active
    ws.title = "Ark"
    ws["A5"], ws["B5"], ws["AD5"] = "hold 1", "=A5", 7
    ws.freeze_panes = "I5"  # makes the empty cell I5
    rows = {"Ark": [TemplateRow(5, 9, 11, "={c}4*2", StyleArray()), TemplateRow(6, 9, 10, '=IF({c}5>1,"<&>",0)', StyleArray())]}
    data = PreparedBook(wb, template_rows=rows).to_bytes({"Ark": {"J5": 2.5}})
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert re.findall(r'<c r="([A-Z]+)5"', sheet) == ["A", "B", "I", "J", "K", "AD"]
    cells, values = _cells(data), _cells(data, data_only=True)
    assert [cells[("Ark", c)][0] for c in ("I5", "K5", "J6")] == ["=I4*2", "=K4*2", '=IF(J5>1,"<&>",0)']
    assert values[("Ark", "J5")][0] == 2.5 and cells[("Ark", "AD5")][0] == 7
    ws["J7"] = 1
    with pytest.raises(XlmodelError, match="Ark!J7"):
        PreparedBook(wb, template_rows={"Ark": [TemplateRow(7, 9, 11, "=1", StyleArray())]})
