"""A book's case back as a case file (xlmodel extract), and books accepted wherever case files are (report,
summary, portfolio): for every bundled case, both languages and both runtimes, build → extract → build
gives the same input cells and extract → report the same figures."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from workbooks.build import build_workbook
from workbooks.extract import read_book_case
from workbooks.files import load
from workbooks.pipeline import render
from xlmodel import compute_case, load_case, loads_case
from xlmodel.bundled import bundled
from xlmodel.casewriter import dumps_case
from xlmodel.errors import CaseFileError
from xlmodel.report import report_dict
from xlmodel_cli import main

CASES = sorted(bundled("cases").glob("*.toml"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_a_case_written_as_a_case_file_reads_back_equal(path: Path) -> None:
    case = load_case(path)
    assert loads_case(dumps_case(case)) == case  # text has no folder: a follow-up's decision is read by load_case


def same_figures(mine: object, theirs: object) -> bool:
    """Equal, numbers to 12 significant digits and below an øre (a book stores 16 significant digits, so a
    figure from a book may differ from the case file's in the 16th); text, keys and structure exactly."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return mine.keys() == theirs.keys() and all(same_figures(mine[k], theirs[k]) for k in mine)
    if isinstance(mine, list) and isinstance(theirs, list):
        return len(mine) == len(theirs) and all(same_figures(a, b) for a, b in zip(mine, theirs, strict=True))
    if isinstance(mine, float) and isinstance(theirs, float):
        return math.isclose(mine, theirs, rel_tol=1e-12, abs_tol=1e-3)
    return mine == theirs


def _input_cells(case: object, runtime: str, lang: str) -> dict[tuple[str, str], object]:
    """The input cells of the book of ``case`` as the file stores them (a number to 16 significant digits)."""
    built = build_workbook(case, runtime=runtime, lang=lang)  # type: ignore[arg-type]
    stored = load(render(case, runtime=runtime, lang=lang), "bog")  # type: ignore[arg-type]
    return {(sheet, cell): stored[sheet][cell].value for sheet, cell in sorted(built.inputs)}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize(("runtime", "lang"), [("native", "da"), ("officejs", "en")])
def test_build_extract_build_gives_the_same_inputs_and_figures(path: Path, runtime: str, lang: str, tmp_path: Path) -> None:
    case = load_case(path)
    if case.follows:  # a follow-up keeps its decision case beside it, as the user's folder does
        shutil.copy(path.parent / case.follows, tmp_path / case.follows)
    book = tmp_path / "book.xlsx"
    book.write_bytes(render(case, runtime=runtime, lang=lang, source_name=path.name))
    out = tmp_path / "case.toml"
    assert main(["extract", str(book), "-o", str(out)]) == 0
    extracted = load_case(out)
    assert _input_cells(extracted, runtime, lang) == _input_cells(case, runtime, lang)
    assert same_figures(report_dict(compute_case(extracted)), report_dict(compute_case(case)))


def test_an_edit_in_excel_reaches_the_case_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A user corrects a cohort's participants in the book: the case file has the edit. Renaming a cohort the
    source's published table names is refused, naming the published figure that lost its cohort."""
    book = tmp_path / "ishoej.xlsx"
    shutil.copy(bundled("built") / "ishoej_2021.native.xlsx", book)
    wb = load(book.read_bytes(), book.name)
    wb["Holdplan"]["D5"].value = 14
    wb.save(book)
    assert main(["extract", str(book), "-o", str(tmp_path / "case.toml")]) == 0
    first = load_case(tmp_path / "case.toml").cohorts[0]
    assert (first.name, first.participants) == ("Hold 1", 14)
    wb["Holdplan"]["A5"].value = "Hold 1 (rettet)"
    wb.save(book)
    assert main(["extract", str(book), "-o", str(tmp_path / "renamed.toml")]) == 2
    assert 'published[0] "cohort_savings".cohort: intet hold med det navn' in capsys.readouterr().err


def test_extract_never_writes_over_a_file_and_names_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = bundled("built") / "ballerup_2017.native.xlsx"
    existing = tmp_path / "case.toml"
    existing.write_text("# mine\n", encoding="utf-8")
    assert main(["extract", str(book), "-o", str(existing)]) == 2
    assert existing.read_text(encoding="utf-8") == "# mine\n" and "findes allerede" in capsys.readouterr().err
    assert main(["extract", str(book), "-o", str(existing), "--force"]) == 0
    assert load_case(existing).title == load_case(bundled("cases") / "ballerup_2017.toml").title
    assert main(["extract", str(book), "-o", str(tmp_path / "case.txt")]) == 2
    assert "skal ende på .toml" in capsys.readouterr().err
    stranger = tmp_path / "fremmed.xlsx"
    load(book.read_bytes(), "x").__class__().save(stranger)  # an empty book xlmodel did not write
    assert main(["extract", str(stranger), "-o", str(tmp_path / "x.toml")]) == 2
    assert "ikke bygget af xlmodel" in capsys.readouterr().err and not (tmp_path / "x.toml").exists()


def test_report_reads_a_book_as_it_reads_its_case_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(bundled("built") / "silkeborg_2015.officejs.xlsx"), "--format", "json"]) == 0
    from_book = json.loads(capsys.readouterr().out)
    assert main(["report", str(bundled("cases") / "silkeborg_2015.toml"), "--format", "json"]) == 0
    assert same_figures(from_book, json.loads(capsys.readouterr().out))


