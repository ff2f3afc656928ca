"""The portfolio workbook: a summary, the budget per year and payer across cases, every case, the case
files that could not be read, and charts. Values computed by xlmodel (the cases' own workbooks hold the
formulas); every text from a case file is written as text, never as a formula."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.charts import year_chart
from workbooks.files import check_output, write_atomic
from workbooks.xlsx_writer import to_bytes
from xlmodel.compute import NO_FLOWS
from xlmodel.portfolio import PortfolioResult

KR = "#,##0;-#,##0"
SHARE = "0.0%"
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
PAYERS_DA = {"kommune": "Kommunen", "stat": "Staten", "region": "Regionen"}


def text_cell(ws: Worksheet, row: int, column: int, value: object, *, bold: bool = False) -> None:
    cell = ws.cell(row=row, column=column)
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"  # user text stays text, whatever it starts with
    if bold:
        cell.font = Font(bold=True)


def _number(ws: Worksheet, row: int, column: int, value: float | int | None, fmt: str = KR) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    cell.number_format = fmt


def _header(ws: Worksheet, row: int, headers: Sequence[object]) -> None:
    for c, header in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=c, value=header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL


def portfolio_workbook(result: PortfolioResult) -> Workbook:
    """The book: Oversigt (key figures), Pr. år (per year and payer, with charts), Cases and Fejl."""
    wb = Workbook()
    summary = wb.active
    summary.title = "Oversigt"
    _summary(summary, result)
    _per_year(wb.create_sheet("Pr. år"), result)
    _cases(wb.create_sheet("Cases"), result)
    errors = wb.create_sheet("Fejl")
    _header(errors, 1, ["Case-fil", "Fejl"])
    for i, (name, message) in enumerate(result.errors, start=2):
        text_cell(errors, i, 1, name)
        text_cell(errors, i, 2, message)
    errors.column_dimensions["A"].width = 36
    errors.column_dimensions["B"].width = 120
    return wb


def _summary(summary: Worksheet, result: PortfolioResult) -> None:
    """The key figures of the whole portfolio (and of the Monte Carlo, when it ran)."""
    text_cell(summary, 1, 1, "Portefølje af investeringscases", bold=True)
    summary["A1"].font = Font(bold=True, size=14)
    rows: list[tuple[str, object, str]] = [
        ("Cases beregnet", len(result.cases), "0"),
        ("Case-filer med fejl", len(result.errors), "0"),
        ("År", f"{result.years[0]}–{result.years[-1]}" if result.years.size else "", ""),
        ("Tilbagebetalingsår, alle betalere", result.payback_year if result.payback_year is not None else "ingen", "0"),
        *((f"Tilbagebetalingsår, {PAYERS_DA[p].lower()}", y if y is not None else "ingen", "0") for p, y in result.payback_by_payer.items()),
        ("Nettogevinst (kr.)", result.net_gain, KR),
        ("Nutidsværdi, NPV (kr.)", result.npv, KR),
        *((f"NPV, {PAYERS_DA[p].lower()} (kr.)", v, KR) for p, v in result.npv_by_payer.items()),
        ("Diskonteringsrente", " / ".join(f"{100 * r:g} %" for r in result.rate.rates), ""),
    ]
    if result.risk is not None:
        risk = result.risk
        rows += [
            ("Sandsynlighed for at tjene sig hjem", risk["p_payback"], SHARE),
            ("Sandsynlighed, kommunerne", risk["p_payback_kommune"], SHARE),
            ("Nettogevinst P10 (kr.)", risk["net_gain_p10"], KR),
            ("Nettogevinst P50 (kr.)", risk["net_gain_p50"], KR),
            ("Nettogevinst P90 (kr.)", risk["net_gain_p90"], KR),
            ("Træk / seed", f"{risk['draws']} / {risk['seed']}", ""),
        ]
    for i, (label, value, fmt) in enumerate(rows, start=3):
        text_cell(summary, i, 1, label, bold=True)
        if isinstance(value, str):
            text_cell(summary, i, 2, value)
        else:
            _number(summary, i, 2, value, fmt or "General")  # type: ignore[arg-type]
    text_cell(summary, len(rows) + 4, 1, "Tallene er beregnet af xlmodel; hver case har sit eget regneark med formler (xlmodel build).")
    summary.column_dimensions["A"].width = 40
    summary.column_dimensions["B"].width = 22


def _per_year(per_year: Worksheet, result: PortfolioResult) -> None:
    """Savings, costs, net and cumulative per payer and year, the totals, the Monte Carlo curve and charts."""
    _header(per_year, 1, ["Betaler", "Post", *[int(y) for y in result.years]])
    row = 2
    for payer, table in result.by_payer.items():
        for column, label in (("savings", "Besparelser"), ("costs", "Udgifter"), ("net", "Nettoresultat"), ("cumulative", "Akkumuleret")):
            text_cell(per_year, row, 1, PAYERS_DA[payer])
            text_cell(per_year, row, 2, label)
            for j, value in enumerate(table[column].tolist()):
                _number(per_year, row, 3 + j, value)
            row += 1
    total = {column: sum(t[column].to_numpy() for t in result.by_payer.values()) for column in ("net", "cumulative")}
    net_row, cumulative_row = row, row + 1
    for column, label in (("net", "Nettoresultat"), ("cumulative", "Akkumuleret")):
        text_cell(per_year, row, 1, "Alle betalere", bold=True)
        text_cell(per_year, row, 2, label, bold=True)
        for j, value in enumerate(total[column].tolist()):
            _number(per_year, row, 3 + j, float(value))
        row += 1
    probability_row = row
    if result.risk is not None:
        text_cell(per_year, row, 1, "Monte Carlo")
        text_cell(per_year, row, 2, "Sandsynlighed for at være tjent hjem")
        for j, year in enumerate(result.years):
            _number(per_year, row, 3 + j, result.risk["cumulative_p_payback"][str(int(year))], SHARE)  # type: ignore[index]
        row += 1
    per_year.column_dimensions["A"].width = 16
    per_year.column_dimensions["B"].width = 34
    if result.years.size:
        years = (1, 3, 2 + result.years.size)
        per_year.add_chart(year_chart(BarChart, per_year, "Nettoresultat pr. år, alle cases", "kr.", [("Nettoresultat", net_row)], years), f"A{row + 2}")
        per_year.add_chart(year_chart(LineChart, per_year, "Akkumuleret nettoresultat", "kr.", [("Akkumuleret", cumulative_row)], years), f"J{row + 2}")
        if result.risk is not None:
            probability = year_chart(LineChart, per_year, "Sandsynlighed for at være tjent hjem", "andel af trækkene", [("Sandsynlighed", probability_row)], years, share_axis=True)
            per_year.add_chart(probability, f"A{row + 19}")


def _cases(cases: Worksheet, result: PortfolioResult) -> None:
    """One row per case: its key figures; a case-file text is always written as text."""
    headers = ["Case-fil", "Titel", "Kommune", "Første år", "Sidste år", "Nettogevinst", "NPV", "Tilbagebetalingsår", "Kommunens nettogevinst", "Kommunens tilbagebetalingsår", "P(tjener sig hjem)"]
    _header(cases, 1, headers)
    for i, case in enumerate(result.cases, start=2):
        for c, key in enumerate(("name", "title", "municipality"), start=1):
            text_cell(cases, i, c, case[key])
        for c, key, fmt in ((4, "first_year", "0"), (5, "last_year", "0"), (6, "net_gain", KR), (7, "npv", KR), (8, "payback_year", "0"),
                            (9, "kommune_net_gain", KR), (10, "kommune_payback_year", "0"), (11, "p_payback", SHARE)):
            value = case[key]
            if value is None and case["npv"] is None and key in ("npv", "payback_year", "kommune_payback_year"):
                text_cell(cases, i, c, f"— ({NO_FLOWS})")  # a follow-up without costs and savings of its own
            elif value is None:
                text_cell(cases, i, c, "ingen" if "payback" in key else "")
            else:
                _number(cases, i, c, value, fmt)  # type: ignore[arg-type]
    for letter, width in (("A", 36), ("B", 40), ("C", 16)):
        cases.column_dimensions[letter].width = width


def write_portfolio_workbook(result: PortfolioResult, out: Path) -> None:
    check_output(out)
    write_atomic(out, to_bytes(portfolio_workbook(result)))
