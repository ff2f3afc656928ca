"""xlmodel recalc: the user's inputs and notes survive, hand edits of tool cells stop the run, and a
failure at any point leaves the original byte-identical."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from workbooks.build import build_workbook
from workbooks.evaluate import WorkbookError
from workbooks.layout import LAYOUT_VERSION, SHEET_NAMES
from workbooks.pipeline import ROOT, recalc, render
from workbooks.readback import read_case
from workbooks.results import custom_properties, differences, expected_results, layout_of, read_results
from xlmodel import compute_case, load_case
from xlmodel_cli import main

NAMES = SHEET_NAMES["da"]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "ishoej.xlsx"
    shutil.copy(ROOT / "examples" / "built" / "ishoej_2021.officejs.xlsx", path)
    return path


def _edit(path: Path, changes: dict[tuple[str, str], object], comment: tuple[str, str, str] | None = None) -> None:
    """Edit the way a finance person would in Excel (openpyxl stands in for Excel here)."""
    wb = openpyxl.load_workbook(path)
    for (sheet, coordinate), value in changes.items():
        wb[NAMES[sheet]][coordinate] = value
    if comment:
        sheet, coordinate, text = comment
        wb[NAMES[sheet]][coordinate].comment = Comment(text, "Økonomikonsulent")
    wb.save(path)


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_edited_inputs_are_recalculated_and_kept(book: Path) -> None:
    _edit(book, {("cohorts", "F5"): 5, ("inputs", "H10"): "Tal fra Jobindsats 2023"}, comment=("cohorts", "A5", "Tjek antal"))
    edited = book.read_bytes()
    report = recalc(book)
    assert report.backup.read_bytes() == edited
    wb = openpyxl.load_workbook(book)
    assert wb[NAMES["cohorts"]]["F5"].value == 5
    assert wb[NAMES["inputs"]]["H10"].value == "Tal fra Jobindsats 2023"
    assert wb[NAMES["cohorts"]]["A5"].comment.text == "Tjek antal"
    case = read_case(wb)
    assert case.cohorts[0].outcomes["job"].persons == 5
    lay = layout_of(wb)[0]
    assert differences(expected_results(compute_case(case), lay), read_results(book)) == []
    hold1_job_2021 = read_results(book)["cohort0:job"][0]
    assert hold1_job_2021 == pytest.approx(4 * 0.75 * 146_000)  # (5 − 1 deadweight) × 9/12 × 146,000


def test_hand_edited_tool_cell_stops_the_run_unless_forced(book: Path) -> None:
    _edit(book, {("budget", "I11"): 999, ("savings", "J6"): "=1+1"})
    before = book.read_bytes()
    with pytest.raises(WorkbookError) as caught:
        recalc(book)
    assert "Budget!I11" in str(caught.value) and "Besparelser!J6" in str(caught.value) and "--force" in str(caught.value)
    assert book.read_bytes() == before
    report = recalc(book, force=True)
    assert set(report.forced_cells) == {"Budget!I11", "Besparelser!J6"}
    wb = openpyxl.load_workbook(book)
    assert str(wb[NAMES["budget"]]["I11"].value).startswith("=")


def test_content_openpyxl_would_drop_is_kept_byte_for_byte(book: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00macro")
        target.writestr("xl/media/image1.png", b"\x89PNG")
    book.write_bytes(buffer.getvalue())
    recalc(book)
    with zipfile.ZipFile(book) as after:
        assert after.read("xl/vbaProject.bin") == b"\x00macro" and after.read("xl/media/image1.png") == b"\x89PNG"


def _to_region(path: Path) -> None:
    """The first cost paid by the region: a payer the book has no rows for, so the tool sheets need another structure."""
    wb = openpyxl.load_workbook(path)
    wb[NAMES["inputs"]].cell(layout_of(wb)[0].cost_row(0), 2, "region")
    wb.save(path)


def test_when_the_tool_sheets_are_rebuilt_the_users_parts_keep_their_bytes(book: Path) -> None:
    _to_region(book)
    wb = openpyxl.load_workbook(book)
    summary = wb[NAMES["summary"]]
    row = next(r for r in range(1, summary.max_row + 1) if summary.cell(r, 1).value == "Nettoresultat")
    wb.create_sheet("Mine tal")["A1"] = f"='{NAMES['summary']}'!$D${row}"  # a row that moves when the region's rows come in
    wb.save(book)
    buffer = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00macro")
    book.write_bytes(buffer.getvalue())
    report = recalc(book, force=True)
    with zipfile.ZipFile(book) as after:
        assert after.read("xl/vbaProject.bin") == b"\x00macro"
    wb = openpyxl.load_workbook(book)
    new_row = int(wb["Mine tal"]["A1"].value.rsplit("$", 1)[1])
    assert new_row != row and wb[NAMES["summary"]].cell(new_row, 1).value == "Nettoresultat"  # the reference follows its row
    assert report.repointed == (f"Mine tal!A1: '{NAMES['summary']}'!$D${row} → '{NAMES['summary']}'!$D${new_row}",) and report.unplaced == ()


def test_when_the_tool_sheets_are_rebuilt_a_table_on_a_tool_sheet_stops_the_run(book: Path) -> None:
    from openpyxl.worksheet.table import Table

    _to_region(book)
    wb = openpyxl.load_workbook(book)
    wb[NAMES["budget"]]["A60"], wb[NAMES["budget"]]["B60"] = "a", "b"
    wb[NAMES["budget"]].add_table(Table(displayName="Mine", ref="A60:B61"))
    wb.save(book)
    before = book.read_bytes()
    with pytest.raises(WorkbookError, match=r"«Budget»: en tabel"):
        recalc(book, force=True)
    assert book.read_bytes() == before


def test_a_book_shows_only_the_payers_the_case_has_and_keeps_rows_it_no_longer_needs(tmp_path: Path) -> None:
    """Ishøj's case has no refusion split and no line of the stat's: its book has the kommune's rows alone (no
    "Staten" rows of zeros). A book whose case has dropped a payer keeps its rows: recalc stays in place."""
    case = load_case(ROOT / "cases" / "ishoej_2021.toml")
    built = build_workbook(case, runtime="native")
    assert layout_of(built.workbook)[0].shape.payers == ("kommune",)
    budget = built.workbook[NAMES["budget"]]
    assert not [c.value for c in budget["A"] if isinstance(c.value, str) and c.value.startswith("Staten")]
    split = load_case(ROOT / "cases" / "ishoej_2021_refusion.toml")
    assert layout_of(build_workbook(split, runtime="native").workbook)[0].shape.payers == ("kommune", "stat")
    path = tmp_path / "bog.xlsx"
    path.write_bytes(render(case, runtime="native", built=build_workbook(case, runtime="native", shape=dataclasses.replace(layout_of(built.workbook)[0].shape, payers=("kommune", "stat")), exact_shape=True)))
    report = recalc(path)  # a book of an earlier commit with the stat's rows: patched, not rebuilt
    assert not report.rebuilt and layout_of(openpyxl.load_workbook(path))[0].shape.payers == ("kommune", "stat")


def test_a_new_payer_rebuilds_the_tool_sheets_and_keeps_the_inputs(book: Path) -> None:
    _to_region(book)
    before = book.read_bytes()
    with pytest.raises(WorkbookError, match=r"anden opbygning af værktøjets ark \(betalere: kommune → kommune, stat, region\).*--force"):
        recalc(book)
    assert book.read_bytes() == before
    report = recalc(book, force=True)
    assert report.rebuilt
    wb = openpyxl.load_workbook(book)
    assert layout_of(wb)[0].shape.payers == ("kommune", "stat", "region")
    assert read_case(wb).costs[0].payer == "region"


def test_invalid_input_names_the_cell_and_leaves_everything_alone(book: Path) -> None:
    _edit(book, {("cohorts", "G6"): 9})  # deadweight 9 > persons 3 for Hold 2
    before, listing = book.read_bytes(), _files(book.parent)
    with pytest.raises(ValueError) as caught:
        recalc(book)
    assert str(caught.value).startswith("Holdplan!G6.outcomes.job.deadweight: dødvægten kan ikke være større")
    assert book.read_bytes() == before and _files(book.parent) == listing  # no temp file, no backup


def test_failure_while_writing_leaves_the_original(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before, listing = book.read_bytes(), _files(book.parent)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("workbooks.files.os.replace", broken_replace)
    with pytest.raises(OSError):
        recalc(book)
    assert book.read_bytes() == before and _files(book.parent) == listing


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a zip file", "kan ikke læses som et .xlsx"), (None, "ikke bygget af xlmodel")],
)
def test_foreign_or_corrupt_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "other.xlsx"
    if content is None:
        openpyxl.Workbook().save(path)
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(WorkbookError, match=message):
        recalc(path)
    assert path.read_bytes() == before


def test_cli_build_recalc_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "silkeborg.xlsx"
    assert main(["build", str(ROOT / "cases" / "silkeborg_2015.toml"), "-o", str(out), "--runtime", "native"]) == 0
    assert main(["recalc", str(out)]) == 0
    assert "den forrige fil er gemt som silkeborg.backup-" in capsys.readouterr().out
    assert main(["recalc", str(tmp_path / "missing.xlsx")]) == 2
    assert "filen findes ikke" in capsys.readouterr().err
    assert main(["build", str(ROOT / "cases" / "silkeborg_2015.toml"), "-o", str(tmp_path / "x.txt")]) == 2


def test_actuals_typed_in_the_follow_up_sheet_drive_the_forecast(tmp_path: Path) -> None:
    book = tmp_path / "ballerup.xlsx"
    shutil.copy(ROOT / "examples" / "built" / "ballerup_2019_revision.native.xlsx", book)
    wb = openpyxl.load_workbook(book)
    lay = layout_of(wb)[0]
    assert lay.shape.actuals == 0  # recalc cannot add rows: rebuild with room for actual lines, as a template has
    case = read_case(wb)
    book.write_bytes(render(case, runtime="native", built=build_workbook(case, runtime="native", shape=dataclasses.replace(lay.shape, actuals=2))))
    wb = openpyxl.load_workbook(book)
    rows = layout_of(wb)[0].followup_rows()
    ws = wb[NAMES["followup"]]
    ws.cell(rows["actuals"], 1, "Realiseret ydelsesbesparelse")
    ws.cell(rows["actuals"], 3, "kr.")
    ws.cell(rows["actuals"], lay.year_col(2018), 2_500_000)
    wb.save(book)
    recalc(book)
    case = read_case(openpyxl.load_workbook(book))
    assert [(a.year, a.savings) for a in case.actuals] == [(2018, 2_500_000)]
    values = openpyxl.load_workbook(book, data_only=True)[NAMES["followup"]]
    forecast = [values.cell(rows["forecast"], lay.year_col(y)).value for y in range(2018, 2022)]
    assert forecast == pytest.approx([2_500_000, 2_730_000, 2_730_000, 2_730_000])  # realised, then 70 % of 3.9 mio.
    assert values.cell(rows["write_down_total"], 4).value == pytest.approx(1_400_000 + 3 * 1_170_000)


# --- nothing lost: backups, concurrent runs, the user's own sheets, formats and widths ---


def test_backups_in_quick_succession_are_all_kept(book: Path) -> None:
    """Three runs within the same second: three backups, the first one byte-identical to the original."""
    original = book.read_bytes()
    when = __import__("datetime").datetime(2026, 11, 24, 12, 0, 0)
    backups = [recalc(book, now=when).backup for _ in range(3)]
    assert len(set(backups)) == 3
    assert all(b.exists() for b in backups)
    assert backups[0].read_bytes() == original
    assert backups[1].name.endswith("-2.xlsx") and backups[2].name.endswith("-3.xlsx")


def test_an_existing_backup_is_never_overwritten(book: Path) -> None:
    when = __import__("datetime").datetime(2026, 11, 24, 12, 0, 0)
    taken = book.with_name(f"{book.stem}.backup-20261124-120000-000000.xlsx")
    taken.write_bytes(b"the user's own file")
    report = recalc(book, now=when)
    assert taken.read_bytes() == b"the user's own file"
    assert report.backup != taken and report.backup.exists()


def test_a_second_run_on_the_same_file_waits_for_none_and_touches_nothing(book: Path) -> None:
    from workbooks.files import exclusive_lock

    before, listing = book.read_bytes(), _files(book.parent)
    with exclusive_lock(book) as lock:
        assert lock.exists()
        with pytest.raises(WorkbookError, match="en anden kørsel arbejder på filen"):
            recalc(book)
        assert book.read_bytes() == before
    assert _files(book.parent) == listing  # the lock is gone afterwards


def test_a_stale_lock_from_a_dead_process_is_taken_over(book: Path) -> None:
    import socket
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    lock = book.with_name(f".{book.name}.xlmodel-lock")
    lock.write_text(f"{dead.stdout.strip()} {socket.gethostname()} 2026-01-01T00:00:00\n", encoding="utf-8")
    assert recalc(book).backup.exists()
    assert not lock.exists()


def test_concurrent_runs_never_interleave(book: Path) -> None:
    """Four processes recalculate one file at once: each either finishes or stops at the lock;
    the file is a valid workbook afterwards and every finished run left its own backup."""
    import subprocess
    import sys

    code = "import sys; from pathlib import Path; from workbooks.pipeline import recalc\n" \
           "from workbooks.evaluate import WorkbookError\n" \
           "try:\n    print(recalc(Path(sys.argv[1])).backup)\nexcept WorkbookError as e:\n    print('LOCKED' if 'en anden kørsel' in str(e) else 'ERR ' + str(e))\n"
    runs = [subprocess.Popen([sys.executable, "-c", code, str(book)], stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [run.communicate(timeout=300)[0].strip() for run in runs]
    assert not [o for o in outputs if o.startswith("ERR")], outputs
    finished = [Path(o) for o in outputs if o != "LOCKED"]
    assert finished and all(p.exists() for p in finished) and len(set(finished)) == len(finished)
    read_case(openpyxl.load_workbook(book))  # still a whole, readable workbook


def test_user_sheets_formats_and_widths_survive(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    mine = wb.create_sheet("Mine noter")
    mine["A1"] = "Noter til udvalget"
    mine["A1"].font = openpyxl.styles.Font(bold=True, color="C00000")
    mine["B2"] = f"='{NAMES['budget']}'!D{layout_of(wb)[0].budget_rows()['net_gain']}*2"
    mine["B3"] = "=1/0"  # the user's own error stays the user's own
    mine.column_dimensions["A"].width = 41
    mine.merge_cells("A5:C5")
    wb[NAMES["cohorts"]]["D5"].number_format = "#,##0.0"
    wb[NAMES["cohorts"]].column_dimensions["A"].width = 27.5
    wb.save(book)
    report = recalc(book)
    assert report.user_sheets == ("Mine noter",)
    after = openpyxl.load_workbook(book)
    assert after.sheetnames[-1] == "Mine noter"
    ws = after["Mine noter"]
    assert ws["A1"].value == "Noter til udvalget" and ws["A1"].font.bold and ws["A1"].font.color.rgb.endswith("C00000")
    assert ws.column_dimensions["A"].width == 41 and "A5:C5" in {str(r) for r in ws.merged_cells.ranges}
    assert after[NAMES["cohorts"]]["D5"].number_format == "#,##0.0"
    assert after[NAMES["cohorts"]].column_dimensions["A"].width == 27.5
    assert ws["B2"].value == f"='{NAMES['budget']}'!D{layout_of(wb)[0].budget_rows()['net_gain']}*2" and ws["B3"].value == "=1/0"
    assert after.calculation.fullCalcOnLoad  # the user's formulas read tool cells that changed: Excel calculates them on opening


def test_a_chart_on_a_user_sheet_is_kept(book: Path) -> None:
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.load_workbook(book)
    mine = wb.create_sheet("Min graf")
    mine.append([1, 2, 3])
    chart = BarChart()
    chart.add_data(Reference(mine, min_col=1, min_row=1, max_col=3))
    mine.add_chart(chart, "A3")
    wb.save(book)
    with zipfile.ZipFile(book) as before:
        charts = {n: before.read(n) for n in before.namelist() if "chart" in n or "drawing" in n}
    recalc(book)
    with zipfile.ZipFile(book) as after:
        assert {n: after.read(n) for n in after.namelist() if "chart" in n or "drawing" in n} == charts
    assert len(openpyxl.load_workbook(book)["Min graf"]._charts) == 1


# --- who saves what, in a workbook ---


def test_recalc_of_the_refusion_variant_follows_payer_and_wage_subsidy_inputs(tmp_path: Path) -> None:
    """A cost moved to the state and the job outcome marked as a wage subsidy: the kommune's figures follow."""
    path = tmp_path / "refusion.xlsx"
    shutil.copy(ROOT / "examples" / "built" / "ishoej_2021_refusion.native.xlsx", path)
    wb = openpyxl.load_workbook(path)
    lay = layout_of(wb)[0]
    inputs = wb[NAMES["inputs"]]
    inputs.cell(lay.cost_row(0), 2, "stat")  # the coaches are paid by a state pool
    inputs.cell(lay.outcome_rows(0)["subsidy"], 4, "Ja")
    wb.save(path)
    recalc(path)
    case = read_case(openpyxl.load_workbook(path))
    assert case.costs[0].payer == "stat" and case.outcome("job").wage_subsidy
    assert case.outcome("job").benefit == "kontanthjaelp.over_30_andre"  # kept from the book's properties
    result = compute_case(case)
    assert result.by_payer["stat"].yearly["costs"].tolist()[:2] == [1_040_000, 1_040_000]
    assert differences(expected_results(result, layout_of(openpyxl.load_workbook(path))[0]), read_results(path)) == []


