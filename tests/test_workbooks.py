"""Budget workbooks: the three engines agree, readers without the add-in see every number, the
workbook follows the modelling standards, and regenerate --check passes."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import zipfile
from pathlib import Path

import formualizer
import openpyxl
import pandas as pd
import pytest

from workbooks.build import build_workbook
from workbooks.layout import RUNTIMES, SHEET_NAMES
from workbooks.libreoffice import recalculate, soffice
from workbooks.pipeline import ROOT, regenerate, render, targets
from workbooks.results import differences, expected_results, layout_of, read_results
from workbooks.writer import EXCEL_CALC_ID
from workbooks.xlsx_writer import to_bytes
from xlmodel import Case, Cohort, CohortOutcome, CostItem, Outcome, compute_case, load_case, loads_case
from xlmodel.synthetic import many_cohorts_case

from .test_pension import MIXED
from .workbook_cases import random_case

GENERATED = [random_case(seed) for seed in range(20)]
BUNDLED = sorted((ROOT / "cases").glob("*.toml"))


def _check(path: Path, case: Case) -> None:
    lay = layout_of(openpyxl.load_workbook(path))[0]
    assert differences(expected_results(compute_case(case), lay), read_results(path)) == []


def test_committed_workbooks_are_what_the_case_files_build() -> None:
    assert regenerate(check=True) == []


@pytest.mark.parametrize(("case_path", "book", "runtime"), list(targets()), ids=lambda x: getattr(x, "name", x))
def test_committed_workbooks_agree_with_the_core(case_path: Path, book: Path, runtime: str) -> None:
    _check(book, load_case(case_path))


@pytest.mark.parametrize("seed", range(len(GENERATED)))
@pytest.mark.parametrize("runtime", ["officejs", "com"])
def test_generated_cases_evaluated_with_our_functions_agree_with_the_core(tmp_path: Path, seed: int, runtime: str) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(render(GENERATED[seed], runtime=runtime))
    _check(path, GENERATED[seed])


def require_libreoffice() -> None:
    """Skip where LibreOffice is not installed; on CI, where .ci/run installs it, fail instead."""
    if soffice() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is missing on CI: .ci/run must install libreoffice-calc-nogui")
        pytest.skip("LibreOffice not installed (bash scripts/setup.sh installs it)")


def libreoffice_agrees(cases: list[Case], tmp_path: Path) -> None:
    """Each case's native book, built without any cached value, recalculated by LibreOffice in one run, holds
    the core's figures (the agreement check)."""
    require_libreoffice()
    inputs = []
    for i, case in enumerate(cases):
        path = tmp_path / "in" / f"case{i:02d}.xlsx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(to_bytes(build_workbook(case, runtime="native").workbook))  # no cached values at all
        inputs.append(path)
    outputs = recalculate(inputs, tmp_path / "out")
    for case, output in zip(cases, outputs, strict=True):
        _check(output, case)


def test_libreoffice_recalculates_native_workbooks_like_the_core(tmp_path: Path) -> None:
    libreoffice_agrees([load_case(p) for p in BUNDLED] + GENERATED, tmp_path)


def test_pandas_and_calamine_see_every_number() -> None:
    book = ROOT / "examples" / "built" / "ishoej_2021.officejs.xlsx"
    result = compute_case(load_case(ROOT / "cases" / "ishoej_2021.toml"))
    lay = layout_of(openpyxl.load_workbook(book))[0]
    budget = pd.read_excel(book, sheet_name=SHEET_NAMES["da"]["budget"], header=None, engine="calamine")
    net_row = lay.budget_rows()["net"] - 1
    years = slice(lay.year_col(2021) - 1, lay.year_col(2026))
    assert budget.iloc[net_row, years].astype(float).tolist() == pytest.approx(result.yearly["net"].tolist())
    values = openpyxl.load_workbook(book, data_only=True)
    formulas = openpyxl.load_workbook(book)
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and '""' not in cell.value:  # formulas that may show a blank ("" = not reported) aside
                    assert values[ws.title][cell.coordinate].value is not None, f"{ws.title}!{cell.coordinate} has no cached value"


