"""Forudsætninger (inputs): the case's title, each outcome's unit saving (or gross benefit), fall-backs,
fall-back month and wage subsidy; the costs, the direct savings lines and the named periods. Inputs only,
but for the gross benefit per year of an outcome split by the refusion staircase."""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.formulas import overlap
from workbooks.layout import (
    COL_DETAIL,
    COL_LABEL,
    COL_NOTE,
    COL_P1,
    COL_P2,
    COL_P3,
    COL_UNIT,
    FIRST_YEAR_COL,
    HEADER_ROW,
    MAX_FALLBACKS,
    col,
)
from workbooks.writer import INPUT_FONT, KR, SECTION_FONT, SHARE, Writer
from xlmodel.model import HOURS_PER_FTE, CostItem


def write(w: Writer) -> None:
    ws, lay, case = w.sheets["inputs"], w.layout, w.case
    w.top(ws, w.t("inputs_title"))
    w.header_row(ws, [w.t("h_assumption"), w.t("h_id"), w.t("h_unit"), w.t("h_value"), "", "", "", w.t("h_note")], years=True)
    w.text(ws, lay.title_row, COL_LABEL, w.t("title"))
    w.input(ws, lay.title_row, COL_P1, case.title)
    w.text(ws, lay.municipality_row, COL_LABEL, w.t("municipality"))
    w.input(ws, lay.municipality_row, COL_P1, case.municipality)
    w.text(ws, lay.constants_row, COL_LABEL, w.t("hours_per_fte"))
    w.text(ws, lay.constants_row, COL_UNIT, w.t("u_hours"))
    ws.cell(row=lay.constants_row, column=COL_P1, value=HOURS_PER_FTE).number_format = "0.0"  # the core's constant: not an input
    w.text(ws, lay.constants_row, COL_NOTE, w.t("hours_source"))
    for k, outcome in enumerate(case.outcomes):
        rows = lay.outcome_rows(k)
        w.input(ws, rows["title"], COL_LABEL, outcome.label).font = Font(bold=True, color=INPUT_FONT.color)
        w.text(ws, rows["title"], COL_DETAIL, outcome.id)
        if outcome.split:
            _gross_benefit_row(w, ws, rows["unit"], outcome.id)
        else:
            w.text(ws, rows["unit"], COL_LABEL, w.t("unit_saving"))
            w.text(ws, rows["unit"], COL_UNIT, w.t("u_kr_py"))
            w.input(ws, rows["unit"], COL_NOTE, "")
            for year in lay.years:
                w.input(ws, rows["unit"], lay.year_col(year), outcome.unit_saving_in(year), KR, "nonneg")
        for i in range(MAX_FALLBACKS):
            row = rows[f"fallback{i + 1}"]
            fallback = outcome.fallbacks[i] if i < len(outcome.fallbacks) else None
            w.text(ws, row, COL_LABEL, w.t("fallback_n", n=i + 1))
            w.text(ws, row, COL_UNIT, w.t("u_share_years"))
            w.input(ws, row, COL_P1, fallback.share if fallback else None, SHARE, "share")
            w.input(ws, row, COL_P2, fallback.after_years if fallback else None, "0.0", "nonneg")
        w.text(ws, rows["month"], COL_LABEL, w.t("fallback_month"))
        w.text(ws, rows["month"], COL_UNIT, w.t("u_month"))
        w.input(ws, rows["month"], COL_P1, outcome.fallback_month, "0", "month")
        w.text(ws, rows["subsidy"], COL_LABEL, w.t("wage_subsidy"))
        w.text(ws, rows["subsidy"], COL_UNIT, w.t("u_yesno"))
        w.input(ws, rows["subsidy"], COL_P1, w.t("yes") if outcome.wage_subsidy else w.t("no"), None, "yesno")
    _costs(w, ws)
    _lines(w, ws)
    _periods(w, ws)


