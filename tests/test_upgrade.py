"""Books across releases: a book written by any earlier release, edited as a user would, is carried into today's
layout by ``xlmodel upgrade`` with every edit kept.

The fixture books under tests/data are the books the release commits themselves committed (``git show
27fa214:workbooks/built/...`` for layout 1, ``b168297`` for layout 2, ``f166fb6`` for layout 3; layout 4's
was built by ``xlmodel build`` at ecdc7c3, the last commit that wrote it for new books, layout 5's at
1a98a06, layout 6's at ccb6e54, layout 7's at 10cd5b1, layout 8's at e8c85aa and layout 9's at d2dcfea), and
tests/data/releases holds the case files of the same commits. Each test edits a book as a finance person
would (an input changed, an actual corrected, a sheet of their own that refers to the tool's cells), edits
the release's case file in the same way, and checks that the upgraded book reports what the edited case
file reports.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from tests.test_extract import same_figures
from tests.test_users_package import rename_as_excel_does
from workbooks.build import build_workbook
from workbooks.evaluate import WorkbookError
from workbooks.layout import LAYOUT_VERSION, Layout
from workbooks.migrations import KNOWN_LAYOUTS, STEPS, steps_from
from workbooks.pipeline import recalc
from workbooks.readback import read_case
from workbooks.results import layout_of
from workbooks.upgrade import upgrade
from xlmodel import compute_case, load_case
from xlmodel.model import Case, CohortOutcome
from xlmodel.report import report_dict
from xlmodel_cli import main

DATA = Path(__file__).parent / "data"


def _persons(case: Case, cohort: int, outcome: str, persons: float) -> Case:
    cohorts = list(case.cohorts)
    outcomes = dict(cohorts[cohort].outcomes)
    outcomes[outcome] = dataclasses.replace(outcomes[outcome], persons=persons)
    cohorts[cohort] = dataclasses.replace(cohorts[cohort], outcomes=outcomes)
    return dataclasses.replace(case, cohorts=tuple(cohorts))


def _actual(case: Case, year: int, outcome: str, persons: float) -> Case:
    """The actual persons of ``outcome`` in ``year`` corrected to ``persons``."""
    actuals = [dataclasses.replace(a, persons=persons) if (a.year, a.outcome) == (year, outcome) and a.persons is not None else a for a in case.actuals]
    assert actuals != list(case.actuals), "the actual to correct must be in the case"
    return dataclasses.replace(case, actuals=tuple(actuals))


def _first_cost_year(case: Case, value: float, index: int = 0) -> Case:
    """The first year's amount of cost line ``index`` typed as ``value``."""
    cost = case.costs[index]
    year = min(cost.amounts)
    costs = list(case.costs)
    costs[index] = dataclasses.replace(cost, amounts={**cost.amounts, year: value})
    return dataclasses.replace(case, costs=tuple(costs))


@dataclass(frozen=True)
class Fixture:
    book: str
    layout: str
    cell: tuple[str, str]  # the input a user changes, in the book's own layout
    value: float
    same_edit: Callable[[Case], Case]  # the same edit in the release's case file
    reference: str  # a cell of the tool's the user's own sheet refers to, in the book's own layout
    moved_to: str  # where that cell is in today's layout (a reference that did not move is left as written)
    release: str = ""  # the release's case file under tests/data/releases, when not named as the book (a follow-up beside its decision)

    @property
    def release_case(self) -> Path:
        name = self.release or self.book.replace(".native", "").replace(".officejs", "").replace(".com", "").replace(".xlsx", ".toml")
        return DATA / "releases" / name


FIXTURES = [
    Fixture("layout1_ishoej_2021.officejs.xlsx", "1", ("Holdplan", "E5"), 5, lambda c: _persons(c, 0, "job", 5), "Forudsætninger!I16", "'Forudsætninger'!I17"),
    Fixture("layout1_silkeborg_2016_status.com.xlsx", "1", ("Opfølgning", "J15"), 12, lambda c: _actual(c, 2016, "education", 12), "Opfølgning!J15", "Opfølgning!J15"),
    Fixture("layout2_ballerup_2017.native.xlsx", "2", ("Forudsætninger", "I11"), 123_456, lambda c: _first_cost_year(c, 123_456), "Budget!A10", "Budget!A10"),
    Fixture("layout3_ishoej_2021_refusion.native.xlsx", "3", ("Holdplan", "F5"), 5, lambda c: _persons(c, 0, "job", 5), "Holdplan!F5", "Holdplan!F5"),
    Fixture("layout4_silkeborg_2016_status.com.xlsx", "4", ("Opfølgning", "J15"), 12, lambda c: _actual(c, 2016, "education", 12), "Opfølgning!J37", "'Opfølgning'!J43"),
    # layout 6 moved Følsomhed's key figures to the top of its first page: the NPV from D15 to D6
    Fixture("layout5_silkeborg_2015.officejs.xlsx", "5", ("Forudsætninger", "I13"), 123_456, lambda c: _first_cost_year(c, 123_456, index=2), "Følsomhed!D15", "'Følsomhed'!D6"),
    Fixture("layout6_silkeborg_2016_status.native.xlsx", "6", ("Opfølgning", "J15"), 12, lambda c: _actual(c, 2016, "education", 12), "Budget!D13", "Budget!D13",
            "layout6/silkeborg_2016_status.toml"),
    Fixture("layout7_silkeborg_2016_status.officejs.xlsx", "7", ("Opfølgning", "J15"), 12, lambda c: _actual(c, 2016, "education", 12), "Budget!I11", "Budget!I11",
            "layout7/silkeborg_2016_status.toml"),
    # a cohort × outcome row of Beregning: placed by its cohort and outcome (its label is a formula)
    Fixture("layout8_ishoej_2021.com.xlsx", "8", ("Holdplan", "F5"), 5, lambda c: _persons(c, 0, "job", 5), "Beregning!J7", "Beregning!J7", "layout8/ishoej_2021.toml"),
    # layout 10 ends Parametre's tables with the remarks, then the source: a parameter's source from G86 to H86
    Fixture("layout9_ishoej_2021_refusion.native.xlsx", "9", ("Holdplan", "F5"), 5, lambda c: _persons(c, 0, "job", 5), "Parametre!G86", "'Parametre'!H86",
            "layout9/ishoej_2021_refusion.toml"),
]  # fmt: skip


