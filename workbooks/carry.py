"""What ``recalc`` carries over from the user's file into the rebuilt workbook.

The tool rebuilds its own sheets from the inputs; everything else in the file is the user's and must
survive: sheets they added (values, formulas, styles, widths, merged cells, validation, conditional
formatting, comments, print settings), the number formats they gave input cells, and the column widths
and row heights they set. What cannot be carried (a chart or a pivot table on a user's sheet, ...) is
found *before* anything is written, so the run stops with the original untouched.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.evaluate import WorkbookError


def user_sheets(book: Workbook, tool_titles: Iterable[str]) -> list[Worksheet]:
    """The sheets of ``book`` that the tool did not make, in their order."""
    own = set(tool_titles)
    return [ws for ws in book.worksheets if ws.title not in own]


def uncarriable(ws: Worksheet) -> list[str]:
    """What on the user's sheet ``ws`` a rebuild could not carry over, in words a user understands."""
    found = []
    if getattr(ws, "_charts", None):
        found.append("diagrammer")
    if getattr(ws, "_images", None):
        found.append("billeder")
    if getattr(ws, "_pivots", None):
        found.append("pivottabeller")
    if ws.tables:
        found.append("tabeller (Excel-tabeller)")
    if getattr(ws, "legacy_drawing", None):
        found.append("VML-tegninger")
    return found


def check_carriable(book: Workbook, tool_titles: Iterable[str], name: str) -> None:
    """Refuse, naming the sheet and the content, when a user's sheet holds something recalc would lose."""
    problems = [f"«{ws.title}»: {', '.join(what)}" for ws in user_sheets(book, tool_titles) if (what := uncarriable(ws))]
    if book.chartsheets:
        problems.append("diagramark: " + ", ".join(f"«{cs.title}»" for cs in book.chartsheets))
    if problems:
        raise WorkbookError(name, "dine egne ark indeholder noget, som genberegningen ikke kan tage med: " + "; ".join(problems) + ". Flyt det til en anden fil, eller brug en kopi")


def copy_sheet(source: Worksheet, target_book: Workbook, index: int | None = None) -> Worksheet:
    """A copy of the user's sheet ``source`` (from another workbook) in ``target_book``."""
    ws = target_book.create_sheet(source.title, index)
    for row in source.iter_rows():
        for cell in row:
            if cell.value is None and not cell.has_style and cell.comment is None and cell.hyperlink is None:
                continue
            new = ws.cell(row=cell.row, column=cell.column)
            new.value = cell.value
            new.data_type = cell.data_type
            if cell.has_style:  # style ids point into the other workbook's tables: copy the style objects
                new.font, new.fill, new.border = copy.copy(cell.font), copy.copy(cell.fill), copy.copy(cell.border)
                new.alignment, new.protection = copy.copy(cell.alignment), copy.copy(cell.protection)
                new.number_format = cell.number_format
            if cell.comment is not None:
                new.comment = copy.copy(cell.comment)
            if cell.hyperlink is not None:
                new.hyperlink = copy.copy(cell.hyperlink)
    for key, dimension in source.column_dimensions.items():
        target = ws.column_dimensions[key]
        target.width, target.hidden, target.outlineLevel = dimension.width, dimension.hidden, dimension.outlineLevel
        target.min, target.max = dimension.min, dimension.max
    for key, dimension in source.row_dimensions.items():
        target = ws.row_dimensions[key]
        target.height, target.hidden, target.outlineLevel = dimension.height, dimension.hidden, dimension.outlineLevel
    for merged in source.merged_cells.ranges:
        ws.merge_cells(str(merged))
    ws.freeze_panes = source.freeze_panes
    ws.sheet_state = source.sheet_state
    ws.sheet_properties = copy.copy(source.sheet_properties)
    ws.page_setup = copy.copy(source.page_setup)
    ws.print_options = copy.copy(source.print_options)
    ws.page_margins = copy.copy(source.page_margins)
    ws.protection = copy.copy(source.protection)
    ws.auto_filter = copy.copy(source.auto_filter)
    for validation in source.data_validations.dataValidation:
        ws.add_data_validation(copy.copy(validation))
    for cf_range, rules in source.conditional_formatting._cf_rules.items():
        for rule in rules:
            ws.conditional_formatting.add(str(cf_range.sqref), copy.copy(rule))
    return ws


def carry_over(book: Workbook, new_book: Workbook, tool_titles: Iterable[str], inputs: Iterable[tuple[str, str]]) -> list[str]:
    """Copy what is the user's from ``book`` (their file) into ``new_book`` (the rebuilt one).

    Input cells keep their number format; column widths and row heights the user changed on tool
    sheets are kept; user sheets are copied in their original position. Returns the user sheets' titles.
    """
    own = list(tool_titles)
    for sheet, coordinate in inputs:
        new_book[sheet][coordinate].number_format = book[sheet][coordinate].number_format
    for title in own:
        old, new = book[title], new_book[title]
        for key, dimension in old.column_dimensions.items():
            if dimension.width and dimension.customWidth and dimension.width != new.column_dimensions[key].width:
                new.column_dimensions[key].width = dimension.width
        for key, dimension in old.row_dimensions.items():
            if dimension.height is not None and dimension.height != new.row_dimensions[key].height:
                new.row_dimensions[key].height = dimension.height
    carried = []
    for ws in user_sheets(book, own):
        copy_sheet(ws, new_book, book.worksheets.index(ws))
        carried.append(ws.title)
    return carried
