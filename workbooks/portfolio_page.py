"""The udvalg's one page over every case in a folder (``xlmodel summary FOLDER -o portefolje.pdf``): per case
the investment, the kommune's net gain and payback year, the NPV, the probability of payback and where its
follow-up stands; a figure that is not defined says "—" and why. Values computed by the core (each case's
own book holds the formulas); every text from a case file is written as text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.labels import format_percent
from workbooks.portfolio_book import HEADER_FILL, text_cell
from workbooks.writer import BAD_FILL, OK_FILL, WARN_FILL
from workbooks.xlsx_writer import to_bytes
from xlmodel.portfolio import PortfolioResult
from xlmodel.rounding import format_kr

TITLE = "Portefølje"
#: Where a case's follow-up stands (xlmodel.followup.status), in the udvalg's words, with its traffic light.
STATUS = {
    "none": ("ingen opfølgning endnu", None),
    "awaiting": ("mål sat, ingen faktiske tal endnu", None),
    "reported": ("faktiske tal, ingen realiseringsgrad", None),
    "on_track": ("på sporet", OK_FILL),
    "behind": ("lidt bagud", WARN_FILL),
    "far_behind": ("bagud", BAD_FILL),
}
HEADERS = ("Case", "Kommune", "År", "Investering (kr.)", "Kommunens nettogevinst (kr.)", "Kommunens tilbagebetalingsår", "Nutidsværdi (kr.)",
           "Sandsynlighed for at tjene sig hjem", "Opfølgning")  # fmt: skip
WIDTHS = (44, 14, 11, 16, 18, 18, 16, 18, 30)


def _text(ws: Worksheet, row: int, column: int, value: str, *, bold: bool = False) -> None:
    """Text as the portfolio book writes it (always text), wrapped at the top of its cell."""
    text_cell(ws, row, column, value, bold=bold)
    ws.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="top")


def _number(case: dict[str, object], key: str) -> float:
    value = case[key]
    assert isinstance(value, int | float), key
    return float(value)


def case_cells(case: dict[str, object], followed_by: dict[str, object] | None = None) -> list[str]:
    """One case's row as the page shows it; ``followed_by``: the latest follow-up of this decision in the
    portfolio, whose status the decision's row shows (the decision itself has no actuals).

    >>> case_cells({"title": "T", "municipality": "Ishøj", "first_year": 2021, "last_year": 2026, "investment": 2180000.0,
    ...             "kommune_net_gain": 10.5, "kommune_payback_year": None, "npv": -1.5, "p_payback": None, "follow_up": "none"})[3:]
    ['2.180.000', '11', '— (ikke inden for 2021–2026)', '-2', '— (ingen usikkerhed angivet)', 'ingen opfølgning endnu']

    A follow-up with neither costs nor a net result of its own shows "—" for them, not zeros posing as results:

    >>> case_cells({"title": "Status", "municipality": "", "first_year": 2015, "last_year": 2017, "investment": 0.0,
    ...             "kommune_net_gain": 0.0, "kommune_payback_year": None, "npv": None, "p_payback": None, "follow_up": "behind"})[4:7]
    ['— (ingen udgifter eller besparelser i casen)', '— (ingen investering i casen)', '— (ingen udgifter eller besparelser i casen)']
    """
    payback = case["kommune_payback_year"]
    p = case["p_payback"]
    if not case["investment"]:
        payback_text = "— (ingen investering i casen)"
    else:
        payback_text = str(payback) if payback is not None else f"— (ikke inden for {case['first_year']}–{case['last_year']})"
    empty = case["npv"] is None  # no costs or savings (xlmodel.compute.has_flows): nothing to pay back or discount
    nothing = "— (ingen udgifter eller besparelser i casen)"
    investment = format_kr(_number(case, "investment"))
    if case.get("decision") and not case["investment"]:
        investment = "— (en opfølgning: investeringen står i beslutningen)"
    follow_up = STATUS[str(case["follow_up"])][0]
    if followed_by is not None:
        follow_up = f"{STATUS[str(followed_by['follow_up'])][0]} (i opfølgningen {followed_by['first_year']}–{followed_by['last_year']})"
    return [
        str(case["title"]), str(case["municipality"] or ""), f"{case['first_year']}–{case['last_year']}", investment,
        nothing if empty else format_kr(_number(case, "kommune_net_gain")), payback_text,
        nothing if empty else format_kr(_number(case, "npv")), format_percent(_number(case, "p_payback"), "da") if p is not None else "— (ingen usikkerhed angivet)",
        follow_up,
    ]


def latest_follow_ups(cases: Sequence[dict[str, object]]) -> dict[int, dict[str, object]]:
    """For each decision in ``cases`` (by its index) the latest case that follows it (same title and kommune;
    the one whose horizon ends last, then the last by title): the decision's row shows where it stands.

    >>> rows = [{"title": "Beslutning", "municipality": "X", "last_year": 2020, "decision": None},
    ...         {"title": "Status 2016", "municipality": "X", "last_year": 2017, "decision": "Beslutning"},
    ...         {"title": "Status 2018", "municipality": "X", "last_year": 2019, "decision": "Beslutning"}]
    >>> latest_follow_ups(rows)[0]["title"]
    'Status 2018'
    """
    found: dict[int, dict[str, object]] = {}
    for i, decision in enumerate(cases):
        followers = [c for c in cases if c.get("decision") == decision["title"] and c["municipality"] == decision["municipality"] and c is not decision]
        if followers:
            found[i] = max(followers, key=lambda c: (int(c["last_year"]), str(c["title"])))  # type: ignore[call-overload]
    return found


def portfolio_page(result: PortfolioResult, *, today: dt.date | None = None) -> Workbook:
    """The one-sheet book the page is printed from (A4 landscape, one page)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = TITLE
    _text(ws, 1, 1, "Portefølje af investeringscases", bold=True)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    ws.row_dimensions[1].height, ws.row_dimensions[2].height, ws.row_dimensions[4].height = 20, 15, 30
    _text(ws, 2, 1, f"{len(result.cases)} cases · beregnet {(today or dt.date.today()).isoformat()} med xlmodel; nutidsværdien med hver cases egen diskonteringsrente; "
          "sandsynligheden fra casens Monte Carlo-kørsel; opfølgningen efter realiseringsgraden (på sporet fra 100 %, lidt bagud fra 80 %)")
    for c, header in enumerate(HEADERS, start=1):
        _text(ws, 4, c, header, bold=True)
        ws.cell(row=4, column=c).fill = HEADER_FILL
    cases = sorted(result.cases, key=lambda c: str(c["title"]))
    followed = latest_follow_ups(cases)
    for i, case in enumerate(cases):
        r, cells = 5 + i, case_cells(case, followed.get(i))
        for c, value in enumerate(cells, start=1):
            _text(ws, r, c, value)
            if c >= 4:
                ws.cell(row=r, column=c).alignment = Alignment(horizontal="right", wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 13.0 * _lines(cells)
        light = STATUS[str(followed[i]["follow_up"] if i in followed else case["follow_up"])][1]
        if light is not None:
            ws.cell(row=r, column=len(HEADERS)).fill = light
    r = 5 + len(result.cases) + 1
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(HEADERS))
    _text(ws, r, 1, f"I alt: investering {format_kr(sum(_number(c, 'investment') for c in result.cases))} kr.; "
          f"nutidsværdi {format_kr(result.npv)} kr.; kommunens nettogevinst {format_kr(sum(_number(c, 'kommune_net_gain') for c in result.cases))} kr.", bold=True)
    for name, problem in result.errors:
        r += 1
        _text(ws, r, 1, f"Ikke med: {name}: {problem}")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(HEADERS))
    _layout(ws, WIDTHS)
    return wb


def _lines(cells: Sequence[str]) -> int:
    """How many lines the tallest cell of a row wraps to in its column (about 0.9 characters per unit of width:
    words wrap whole, so a line holds less than the width).

    >>> _lines(["x" * 50, "Ishøj"])
    2
    """
    return max(1, *(-(-len(text) // int(width * 0.9)) for text, width in zip(cells, WIDTHS, strict=False)))


def _layout(ws: Worksheet, widths: Sequence[float]) -> None:
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[chr(64 + c)].width = width
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def portfolio_page_bytes(result: PortfolioResult) -> bytes:
    return to_bytes(portfolio_page(result))
