"""Books across releases: every layout xlmodel ever wrote is carried to today's by a chain of small steps, as
database tools migrate a schema (Alembic, Django migrations).

A step knows one layout change: where the *input* cells of a book of layout n sit in layout n + 1 (its
``move``) and which tool sheets layout n + 1 added. :func:`migrate` runs a book through every step from its
layout to :data:`~workbooks.layout.LAYOUT_VERSION`, in memory, so the readers read any book and
``xlmodel upgrade`` builds the tool sheets anew from the inputs. The next layout change adds one step here
and one fixture book under ``tests/data`` (a book of the release before it, from the project's history).

| step | what changed |
| --- | --- |
| 1 → 2 | each outcome block gained a row "Løntilskud" (wage subsidy) after its fall-back month; costs and direct savings gained a payer (column B); the cohort plan gained column E (weeks on benefits at the effect start); new sheets Parametre, Refusion, Følsomhed |
| 2 → 3 | a sheet Resumé (the one page for the udvalg); inputs unchanged |
| 3 → 4 | the cohort × outcome rows of Beregning, Refusion and Besparelser come one block per outcome; inputs unchanged |
| 4 → 5 | Opfølgning: rows of differences (actual − target) and a header for the reported flags, every block labelled; no write-down in a year where nothing was expected; the chart on a page of its own; inputs unchanged |
| 5 → 6 | Følsomhed: a first page for the committee (key figures, switching values, the tornado and the probability of payback) and the detail after it, its years down the rows (it printed shrunk until unreadable); the discount-rate input stays in D5, the key figures keep their labels and column D |
| 6 → 7 | Budget and Følsomhed: a case (or a payer) without costs and savings shows "—" with the reason for its payback year, NPV and discounted payback, not the first year and 0; inputs unchanged |
| 7 → 8 | Budget and Følsomhed: such a case's paid-back flags per year show "—", not "Ja" in every year; inputs unchanged |
| 8 → 9 | room for an avoided førtidspension: Holdplan's age columns, Beregning's end months, Parametre's folkepension ages (only where an outcome avoids one, which no layout-8 book has); inputs unchanged |
| 9 → 10 | Parametre: each table ends with its remarks (G), then its source (H, last, running on to the right; it was cut off where the next column began); inputs unchanged |
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace

from openpyxl.packaging.custom import StringProperty
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.evaluate import WorkbookError
from workbooks.layout import COL_WEEKS, LAYOUT_VERSION, READABLE_LAYOUTS, SHEET_NAMES, Layout, Shape

#: A cell of an input sheet: (sheet key, row, column) -> where it is one layout later (None: it has no place).
Move = Callable[[str, int, int], tuple[int, int] | None]


def _unmoved(sheet: str, row: int, column: int) -> tuple[int, int] | None:
    return row, column


def _move_1_to_2(shape: Shape) -> Move:
    """Layout 1 → 2: below each outcome block of Forudsætninger one row more (the wage-subsidy row), and on
    Holdplan one column more before the outcomes (the weeks on benefits at the effect start)."""
    later = Layout(replace(shape, layout=LAYOUT_VERSION))
    # the first row of layout 1 after outcome k's block (its fall-back month row + 1), k = 0, 1, ...
    ends = [later.outcome_rows(k)["subsidy"] - k for k in range(len(shape.outcomes))]

    def move(sheet: str, row: int, column: int) -> tuple[int, int] | None:
        if sheet == "inputs":
            return row + sum(1 for end in ends if row >= end), column
        if sheet == "cohorts" and column >= COL_WEEKS:
            return row, column + 1
        return row, column

    return move


@dataclass(frozen=True)
class Step:
    """One layout change: from ``source`` to ``target``, the input cells' new places and the sheets added."""

    source: str
    target: str
    summary: str
    move: Callable[[Shape], Move]
    added: tuple[str, ...] = ()  # keys of the tool sheets the later layout added


