"""Committee-ready on paper: every bundled workbook, laid out by LibreOffice, prints each sheet one page
wide; the committee summary of every bundled case is one page and shows the figures in Danish form."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

from workbooks.layout import SHEET_NAMES
from workbooks.libreoffice import soffice, to_pdf, uno_python, uno_run
from workbooks.pipeline import ROOT, render
from workbooks.printing import pdf_pages, print_book
from workbooks.results import layout_of
from xlmodel import compute_case, load_case, public_purse
from xlmodel.rounding import format_kr
from xlmodel_cli import main

#: The smallest scale Følsomhed's first page prints at in LibreOffice (11-point text at 7.7 points or more;
#: layout 5 printed it at a third of its size). LibreOffice counts a column character wider than Excel does,
#: so Excel prints the same page larger.
NORMAL_PRINT = 0.7
BOOKS = sorted((ROOT / "examples" / "built").glob("*.xlsx")) + sorted((ROOT / "examples" / "templates").glob("*.xlsx"))
CASES = sorted((ROOT / "cases").glob("*.toml"))


def _need_libreoffice(uno: bool = False) -> None:
    missing = soffice() is None or (uno and uno_python() is None)
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (with python3-uno) is missing on CI: scripts/setup.sh must install it")
        pytest.skip("LibreOffice or python3-uno not installed (bash scripts/setup.sh installs them)")


def _pdf_text(path: Path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def test_every_sheet_of_every_bundled_book_prints_one_page_wide_and_the_summary_on_one_page(tmp_path: Path) -> None:
    """LibreOffice lays out every page of every sheet (its print renderer, over UNO: the cells each page
    shows); every chart lies whole on one page; the PDFs it prints of the same books have exactly those pages."""
    _need_libreoffice(uno=True)
    assert len(BOOKS) == 27  # 7 cases × 3 runtimes, 6 templates
    laid_out = uno_run("pages", *BOOKS)
    assert len(laid_out) == len(BOOKS)
    for book in laid_out:
        names = SHEET_NAMES["en" if ".en." in Path(book["book"]).name else "da"]
        sheets = book["sheets"]
        assert set(names.values()) <= set(sheets), book["book"]
        for name, pages in sheets.items():
            assert pages["wide"] == 1, f"{Path(book['book']).name}: {name} prints {pages['wide']} pages wide"
            assert pages["split_drawings"] == 0, f"{Path(book['book']).name}: a chart of {name} is split over two pages"
        assert sheets[names["summary"]]["pages"] == 1, f"{Path(book['book']).name}: the summary takes {sheets[names['summary']]['pages']} pages"
        assert sheets[names["budget"]]["pages"] >= 1
        # Følsomhed in normal print: its first page the key figures, both charts and the switching values (of a case;
        # a template's empty rows run on), the detail on pages of its own
        lay = layout_of(openpyxl.load_workbook(book["book"]))[0]
        sensitivity, rows = sheets[names["sensitivity"]], lay.sens_rows
        assert sensitivity["scale"] >= NORMAL_PRINT, f"{Path(book['book']).name}: Følsomhed prints at {sensitivity['scale']:.0%}"
        first_page = sensitivity["page_rows"][0]
        assert first_page[0] == 1 and first_page[1] >= rows["switching"] + 1, f"{Path(book['book']).name}: {sensitivity['page_rows']}"
        assert rows["details"] in [page[0] for page in sensitivity["page_rows"]], f"{Path(book['book']).name}: {sensitivity['page_rows']}"
        if "skabelon" not in book["book"]:
            assert first_page[1] == rows["details"] - 1, f"{Path(book['book']).name}: {sensitivity['page_rows']}"
    pdfs = to_pdf(BOOKS, tmp_path)
    for book, pdf in zip(laid_out, pdfs, strict=True):
        assert pdf_pages(pdf) == sum(pages["pages"] for pages in book["sheets"].values()), pdf.name


@pytest.mark.parametrize("case_path", CASES, ids=lambda p: p.stem)
def test_the_committee_summary_is_one_page_with_the_figures_in_danish_form(tmp_path: Path, case_path: Path) -> None:
    _need_libreoffice()
    out = tmp_path / "resume.pdf"
    assert main(["summary", str(case_path), "-o", str(out)]) == 0
    assert pdf_pages(out) == 1
    text = _pdf_text(out)
    result = compute_case(load_case(case_path))
    assert "Resumé til udvalget" in text and "Formål" in text and "Vigtigste forudsætninger og kilder" in text
    assert result.case.purpose[:40] in text.replace("\r\n", " ").replace("\n", " ")
    if result.case.decision is not None:  # a follow-up: the decision's investment, not this case's zeros
        decided = compute_case(result.case.decision)
        assert "Det besluttede" in text and format_kr(float(decided.yearly["costs"].sum())) in text and "Investering i alt" not in text
        return
    # the net gain and the first year's costs as a Danish reader writes them (1.090.000), from the core
    assert format_kr(result.net_gain) in text
    assert format_kr(float(result.yearly["costs"].iloc[0])) in text
    if public_purse.opts_in(result.case):  # the kommune after tax and udligning, from the core
        kommune = public_purse.payer_with_tax(result, public_purse.case_tax(result), "kommune")
        assert "Kommunens nettogevinst efter skat og udligning" in text and format_kr(kommune.net_gain) in text
        if any(isinstance(o.income, int | float) for o in result.case.outcomes):  # a wage typed in the case: not a dated sats
            assert "lønnen er casens eget tal" in " ".join(text.split())


def test_the_budget_sheet_shows_paid_back_as_danish_words(tmp_path: Path) -> None:
    _need_libreoffice()
    case = load_case(ROOT / "cases" / "ishoej_2021.toml")
    out = tmp_path / "budget.pdf"
    print_book(render(case, runtime="native"), out, sheets=["Budget"])
    text = _pdf_text(out)
    assert "Nej" in text and "Ja" in text  # 2021 not paid back, 2022 on
    assert "TRUE" not in text and "SAND" not in text and "FALSK" not in text
    assert "1.040.000" in text and "5,50" in text  # thousands and decimals in Danish form


def test_printing_refuses_a_sheet_that_does_not_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["print", str(ROOT / "examples" / "built" / "ishoej_2021.native.xlsx"), "--sheet", "Budgett", "-o", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert "Budgett" in err and "Budget" in err and "Traceback" not in err
    assert main(["summary", str(CASES[0]), "-o", str(tmp_path / "x.docx")]) == 2
    assert ".pdf eller .png" in capsys.readouterr().err


def test_a_wrong_output_name_is_refused_before_the_book_is_rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import workbooks.pipeline

    def no_render(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the book was rendered before the output name was checked")

    monkeypatch.setattr(workbooks.pipeline, "render", no_render)
    (tmp_path / "folder.pdf").mkdir()
    for command in (["summary", str(CASES[0])], ["print", str(CASES[0])]):
        for out in ("x.docx", "folder.pdf"):
            assert main([*command, "-o", str(tmp_path / out)]) == 2
            err = capsys.readouterr().err
            assert "Traceback" not in err and out in err, err


def test_the_summary_of_a_book_is_the_summary_of_its_case(tmp_path: Path) -> None:
    """xlmodel summary takes a book as it takes a case file: the same page, from the book's inputs."""
    _need_libreoffice()
    assert main(["summary", str(ROOT / "examples" / "built" / "ishoej_2021.native.xlsx"), "-o", str(tmp_path / "bog.pdf")]) == 0
    assert main(["summary", str(ROOT / "cases" / "ishoej_2021.toml"), "-o", str(tmp_path / "case.pdf")]) == 0
    assert _pdf_text(tmp_path / "bog.pdf") == _pdf_text(tmp_path / "case.pdf")