def _edited_book(tmp_path: Path, fixture: Fixture) -> Path:
    path = tmp_path / fixture.book
    shutil.copy(DATA / fixture.book, path)
    wb = openpyxl.load_workbook(path)
    sheet, cell = fixture.cell
    wb[sheet][cell] = fixture.value
    wb[sheet][cell].number_format = "#,##0.000"  # the user's own format of an input
    mine = wb.create_sheet("Mine noter")
    mine["A1"] = "Til udvalget"
    mine["B2"] = f"={fixture.reference}*1"
    mine.column_dimensions["A"].width = 33
    wb.save(path)
    return path


def _report(case: Case) -> dict[str, object]:
    data = report_dict(compute_case(case))
    data.pop("case")  # title, source and notes: compared through the figures below, and the inputs by read_case
    return json.loads(json.dumps(data))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.book for f in FIXTURES])
def test_a_book_of_every_earlier_layout_upgrades_with_every_edit_kept(tmp_path: Path, fixture: Fixture) -> None:
    path = _edited_book(tmp_path, fixture)
    edited = path.read_bytes()
    out = tmp_path / "upgraded.xlsx"
    report = upgrade(path, out)
    assert path.read_bytes() == edited  # with -o the old file is never touched
    assert report.source_layout == fixture.layout and len(report.steps) == len(steps_from(fixture.layout))
    wb = openpyxl.load_workbook(out)
    assert layout_of(wb)[0].shape.layout_version == str(LAYOUT_VERSION)
    release_case = fixture.same_edit(load_case(fixture.release_case))
    assert same_figures(_report(read_case(wb)), _report(release_case))  # a book stores 16 significant digits
    assert wb["Mine noter"]["A1"].value == "Til udvalget" and wb["Mine noter"].column_dimensions["A"].width == 33
    assert wb["Mine noter"]["B2"].value == f"={fixture.moved_to}*1"  # the user's reference follows the cell
    assert not [line for line in report.unplaced if "Mine noter" in line]  # it had a place (a reference left as it was would read the same)
    assert report.pinned  # computed with the book's own parameters (not refreshed unasked)
    layout, runtime, lang = layout_of(wb)
    todays = build_workbook(read_case(wb), runtime=runtime, lang=lang, shape=layout.shape)
    with_value = sum(1 for title, coordinate in todays.inputs if wb[title][coordinate].value not in (None, ""))
    # every input with a value was carried; layout 1 had no løntilskud, payer or weeks inputs (step 1 → 2 fills them from the case)
    assert report.inputs == with_value if fixture.layout != "1" else 0 < report.inputs <= with_value
    assert "#,##0.000" in {c.number_format for ws in wb.worksheets for c in ws._cells.values() if c.value == fixture.value}  # the input kept its format


def test_in_place_keeps_a_backup_equal_to_the_original(tmp_path: Path) -> None:
    path = _edited_book(tmp_path, FIXTURES[0])
    before = path.read_bytes()
    report = upgrade(path)
    assert report.backup is not None and report.backup.read_bytes() == before
    recalc(path)  # today's layout: recalculated like any new book