STEPS: tuple[Step, ...] = (
    Step("1", "2", "løntilskud pr. effekt, betaler pr. udgift og besparelse, uger på ydelse pr. hold; arkene Parametre, Refusion og Følsomhed",
         _move_1_to_2, ("params", "refusion", "sensitivity")),
    Step("2", "3", "arket Resumé til udvalget", lambda shape: _unmoved, ("summary",)),
    Step("3", "4", "Beregning, Refusion og Besparelser med én blok pr. effekt", lambda shape: _unmoved),
    Step("4", "5", "Opfølgning: hver række navngivet (faktisk, forskel, indberettet, realisering), ingen nedskrivning hvor intet var forventet, diagrammet på sin egen side; "
         "indtastningerne står, hvor de stod", lambda shape: _unmoved),
    Step("5", "6", "Følsomhed: første side til udvalget (nøgletal, skifteværdier, tornado og sandsynlighed), derefter detaljerne med årene ned ad rækkerne; "
         "diskonteringsrenten står, hvor den stod", lambda shape: _unmoved),
    Step("6", "7", "Budget og Følsomhed: en case (eller betaler) uden udgifter og besparelser får «—» med grunden som tilbagebetalingsår og nutidsværdi, "
         "ikke det første år og 0; indtastningerne står, hvor de stod", lambda shape: _unmoved),
    Step("7", "8", "Budget og Følsomhed: en case (eller betaler) uden udgifter og besparelser viser «—» i årene, ikke «Tjent hjem: Ja» i hvert år; "
         "indtastningerne står, hvor de stod", lambda shape: _unmoved),
    Step("8", "9", "plads til en undgået førtidspension (alder pr. hold, ophør ved folkepensionsalderen); indtastningerne står, hvor de stod",
         lambda shape: _unmoved),
    Step("9", "10", "Parametre: bemærkningen (ombrudt) før kilden og kilden sidst, så den læses hel (den blev skåret af, hvor næste kolonne begyndte); indtastningerne står, hvor de stod",
         lambda shape: _unmoved),
)  # fmt: skip
#: Every layout a release of xlmodel has written.
KNOWN_LAYOUTS = tuple(dict.fromkeys([STEPS[0].source, *(s.target for s in STEPS)]))
assert KNOWN_LAYOUTS[-1] == str(LAYOUT_VERSION), "the last step must end at today's layout"


def steps_from(version: str) -> tuple[Step, ...]:
    """The steps that carry a book of layout ``version`` to today's.

    >>> [f"{s.source}→{s.target}" for s in steps_from("2")]
    ['2→3', '3→4', '4→5', '5→6', '6→7', '7→8', '8→9', '9→10']
    """
    if version not in KNOWN_LAYOUTS:
        raise WorkbookError("xlmodel_layout", f"ukendt regnearkslayout {version!r}; xlmodel har skrevet layout {', '.join(KNOWN_LAYOUTS)}", value=version)
    return STEPS[KNOWN_LAYOUTS.index(version) :]


def _remap(ws: Worksheet, key: str, move: Move) -> None:
    """Move every cell of ``ws`` to where ``move`` puts it (values, styles, comments, hyperlinks)."""
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None or c.has_style or c.comment is not None]
    saved = [(c.row, c.column, c.value, c.data_type, copy.copy(c._style), c.comment, c.hyperlink) for c in cells]
    for cell in cells:
        del ws._cells[(cell.row, cell.column)]
    for row, column, value, data_type, style, comment, hyperlink in saved:
        place = move(key, row, column)
        if place is None:
            continue
        cell = ws.cell(*place)
        cell.value, cell.data_type, cell._style = value, data_type, style
        if comment is not None:
            cell.comment = comment
        if hyperlink is not None:
            cell.hyperlink = hyperlink


@dataclass(frozen=True)
class Migrated:
    """A book carried to today's layout in memory: the steps taken and where each old input cell went."""

    source: str
    steps: tuple[Step, ...]
    moves: tuple[Move, ...]

    def place(self, key: str, row: int, column: int) -> tuple[int, int] | None:
        """Where the input cell (``key``, row, column) of the old book is in today's layout."""
        at: tuple[int, int] | None = (row, column)
        for move in self.moves:
            if at is None:
                return None
            at = move(key, *at)
        return at


def chain(shape: Shape, version: str) -> Migrated:
    """The steps from layout ``version`` to today's and where each moves the input cells of a book of ``shape``."""
    steps = steps_from(version)
    return Migrated(version, steps, tuple(step.move(shape) for step in steps))


def migrate(wb: Workbook, shape: Shape, version: str, lang: str) -> Migrated:
    """Carry ``wb`` (a book of layout ``version`` with this ``shape``, in memory) to today's layout: its input
    sheets' cells moved step by step, the sheets later layouts added put in (empty: the tool builds them),
    and its ``xlmodel_layout`` property set. The caller's file is never touched."""
    names = SHEET_NAMES[lang]
    migrated = chain(shape, version)
    for step, move in zip(migrated.steps, migrated.moves, strict=True):
        for key in ("inputs", "cohorts", "followup"):
            if names[key] in wb.sheetnames:
                _remap(wb[names[key]], key, move)
        for key in step.added:
            if names[key] not in wb.sheetnames:
                wb.create_sheet(names[key])
    wb.custom_doc_props.props = [p for p in wb.custom_doc_props.props if p.name != "xlmodel_layout"]  # layout 1 had none
    wb.custom_doc_props.append(StringProperty(name="xlmodel_layout", value=str(LAYOUT_VERSION)))
    return migrated


def needs_migration(version: str) -> bool:
    """Whether a book of layout ``version`` is read only after :func:`migrate` (today's readers read the rest).

    >>> needs_migration("1"), needs_migration("3"), needs_migration("4"), needs_migration("5"), needs_migration("8"), needs_migration("9")
    (True, False, False, False, False, False)
    """
    return version not in READABLE_LAYOUTS