LAYOUT_3_BOOK = Path(__file__).parent / "data" / "layout3_ishoej_2021_refusion.native.xlsx"  # committed by xlmodel at 096c475


def test_a_layout_3_book_is_read_and_recalculated_in_its_own_row_order(tmp_path: Path) -> None:
    """Layout 3 kept each cohort's outcomes together on Beregning and Besparelser (layout 4: one
    block per outcome). Its inputs sit where they did: it is read by its own row order, recalculated
    without a hand edit reported, and stays layout 3, so a user's own formulas into those rows keep pointing
    at the same cohort."""
    path = tmp_path / "old.xlsx"
    shutil.copy(LAYOUT_3_BOOK, path)
    wb = openpyxl.load_workbook(path)
    layout, _, _ = layout_of(wb)
    assert not layout.shape.pairs_by_outcome
    assert layout.pair_row(0, 1) == layout.pair_row(0, 0) + 1  # cohort 1's second outcome follows its first
    case = read_case(wb)
    before = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets if ws.title in (NAMES["calc"], NAMES["savings"], NAMES["refusion"])}
    assert differences(expected_results(compute_case(case), layout), read_results(path)) == []
    report = recalc(path)
    assert report.forced_cells == ()
    again = openpyxl.load_workbook(path)
    assert custom_properties(again)["xlmodel_layout"] == "3"
    assert {title: [[c.value for c in row] for row in again[title].iter_rows()] for title in before} == before
    assert differences(expected_results(compute_case(read_case(again)), layout_of(again)[0]), read_results(path)) == []