def test_a_reference_whose_cell_has_no_place_is_reported_and_left(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copy(DATA / FIXTURES[0].book, path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Mine")["A1"] = "=Budget!D20"  # an empty row below the layout-1 budget
    wb.save(path)
    report = upgrade(path, tmp_path / "new.xlsx")
    assert report.unplaced[-1:] == ("Mine!A1: Budget!D20",)
    assert openpyxl.load_workbook(tmp_path / "new.xlsx")["Mine"]["A1"].value == "=Budget!D20"


def test_an_old_book_is_read_wherever_a_case_file_is(capsys: pytest.CaptureFixture[str]) -> None:
    book = DATA / FIXTURES[0].book
    assert main(["report", str(book), "--format", "json"]) == 0
    from_book = json.loads(capsys.readouterr().out)
    assert main(["report", str(DATA / "releases" / "layout1_ishoej_2021.toml"), "--format", "json"]) == 0
    from_case = json.loads(capsys.readouterr().out)
    assert {k: v for k, v in from_book.items() if k != "case"} == {k: v for k, v in from_case.items() if k != "case"}


def test_recalc_of_an_old_layout_names_upgrade_and_touches_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old.xlsx"
    shutil.copy(DATA / FIXTURES[2].book, path)
    before = path.read_bytes()
    assert main(["recalc", str(path)]) == 2
    assert "xlmodel upgrade" in capsys.readouterr().err and path.read_bytes() == before


def test_upgrade_refuses_what_it_cannot_do_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    current = tmp_path / "current.xlsx"
    assert main(["build", str(DATA / "releases" / "layout1_ishoej_2021.toml"), "-o", str(current)]) == 0
    assert main(["upgrade", str(current)]) == 2
    assert "allerede dagens layout" in capsys.readouterr().err
    old = tmp_path / "old.xlsx"
    shutil.copy(DATA / FIXTURES[0].book, old)
    taken = tmp_path / "taken.xlsx"
    taken.write_bytes(b"mine")
    assert main(["upgrade", str(old), "-o", str(taken)]) == 2
    assert "findes allerede" in capsys.readouterr().err and taken.read_bytes() == b"mine"
    forged = tmp_path / "forged.xlsx"
    wb = openpyxl.load_workbook(old)
    for prop in wb.custom_doc_props.props:
        if prop.name == "xlmodel_shape":
            prop.value = prop.value.replace('"first_year"', '"layout": 9, "first_year"')
    wb.custom_doc_props.append(openpyxl.packaging.custom.StringProperty(name="xlmodel_layout", value="0"))
    wb.save(forged)
    assert main(["upgrade", str(forged), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "ukendt regnearkslayout" in capsys.readouterr().err and not (tmp_path / "x.xlsx").exists()


def test_the_chain_ends_at_todays_layout_and_each_step_is_one_layout() -> None:
    assert KNOWN_LAYOUTS[-1] == str(LAYOUT_VERSION)
    assert [int(s.target) - int(s.source) for s in STEPS] == [1] * len(STEPS)
    with pytest.raises(WorkbookError, match="ukendt regnearkslayout"):
        steps_from(str(LAYOUT_VERSION + 1))


def test_step_1_to_2_moves_inputs_below_each_outcome_and_the_cohort_columns() -> None:
    from workbooks.layout import Shape
    from workbooks.migrations import _move_1_to_2

    move = _move_1_to_2(Shape(2021, 2026, ("job", "flexjob"), 8, 2, 0, 2))
    # layout 1: job rows 9-14, flexjob rows 15-20, costs from 22; layout 2 adds a row after each block
    assert [move("inputs", r, 9) for r in (5, 10, 14, 15, 20, 22)] == [(5, 9), (10, 9), (14, 9), (16, 9), (21, 9), (24, 9)]
    assert move("cohorts", 5, 4) == (5, 4) and move("cohorts", 5, 5) == (5, 6)  # participants stay; persons move right
    assert move("followup", 14, 9) == (14, 9)


def test_cohort_outcome_type_is_kept() -> None:
    """The edit helper changes persons only (a guard for the helper itself)."""
    case = load_case(DATA / "releases" / "layout1_ishoej_2021.toml")
    changed = _persons(case, 0, "job", 5)
    assert isinstance(changed.cohorts[0].outcomes["job"], CohortOutcome) and changed.cohorts[0].outcomes["job"].persons == 5
    assert changed.cohorts[1] == case.cohorts[1]


def _row_of(ws: openpyxl.worksheet.worksheet.Worksheet, label: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)


def test_a_hand_edit_of_a_tool_cell_is_kept_where_the_cell_now_is(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copy(DATA / FIXTURES[3].book, path)
    wb = openpyxl.load_workbook(path)
    budget = wb["Budget"]
    old_row = _row_of(budget, "Udgifter i alt")
    budget.cell(old_row, 10).value = 999  # 2022, typed over the tool's formula
    wb.save(path)
    report = upgrade(path, tmp_path / "new.xlsx")
    new = openpyxl.load_workbook(tmp_path / "new.xlsx")["Budget"]
    row = _row_of(new, "Udgifter i alt")
    assert new.cell(4, 10).value == budget.cell(4, 10).value == 2022 and new.cell(row, 10).value == 999
    assert len(report.hand_edits) == 1 and report.hand_edits[0].startswith(f"Budget!J{old_row} → Budget!J{row}: værktøjets '=") and report.hand_edits[0].endswith("din 999")
    # the cached values are computed with the edit (the book is evaluated again after a hand edit is written)
    values = openpyxl.load_workbook(tmp_path / "new.xlsx", data_only=True)["Budget"]
    net, savings = _row_of(values, "Nettoresultat"), _row_of(values, "Besparelser i alt")
    assert values.cell(net, 10).value == pytest.approx(values.cell(savings, 10).value - 999) and values.cell(savings, 10).value > 999


@pytest.mark.parametrize("plain", [False, True], ids=["read-by-openpyxl", "read-plainly"])
def test_edits_in_the_cohort_outcome_rows_move_with_their_cohort_and_outcome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plain: bool) -> None:
    """Layout 4 reordered Beregning's rows (each cohort's outcomes together → one block per outcome): a comment, a
    highlight and a hand-edited formula on a year cell land on the same cohort, outcome and year, and the
    formula's own references move with their rows; a cleared year cell is a hand edit too, a year cell given
    another look (not a fill) is not. Read plainly (as a large book is), the rows whose year cells are as the
    tool wrote them are not made into cells, and every other row is."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    import workbooks.upgrade as upgrade_module
    from workbooks import plain_cells
    from workbooks.layout import layout_for
    from workbooks.results import stored_layout

    left: dict[str, set[int]] = {}
    if not plain:  # every sheet read by openpyxl
        monkeypatch.setattr(plain_cells, "MIN_PART_BYTES", 10**9)
    else:
        bind = upgrade_module._bind_year_sheets
        monkeypatch.setattr(upgrade_module, "_bind_year_sheets", lambda *args: left.update(bind(*args)) or left)

    path = tmp_path / "book.xlsx"
    shutil.copy(DATA / FIXTURES[3].book, path)  # layout 3, pairs by cohort
    wb = openpyxl.load_workbook(path)
    old = layout_for(stored_layout(wb)[1])
    last = len(old.pairs()) - 1
    (cohort, outcome), (other_cohort, other_outcome) = old.pairs()[1], old.pairs()[last]
    row, other = old.pair_row(cohort, outcome), old.pair_row(other_cohort, other_outcome)
    calc = wb["Beregning"]
    assert calc.cell(4, 10).value == 2022
    calc.cell(row, 10).comment = Comment("tjek dette år", "Hanne")
    calc.cell(row, 11).fill = PatternFill("solid", fgColor="FFFF00")
    calc.cell(row, 12).value = f"=J{other}*2+$D{row}"  # typed over the tool's formula
    cleared, restyled, highlighted, commented = (old.pair_row(*pair) for pair in old.pairs()[2:6])
    tool_cleared = calc.cell(cleared, 13).value
    calc.cell(cleared, 13).value = None
    calc.cell(restyled, 13).font = Font(bold=True)
    calc.cell(highlighted, 14).fill = PatternFill("solid", fgColor="00FF00")
    calc.cell(commented, 14).comment = Comment("og dette", "Hanne")
    wb.save(path)
    report = upgrade(path, tmp_path / "new.xlsx")
    if plain:
        assert left["Beregning"] == {old.pair_row(*pair) for pair in old.pairs()} - {row, cleared, highlighted, commented}
    new_wb = openpyxl.load_workbook(tmp_path / "new.xlsx")
    new = layout_for(stored_layout(new_wb)[1])
    outcomes = (old.shape.outcomes[outcome], old.shape.outcomes[other_outcome])
    new_row, new_other = new.pair_row(cohort, new.shape.outcomes.index(outcomes[0])), new.pair_row(other_cohort, new.shape.outcomes.index(outcomes[1]))
    assert new.shape.pairs_by_outcome and (new_row, new_other) != (row, other)
    moved = new_wb["Beregning"]
    assert moved.cell(4, 10).value == 2022 and moved.cell(new_row, 10).comment.text == "tjek dette år"
    assert moved.cell(new_row, 11).fill.fgColor.rgb == "00FFFF00"
    assert moved.cell(new_row, 12).value == f"=J{new_other}*2+$D{new_row}"
    new_cleared, _, new_highlighted, new_commented = (new.pair_row(*_same_pair(old, new, pair)) for pair in old.pairs()[2:6])
    assert moved.cell(new_cleared, 13).value is None and isinstance(moved.cell(new_cleared, 12).value, str)
    assert moved.cell(new_highlighted, 14).fill.fgColor.rgb == "0000FF00" and moved.cell(new_commented, 14).comment.text == "og dette"
    assert report.hand_edits == (f"Beregning!L{row} → Beregning!L{new_row}: værktøjets {_tool_formula(row)!r}, din '=J{other}*2+$D{row}'",
                                 f"Beregning!M{cleared} → Beregning!M{new_cleared}: værktøjets {tool_cleared!r}, din None")  # fmt: skip


@pytest.mark.parametrize("plain", [False, True], ids=["read-by-openpyxl", "read-plainly"])
def test_a_hand_edit_beside_the_year_cells_of_a_cohort_row_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plain: bool) -> None:
    """A cohort row's cells before its years (a formula, the unit's text) are the tool's too: typed over (or
    highlighted), the row is not taken as the tool wrote it (read plainly, or by openpyxl) and the edit is carried."""
    from openpyxl.styles import PatternFill

    from workbooks import plain_cells
    from workbooks.layout import layout_for
    from workbooks.results import stored_layout

    if not plain:
        monkeypatch.setattr(plain_cells, "MIN_PART_BYTES", 10**9)
    path = tmp_path / "book.xlsx"
    shutil.copy(DATA / FIXTURES[3].book, path)  # layout 3
    wb = openpyxl.load_workbook(path)
    old = layout_for(stored_layout(wb)[1])
    formula_row, text_row, unit_formula_row, filled_row = (old.pair_row(*pair) for pair in old.pairs()[1:5])
    calc = wb["Beregning"]
    tool_formula, tool_text = calc.cell(formula_row, 4).value, calc.cell(text_row, 3).value
    assert isinstance(tool_formula, str) and tool_formula.startswith("=") and isinstance(tool_text, str) and not tool_text.startswith("=")
    calc.cell(formula_row, 4).value = "=2"
    calc.cell(text_row, 3).value = "personer"
    calc.cell(unit_formula_row, 3).value = '="helårspersoner"'  # the unit's text, as a formula
    calc.cell(filled_row, 2).fill = PatternFill("solid", fgColor="00FF00")
    wb.save(path)
    report = upgrade(path, tmp_path / "new.xlsx")
    new_wb = openpyxl.load_workbook(tmp_path / "new.xlsx")
    new = layout_for(stored_layout(new_wb)[1])
    new_formula_row, new_text_row, new_unit_row, new_filled_row = (new.pair_row(*_same_pair(old, new, pair)) for pair in old.pairs()[1:5])
    assert report.hand_edits == (f"Beregning!D{formula_row} → Beregning!D{new_formula_row}: værktøjets {tool_formula!r}, din '=2'",
                                 f"Beregning!C{text_row} → Beregning!C{new_text_row}: værktøjets {tool_text!r}, din 'personer'",
                                 f"Beregning!C{unit_formula_row} → Beregning!C{new_unit_row}: værktøjets {tool_text!r}, din '=\"helårspersoner\"'")  # fmt: skip
    moved = new_wb["Beregning"]
    assert moved.cell(new_formula_row, 4).value == "=2" and moved.cell(new_text_row, 3).value == "personer"
    assert moved.cell(new_filled_row, 2).fill.fgColor.rgb == "0000FF00"


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _strings_shared(data: bytes) -> bytes:
    """The package with every inline string of its sheets moved into one table of shared strings, as Excel keeps
    a book's text (``<c t="s"><v>index</v></c>`` and ``xl/sharedStrings.xml``)."""
    import io
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    assert "xl/sharedStrings.xml" not in parts
    table: list[str] = []
    for name in [name for name in parts if name.startswith("xl/worksheets/sheet")]:
        root = etree.fromstring(parts[name])
        for cell in root.iter(f"{{{_MAIN}}}c"):
            inline = cell.find(f"{{{_MAIN}}}is")
            if cell.get("t") == "inlineStr" and inline is not None:
                cell.remove(inline)
                cell.set("t", "s")
                etree.SubElement(cell, f"{{{_MAIN}}}v").text = str(len(table))
                table.append("".join(inline.itertext()))
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    sst = etree.Element(f"{{{_MAIN}}}sst", count=str(len(table)), uniqueCount=str(len(table)))
    for text in table:
        etree.SubElement(etree.SubElement(sst, f"{{{_MAIN}}}si"), f"{{{_MAIN}}}t").text = text
    parts["xl/sharedStrings.xml"] = etree.tostring(sst, xml_declaration=True, encoding="UTF-8", standalone=True)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'.encode())
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", f'<Relationship Id="rIdShared" Type="{relation}" Target="sharedStrings.xml"/></Relationships>'.encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def test_a_book_whose_text_is_in_shared_strings_is_read_as_the_tool_wrote_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel keeps a book's text in one shared table: a cohort row's unit is found there, every row the user did not
    touch is taken as the tool wrote it (not made into cells), and a unit typed over is found."""
    import workbooks.upgrade as upgrade_module
    from workbooks.layout import layout_for
    from workbooks.results import stored_layout

    path = tmp_path / "book.xlsx"
    shutil.copy(DATA / FIXTURES[3].book, path)  # layout 3
    wb = openpyxl.load_workbook(path)
    old = layout_for(stored_layout(wb)[1])
    text_row = old.pair_row(*old.pairs()[2])
    tool_text = wb["Beregning"].cell(text_row, 3).value
    wb["Beregning"].cell(text_row, 3).value = "personer"
    wb.save(path)
    path.write_bytes(_strings_shared(path.read_bytes()))
    left: dict[str, set[int]] = {}
    bind = upgrade_module._bind_year_sheets
    monkeypatch.setattr(upgrade_module, "_bind_year_sheets", lambda *args: left.update(bind(*args)) or left)
    report = upgrade(path, tmp_path / "new.xlsx")
    assert left["Beregning"] == {old.pair_row(*pair) for pair in old.pairs()} - {text_row}
    assert len(report.hand_edits) == 1 and report.hand_edits[0].startswith(f"Beregning!C{text_row} → ") and report.hand_edits[0].endswith(f"værktøjets {tool_text!r}, din 'personer'")


def _same_pair(old: Layout, new: Layout, pair: tuple[int, int]) -> tuple[int, int]:
    """A cohort × outcome of the ``old`` layout as the ``new`` one numbers it."""
    return pair[0], new.shape.outcomes.index(old.shape.outcomes[pair[1]])


def _tool_formula(row: int) -> str:
    """What layout 3's Beregning holds in L{row} of the fixture (the tool's own formula, read from the committed book)."""
    value = openpyxl.load_workbook(DATA / FIXTURES[3].book)["Beregning"].cell(row, 12).value
    assert isinstance(value, str) and value.startswith("=")
    return value


def test_hand_edits_in_a_layout_that_cannot_be_rebuilt_are_said_to_be_left(tmp_path: Path) -> None:
    report = upgrade(DATA / FIXTURES[0].book, tmp_path / "new.xlsx")
    assert any("kan ikke genskabes" in line for line in report.unplaced)


def test_a_renamed_tool_sheet_keeps_its_name_and_a_table_on_a_tool_sheet_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl.worksheet.table import Table

    path = tmp_path / "book.xlsx"
    assert main(["build", str(DATA / "releases" / "layout3_ishoej_2021_refusion.toml"), "-o", str(path)]) == 0
    rename_as_excel_does(path, "budget", "Budget 2021")  # a tab renamed: known by its identity (layout 4 on)
    report = upgrade(path, tmp_path / "renamed.xlsx", refresh_parameters=True)
    assert "Budget 2021" in openpyxl.load_workbook(tmp_path / "renamed.xlsx").sheetnames and report.hand_edits == ()
    wb = openpyxl.load_workbook(path)
    wb["Budget 2021"].add_table(Table(displayName="Mine", ref="A40:B41"))
    wb["Budget 2021"]["A40"], wb["Budget 2021"]["B40"] = "a", "b"
    wb.save(path)
    before = path.read_bytes()
    assert main(["upgrade", str(path), "--refresh-parameters"]) == 2
    assert "«Budget 2021»: en tabel" in capsys.readouterr().err and path.read_bytes() == before


def test_a_layout_4_book_is_recalculated_in_its_own_layout_and_its_write_down_kept(tmp_path: Path) -> None:
    """Layout 4 wrote down a saving nobody expected (Silkeborg's status: −735,000 kr. against an expected 0);
    its book keeps its own formulas when recalculated (no hand edit reported), and upgraded it has none."""
    path = tmp_path / "status.xlsx"
    shutil.copy(DATA / "layout4_silkeborg_2016_status.com.xlsx", path)
    assert recalc(path).forced_cells == ()
    wb = openpyxl.load_workbook(path, data_only=True)
    assert layout_of(wb)[0].shape.layout_version == "4" and wb["Opfølgning"]["D41"].value == -735_000
    upgrade(path, tmp_path / "new.xlsx")
    new = openpyxl.load_workbook(tmp_path / "new.xlsx", data_only=True)
    rows = layout_of(new)[0].followup_rows()
    assert new["Opfølgning"].cell(rows["write_down_total"], 4).value == 0
    assert new["Opfølgning"].cell(rows["variance"], 10).value == 735_000  # the realised saving shows as its variance
    assert new["Opfølgning"].cell(rows["difference"] + 1, 10).value == 8  # fleksjob: 20 against a target of 12
    assert new["Opfølgning"].cell(rows["reported_header"], 1).value.startswith("Indberettet")


def test_a_layout_5_book_keeps_its_sensitivity_sheet_when_recalculated_and_gets_the_readable_one_when_upgraded(tmp_path: Path) -> None:
    """Layout 5 had Følsomhed's years across the sheet (printed shrunk until unreadable): its book recalculates in
    place with its own formulas (no hand edit reported); upgraded, the years run down the rows and the key
    figures lead the first page, with the same NPV."""
    path = tmp_path / "silkeborg.xlsx"
    shutil.copy(DATA / "layout5_silkeborg_2015.officejs.xlsx", path)
    assert recalc(path).forced_cells == ()
    old = openpyxl.load_workbook(path, data_only=True)
    old_layout = layout_of(old)[0]
    assert old_layout.shape.layout_version == "5" and old["Følsomhed"].cell(old_layout.sens_rows["factor"], 9).value == 1
    upgrade(path, tmp_path / "new.xlsx")
    new = openpyxl.load_workbook(tmp_path / "new.xlsx", data_only=True)
    lay = layout_of(new)[0]
    rows, sheet = lay.sens_rows, new["Følsomhed"]
    assert sheet.cell(rows["npv"], 4).value == pytest.approx(old["Følsomhed"].cell(old_layout.sens_rows["npv"], 4).value, abs=1e-6)
    years = [sheet.cell(lay.sens_year_row(y), 1).value for y in lay.years]
    assert years == lay.years == list(range(2015, 2021))
    assert rows["npv"] < rows["charts"] < rows["switching"] < rows["details"] < rows["years"]


def test_a_layout_6_book_keeps_its_formulas_when_recalculated_and_shows_no_payback_when_upgraded(tmp_path: Path) -> None:
    """Layout 6 showed a follow-up without costs and savings of its own (Silkeborg's status) as paid back in its
    first year with an NPV of 0: its book recalculates in place with its own formulas (no hand edit reported);
    upgraded, the payback years and the NPV are "—" with the reason, and the user's reference to the payback
    year still reads it."""
    path = tmp_path / "status.xlsx"
    shutil.copy(DATA / "layout6_silkeborg_2016_status.native.xlsx", path)
    assert recalc(path).forced_cells == ()
    old = openpyxl.load_workbook(path, data_only=True)
    lay = layout_of(old)[0]
    rows = lay.budget_rows()
    assert lay.shape.layout_version == "6" and old["Budget"].cell(rows["payback_year"], 4).value == 2015
    assert old["Følsomhed"].cell(lay.sens_rows["npv"], 4).value == 0
    upgrade(path, tmp_path / "new.xlsx")
    new = openpyxl.load_workbook(tmp_path / "new.xlsx", data_only=True)
    lay = layout_of(new)[0]
    undefined = "— (ingen udgifter eller besparelser i casen)"
    assert [new["Budget"].cell(lay.budget_rows()[key], 4).value for key in ("payback_year", "kommune_payback_year")] == [undefined] * 2
    assert [new["Følsomhed"].cell(lay.sens_rows[key], 4).value for key in ("npv", "npv_kommune", "discounted_payback")] == [undefined] * 3


def test_a_layout_7_book_keeps_its_flags_when_recalculated_and_shows_no_paid_back_year_when_upgraded(tmp_path: Path) -> None:
    """Layout 7 showed a follow-up without costs and savings of its own (Silkeborg's status) as "paid back" in
    every year (flags of a cumulative of 0) beside a payback year of "—": its book recalculates in place with
    its own formulas (no hand edit reported); upgraded, every flag of the Budget (the case's and each payer's)
    and of Følsomhed's year table is "—"."""
    path = tmp_path / "status.xlsx"
    shutil.copy(DATA / "layout7_silkeborg_2016_status.officejs.xlsx", path)
    assert recalc(path).forced_cells == ()
    old = openpyxl.load_workbook(path, data_only=True)
    lay = layout_of(old)[0]
    flag_rows = [lay.budget_rows()[key] for key in ("paid_back", "kommune_paid_back")]
    assert lay.shape.layout_version == "7"
    assert [old["Budget"].cell(row, lay.year_col(y)).value for row in flag_rows for y in lay.years] == [1] * 2 * len(lay.years)
    upgrade(path, tmp_path / "new.xlsx")
    new = openpyxl.load_workbook(tmp_path / "new.xlsx", data_only=True)
    lay = layout_of(new)[0]
    flag_rows = [lay.budget_rows()[key] for key in ("paid_back", *(f"{p}_paid_back" for p in lay.shape.payers))]
    assert [new["Budget"].cell(row, lay.year_col(y)).value for row in flag_rows for y in lay.years] == ["—"] * len(flag_rows) * len(lay.years)
    assert [new["Følsomhed"].cell(lay.sens_year_row(y), 6).value for y in lay.years] == ["—"] * len(lay.years)


def test_a_book_of_todays_layout_upgraded_for_todays_satser_keeps_every_reference(tmp_path: Path) -> None:
    """``upgrade --refresh-parameters`` of a book of today's layout moves no cell: references to Parametre's
    remarks (G) and sources (H) stay where they are (only a layout-9 book's sources move from G to H)."""
    path = tmp_path / "book.xlsx"
    assert main(["build", str(DATA.parent.parent / "cases" / "ishoej_2021_refusion.toml"), "-o", str(path), "--runtime", "native"]) == 0
    wb = openpyxl.load_workbook(path)
    row = _row_of(wb["Parametre"], "udligning.landsudligning")
    assert str(wb["Parametre"].cell(row, 8).value).startswith("http")
    wb.create_sheet("Mine noter")["B2"] = f"=Parametre!G{row}&Parametre!H{row}&Parametre!F{row}"
    wb.save(path)
    report = upgrade(path, tmp_path / "new.xlsx", refresh_parameters=True)
    assert openpyxl.load_workbook(tmp_path / "new.xlsx")["Mine noter"]["B2"].value == f"=Parametre!G{row}&Parametre!H{row}&Parametre!F{row}"
    assert report.repointed == () and report.source_layout == str(LAYOUT_VERSION)



def test_a_comment_on_refusion_moves_with_its_block_cohort_outcome_and_clock(tmp_path: Path) -> None:
    """Refusion's rows have no label of their own: a comment on one is placed by its block (the benefit saved or
    the stat's refund), cohort, split outcome and clock (it stopped the upgrade: no place)."""
    from openpyxl.comments import Comment

    from workbooks.layout import layout_for
    from workbooks.results import stored_layout

    path = tmp_path / "book.xlsx"
    shutil.copy(DATA / FIXTURES[3].book, path)  # layout 3, with a split outcome
    wb = openpyxl.load_workbook(path)
    old = layout_for(stored_layout(wb)[1])
    assert old.shape.split_outcomes and old.shape.cohorts > 1
    row = old.refusion_row(1, 1, 0, 0)  # the stat's refund, the second cohort, the first split outcome, the clock without fall-back
    gross = old.refusion_row(0, 0, 0, 1)  # the benefit saved, the first cohort, the first fall-back's clock
    year = wb["Refusion"].cell(4, 10).value
    wb["Refusion"].cell(row, 10).comment = Comment("tjek refusionen", "Hanne")
    wb["Refusion"].cell(gross, 10).comment = Comment("og bruttoydelsen", "Hanne")
    wb.save(path)
    upgrade(path, tmp_path / "new.xlsx")
    new_wb = openpyxl.load_workbook(tmp_path / "new.xlsx")
    new = layout_for(stored_layout(new_wb)[1])
    split = new.shape.split_outcomes.index(old.shape.split_outcomes[0])
    new_row, new_gross = new.refusion_row(1, 1, split, 0), new.refusion_row(0, 0, split, 1)
    assert new_wb["Refusion"].cell(4, 10).value == year and new_wb["Refusion"].cell(new_row, 10).comment.text == "tjek refusionen"
    assert new_wb["Refusion"].cell(new_gross, 10).comment.text == "og bruttoydelsen"


def test_a_reference_is_moved_whatever_its_form() -> None:
    """``repoint`` moves a tool cell's reference written with or without quotes, alone or in a range or a
    function, and leaves the user's own sheets, names and references that stay as they were written."""
    from workbooks.upgrade import repoint

    class Moved:  # Budget's rows one down, from column I one right; Mine is the user's
        def __init__(self) -> None:
            self.keys, self.new_titles = {"Budget": "budget", "Budget 2021": "budget"}, {"budget": "Budget"}

        def place(self, title: str, row: int, column: int) -> tuple[str, int, int] | None:
            return None if row == 99 else ("Budget", row + 1, column + (column >= 9))

    cells = Moved()
    text, moved, lost = repoint("=SUM(Budget!I10:J10)+'Budget 2021'!A3*Mine!B2+Navn+Budget!A99", "Mine!C1", cells)  # type: ignore[arg-type]
    assert text == "=SUM('Budget'!J11:K11)+'Budget'!A4*Mine!B2+Navn+Budget!A99"
    assert moved == ["Mine!C1: Budget!I10:J10 → 'Budget'!J11:K11", "Mine!C1: 'Budget 2021'!A3 → 'Budget'!A4"] and lost == ["Mine!C1: Budget!A99"]
    own, _, _ = repoint("=I10*2+Budget!A1", "Budget!J10", cells, own_sheet="Budget")  # type: ignore[arg-type]
    assert own == "=J11*2+'Budget'!A2"


def test_the_headers_of_parametres_sources_move_with_them_from_layout_9() -> None:
    """Layout 10 ends Parametre's tables with the remarks, then the source: in a layout-9 book, a reference to the
    benefit table's "Kilde" (F) and to the table of parameters in use's "Kilde" (G) and "Bemærkning" (H)
    follows each header to its column (H, H and G)."""
    import tempfile

    from workbooks.layout import layout_for
    from workbooks.results import stored_layout

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        shutil.copy(DATA / FIXTURES[-1].book, path)  # layout 9
        wb = openpyxl.load_workbook(path)
        assert stored_layout(wb)[0] == "9"
        lay = layout_for(stored_layout(wb)[1])
        benefit, uses = lay.benefit_rows(0)[0] - 1, lay.params_uses_header + 1
        ws = wb["Parametre"]
        assert (ws.cell(benefit, 6).value, ws.cell(uses, 7).value, ws.cell(uses, 8).value) == ("Kilde", "Kilde", "Bemærkning")
        wb.create_sheet("Mine noter")["B2"] = f"=Parametre!F{benefit}&Parametre!G{uses}&Parametre!H{uses}"
        wb.save(path)
        upgrade(path, Path(folder) / "new.xlsx")
        new = openpyxl.load_workbook(Path(folder) / "new.xlsx")
        assert new["Mine noter"]["B2"].value == f"='Parametre'!H{benefit}&'Parametre'!H{uses}&'Parametre'!G{uses}"
        assert (new["Parametre"].cell(benefit, 8).value, new["Parametre"].cell(uses, 8).value, new["Parametre"].cell(uses, 7).value) == ("Kilde", "Kilde", "Bemærkning")