def test_a_portfolio_takes_books_and_case_files_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mixed = tmp_path / "blandet"
    mixed.mkdir()
    shutil.copy(bundled("built") / "ishoej_2021.native.xlsx", mixed / "ishoej.xlsx")
    shutil.copy(bundled("cases") / "ballerup_2017.toml", mixed / "BALLERUP.TOML")
    (mixed / "ødelagt.xlsx").write_bytes(b"not a book")
    assert main(["portfolio", str(mixed), "--draws", "50", "--format", "json"]) == 0  # the broken book is an error line, the cases ran
    data = json.loads(capsys.readouterr().out)
    assert main(["portfolio", str(bundled("cases") / "ishoej_2021.toml"), str(bundled("cases") / "ballerup_2017.toml"), "--draws", "50", "--format", "json"]) == 0
    files = json.loads(capsys.readouterr().out)
    assert data["net_gain"] == pytest.approx(files["net_gain"], abs=1e-6) and len(data["cases"]) == 2
    assert [e["case"].endswith("ødelagt.xlsx") for e in data["errors"]] == [True]


def test_a_book_read_as_a_case_names_the_cell_of_a_bad_input(tmp_path: Path) -> None:
    book = tmp_path / "ishoej.xlsx"
    shutil.copy(bundled("built") / "ishoej_2021.native.xlsx", book)
    wb = load(book.read_bytes(), book.name)
    wb["Holdplan"]["D5"].value = "tolv"
    wb.save(book)
    with pytest.raises(Exception, match=r"ishoej.xlsx.*Holdplan!D5"):
        read_book_case(book)


def test_a_follow_up_book_joins_a_portfolio_without_its_decision_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A book of a follow-up case names its decision; read as text it has no folder to find it in, so the
    portfolio takes the case as it is (the decision is read only beside a case file)."""
    book = tmp_path / "status.xlsx"
    book.write_bytes(render(load_case(bundled("cases") / "silkeborg_2016_status.toml"), runtime="native"))
    assert main(["portfolio", str(tmp_path), "--draws", "20", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["cases"]) == 1 and data["errors"] == []


@pytest.mark.parametrize("runtime", ["native", "officejs"])
def test_a_follow_up_may_name_its_decision_by_a_book(tmp_path: Path, capsys: pytest.CaptureFixture[str], runtime: str) -> None:
    """``follows = "beslutning.xlsx"``: the decision's expected figures come from the book's inputs, as they do from
    its case file, in the report, the summary and the follow-up's own book; the core alone (no book reader)
    refuses it by name."""
    cases = bundled("cases")
    decision_book = tmp_path / "beslutning.xlsx"
    assert main(["build", str(cases / "silkeborg_2015.toml"), "-o", str(decision_book), "--runtime", runtime]) == 0
    text = (cases / "silkeborg_2016_status.toml").read_text(encoding="utf-8")
    assert 'follows = "silkeborg_2015.toml"' in text
    status = tmp_path / "status.toml"
    status.write_text(text.replace('follows = "silkeborg_2015.toml"', 'follows = "beslutning.xlsx"'), encoding="utf-8")
    capsys.readouterr()
    assert main(["report", str(status), "--format", "json"]) == 0
    by_book = json.loads(capsys.readouterr().out)
    assert main(["report", str(cases / "silkeborg_2016_status.toml"), "--format", "json"]) == 0
    by_file = json.loads(capsys.readouterr().out)
    assert by_book["follow_up"]["decision"]["follows"] == "beslutning.xlsx"
    for data in (by_book, by_file):
        data["follow_up"]["decision"].pop("follows")
    assert same_figures(by_book, by_file)
    assert main(["summary", str(status), "-o", str(tmp_path / "resume.png")]) == 0
    assert main(["build", str(status), "-o", str(tmp_path / "status.xlsx")]) == 0
    assert read_book_case(tmp_path / "status.xlsx").decision is not None
    with pytest.raises(CaseFileError, match=r"case\.follows.*regneark"):
        load_case(status)