@pytest.mark.parametrize("case", [load_case(ROOT / "cases" / "ishoej_2021.toml"), loads_case(MIXED)], ids=["ishoej_2021", "avoided_pension"])
def test_formulas_follow_the_modelling_standard(case: Case) -> None:
    """No volatile function, no number but 0, 1 and 12 (an avoided pension's half year of the birth is a labelled cell on Parametre)."""
    for runtime in RUNTIMES:
        wb = build_workbook(case, runtime=runtime).workbook
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    upper = cell.value.upper()
                    assert not any(f in upper for f in ("OFFSET(", "INDIRECT(", "NOW(", "TODAY(", "RAND(")), cell.coordinate
                    numbers = [t.value for t in formualizer.tokenize(cell.value) if str(t.subtype) == "Number"]
                    assert set(numbers) <= {"0", "1", "12"}, f"{runtime} {ws.title}!{cell.coordinate}: {cell.value}"
        assert wb.calculation.fullCalcOnLoad is False and wb.calculation.calcId == EXCEL_CALC_ID


def test_one_formula_per_row_across_the_years() -> None:
    from openpyxl.formula.translate import Translator

    wb = build_workbook(load_case(ROOT / "cases" / "ishoej_2021.toml"), runtime="native").workbook
    for key in ("calc", "savings", "budget"):
        ws = wb[SHEET_NAMES["da"][key]]
        for row in ws.iter_rows(min_row=5, min_col=9, max_col=14):
            first = row[0]
            if first.data_type != "f":
                continue
            for cell in row[1:]:
                assert cell.value == Translator(first.value, origin=first.coordinate).translate_formula(cell.coordinate), cell.coordinate


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_one_formula_per_column_down_each_outcome_block(runtime: str) -> None:
    """Layout 4: the cohort × outcome rows come one block per outcome, and every column's formula is the
    same down a block (Excel's inconsistent-formula check stays quiet; formula engines evaluate the block as
    one). The refusion variant has split and unit outcomes; the generated case three outcomes, 7 cohorts."""
    from openpyxl.formula.translate import Translator

    for case in (load_case(ROOT / "cases" / "ishoej_2021_refusion.toml"), many_cohorts_case(7)):
        built = build_workbook(case, runtime=runtime)
        lay = layout_of(built.workbook)[0]
        n = lay.shape.cohorts
        for key in ("calc", "savings"):
            ws = built.workbook[SHEET_NAMES["da"][key]]
            for k in range(len(lay.shape.outcomes)):
                first_row = lay.pair_row(0, k)
                for first in ws[first_row]:
                    if first.data_type != "f":
                        continue
                    same = Translator(first.value, origin=first.coordinate)
                    for i in range(1, n):
                        cell = ws.cell(lay.pair_row(i, k), first.column)
                        if lay.shape.outcomes[k] in lay.shape.split_outcomes and key == "savings":
                            assert cell.data_type == "f"  # sums of the refusion sheet's rows, which are per clock
                            continue
                        assert cell.value == same.translate_formula(cell.coordinate), f"{ws.title}!{cell.coordinate}"


def test_runtime_formula_text() -> None:
    case = load_case(ROOT / "cases" / "ishoej_2021.toml")
    texts = {rt: build_workbook(case, runtime=rt).workbook[SHEET_NAMES["da"]["savings"]]["I5"].value for rt in RUNTIMES}
    assert "_xldudf_XLMODEL_SAVINGS(" in texts["officejs"]
    assert "SAVINGS(" in texts["com"] and "_xldudf_" not in texts["com"]
    assert "SAVINGS" not in texts["native"]