def test_a_new_book_has_todays_layout_with_each_outcome_in_one_block() -> None:
    built = build_workbook(load_case(ROOT / "cases" / "ishoej_2021_refusion.toml"), runtime="native")
    layout, _, _ = layout_of(built.workbook)
    assert layout.shape.pairs_by_outcome and custom_properties(built.workbook)["xlmodel_layout"] == str(LAYOUT_VERSION) == "10"
    n = layout.shape.cohorts
    assert [layout.pair_row(i, k) for i, k in layout.pairs()] == list(range(layout.pair_row(0, 0), layout.pair_row(0, 0) + n * len(layout.shape.outcomes)))
    assert layout.pair_row(1, 0) == layout.pair_row(0, 0) + 1 and layout.pair_row(0, 1) == layout.pair_row(0, 0) + n


def test_a_book_with_an_older_layout_is_refused_clearly(tmp_path: Path) -> None:
    """Layout 1 (before the parameter and refusion sheets) kept its inputs elsewhere: never misread it; upgrade carries it."""
    old = tmp_path / "old.xlsx"
    wb = openpyxl.load_workbook(ROOT / "examples" / "built" / "ishoej_2021.native.xlsx")
    wb.custom_doc_props.props = [p for p in wb.custom_doc_props.props if p.name != "xlmodel_layout"]
    wb.save(old)
    before = old.read_bytes()
    with pytest.raises(WorkbookError, match=r"regnearkslayout 1.*xlmodel upgrade"):
        recalc(old)
    assert old.read_bytes() == before


