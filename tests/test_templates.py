"""Templates: shipped in the package, validated inputs, and a filled-in template recalculates into a complete case."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from workbooks.layout import SHEET_NAMES
from workbooks.pipeline import recalc
from workbooks.readback import read_case
from workbooks.results import differences, expected_results, layout_of, read_results
from workbooks.templates import build_template, template_case
from xlmodel import compute_case
from xlmodel_cli import main

NAMES = SHEET_NAMES["da"]
TEXT_COLUMNS = {"A", "H"}  # labels, names and notes: free text


def test_every_number_and_date_input_has_validation() -> None:
    built = build_template(runtime="native")
    unvalidated = built.inputs - built.validated
    for sheet, coordinate in unvalidated:
        column = "".join(ch for ch in coordinate if ch.isalpha())
        text_field = column in TEXT_COLUMNS or (sheet == NAMES["inputs"] and coordinate in ("D5", "D6")) or (sheet == NAMES["followup"] and column in "BDE")
        assert text_field, f"{sheet}!{coordinate} is an input without data validation"


@pytest.mark.parametrize("runtime", ["officejs", "native"])
def test_filled_in_template_recalculates_to_a_complete_case(tmp_path: Path, runtime: str) -> None:
    book = tmp_path / "ny.xlsx"
    assert main(["new", "-o", str(book), "--runtime", runtime, "--first-year", "2027", "--years", "5"]) == 0
    wb = openpyxl.load_workbook(book)
    inputs, cohorts, followup = wb[NAMES["inputs"]], wb[NAMES["cohorts"]], wb[NAMES["followup"]]
    inputs["D5"], inputs["D6"] = "Jobspor for 30+", "Eksempelby"
    cohorts["A6"], cohorts["B6"], cohorts["C6"], cohorts["D6"] = "Hold 2", dt.datetime(2027, 4, 1), dt.datetime(2027, 7, 1), 15
    cohorts["F6"], cohorts["G6"], cohorts["L6"] = 4, 1, 1  # job 4 persons, 1 deadweight; flexjob 1
    lay = layout_of(wb)[0]
    rows = lay.followup_rows()
    followup.cell(rows["actuals"], 1, "Job")
    followup.cell(rows["actuals"], 2, "job")
    followup.cell(rows["actuals"], 3, "personer")
    followup.cell(rows["actuals"], lay.year_col(2027), 2)
    wb.save(book)
    recalc(book)
    case = read_case(openpyxl.load_workbook(book))
    assert (case.title, case.municipality, len(case.cohorts), len(case.actuals)) == ("Jobspor for 30+", "Eksempelby", 2, 1)
    assert case.cohorts[1].net_persons("job") == 3
    assert differences(expected_results(compute_case(case), layout_of(openpyxl.load_workbook(book))[0]), read_results(book)) == []
    checks = openpyxl.load_workbook(book, data_only=True)[SHEET_NAMES["da"]["checks"]]
    assert checks["B2"].value == "OK"


def test_template_has_the_status_cell_and_the_guide() -> None:
    wb = build_template(runtime="officejs").workbook
    statuses = [c.value for row in wb[NAMES["checks"]].iter_rows() for c in row if isinstance(c.value, str) and "STATUS()" in c.value]
    assert statuses == ["=_xldudf_XLMODEL_STATUS()"]
    cover_text = " ".join(str(c.value) for row in wb[NAMES["cover"]].iter_rows() for c in row if c.value)
    assert "Sådan udfylder du skabelonen" in cover_text and "xlmodel recalc" in cover_text


def test_template_years_can_be_chosen() -> None:
    case = template_case(2030, 4)
    assert (case.first_year, case.last_year) == (2030, 2033)
    assert case.cohorts[0].effect_start == 2030 * 12 + 3
    with pytest.raises(ValueError, match="--years"):
        template_case(2030, 1)