def test_user_text_is_written_as_text_never_as_a_formula(tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://example.invalid","klik")'
    case = Case(
        evil,
        2021,
        2022,
        municipality="=1+1",
        outcomes=(Outcome("job", 1000, label="=SUM(A1:A9)"),),
        cohorts=(Cohort("=cmd|' /C calc'!A0", 10, "2021-01", {"job": CohortOutcome(1)}),),
        costs=(CostItem("@SUM(1)", {2021: 1.0}, basis="+1+1"),),
    )
    path = tmp_path / "evil.xlsx"
    path.write_bytes(render(case, runtime="native"))
    with zipfile.ZipFile(path) as archive:
        sheets = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    formulas = re.findall(r"<f>(.*?)</f>", sheets)
    assert formulas and not [f for f in formulas if "HYPERLINK" in f or "cmd|" in f or "SUM(1)" in f or "1+1" in f]
    wb = openpyxl.load_workbook(path)
    cohorts = wb[SHEET_NAMES["da"]["cohorts"]]
    assert cohorts["A5"].value == "=cmd|' /C calc'!A0" and cohorts["A5"].data_type == "s"


def test_openpyxl_refuses_entity_expansion() -> None:
    assert openpyxl.DEFUSEDXML


def test_english_workbook(tmp_path: Path) -> None:
    path = tmp_path / "en.xlsx"
    path.write_bytes(render(load_case(ROOT / "cases" / "ballerup_2017.toml"), runtime="native", lang="en"))
    wb = openpyxl.load_workbook(path, data_only=True)
    assert wb.sheetnames == list(SHEET_NAMES["en"].values())
    assert wb["Checks"]["B2"].value == "OK"
    _check(path, load_case(ROOT / "cases" / "ballerup_2017.toml"))


@pytest.mark.parametrize(("lang", "shown"), [("en", "• Investering: 21,300,001 kr."), ("da", "• Investering: 21.300.001 kr.")])
def test_summary_amounts_are_rounded_like_excel_in_both_languages(lang: str, shown: str) -> None:
    """Half a krone rounds away from zero, as Excel shows it (Python's own format rounds half to even)."""
    case = load_case(ROOT / "cases" / "ballerup_2017.toml")
    cost = dataclasses.replace(case.costs[0], amounts={**case.costs[0].amounts, 2020: 4_600_000.5})
    wb = build_workbook(dataclasses.replace(case, costs=(cost, *case.costs[1:])), runtime="native", lang=lang).workbook
    texts = [c.value for row in wb[SHEET_NAMES[lang]["summary"]].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith(shown) for t in texts), [t for t in texts if t.startswith("Investering")]


def test_every_label_key_has_one_meaning_and_the_follow_up_rate_is_labelled_as_such() -> None:
    """Two sheets once shared the label key rate_input, and the Opfølgning sheet showed the discount
    rate's label next to the realisation rate."""
    import ast

    from workbooks import labels

    tree = ast.parse(Path(labels.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})
    wb = openpyxl.load_workbook(ROOT / "examples" / "built" / "ballerup_2018_juni.native.xlsx")
    lay, _, _ = layout_of(wb)
    row = lay.followup_rows()["rate_input"]
    assert wb[SHEET_NAMES["da"]["followup"]].cell(row, 1).value == "Realiseringsgrad til prognosen (valgfri)"


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_every_runtime_matches_numbers_from_outside_the_core(runtime: str) -> None:
    """The officejs and com books compute full-year persons with our own functions, so comparing them with
    the core proves little; here every runtime's cached values meet numbers the core did not make: the
    hand-worked cohort arithmetic of tests/test_golden.py and the figures Ishøj printed (1,000 kr.,
    2021–2025, where the document follows its own assumptions)."""
    from xlmodel import excel_round

    from .test_golden import _ishoej_job_by_hand

    values = read_results(ROOT / "examples" / "built" / f"ishoej_2021.{runtime}.xlsx")
    case = load_case(ROOT / "cases" / "ishoej_2021.toml")
    names = [c.name for c in case.cohorts]
    years = case.years
    for name, net, effect, start_year in (("Hold 1", 3, 2021 + 3 / 12, 2021), ("Hold 5", 3, 2022 + 3 / 12, 2022), ("Hold 8", 2, 2023.0, 2022)):
        by_hand = [_ishoej_job_by_hand(net, effect, start_year, y) for y in years]
        assert values[f"cohort{names.index(name)}:job"] == pytest.approx(by_hand, abs=1e-6), (runtime, name)
    printed = [f for f in case.published if f.figure == "cohort_savings"]
    assert len(printed) == 16
    checked = 0
    for figure in printed:
        cells = values[f"cohort{names.index(figure.cohort)}:{figure.outcome}"]
        for year, shown in figure.values.items():
            if year <= 2025:
                assert excel_round(cells[years.index(year)] / 1000) == shown, (runtime, figure.cohort, figure.outcome, year)
                checked += 1
    assert checked == 72  # 16 printed rows; some cohorts start in 2022 or 2023


@pytest.mark.parametrize("runtime", ["officejs", "com"])
def test_functions_cached_per_block_give_exactly_what_each_cell_gives(runtime: str) -> None:
    """The officejs and com books cache PERSON_YEARS and SAVINGS with one call per block of cells; every
    cached value must be what the function gives when formualizer calls it cell by cell (the bundled
    cases, generated cases with deadweight rates, several outcomes and net-zero cohorts, a template's blank
    rows, and a block whose call fails: a deadweight above the persons is reported for its own cell)."""
    from workbooks.evaluate import evaluate, formula_cells
    from workbooks.templates import build_template

    builts = [build_workbook(load_case(p), runtime=runtime) for p in BUNDLED]
    builts += [build_workbook(case, runtime=runtime) for case in GENERATED[:6]]
    builts.append(build_template(runtime=runtime))
    assert sum(len(block.calls) for built in builts for block in built.blocks) > 100  # the blocks are used
    for built in builts:
        cells = formula_cells(built.workbook)
        per_cell, per_block = evaluate(built.workbook, cells), evaluate(built.workbook, cells, built.blocks)
        assert per_block == per_cell, built.workbook.properties.title

    # a block whose call fails (a deadweight above the persons, made in the book and in the block alike)
    # is left to the per-cell evaluation: the error stays on its own cells, the other blocks still count
    built = build_workbook(GENERATED[1], runtime=runtime)
    index = next(i for i, block in enumerate(built.blocks) if block.function == "person_years" and block.calls)
    block = built.blocks[index]
    cohort = block.calls[0]
    plan = built.workbook[SHEET_NAMES["da"]["cohorts"]]
    persons_col = built.layout.cohort_outcome_cols(built.layout.shape.outcomes.index(GENERATED[1].outcomes[0].id))[0]
    plan.cell(built.layout.cohort_row(cohort), persons_col + 1).value = 999.0
    plan.cell(built.layout.cohort_row(cohort), persons_col + 2).value = None
    # PERSON_YEARS and SAVINGS of that outcome (the same rows on two sheets) both get the bad deadweight
    blocks = [dataclasses.replace(b, args=(*b.args[:-1], [[999.0], *b.args[-1][1:]])) if b.rows == block.rows else b for b in built.blocks]
    assert len([b for b in blocks if b.rows == block.rows]) == 2
    cells = formula_cells(built.workbook)
    per_cell, per_block = evaluate(built.workbook, cells), evaluate(built.workbook, cells, blocks)
    assert per_block == per_cell
    assert isinstance(per_block[SHEET_NAMES["da"]["calc"]][f"I{block.rows[cohort]}"], dict)  # #VALUE! on its cell


def test_a_native_book_of_over_100000_formulas_agrees_with_the_core(tmp_path: Path) -> None:
    """formualizer's one-pass recalculation (no longer used) refused books above 100,000 formulas; such a
    book (650 cohorts × 3 outcomes × 20 years: 102,000 formulas) is evaluated and agrees with the core."""
    case = many_cohorts_case(650)
    path = tmp_path / "large.xlsx"
    path.write_bytes(render(case, runtime="native"))
    assert sum(1 for ws in openpyxl.load_workbook(path).worksheets for row in ws.iter_rows() for c in row if c.data_type == "f") > 100_000
    _check(path, case)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_appraisal_run_while_formualizer_evaluates_gives_the_same_book(runtime: str) -> None:
    """``render`` writes the appraisal's tables while formualizer evaluates in another thread; every cell,
    formula, cached value and column width is what the one-step build and evaluation give."""
    from workbooks.evaluate import with_cached_values

    def contents(data: bytes) -> list[object]:
        found: list[object] = []
        for data_only in (False, True):
            for ws in openpyxl.load_workbook(io.BytesIO(data), data_only=data_only).worksheets:
                found += [(ws.title, c.coordinate, c.value, c.number_format, c.alignment.wrap_text) for row in ws.iter_rows() for c in row]
                found += [(ws.title, key, dim.width) for key, dim in sorted(ws.column_dimensions.items())] + [(ws.title, len(ws._charts))]
        return found

    cases = [load_case(p) for p in BUNDLED] + GENERATED[:4]  # bundled cases with and without a Monte Carlo run
    for case in cases:
        at_once = build_workbook(case, runtime=runtime)
        assert at_once.complete is None
        sequential = with_cached_values(at_once.workbook, custom_functions=runtime != "native", blocks=at_once.blocks)
        assert contents(render(case, runtime=runtime)) == contents(sequential), case.title


def test_formulas_added_while_formualizer_evaluates_are_refused() -> None:
    from workbooks.evaluate import WorkbookError, with_cached_values

    built = build_workbook(load_case(BUNDLED[0]), runtime="native", for_writing=True)
    assert built.complete is not None

    def adds_a_formula() -> set[str]:
        changed = built.complete()  # type: ignore[misc]
        built.workbook[SHEET_NAMES["da"]["sensitivity"]]["Z99"] = "=1+1"
        return changed

    with pytest.raises(WorkbookError, match="under beregningen"):
        with_cached_values(built.workbook, custom_functions=False, meanwhile=adds_a_formula)


def test_label_columns_are_as_wide_as_the_labels_in_them() -> None:
    """Every plain label left of the years (the appraisal's tables on Følsomhed included, written last) fits
    its column: at least its length + 2 characters wide (a long text beside the label column counts as
    WRAP_AT, as it wraps or runs on), up to MAX_LABEL_WIDTH."""
    from workbooks.layout import FIRST_YEAR_COL
    from workbooks.writer import MAX_LABEL_WIDTH, WRAP_AT

    for case_path in BUNDLED:
        wb = openpyxl.load_workbook(io.BytesIO(render(load_case(case_path), runtime="native")))
        for ws in wb.worksheets[1:]:  # the cover sets its own widths
            for row in ws.iter_rows(min_row=2, max_col=FIRST_YEAR_COL - 1):
                for c in row:
                    if c.data_type != "s" or not c.value or c.font.b or c.alignment.wrap_text:
                        continue
                    wanted = min(MAX_LABEL_WIDTH, (len(c.value) if c.column == 1 else min(len(c.value), WRAP_AT)) + 2)
                    width = ws.column_dimensions[c.column_letter].width
                    assert width >= wanted, f"{case_path.stem} {ws.title}!{c.coordinate} {c.value!r}: width {width} < {wanted}"


def test_a_chart_of_nothing_but_zeros_is_left_out_with_a_line_saying_why() -> None:
    """Silkeborg's 2016 status has no costs or savings of its own: the Budget sheet says why it has no chart
    instead of drawing an empty axis; its decision case and a template (filled in later) keep theirs."""
    from workbooks.templates import build_template

    status = build_workbook(load_case(ROOT / "cases" / "silkeborg_2016_status.toml")).workbook
    budget = status[SHEET_NAMES["da"]["budget"]]
    assert budget._charts == []
    assert any("Diagrammet er udeladt: Nettoresultat er 0 i alle år" in str(c.value) for row in budget.iter_rows(max_col=1) for c in row)
    decision = build_workbook(load_case(ROOT / "cases" / "silkeborg_2015.toml")).workbook
    assert len(decision[SHEET_NAMES["da"]["budget"]]._charts) == 2
    template = build_template(runtime="native", lang="da").workbook
    assert len(template[SHEET_NAMES["da"]["budget"]]._charts) == 2


@pytest.mark.parametrize("runtime", ["native", "officejs"])
def test_the_sensitivity_sheet_lists_each_year_with_its_discount_factor_and_present_value(runtime: str) -> None:
    """Følsomhed's year table, worked by hand: Silkeborg 2015 runs 2015–2020, all within the curve's first band
    (3.5 %, t < 36), so year t's factor is 1 / 1.035^t, its present value the Budget's net × the factor, the
    discounted cumulative their running sum and the NPV its last value (layout 6 on)."""
    from xlmodel.appraisal import appraise

    case = load_case(ROOT / "cases" / "silkeborg_2015.toml")
    wb = openpyxl.load_workbook(io.BytesIO(render(case, runtime=runtime)), data_only=True)
    lay = layout_of(wb)[0]
    sheet, rows = wb[SHEET_NAMES["da"]["sensitivity"]], lay.sens_rows
    net = compute_case(case).yearly["net"]
    cumulative = 0.0
    for t, year in enumerate(lay.years):
        r = lay.sens_year_row(year)
        factor = 1 / 1.035**t
        cumulative += float(net[year]) * factor
        assert sheet.cell(r, 1).value == year
        assert sheet.cell(r, 2).value == pytest.approx(factor, rel=1e-12)
        assert sheet.cell(r, 3).value == pytest.approx(float(net[year]) * factor, rel=1e-12, abs=1e-6)
        assert sheet.cell(r, 5).value == pytest.approx(cumulative, rel=1e-12, abs=1e-6)
    assert sheet.cell(rows["npv"], 4).value == pytest.approx(cumulative, rel=1e-12)
    assert sheet.cell(rows["discounted_payback"], 4).value == appraise(case).discounted_payback_year


@pytest.mark.parametrize("seed", [1, 5])
def test_parametres_tables_end_with_the_remarks_then_the_source_read_whole(seed: int) -> None:
    """Layout 10: on Parametre each table's source is the last filled cell of its row (column H, so a long address
    runs on to the right instead of being cut by the next column) and the remarks before it (G) wrap in rows tall
    enough for their lines; a book of layout 9 keeps its own arrangement (the source first) until it is upgraded."""
    from workbooks.build import shape_of
    from workbooks.sheets.params import FLAGS_WIDTH, ROW_HEIGHT

    from .workbook_cases import random_pension_case

    for case in (load_case(ROOT / "cases" / "ishoej_2021_refusion.toml"), random_pension_case(seed)):
        ws = build_workbook(case, runtime="native").workbook["Parametre"]
        sources = [(r, c) for (r, c), cell in ws._cells.items() if isinstance(cell.value, str) and cell.value.startswith("http")]
        assert sources and {c for _, c in sources} == {8}, "every address in column H"
        for row, _ in sources:
            assert max(c for (r, c), cell in ws._cells.items() if r == row and cell.value not in (None, "")) == 8
            remark = ws.cell(row, 7)
            lines = -(-len(remark.value or "") // FLAGS_WIDTH)
            assert (remark.alignment.wrap_text and (ws.row_dimensions[row].height or ROW_HEIGHT) >= ROW_HEIGHT * lines) if remark.value else True
        headers = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 8).value == "Kilde"]
        assert len(headers) >= 2 and all(ws.cell(r, 7).value == "Bemærkning" for r in headers)  # a benefit or folkepension table, and the parameters in use
    old = build_workbook(case, runtime="native", shape=dataclasses.replace(shape_of(case), layout=9), exact_shape=True).workbook["Parametre"]
    assert any(isinstance(cell.value, str) and cell.value.startswith("http") and c in (6, 7) for (_, c), cell in old._cells.items())


def test_a_flag_and_its_dash_stand_to_the_right_like_the_numbers() -> None:
    """A paid-back flag shows Ja/Nej (a number) or "—" (text, where it is undefined): both stand to the right of
    their year's cell, under the figures, on Budget and Følsomhed."""
    built = build_workbook(load_case(ROOT / "cases" / "silkeborg_2016_status.toml"), runtime="native")
    flags = [cell for ws in built.workbook.worksheets for cell in ws._cells.values() if cell.number_format == '"Ja";"Ja";"Nej"']
    assert {cell.parent.title for cell in flags} >= {"Budget", "Følsomhed"}
    assert {cell.alignment.horizontal for cell in flags} == {"right"}