def test_a_book_from_a_newer_xlmodel_asks_for_an_update(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A book written by a later release (a layout this one does not know) names that release and asks to
    update xlmodel, for recalc and for every reader; nothing is written."""
    from openpyxl.packaging.custom import StringProperty

    newer = tmp_path / "nyere.xlsx"
    wb = openpyxl.load_workbook(ROOT / "examples" / "built" / "ishoej_2021.native.xlsx")
    wb.custom_doc_props.props = [p for p in wb.custom_doc_props.props if p.name not in ("xlmodel_layout", "xlmodel_version")]
    wb.custom_doc_props.append(StringProperty(name="xlmodel_layout", value=str(LAYOUT_VERSION + 1)))
    wb.custom_doc_props.append(StringProperty(name="xlmodel_version", value="9.1.0"))
    wb.save(newer)
    before = newer.read_bytes()
    for argv in (["recalc", str(newer)], ["report", str(newer)], ["extract", str(newer), "-o", str(tmp_path / "x.toml")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert f"nyere xlmodel (9.1.0, regnearkslayout {LAYOUT_VERSION + 1})" in err and "opdatér xlmodel" in err
    assert newer.read_bytes() == before and not (tmp_path / "x.toml").exists()


@pytest.mark.parametrize("delay", [0.05, 0.4, 0.8, 1.2, 1.6, 2.4])
def test_a_killed_recalc_never_corrupts_the_book(book: Path, delay: float) -> None:
    """SIGKILL at points spread over a run: the book is the original or the finished result, never
    half; a backup, once there, is whole; the next run takes over the dead run's lock and succeeds."""
    import signal
    import subprocess
    import sys
    import time

    _edit(book, {("cohorts", "F5"): 5})
    original = book.read_bytes()
    run = subprocess.Popen([sys.executable, "-m", "xlmodel_cli", "recalc", str(book)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    if book.read_bytes() != original:
        assert read_results(book)  # the finished result, readable
    for backup in book.parent.glob("ishoej.backup-*.xlsx"):
        assert backup.read_bytes() == original
    assert main(["recalc", str(book)]) == 0
    assert read_case(openpyxl.load_workbook(book)).cohorts[0].outcomes["job"].persons == 5


def test_build_never_replaces_a_book_without_force_and_keeps_the_old_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bog.xlsx"
    case = str(ROOT / "cases" / "silkeborg_2015.toml")
    assert main(["build", case, "-o", str(out), "--runtime", "native"]) == 0
    first = out.read_bytes()
    assert main(["build", case, "-o", str(out), "--runtime", "native"]) == 2
    assert "filen findes allerede" in capsys.readouterr().err and out.read_bytes() == first
    assert main(["build", case, "-o", str(out), "--runtime", "officejs", "--force"]) == 0
    backups = list(tmp_path.glob("bog.backup-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == first and out.read_bytes() != first


def test_a_read_only_book_or_folder_is_refused_even_for_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "bog.xlsx"
    shutil.copy(ROOT / "examples" / "built" / "ishoej_2021.native.xlsx", book)
    book.chmod(0o444)
    before = book.read_bytes()
    assert main(["recalc", str(book)]) == 2 and "skrivebeskyttet" in capsys.readouterr().err
    assert main(["build", str(ROOT / "cases" / "ishoej_2021.toml"), "-o", str(book), "--force"]) == 2
    assert book.read_bytes() == before and not list(tmp_path.glob("*.backup-*"))
    folder = tmp_path / "låst"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert main(["build", str(ROOT / "cases" / "ishoej_2021.toml"), "-o", str(folder / "ny.xlsx")]) == 2
        assert "mappen" in capsys.readouterr().err and not (folder / "ny.xlsx").exists()
    finally:
        folder.chmod(0o755)


def _immutable(path: Path, on: bool) -> bool:
    """``chattr +i``/``-i`` on ``path`` (Linux; needs CAP_LINUX_IMMUTABLE and a file system that has the flag)."""
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True, check=False).returncode == 0


def test_an_immutable_book_or_folder_gets_one_line_naming_the_book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "bog.xlsx"
    shutil.copy(ROOT / "examples" / "built" / "ishoej_2021.native.xlsx", book)
    if not _immutable(book, True):
        pytest.skip("chattr +i is not allowed here (it needs CAP_LINUX_IMMUTABLE and ext4/xfs/btrfs)")
    try:
        before, listing = book.read_bytes(), sorted(p.name for p in tmp_path.iterdir())
        assert main(["recalc", str(book)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"xlmodel: fejl: {book}: handlingen er ikke tilladt") and "Traceback" not in err and err.count("\n") == 1
        assert main(["build", str(ROOT / "cases" / "ishoej_2021.toml"), "-o", str(book), "--force"]) == 2
        assert f"{book}: handlingen er ikke tilladt" in capsys.readouterr().err
        assert book.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == listing  # no backup, no temporary file
    finally:
        _immutable(book, False)
    folder = tmp_path / "låst"
    folder.mkdir()
    assert _immutable(folder, True)
    try:
        assert main(["build", str(ROOT / "cases" / "ishoej_2021.toml"), "-o", str(folder / "ny.xlsx")]) == 2
        assert f"{folder / 'ny.xlsx'}: handlingen er ikke tilladt" in capsys.readouterr().err and not list(folder.iterdir())
    finally:
        _immutable(folder, False)


def test_a_book_reached_through_a_symbolic_link_is_written_where_the_link_points(book: Path) -> None:
    link = book.parent / "genvej.xlsx"
    link.symlink_to(book)
    before = book.read_bytes()
    assert main(["recalc", str(link)]) == 0
    assert link.is_symlink() and link.resolve() == book.resolve() and book.read_bytes() != before
    backups = list(book.parent.glob(f"{book.stem}.backup-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == before


def test_a_book_with_hard_links_is_refused(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = book.parent / "samme.xlsx"
    os.link(book, other)
    before = book.read_bytes()
    assert main(["recalc", str(book)]) == 2
    assert "hårde links" in capsys.readouterr().err and book.read_bytes() == before == other.read_bytes()


def test_a_book_open_in_excel_is_refused_with_the_owners_name(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    owner = book.with_name("~$" + book.name)
    owner.write_bytes(bytes([13]) + "Hanne Sørensen".encode("cp1252")[:13] + bytes(40))
    before = book.read_bytes()
    assert main(["recalc", str(book)]) == 2
    assert "åben i Excel hos Hanne Sørense" in capsys.readouterr().err and book.read_bytes() == before
    assert main(["recalc", str(book), "--force"]) == 0  # an owner file left behind by a crash: the user decides
