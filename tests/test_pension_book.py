"""An avoided førtidspension in the budget book (layout 9): Holdplan's ages, Beregning's end months from
Parametre's folkepension ages, the savings and the refusion split stopping there, in every runtime and in
LibreOffice, agreeing with the core; recalculated after an edit, read back and extracted to a case file;
bad ages named by their cell."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from workbooks.build import build_workbook
from workbooks.extract import read_book_case
from workbooks.layout import LAYOUT_VERSION, RUNTIMES
from workbooks.pipeline import recalc, render
from workbooks.results import differences, expected_results, layout_of, read_results, results_in
from xlmodel import Case, compute_case, load_case, loads_case
from xlmodel.errors import XlmodelError
from xlmodel.report import report_dict
from xlmodel_cli import main

from .test_extract import _input_cells, same_figures
from .test_pension import CASE, MIXED
from .test_workbooks import libreoffice_agrees
from .workbook_cases import random_pension_case

SEEDS = range(8)


def _agrees(data: bytes, case: Case) -> list[str]:
    lay = layout_of(openpyxl.load_workbook(io.BytesIO(data)))[0]
    return differences(expected_results(compute_case(case), lay), results_in(openpyxl.load_workbook(io.BytesIO(data), data_only=True)))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_random_cases_with_an_avoided_pension_agree_with_the_core(seed: int, runtime: str) -> None:
    """Ages and age mixes, fall-backs, young and old clocks, ends inside and after the horizon: every figure
    the agreement check reads (savings per cohort, the payers' split, the end months, NPV ...) as the core."""
    case = random_pension_case(seed)
    assert _agrees(render(case, runtime=runtime), case) == []


def test_the_book_shows_the_ages_the_end_months_and_the_folkepension_table() -> None:
    """60 on 1 January 2026 (born mid-1965): folkepension at 68, the pension ends in July 2033 (month index
    2033 × 12 + 6); the book's horizon runs to 2033 and Parametre lists the folkepension age by birth date."""
    case = loads_case(CASE)
    data = render(case, runtime="native")
    values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    lay = layout_of(openpyxl.load_workbook(io.BytesIO(data)))[0]
    assert lay.shape.layout == LAYOUT_VERSION >= 9 and lay.shape.pension_outcomes == ("fleksjob",) and lay.shape.ages == 3
    age_col, share_col = lay.cohort_age_cols(0)
    assert (values["Holdplan"].cell(lay.cohort_row(0), age_col).value, values["Holdplan"].cell(lay.cohort_row(0), share_col).value) == (60, 1)
    share, end = lay.calc_age_cols(0)
    row = lay.pair_row(0, 0)
    assert (values["Beregning"].cell(row, share).value, values["Beregning"].cell(row, end).value) == (1, 2033 * 12 + 6)
    birth_row, first, last = lay.params_pension_rows()
    params = values["Parametre"]
    assert params.cell(birth_row, 4).value == 0.5 and "ANTAGELSE" in params.cell(birth_row, 9).value
    table = [(params.cell(r, 2).value.date().isoformat(), params.cell(r, 4).value) for r in range(first, last + 1)]
    assert ("1963-01-01", 68) in table and ("1971-01-01", 70) in table
    assert values["Budget"].cell(lay.budget_rows()["person_years"], lay.year_col(2033)).value == pytest.approx(0.5)


def test_libreoffice_recalculates_pension_books_like_the_core(tmp_path: Path) -> None:
    libreoffice_agrees([loads_case(CASE), loads_case(MIXED), *(random_pension_case(seed) for seed in SEEDS)], tmp_path)


@pytest.mark.parametrize("runtime", ["native", "officejs"])
def test_an_age_edited_in_the_book_is_recalculated_and_read_back(tmp_path: Path, runtime: str) -> None:
    """The user makes H2 five years older and gives H1 a third age: recalc agrees with the core of the case
    edited the same way, and the book reads back as that case."""
    case = loads_case(MIXED)
    path = tmp_path / "fp.xlsx"
    path.write_bytes(render(case, runtime=runtime))
    wb = openpyxl.load_workbook(path)
    lay = layout_of(wb)[0]
    holdplan = wb["Holdplan"]
    holdplan.cell(lay.cohort_row(1), lay.cohort_age_cols(0)[0]).value = 54
    h1 = lay.cohort_row(0)
    holdplan.cell(h1, lay.cohort_age_cols(1)[1]).value = 0.25
    holdplan.cell(h1, lay.cohort_age_cols(2)[0]).value = 58
    holdplan.cell(h1, lay.cohort_age_cols(2)[1]).value = 0.25
    wb.save(path)
    recalc(path)
    edited = loads_case(MIXED.replace("age = 49", "age = 54").replace("{ 40 = 0.5, 62 = 0.5 }", "{ 40 = 0.5, 62 = 0.25, 58 = 0.25 }"))
    assert read_book_case(path).cohorts == edited.cohorts
    assert differences(expected_results(compute_case(edited), layout_of(openpyxl.load_workbook(path))[0]), read_results(path)) == []


@pytest.mark.parametrize(("runtime", "lang"), [("native", "da"), ("com", "en")])
def test_build_extract_build_gives_the_same_inputs_and_figures(tmp_path: Path, runtime: str, lang: str) -> None:
    case = loads_case(MIXED)
    book = tmp_path / "book.xlsx"
    book.write_bytes(render(case, runtime=runtime, lang=lang))
    out = tmp_path / "case.toml"
    assert main(["extract", str(book), "-o", str(out)]) == 0
    extracted = load_case(out)
    assert [o.avoids for o in extracted.outcomes] == ["foertidspension"] and [c.age for c in extracted.cohorts] == [c.age for c in case.cohorts]
    assert _input_cells(extracted, runtime, lang) == _input_cells(case, runtime, lang)
    assert same_figures(report_dict(compute_case(extracted)), report_dict(compute_case(case)))


@pytest.mark.parametrize(
    ("age", "share", "cell", "words"),
    [
        (None, 0.5, "Holdplan!K5", "andel uden alder"),  # the second age's share without its age
        (70, None, "Holdplan!L5", "mangler sin andel"),  # the second age without its share
        (80, 0.5, "Holdplan!I5", "folkepensionsalderen"),  # past the folkepension age at the effect start
        (45, 0.7, "Holdplan!I5", "summere til 1"),  # shares of 120 %
        (40, 0.5, "Holdplan!K5", "to gange"),  # the first age again
    ],
)
def test_a_bad_age_in_the_book_is_named_by_its_cell(tmp_path: Path, age: float | None, share: float | None, cell: str, words: str) -> None:
    """H1's second age (columns K and L: after the cohort's five columns and the outcome's three, each age
    has its age and its share; the mix's errors name the first age's cell). Nothing is written."""
    path = tmp_path / "fp.xlsx"
    path.write_bytes(render(loads_case(MIXED), runtime="native"))
    wb = openpyxl.load_workbook(path)
    lay = layout_of(wb)[0]
    age_col, share_col = lay.cohort_age_cols(1)
    assert (age_col, share_col) == (11, 12)
    holdplan = wb["Holdplan"]
    holdplan.cell(lay.cohort_row(0), age_col).value = age
    holdplan.cell(lay.cohort_row(0), share_col).value = share
    wb.save(path)
    before = path.read_bytes()
    with pytest.raises(XlmodelError) as caught:
        recalc(path)
    message = str(caught.value)
    assert words in message and cell in message, message
    assert path.read_bytes() == before


def test_the_budget_and_the_summary_chart_the_savings_until_the_pension_age() -> None:
    """A third chart (the kommune's and the stat's savings each year of the long horizon) on Budget and Resumé,
    only where an outcome avoids a førtidspension."""
    pension = build_workbook(loads_case(MIXED), runtime="native").workbook
    plain = build_workbook(loads_case(MIXED.replace('avoids = "foertidspension"\n', "").replace('last_year = "pension_age"', "last_year = 2040")), runtime="native").workbook
    for sheet in ("Budget", "Resumé"):
        assert (len(pension[sheet]._charts), len(plain[sheet]._charts)) == (3, 2)
    titles = [run.t for run in pension["Budget"]._charts[2].title.tx.rich.p[0].r]
    assert titles == ["Besparelse til folkepensionsalder"]


def test_a_long_horizons_summary_lines_are_no_taller_than_their_text() -> None:
    """The Resumé's lines run across every year of the horizon: on a long one (a pension case's runs to the last
    folkepension age) a line has room for more characters, so its row is not given the height of lines it does
    not have (the pension line left a blank band under it)."""
    from workbooks.sheets.summary import LINE_SIX_YEARS

    book = build_workbook(loads_case(MIXED), runtime="native")
    ws, years = book.workbook["Resumé"], book.layout.shape.last_year - book.layout.shape.first_year + 1
    assert years > 12
    paragraphs = [(cell.value, ws.row_dimensions[row].height) for (row, column), cell in ws._cells.items() if column == 1 and cell.alignment.wrap_text and isinstance(cell.value, str)]
    longest = max(paragraphs, key=lambda p: len(p[0]))
    assert len(longest[0]) > 2 * LINE_SIX_YEARS  # three lines across six years
    assert longest[1] <= 2 * 15.0
