"""``xlmodel upgrade``: a book written by any release of xlmodel carried into today's layout.

The inputs go through the migration chain (:mod:`workbooks.migrations`) and today's tool sheets are built
from them; then what is the user's comes along: the input cells' comments and number formats, the sheets
the user added (with their references into tool sheets re-pointed to where the cells now are), the user's
defined names and document properties. The book keeps the parameters it was computed with (its pinned
date, or the day it was built), unless ``refresh_parameters``; either way the satser that differ from
today's are listed. Without an output the book is upgraded in place, with a backup, as ``recalc`` does.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.build import Built, build_workbook
from workbooks.evaluate import WorkbookError, cached_parts
from workbooks.files import (
    book_to_replace,
    check_output,
    check_writable,
    exclusive_lock,
    load,
    read_bytes,
    replace_keeping_backup,
    write_atomic,
)
from workbooks.graft import check_tool_sheets_carriable, graft_book, valid_package
from workbooks.layout import CLOCKS, COL_NOTE, COL_P3, COL_P4, FIRST_YEAR_COL, HEADER_ROW, LAYOUT_VERSION, READABLE_LAYOUTS, Layout, Shape, layout_for
from workbooks.migrations import Migrated, chain, migrate
from workbooks.package import Package
from workbooks.pipeline import cycle_collection_paused, edited_tool_cells, released
from workbooks.plain_cells import Leave, PlainCell, Unbound, read_book
from workbooks.readback import read_case
from workbooks.results import custom_properties, present_titles, sheet_titles, stored_layout
from workbooks.writer import appraised
from xlmodel.appraisal import Appraisal
from xlmodel.compute import CaseResult, compute_case
from xlmodel.model import Case
from xlmodel.parameters import Parameters, shipped
from xlmodel.report import parameter_uses
from xlmodel.risk import Risk

#: The sheets whose cells are inputs; the migration chain knows where each of their cells goes.
INPUT_SHEETS = ("inputs", "cohorts", "followup")


@dataclass(frozen=True)
class UpgradeReport:
    path: Path
    backup: Path | None
    source_layout: str
    steps: tuple[str, ...]
    inputs: int  # input cells with a value, carried
    user_sheets: tuple[str, ...]
    repointed: tuple[str, ...]  # "Sheet!B2: Budget!D20 → Budget!D28"
    unplaced: tuple[str, ...]  # references and hand edits with no place in today's layout
    satser: tuple[str, ...]  # "name (from–to): book's → today's (source)"
    pinned: str  # the parameter date the new book is computed with ("" = today's satser)
    hand_edits: tuple[str, ...] = ()  # tool cells edited by hand, kept where they now are
    carried: tuple[str, ...] = ()  # the user's conditional formats and data validations on tool sheets, moved with their cells


def _pinned(case: Case, book: Workbook, refresh: bool) -> Case:
    """The case with the parameters the book was computed with: its pinned date, else the day it was built, but
    never before every parameter today's layout shows was shipped (a book of an early release was built before
    the refusion staircase was a parameter: it sees the staircase as first shipped, and nothing added later)."""
    if refresh:
        return dataclasses.replace(case, parameters=case.parameters.unpinned())
    if case.parameters.known_on is not None:
        return case
    created = book.properties.created
    day = created.date() if isinstance(created, dt.datetime) else dt.date.today()
    every_one = max(min(v.added for v in parameter.values) for parameter in shipped().values() if parameter.values)
    return dataclasses.replace(case, parameters=Parameters(case.parameters.overrides, max(day, every_one)))


def satser_differences(case: Case, computed: CaseResult | None = None) -> list[str]:
    """Each sats the case uses whose value differs between the case's pinned parameters and today's (``computed``:
    the case's results, when the caller has them)."""
    if case.parameters.known_on is None:
        return []
    today = {(u["parameter"], u["from"]): u for u in parameter_uses(compute_case(dataclasses.replace(case, parameters=case.parameters.unpinned())))}
    found = []
    for use in parameter_uses(compute_case(case) if computed is None else computed):
        new = today.get((use["parameter"], use["from"]))
        if new is not None and new["value"] != use["value"]:
            found.append(f"{use['parameter']} ({use['from']}–{use['to']}): {use['shown']} → {new['shown']} ({new['reference']})")
    return found


def _labels(ws: Worksheet) -> dict[str, int]:
    """Row of each label in column A that occurs once on the sheet."""
    seen: dict[str, list[int]] = {}
    for (row, column), cell in sorted(ws._cells.items()):  # the cells it has (ws.cell() would make the rest)
        value = cell.value
        if column == 1 and isinstance(value, str) and value.strip() and not value.startswith("="):
            seen.setdefault(value.strip(), []).append(row)
    return {label: rows[0] for label, rows in seen.items() if len(rows) == 1}


def _year_columns(ws: Worksheet) -> dict[Any, int]:
    """Column of each value in the header row from the first year column on (the years), the first where one repeats."""
    found: dict[Any, int] = {}
    for (row, column), cell in sorted(ws._cells.items()):
        if row == HEADER_ROW and column >= FIRST_YEAR_COL and cell.value is not None:
            found.setdefault(cell.value, column)
    return found


#: Sheets with a row per cohort × outcome (their labels are formulas): a row is placed by its cohort and outcome.
PAIR_SHEETS = ("calc", "savings")


class CellMap:
    """Where a cell of the old book is in the new one: input cells by the migration chain; rows whose label repeats
    or is a formula by what they are, from the two layouts (``layouts``: the old book's and the new one's):
    Beregning's and Besparelser's by cohort and outcome, Refusion's by block, cohort, split outcome and clock,
    Parametre's tables where they stood when both layouts put them in the same rows; other tool cells by their
    row's label (column A); columns of years by their year (the header row). None when a cell has no place. ``inputs``: the new book's input cells (an input sheet has tool rows too: Opfølgning's
    results below its inputs)."""

    def __init__(self, old: Workbook, new: Workbook, migrated: Migrated, old_titles: dict[str, str], new_titles: dict[str, str], inputs: Collection[tuple[str, str]],
                 layouts: tuple[Layout, Layout] | None = None) -> None:  # fmt: skip
        self.old, self.new, self.migrated, self.inputs = old, new, migrated, inputs
        self.keys = {title: key for key, title in old_titles.items()}
        self.new_titles = new_titles
        self._sheets = {ws.title: ws for ws in old.worksheets}
        self._labels: dict[str, tuple[dict[int, str], dict[str, int]]] = {}  # per key: old row -> label, label -> new row
        self._columns: dict[str, dict[int, int]] = {}  # per key: old year column -> new one
        self._rows: dict[str, dict[int, int | None]] = {}  # per key: old row -> new row, for rows placed by what they are
        self._params_columns: dict[tuple[int, int], int] = {}  # Parametre's (row, column) whose column moved
        self._params_uses = 0  # the header row of Parametre's table of parameters in use, when its columns moved
        if layouts is not None:
            before, after = layouts
            pairs = {}
            for row, (cohort, outcome) in enumerate(before.pairs(), start=HEADER_ROW + 1):
                name = before.shape.outcomes[outcome]
                kept = cohort < after.shape.cohorts and name in after.shape.outcomes
                pairs[row] = after.pair_row(cohort, after.shape.outcomes.index(name)) if kept else None
            self._rows = dict.fromkeys(PAIR_SHEETS, pairs) | {"refusion": _refusion_rows(before, after)}
            if _params_rows(before) == _params_rows(after):  # its tables but the list of parameters in use
                self._rows["params"] = {row: row for row in range(HEADER_ROW + 1, before.params_uses_header + 2)}
            if after.shape.sources_last and not before.shape.sources_last:
                self._params_columns, self._params_uses = _sources_moved(before)

    def _sheet_labels(self, key: str) -> tuple[dict[int, str], dict[str, int]]:
        if key not in self._labels:
            old = self._sheets.get(self.key_title(key))
            self._labels[key] = ({row: label for label, row in (_labels(old) if old is not None else {}).items()}, _labels(self.new[self.new_titles[key]]))
        return self._labels[key]

    def _year_column(self, key: str, title: str, column: int) -> int | None:
        if key not in self._columns:
            new_columns = _year_columns(self.new[self.new_titles[key]])
            self._columns[key] = {c: new_columns[year] for year, c in _year_columns(self._sheets[title]).items() if year in new_columns}
        return self._columns[key].get(column)

    def key_title(self, key: str) -> str:
        return next((title for title, k in self.keys.items() if k == key), "")

    def place(self, title: str, row: int, column: int) -> tuple[str, int, int] | None:
        key = self.keys.get(title)
        if key is None:
            return title, row, column  # a user's sheet: unchanged
        if key in INPUT_SHEETS:
            at = self.migrated.place(key, row, column)
            if at is None:
                return None
            if (self.new_titles[key], f"{get_column_letter(at[1])}{at[0]}") in self.inputs or row <= HEADER_ROW:
                return self.new_titles[key], *at
            # a tool cell of an input sheet: found by its label, as on the tool sheets
        placed = self._rows.get(key, {})
        if row in placed:
            new_row = placed[row]
        else:
            label_of, new_labels = self._sheet_labels(key)
            label = label_of.get(row)
            new_row = new_labels.get(label) if label is not None else (row if row <= HEADER_ROW else None)
        if new_row is None:
            return None
        if key == "params":
            column = self._params_columns.get((row, column), column)
            if self._params_uses and row >= self._params_uses and column in (COL_P4, COL_NOTE):
                column = COL_NOTE if column == COL_P4 else COL_P4
        if column < FIRST_YEAR_COL:
            return self.new_titles[key], new_row, column
        new_column = self._year_column(key, title, column)
        return None if new_column is None else (self.new_titles[key], new_row, new_column)


def _refusion_rows(before: Layout, after: Layout) -> dict[int, int | None]:
    """Each row of the old book's Refusion blocks (block, cohort, split outcome, clock) -> that row in today's
    layout, or None where the cohort or the split outcome is gone."""
    found: dict[int, int | None] = {}
    for block in (0, 1):
        for cohort in range(before.shape.cohorts):
            for split, name in enumerate(before.shape.split_outcomes):
                kept = cohort < after.shape.cohorts and name in after.shape.split_outcomes
                for clock in range(CLOCKS):
                    found[before.refusion_row(block, cohort, split, clock)] = after.refusion_row(block, cohort, after.shape.split_outcomes.index(name), clock) if kept else None
    return found


def _params_rows(lay: Layout) -> tuple[object, ...]:
    """Where Parametre's tables stand: the benefit tables, the folkepension block and the header of the parameters in use."""
    return tuple(lay.benefit_rows(k) for k in range(len(lay.shape.split_outcomes))), lay.params_pension_rows() if lay.shape.pension_ages else (), lay.params_uses_header


def _sources_moved(before: Layout) -> tuple[dict[tuple[int, int], int], int]:
    """Layout 10 ends each of Parametre's tables with the remarks (G), then the source (H): in a book of layout 9,
    the benefit and folkepension tables' source moves from F to H, and the table of parameters in use (from the
    returned header row on) swaps G (source) and H (remarks)."""
    rows = [r for k in range(len(before.shape.split_outcomes)) for r in range(before.benefit_rows(k)[0] - 1, before.benefit_rows(k)[1] + 1)]
    if before.shape.pension_ages:
        _, first, last = before.params_pension_rows()
        rows += range(first - 1, last + 1)
    return {(row, COL_P3): COL_NOTE for row in rows}, before.params_uses_header + 1


def _split_reference(text: str) -> tuple[str, str]:
    """``'Sheet'!A1:B2`` -> (Sheet, A1:B2); a reference without a sheet -> ("", text)."""
    if "!" not in text:
        return "", text
    sheet, cells = text.rsplit("!", 1)
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, cells


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


_CELL = re.compile(r"(\$?)([A-Za-z]{1,3})(\$?)([0-9]+)")


def repoint(formula: str, home: str, cells: CellMap, own_sheet: str = "") -> tuple[str, list[str], list[str]]:
    """``formula`` (on the user's sheet ``home``) with every reference into a tool sheet moved to where that cell
    is now; returns the new text, the references moved and those that have no place (left as they were).
    ``own_sheet``: the old tool sheet a hand-edited formula sits on (its references without a sheet are to it)."""
    try:
        tokenizer = Tokenizer(formula)
    except TokenizerError:
        return formula, [], []
    moved, lost = [], []
    for token in tokenizer.items:
        if token.type != Token.OPERAND or token.subtype != Token.RANGE:
            continue
        sheet, area = _split_reference(token.value)
        own = not sheet and bool(own_sheet)
        sheet = own_sheet if own else sheet
        corners = [_CELL.fullmatch(part) for part in area.split(":")]
        if not sheet or sheet not in cells.keys or not all(corners):
            continue  # a user's sheet, a name, a whole row or column: as it is
        places = [cells.place(sheet, int(m[4]), column_index_from_string(m[2].upper())) for m in corners if m]
        if any(p is None for p in places):
            lost.append(f"{home}: {token.value}")
            continue
        moved_area = ":".join(f"{m[1]}{get_column_letter(p[2])}{m[3]}{p[1]}" for m, p in zip(corners, places, strict=True) if m and p)
        new_value = moved_area if own and places[0][0] == cells.new_titles[cells.keys[sheet]] else _quoted(places[0][0]) + "!" + moved_area  # type: ignore[index]
        if (own and new_value != area) or (not own and _split_reference(new_value) != (sheet, area)):  # a reference that stays is left as the user wrote it
            moved.append(f"{home}: {token.value} → {new_value}")
            token.value = new_value
    return tokenizer.render(), moved, lost


def _carry_comments_and_formats(book: Workbook, new: Built, cells: CellMap, old_titles: dict[str, str]) -> int:
    """The user's cell comments on tool sheets, and the number formats of their input cells, at the cells' new
    places; returns the input cells with a value."""
    count = 0
    todays = {ws.title: ws._cells for ws in new.workbook.worksheets}  # ``workbook[title]`` looks through every sheet
    formats: dict[tuple[int, int], bool] = {}  # (the old cell's format index, today's) -> the same format

    def same_format(old: Cell, tools: Cell) -> bool:
        key = (old._style.numFmtId, tools._style.numFmtId)
        if key not in formats:
            formats[key] = old.number_format == tools.number_format
        return formats[key]

    for key, title in old_titles.items():
        found = book[title]._cells  # the cells it has (iter_rows would make every empty one)
        for _, cell in sorted(found.items() if key in INPUT_SHEETS else ((k, c) for k, c in found.items() if c._comment is not None)):
            place = cells.place(title, cell.row, cell.column)
            if place is None:
                if cell.comment is not None:
                    raise WorkbookError(f"{title}!{cell.coordinate}", "kommentaren har ingen plads i det nye layout; flyt den til en celle med en indtastning eller til et af dine egne ark")
                continue
            is_input = (place[0], f"{get_column_letter(place[2])}{place[1]}") in new.inputs
            tools = todays[place[0]].get(place[1:])  # looked at without making it (a sheet changed is written again)
            count += is_input and tools is not None and tools.value not in (None, "")
            if cell.comment is not None or (is_input and (tools is None or not same_format(cell, tools))):
                new_cell = new.cell(*place)
                if cell.comment is not None:
                    new_cell.comment = Comment(cell.comment.text, cell.comment.author)
                if is_input:
                    new_cell.number_format = cell.number_format
    return count


def _exact(case: Case, stored: tuple[str, Shape, str, str], old_titles: dict[str, str], known: tuple[Callable[[], tuple[Appraisal, Risk | None]], CaseResult] | None) -> Built | None:
    """The old book's own tool sheets built anew from its inputs, as the release wrote them, for the layouts
    today's code still writes (None for older ones): what the tool wrote, to tell the user's edits from it (its
    year rows stay templates: :meth:`Built.content_at`; its appraisal's cells wait for ``Built.complete``).
    ``known``: the case's appraisal and results, when they are today's book's too."""
    version, shape, runtime, lang = stored
    if version not in READABLE_LAYOUTS:
        return None
    appraised, computed = known if known is not None else (None, None)
    return build_workbook(case, runtime=runtime, lang=lang, shape=shape, titles=old_titles, exact_shape=True, for_writing=True, appraised=appraised, computed=computed)


def _completed(exact: Built | None) -> Callable[[], Built | None]:
    """``exact`` with its appraisal's cells written, when asked (while formualizer evaluates)."""

    def complete() -> Built | None:
        if exact is not None and exact.complete is not None:
            exact.complete()
        return exact

    return complete


def _bind_year_sheets(book: Workbook, unbound: Unbound, exact: Built | None) -> dict[str, set[int]]:
    """The cells of the old book's sheets still unbound made (:meth:`Unbound.bind`), but for the rows with year
    templates found as the tool wrote them (:class:`_AsWritten`): nothing of the user's is there to carry. Returns
    those rows by sheet title (:func:`edited_tool_cells` passes over them)."""
    if exact is None:
        return {title: unbound.bind(book[title]) for title in list(unbound.rows)}
    as_written = _AsWritten(book, unbound.shared_strings, exact)
    return {title: unbound.bind(book[title], as_written.leave(title)) for title in list(unbound.rows)}


class _AsWritten:
    """Whether a row of an old sheet, read plainly, is as the tool wrote it: the cells the ``exact`` rebuild has
    there (the year cells of its template included), each with the same formula or text and fill, and no other.
    Only rows with a year template are looked at (the cohort × outcome rows: formulas and a unit)."""

    def __init__(self, book: Workbook, shared_strings: list[str], exact: Built) -> None:
        self.exact, self.shared_strings, self.styles = exact, shared_strings, book._cell_styles
        self.theirs, self.tools = _fill_keys(book), _fill_keys(exact.workbook)
        self.fills: dict[int, tuple[object, ...]] = {}  # the old book's style index -> its fill

    def fill(self, style: int) -> tuple[object, ...]:
        if style not in self.fills:
            self.fills[style] = self.theirs[self.styles[style].fillId]
        return self.fills[style]

    def leave(self, title: str) -> Leave:
        """For :meth:`Unbound.bind`: whether a row of the sheet ``title`` is as the tool wrote it."""
        templates = {t.row: t for t in self.exact.template_rows.get(title, ())}
        others: dict[int, list[tuple[int, Any, tuple[object, ...]]]] = {}  # row -> the rebuild's other cells there: column, content, fill
        for (row, column), cell in sorted(self.exact.workbook[title]._cells.items()):
            if row in templates and not templates[row].first_col <= column <= templates[row].last_col:  # (the freeze panes' corner may be a cell)
                others.setdefault(row, []).append((column, cell.value, self.tools[(cell._style or StyleArray()).fillId]))
        spans: dict[tuple[int, int], list[int]] = {}  # a template's columns

        def leave(number: int, cells: list[PlainCell]) -> bool:
            template = templates.get(number)
            if template is None:
                return False
            first, last = template.first_col, template.last_col
            year_cells = [cell for cell in cells if first <= cell[1] <= last]
            columns = spans.get((first, last)) or spans.setdefault((first, last), list(range(first, last + 1)))
            if [cell[1] for cell in year_cells] != columns or [cell[4] for cell in year_cells] != template.texts():
                return False
            tool_fill = self.tools[template.style.fillId]
            if any(self.fill(style) != tool_fill for style in {cell[2] for cell in year_cells}):
                return False
            rest, tools = [cell for cell in cells if not first <= cell[1] <= last], others.get(number, [])
            return len(rest) == len(tools) and all(self._alike(cell, *tool) for cell, tool in zip(rest, tools, strict=True))

        return leave

    def _alike(self, cell: PlainCell, column: int, tools: Any, tool_fill: tuple[object, ...]) -> bool:
        """A plain cell with the content and fill the tool wrote (a formula or a text; any other content: no)."""
        _, at, style, kind, formula, value, inline = cell
        if at != column or self.fill(style) != tool_fill or not isinstance(tools, str):
            return False
        if tools.startswith("="):
            return formula == tools[1:]
        text = inline if kind == "inlineStr" else self.shared_strings[int(value)] if kind == "s" and value else None
        return formula is None and text == tools


#: A hand edit to write into today's book: (sheet, row, column) and the user's value or formula there.
Edit = tuple[tuple[str, int, int], Any]


def _hand_edits(book: Workbook, exact: Built | None, version: str, new: Built, cells: CellMap, as_written: Mapping[str, Collection[int]]) -> tuple[list[Edit], list[str], list[str]]:
    """Tool cells of the old book edited by hand, with where they now are (the user's value or formula, its
    references re-pointed); returns (the edits to write, the lines saying so, those without a place). Found
    against the ``exact`` rebuild (``as_written``: rows already found as the tool wrote them, every cell); for a
    layout that cannot be rebuilt it says so."""
    if exact is None:
        return [], [], [f"værktøjets ark i layout {version} kan ikke genskabes af denne udgave, så rettelser i hånden i dem kan ikke skelnes fra værktøjets egne celler og er ikke ført med"]
    edits: list[Edit] = []
    kept, lost = [], []
    for where in edited_tool_cells(exact, book, as_written):
        title, coordinate = where.rsplit("!", 1)
        cell = book[title][coordinate]
        tool, yours = exact.content_at(title, cell.row, cell.column)[0], cell.value
        place = cells.place(title, cell.row, cell.column)
        target = None if place is None else (place[0], f"{get_column_letter(place[2])}{place[1]}")
        if target is None or target in new.inputs:
            lost.append(f"{where}: værktøjets {tool!r}, din {yours!r}")
            continue
        value = yours
        if isinstance(yours, str) and yours.startswith("="):
            value, _, without = repoint(yours, where, cells, own_sheet=title)
            lost += [f"{reference}: en henvisning i din rettelse har ingen plads i det nye layout og står, som den stod" for reference in without]
        edits.append((place, value))  # type: ignore[arg-type]  # place is not None here
        kept.append(f"{where} → {target[0]}!{target[1]}: værktøjets {tool!r}, din {yours!r}")
    return edits, kept, lost


def _fill_keys(wb: Workbook) -> list[tuple[object, ...]]:
    """Each fill of ``wb``'s table as its pattern and colours (openpyxl's own equality tells a loaded fill from
    an equal new one), by the index cells use (``cell._style.fillId``: reading ``cell.fill`` of every cell of a
    large book costs more than the rest of the comparison)."""
    return [(f.patternType, *[(c.rgb, c.theme, c.indexed, c.tint) if c is not None else None for c in (f.fgColor, f.bgColor)]) for f in wb._fills]


def _highlights(book: Workbook, exact: Built | None, new: Built, cells: CellMap, old_titles: dict[str, str]) -> list[str]:
    """The user's fill colours on tool sheets (a highlighted input or result) at the cells' new places; a fill
    is the user's where it differs from the tool's (the ``exact`` rebuild's, or today's for an input cell of a
    layout that cannot be rebuilt). Returns the highlights with no place."""
    lost = []
    theirs, tools_keys, todays = _fill_keys(book), _fill_keys(exact.workbook) if exact is not None else [], _fill_keys(new.workbook)
    no_style = StyleArray()
    for key, title in old_titles.items():
        filled = [(k, cell) for k, cell in book[title]._cells.items() if cell._style is not None and theirs[cell._style.fillId][0] is not None]  # the cells it has
        for _, cell in sorted(filled):
            fill = theirs[cell._style.fillId]
            if exact is not None:
                if fill == tools_keys[(exact.content_at(title, cell.row, cell.column)[1] or no_style).fillId]:
                    continue
            elif key not in INPUT_SHEETS:
                continue
            place = cells.place(title, cell.row, cell.column)
            target = None if place is None else new.cell(*place)
            if exact is None and (target is None or (target.parent.title, target.coordinate) not in new.inputs or fill == todays[target._style.fillId]):
                continue
            if target is None:
                lost.append(f"{title}!{cell.coordinate}: din fremhævning (farve)")
            else:
                target.fill = copy.copy(cell.fill)
    return lost


def upgrade(path: Path, out: Path | None = None, *, refresh_parameters: bool = False, force: bool = False, now: dt.datetime | None = None) -> UpgradeReport:
    """Carry the book at ``path`` into today's layout, written to ``out`` (the original untouched) or in place
    with a backup. Nothing is written when anything cannot be carried."""
    if out is None:
        path = book_to_replace(path, force=force)
        check_writable(path)
    else:
        check_output(out, (".xlsx", ".xlsm"))
        if out.exists() and not force:
            raise WorkbookError(str(out), "filen findes allerede; vælg et andet navn eller brug --force (den gamle gemmes som sikkerhedskopi)")
    original = read_bytes(path)
    data, report = upgraded(original, str(path), refresh_parameters=refresh_parameters)
    target = path if out is None else out
    if out is not None and not out.exists():
        write_atomic(out, data)
        return dataclasses.replace(report, path=out)
    with exclusive_lock(target):
        before = read_bytes(target)
        if out is None and before != original:
            raise WorkbookError(str(path), "filen blev ændret af et andet program under opgraderingen; intet er skrevet")
        backup = replace_keeping_backup(target, before, data, now or dt.datetime.now())
    return dataclasses.replace(report, path=target, backup=backup)


@dataclass(frozen=True)
class Carried:
    """A book carried into a new structure of its tool sheets (:func:`carried`)."""

    data: bytes
    inputs: int
    user_sheets: tuple[str, ...]
    repointed: tuple[str, ...]
    unplaced: tuple[str, ...]
    hand_edits: tuple[str, ...]
    carried: tuple[str, ...]


@dataclass
class _Found:
    """What :func:`carried` finds while formualizer evaluates: input cells carried, hand edits and what has no place."""

    inputs: int = 0
    edits: list[Edit] = dataclasses.field(default_factory=list)
    kept: list[str] = dataclasses.field(default_factory=list)
    lost: list[str] = dataclasses.field(default_factory=list)


def carried(user: Package, book: Workbook, new: Built, stored: tuple[str, Shape, str, str], old_titles: dict[str, str], migrated: Migrated, *,
            exact: Callable[[], Built | None] | None, name: str, as_written: Mapping[str, Collection[int]] | None = None) -> Carried:  # fmt: skip
    """The user's book (its package ``user``, changed here, read as ``book``, of the ``stored`` layout) with its tool
    sheets replaced by ``new``'s, what is the user's carried along: comments, formats and highlights at the cells'
    new places, hand edits found against the book ``exact`` gives (None: not looked for; it returns None for a
    layout it cannot build; ``as_written``: rows already found as it has them, :func:`_bind_year_sheets`), the
    user's parts grafted around today's tool sheets with their references moved (:func:`workbooks.graft.graft_book`).
    Used by ``upgrade`` and by ``recalc`` when the inputs need another structure of the tool sheets.

    All but the hand edits is done while formualizer evaluates today's book (none of it changes a formula):
    the appraisal's cells (``new.complete``), the old layout's book, the comments, formats and highlights, and
    the search for hand edits. A hand edit changes what the formulas compute, so when there is one it is
    written afterwards and the book evaluated again."""
    check_tool_sheets_carriable(user, old_titles.values(), name)
    new_titles = sheet_titles(new.workbook, stored[3])
    cells = CellMap(book, new.workbook, migrated, old_titles, new_titles, new.inputs, (layout_for(stored[1]), new.layout))
    found = _Found()

    def alongside() -> set[str]:
        changed = set(new.complete()) if new.complete is not None else set()  # before the user's highlights land
        found.inputs = _carry_comments_and_formats(book, new, cells, old_titles)
        old = exact() if exact is not None else None
        if exact is not None:
            found.edits, found.kept, found.lost = _hand_edits(book, old, stored[0], new, cells, as_written or {})
        found.lost += _highlights(book, old, new, cells, old_titles)
        return changed | new.touched

    evaluate = functools.partial(cached_parts, custom_functions=stored[2] != "native", blocks=new.blocks, template_rows=new.template_rows)
    rebuilt = evaluate(new.workbook, meanwhile=alongside)
    if found.edits:
        for place, value in found.edits:
            new.cell(*place).value = value
        rebuilt = evaluate(new.workbook)
    inputs, kept, lost = found.inputs, found.kept, found.lost
    key_of = {title: key for key, title in new_titles.items()}
    data, graft = graft_book(user, Package.of(rebuilt), sheets={ws.title: old_titles.get(key_of[ws.title]) for ws in new.workbook.worksheets}, old_tools=old_titles.values(),
                             repoint=lambda formula, home: repoint(formula, home, cells), place=cells.place, name=name)  # fmt: skip
    valid_package(data, name)
    return Carried(data, inputs, tuple(graft.user_sheets), tuple(graft.moved), tuple(lost + graft.lost), tuple(kept), tuple(graft.carried))


def upgraded(original: bytes, name: str, *, refresh_parameters: bool = False) -> tuple[bytes, UpgradeReport]:
    """The upgraded book's bytes and what was done (the path fields are the caller's to fill)."""
    with cycle_collection_paused():  # three books of cells alive at once: see the context manager
        return _upgraded(original, name, refresh_parameters=refresh_parameters)


def _upgraded(original: bytes, name: str, *, refresh_parameters: bool) -> tuple[bytes, UpgradeReport]:
    book, unbound, user = read_book(original, name, drawings=False)  # openpyxl's reading, the sheets' plain cells read faster
    version, shape, runtime, lang = stored_layout(book)
    if version == str(LAYOUT_VERSION) and not refresh_parameters:
        raise WorkbookError(name, f"arket har allerede dagens layout ({LAYOUT_VERSION}); brug xlmodel recalc (eller upgrade --refresh-parameters for dagens satser)")
    old_titles = present_titles(book, lang)
    year_sheets = {old_titles[key] for key in PAIR_SHEETS if key in old_titles} if version in READABLE_LAYOUTS else set()
    for title in [title for title in unbound.rows if title not in year_sheets]:
        unbound.bind(book[title])  # the year sheets' cells wait for the old layout's book (below)
    if version in READABLE_LAYOUTS:  # read as it is: its inputs are where today's layout has them
        stored, migrated = read_case(book), chain(shape, version)
    else:  # a copy carried first: today's readers read only the layouts they know
        work = load(original, name)
        migrated = migrate(work, shape, version, lang)
        stored = read_case(work)
    case = _pinned(stored, book, refresh_parameters)
    guidance = custom_properties(book).get("xlmodel_guidance") == "1"
    appraisal = functools.cache(functools.partial(appraised, case))  # run once for both books, while formualizer evaluates
    computed = compute_case(case)  # for both books and the satser that differ
    new = build_workbook(case, runtime=runtime, lang=lang, guidance=guidance, titles=old_titles, for_writing=True, appraised=appraisal, computed=computed)  # a renamed tab keeps its name
    # What the release wrote: the book's inputs with the parameters it was computed with (today's when refreshed)
    exact = _exact(stored if refresh_parameters else case, (version, shape, runtime, lang), old_titles, None if refresh_parameters else (appraisal, computed))
    as_written = _bind_year_sheets(book, unbound, exact)
    done = carried(user, book, new, (version, shape, runtime, lang), old_titles, migrated, exact=_completed(exact), name=name, as_written=as_written)
    released(book, new.workbook, None if exact is None else exact.workbook)
    steps = tuple(f"{s.source} → {s.target}: {s.summary}" for s in migrated.steps)
    pinned = "" if case.parameters.known_on is None else case.parameters.known_on.isoformat()
    return done.data, UpgradeReport(Path(name), None, version, steps, done.inputs, done.user_sheets, done.repointed, done.unplaced,
                                    tuple(satser_differences(case, computed)), pinned, done.hand_edits, done.carried)  # fmt: skip