def test_the_portfolio_page_shows_every_case_and_its_follow_up_on_one_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _need_libreoffice()
    out = tmp_path / "portefolje.pdf"
    assert main(["summary", str(ROOT / "cases"), "-o", str(out)]) == 0
    assert f"({len(CASES)} cases, 1 side)" in capsys.readouterr().out
    text = " ".join(_pdf_text(out).split())
    for case_path in CASES:
        case = load_case(case_path)
        assert " ".join(case.title.split()[:3]) in text
    ishoej = compute_case(load_case(ROOT / "cases" / "ishoej_2021.toml"))
    assert format_kr(float(ishoej.yearly["costs"].sum())) in text and format_kr(ishoej.by_payer["kommune"].net_gain) in text
    assert "lidt bagud" in text and "mål sat, ingen faktiske tal endnu" in text  # Silkeborg's status; Ballerup's follow-ups
    assert "— (ingen investering i casen)" in text  # a follow-up's payback is not a year
    assert "— (en opfølgning: investeringen står i beslutningen)" in text  # not an investment of 0
    assert "lidt bagud (i opfølgningen 2015–2017)" in text.replace("– ", "–")  # Silkeborg's decision row: where its status stands


def test_the_page_check_sees_a_chart_split_over_two_pages(tmp_path: Path) -> None:
    """The check above can fail: a page break through Følsomhed's charts splits both."""
    _need_libreoffice(uno=True)
    from openpyxl.worksheet.pagebreak import Break

    wb = openpyxl.load_workbook(ROOT / "examples" / "built" / "ishoej_2021.native.xlsx")
    rows = layout_of(wb)[0].sens_rows
    wb["Følsomhed"].row_breaks.append(Break(id=rows["charts"] + 7))  # through the middle of both (7 cm, about 13 rows)
    wb.save(tmp_path / "split.xlsx")
    sheet = uno_run("pages", tmp_path / "split.xlsx")[0]["sheets"]["Følsomhed"]
    assert (sheet["drawings"], sheet["split_drawings"]) == (2, 2)


def test_every_printed_page_of_a_sheet_with_years_shows_the_years(tmp_path: Path) -> None:
    """Ishøj's refusion variant prints its Budget sheet over pages (the tax block runs on): each page repeats the
    header row with the years (print titles), so no page shows figures without their years."""
    _need_libreoffice()
    import pypdfium2

    out = tmp_path / "budget.pdf"
    assert main(["print", str(ROOT / "examples" / "built" / "ishoej_2021_refusion.native.xlsx"), "--sheet", "Budget", "-o", str(out)]) == 0
    document = pypdfium2.PdfDocument(out)
    try:
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    assert len(pages) >= 2
    for text in pages:
        assert all(str(year) in text for year in range(2021, 2027)) and "Post" in text