def _gross_benefit_row(w: Writer, ws: Worksheet, row: int, outcome_id: str) -> None:
    """A split outcome's gross benefit per year: the average of its benefit table over each year."""
    lay, pr = w.layout, w.ref("params")
    first, last = lay.benefit_rows(lay.shape.split_outcomes.index(outcome_id))
    starts, ends, amounts = (f"{pr}!${c}${first}:${c}${last}" for c in ("D", "E", "C"))
    w.text(ws, row, COL_LABEL, w.t("gross_benefit"))
    w.text(ws, row, COL_UNIT, w.t("u_kr_py_gross"))
    outcome = w.case.outcome(outcome_id)
    w.text(ws, row, COL_P1, outcome.benefit or w.t("benefit_rate_given"))
    for year in lay.years:
        y = f"{col(lay.year_col(year))}${HEADER_ROW}"
        w.formula(ws, row, lay.year_col(year), f"=SUMPRODUCT({amounts}*{overlap(y, f'{y}+1', starts, ends)})", KR)


def _costs(w: Writer, ws: Worksheet) -> None:
    lay = w.layout
    header = lay.costs_header
    w.text(ws, header, COL_LABEL, w.t("costs_section"), font=SECTION_FONT)
    for column, key in ((COL_DETAIL, "h_payer"), (COL_P1, "h_fte"), (COL_P2, "h_hours"), (COL_P3, "h_annual_cost")):
        w.text(ws, header, column, w.t(key), font=Font(bold=True))
    w.text(ws, header, FIRST_YEAR_COL, w.t("h_cost_years"), font=Font(italic=True))
    for i in range(lay.shape.costs):
        row = lay.cost_row(i)
        item: CostItem | None = w.case.costs[i] if i < len(w.case.costs) else None
        staff = item.staff if item is not None else None
        w.input(ws, row, COL_LABEL, item.label if item else None)
        w.input(ws, row, COL_DETAIL, item.payer if item else None, None, "payer")
        p = f"$F{row}"
        w.formula(ws, row, COL_UNIT, f'=IF({p}="","{w.t("u_kr")}","{w.t("u_share_of_year")}")')
        fte = None if staff is None or staff.hours_per_week is not None else staff.fte
        w.input(ws, row, COL_P1, fte, "0.00", "nonneg")
        w.input(ws, row, COL_P2, staff.hours_per_week if staff else None, "0.0", "nonneg")
        w.input(ws, row, COL_P3, staff.annual_cost if staff else None, KR, "nonneg")
        w.input(ws, row, COL_NOTE, item.basis if item else None)
        for year in lay.years:
            if staff is not None:
                value, fmt, check = staff.year_shares.get(year), SHARE, "share"
            else:
                value, fmt, check = (item.amounts.get(year) if item else None), KR, "nonneg"
            w.input(ws, row, lay.year_col(year), value, fmt, check)


def _lines(w: Writer, ws: Worksheet) -> None:
    lay = w.layout
    w.text(ws, lay.savings_header, COL_LABEL, w.t("savings_section"), font=SECTION_FONT)
    w.text(ws, lay.savings_header, COL_DETAIL, w.t("h_payer"), font=Font(bold=True))
    for i in range(lay.shape.savings):
        row = lay.savings_line_row(i)
        line = w.case.savings[i] if i < len(w.case.savings) else None
        w.input(ws, row, COL_LABEL, line.label if line else None)
        w.input(ws, row, COL_DETAIL, line.payer if line else None, None, "payer")
        w.text(ws, row, COL_UNIT, w.t("u_kr"))
        w.input(ws, row, COL_NOTE, line.basis if line else None)
        for year in lay.years:
            w.input(ws, row, lay.year_col(year), line.amounts.get(year) if line else None, KR, "nonneg")


def _periods(w: Writer, ws: Worksheet) -> None:
    lay = w.layout
    w.text(ws, lay.periods_header, COL_LABEL, w.t("periods_section"), font=SECTION_FONT)
    w.text(ws, lay.periods_header, COL_P1, w.t("h_first_year"), font=Font(bold=True))
    w.text(ws, lay.periods_header, COL_P2, w.t("h_last_year"), font=Font(bold=True))
    for i, (name, (first, last)) in enumerate(w.case.periods.items()):
        row = lay.period_row(i)
        w.input(ws, row, COL_LABEL, name)
        w.input(ws, row, COL_P1, first, "0", "year")
        w.input(ws, row, COL_P2, last, "0", "year")
