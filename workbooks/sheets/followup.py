"""Opfølgning (follow-up): targets and actuals (inputs), actual against target per line (the actual, the
difference and whether anything was reported, each block under its header), the realisation rate with its
traffic light, the rate used for the forecast, and the expected, realised and revised savings with the
write-down (none in a year where nothing was expected). Layout 4 (still written for its books) had no
difference rows, no header on the reported flags, and wrote down a saving nobody expected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl.chart import LineChart
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.charts import left_out, year_chart
from workbooks.followup_lines import MEASURES, actual_lines, target_lines
from workbooks.layout import (
    COL_DETAIL,
    COL_P1,
    COL_P2,
    COL_UNIT,
    FIRST_YEAR_COL,
    HEADER_ROW,
    col,
)
from workbooks.writer import BAD_FILL, KR, OK_FILL, SECTION_FONT, SHARE, WARN_FILL, Writer
from xlmodel.errors import InvalidValueError
from xlmodel.followup import GREEN_FROM, YELLOW_FROM, FollowUp, follow_up

#: At most this many outcomes counted together by one target line (job + education + ...).
TARGET_OUTCOMES = 3


BOLD = Font(bold=True)
#: The columns of a target line's outcomes (up to TARGET_OUTCOMES): B, D, E.
OUTCOME_COLS = (COL_DETAIL, COL_P1, COL_P2)


@dataclass(frozen=True)
class _Blocks:
    """Where the target and the actual lines are: first and last rows, and the ranges formulas read."""

    t_first: int
    t_last: int
    a_first: int
    a_last: int

    @property
    def a_outcome(self) -> str:
        return f"$B${self.a_first}:$B${self.a_last}"

    @property
    def a_measure(self) -> str:
        return f"$C${self.a_first}:$C${self.a_last}"

    @property
    def t_measure(self) -> str:
        return f"$C${self.t_first}:$C${self.t_last}"


def write(w: Writer) -> None:
    ws, lay, case = w.sheets["followup"], w.layout, w.case
    w.top(ws, w.t("followup_title"))
    w.header_row(ws, [w.t("h_item"), w.t("h_outcome"), w.t("h_measure"), w.t("h_value")], years=True)
    rows = lay.followup_rows()
    w.text(ws, rows["rate_input"], 1, w.t("rate_input"))
    w.text(ws, rows["rate_input"], COL_UNIT, w.t("rate_input_unit"))
    w.input(ws, rows["rate_input"], COL_P1, case.forecast_rate, SHARE, "rate")
    w.text(ws, rows["green"], 1, w.t("green_from"))
    w.input(ws, rows["green"], COL_P1, GREEN_FROM, SHARE, "rate")
    w.text(ws, rows["yellow"], 1, w.t("yellow_from"))
    w.input(ws, rows["yellow"], COL_P1, YELLOW_FROM, SHARE, "rate")
    _line_block(w, ws, "targets_section", rows["targets"], lay.shape.targets, target_lines(case), TARGET_OUTCOMES)
    _line_block(w, ws, "actuals_section", rows["actuals"], lay.shape.actuals, actual_lines(case), 1)
    blocks = _Blocks(rows["targets"], rows["targets"] + max(lay.shape.targets, 1) - 1, rows["actuals"], rows["actuals"] + max(lay.shape.actuals, 1) - 1)
    labelled = lay.shape.layout >= 5  # layout 5: every block under its own header (layout 4 wrote two)
    w.text(ws, rows["matched_header"], 1, w.t("matched_section_v5" if labelled else "matched_section"), font=SECTION_FONT)
    w.text(ws, rows["realisation_header"], 1, w.t("realisation_section_v5" if labelled else "realisation_section"), font=SECTION_FONT)
    if labelled:
        w.text(ws, rows["difference_header"], 1, w.t("difference_section"), font=SECTION_FONT)
        w.text(ws, rows["reported_header"], 1, w.t("reported_section"), font=SECTION_FONT)
    for i in range(lay.shape.targets):
        _matched(w, ws, rows, i, blocks)
    _traffic_light(w, ws, rows)
    _rate_used(w, ws, rows, blocks)
    figures = follow_up(w.result)
    _results(w, ws, rows, blocks, figures)
    if left_out(w, ws, rows["chart"], 1, w.t("chart_followup"), figures.expected, figures.realised, figures.forecast):
        return
    series = [(w.t(key), rows[name]) for name, key in (("expected", "expected_savings"), ("realised", "realised_savings"), ("forecast", "forecast"))]
    chart = year_chart(LineChart, ws, w.t("chart_followup"), w.t("u_kr"), series, (HEADER_ROW, FIRST_YEAR_COL, lay.last_year_col))
    ws.add_chart(chart, f"A{rows['chart']}")
    if labelled:  # the chart on a page of its own, never split by a page break; with the decision's rows,
        # the results, the decision and the chart share a page (else the decision's two rows stand alone)
        ws.row_breaks.append(Break(id=(rows["results_header"] if lay.shape.decision else rows["chart"]) - 1))


def _line_block(w: Writer, ws: Worksheet, header_key: str, first_row: int, capacity: int, lines: list[Any], outcome_cols: int) -> None:
    """The input lines of targets (or actuals): label, outcomes, measure and a value per year."""
    m = MEASURES[w.lang]
    w.text(ws, first_row - 1, 1, w.t(header_key), font=SECTION_FONT)
    for k, column in enumerate(OUTCOME_COLS[:outcome_cols]):
        w.text(ws, first_row - 1, column, w.t("h_outcome_n", n=k + 1) if outcome_cols > 1 else w.t("h_outcome"), font=BOLD)
    w.text(ws, first_row - 1, COL_UNIT, w.t("h_measure"), font=BOLD)
    for i in range(capacity):
        row, line = first_row + i, lines[i] if i < len(lines) else None
        w.input(ws, row, 1, line.label if line else None)
        outcomes = line.outcome.split("+") if line and line.outcome else []
        if len(outcomes) > outcome_cols:
            raise InvalidValueError("targets.outcome", f"et måltal i et regneark kan højst samle {outcome_cols} effekter", value="+".join(outcomes))
        for k, column in enumerate(OUTCOME_COLS[:outcome_cols]):
            w.input(ws, row, column, outcomes[k] if k < len(outcomes) else None)
        w.input(ws, row, 3, m[line.measure] if line else None, None, "measure")
        for year in w.layout.years:
            value = line.values.get(year) if line else None
            fmt = KR if line is not None and line.measure == "savings" else "#,##0.##"
            w.input(ws, row, w.layout.year_col(year), value, fmt, "nonneg")


def _matched(w: Writer, ws: Worksheet, rows: dict[str, int], i: int, b: _Blocks) -> None:
    """Target line ``i``: the actuals matched to it, whether any were reported, and the realisation rate.

    An actual line counts for a target line when the measure is the same and its outcome is one of the
    target's outcomes (B, D, E), or the target names no outcome at all."""
    lay = w.layout
    t = rows["targets"] + i
    matched, reported, realised = rows["matched"] + i, rows["reported"] + i, rows["realisation"] + i
    difference = rows["difference"] + i if "difference" in rows else None
    outcome_cells = [f"${col(c)}{t}" for c in OUTCOME_COLS]
    for row in (matched, reported, realised) if difference is None else (matched, difference, reported, realised):
        w.formula(ws, row, 1, f'=IF($A{t}="","",$A{t})')
        for cell, column in zip(outcome_cells, OUTCOME_COLS, strict=True):
            w.formula(ws, row, column, f'=IF({cell}="","",{cell})')
        w.formula(ws, row, 3, f'=IF($C{t}="","",$C{t})')
    no_outcome = "AND(" + ",".join(f'{cell}=""' for cell in outcome_cells) + ")"
    a_b, a_c = b.a_outcome, b.a_measure
    for year in lay.years:
        c = col(lay.year_col(year))
        acts = f"{c}${b.a_first}:{c}${b.a_last}"
        per_outcome = "+".join(f'IF({cell}="",0,SUMIFS({acts},{a_c},$C{t},{a_b},{cell}))' for cell in outcome_cells)
        counts = "+".join(f'IF({cell}="",0,COUNTIFS({a_c},$C{t},{a_b},{cell},{acts},"<>"))' for cell in outcome_cells)
        w.formula(ws, matched, lay.year_col(year), f"=IF({no_outcome},SUMIFS({acts},{a_c},$C{t}),{per_outcome})", "#,##0.##")
        # 1 when the line has a target this year and something was reported against it
        w.formula(ws, reported, lay.year_col(year), f'=IF({c}{t}="",0,IF(IF({no_outcome},COUNTIFS({a_c},$C{t},{acts},"<>"),{counts})>0,1,0))', "0")
        w.formula(ws, realised, lay.year_col(year), f'=IF(OR({c}{t}="",{c}{t}=0,{c}{reported}=0),"",{c}{matched}/{c}{t})', SHARE)
        if difference is not None:  # actual − target where something was reported against a target
            w.formula(ws, difference, lay.year_col(year), f'=IF(OR({c}{t}="",{c}{reported}=0),"",{c}{matched}-{c}{t})', "#,##0.##;-#,##0.##")


def _traffic_light(w: Writer, ws: Worksheet, rows: dict[str, int]) -> None:
    """The realisation rates green from the green threshold, yellow between the two, red below yellow."""
    lay = w.layout
    if not lay.shape.targets:
        return
    span = f"{col(FIRST_YEAR_COL)}{rows['realisation']}:{col(lay.last_year_col)}{rows['realisation'] + lay.shape.targets - 1}"
    traffic_lights(ws, span, f"$D${rows['green']}", f"$D${rows['yellow']}")


def traffic_lights(ws: Worksheet, span: str, green: str, yellow: str) -> None:
    """Realisation rates in ``span`` green from the cell ``green``, yellow from ``yellow``, red below: the
    Opfølgning sheet's thresholds, also used by the follow-up summary."""
    ws.conditional_formatting.add(span, CellIsRule(operator="greaterThanOrEqual", formula=[green], fill=OK_FILL))
    ws.conditional_formatting.add(span, CellIsRule(operator="between", formula=[yellow, green], fill=WARN_FILL))
    ws.conditional_formatting.add(span, CellIsRule(operator="lessThan", formula=[yellow], fill=BAD_FILL))


def _rate_used(w: Writer, ws: Worksheet, rows: dict[str, int], b: _Blocks) -> None:
    """The rate used: the input, else Σ actual / Σ target over the reported person targets (1 without any)."""
    lay, m = w.layout, MEASURES[w.lang]
    person = f'(({b.t_measure}="{m["persons"]}")+({b.t_measure}="{m["person_years"]}"))'
    block = lambda first: f"${col(FIRST_YEAR_COL)}${first}:${col(lay.last_year_col)}${first + max(lay.shape.targets, 1) - 1}"  # noqa: E731
    targets_block, matched_block, reported_block = block(rows["targets"]), block(rows["matched"]), block(rows["reported"])
    if lay.shape.targets:
        numerator = f"SUMPRODUCT({person}*{reported_block}*{matched_block})"
        denominator = f"SUMPRODUCT({person}*{reported_block}*{targets_block})"
        computed = f"IF({denominator}=0,1,{numerator}/{denominator})"
    else:
        computed = "1"
    w.text(ws, rows["rate"], 1, w.t("rate_used"), font=BOLD)
    w.formula(ws, rows["rate"], COL_P1, f'=IF($D${rows["rate_input"]}<>"",$D${rows["rate_input"]},{computed})', SHARE)


def _results(w: Writer, ws: Worksheet, rows: dict[str, int], b: _Blocks, figures: FollowUp) -> None:
    """Expected, realised and revised savings per year, the write-down and the variance, and their totals."""
    lay, m = w.layout, MEASURES[w.lang]
    budget_savings = f"{w.ref('budget')}!{{c}}${lay.budget_rows()['savings']}"
    w.text(ws, rows["results_header"], 1, w.t("results_section"), font=SECTION_FONT)
    kr, t_c, a_c = f'"{m["savings"]}"', b.t_measure, b.a_measure
    t_year = f"{{c}}${b.t_first}:{{c}}${b.t_last}"
    a_year = f"{{c}}${b.a_first}:{{c}}${b.a_last}"
    specs = [
        ("expected", "expected_savings", f'=IF(SUMPRODUCT(({t_c}={kr})*({t_year}<>""))=0,{budget_savings},SUMPRODUCT(({t_c}={kr})*{t_year}))', KR)
        if lay.shape.targets else ("expected", "expected_savings", f"={budget_savings}", KR),
        ("realised", "realised_savings", f'=IF(SUMPRODUCT(({a_c}={kr})*({a_year}<>""))=0,"",SUMPRODUCT(({a_c}={kr})*{a_year}))', KR)
        if lay.shape.actuals else ("realised", "realised_savings", '=""', KR),
        ("forecast", "forecast", f'=IF({{c}}{rows["realised"]}="",{{c}}{rows["expected"]}*$D${rows["rate"]},{{c}}{rows["realised"]})', KR),
        # layout 5: nothing to write down in a year where nothing was expected (a realised saving then shows as its variance)
        ("write_down", "write_down", f"=IF({{c}}{rows['expected']}=0,0,{{c}}{rows['expected']}-{{c}}{rows['forecast']})" if lay.shape.layout >= 5
         else f"={{c}}{rows['expected']}-{{c}}{rows['forecast']}", KR),
        ("variance", "variance", f'=IF({{c}}{rows["realised"]}="","",{{c}}{rows["realised"]}-{{c}}{rows["expected"]})', KR),
        ("ended", "ended", f'=SUMPRODUCT(({a_c}="{m["persons"]}")*{a_year})' if lay.shape.actuals else "=0", "#,##0.##"),
        ("active", "active", f'=SUMPRODUCT(({a_c}="{m["active"]}")*{a_year})' if lay.shape.actuals else "=0", "#,##0.##"),
    ]
    for name, key, template, fmt in specs:
        w.text(ws, rows[name], 1, w.t(key), font=BOLD if name in ("forecast", "write_down") else None)
        for year in lay.years:
            w.formula(ws, rows[name], lay.year_col(year), template.format(c=col(lay.year_col(year))), fmt)
    if lay.shape.decision:
        _decision_rows(w, ws, rows, figures.decision_expected)
    years_span = f"${col(FIRST_YEAR_COL)}${{r}}:${col(lay.last_year_col)}${{r}}"
    for name, source in (("write_down_total", "write_down"), ("forecast_total", "forecast")):
        w.text(ws, rows[name], 1, w.t(name), font=BOLD)
        w.text(ws, rows[name], COL_UNIT, w.t("u_kr"))
        w.formula(ws, rows[name], COL_P1, f"=SUM({years_span.format(r=rows[source])})", KR)


def _decision_rows(w: Writer, ws: Worksheet, rows: dict[str, int], decided: list[float | None] | None) -> None:
    """The decision's expected savings per year (values from the decision case the book carries; blank outside
    its horizon) and what was realised against them (a formula, blank where either is)."""
    lay = w.layout
    w.text(ws, rows["decision_expected"], 1, w.t("decision_expected_row", follows=w.case.follows))
    w.text(ws, rows["realised_vs_decision"], 1, w.t("realised_vs_decision_row"), font=BOLD)
    for k, year in enumerate(lay.years):
        column = lay.year_col(year)
        value = None if decided is None else decided[k]
        if value is not None:
            ws.cell(row=rows["decision_expected"], column=column, value=value).number_format = KR
        c = col(column)
        realised, expected = f"{c}{rows['realised']}", f"{c}{rows['decision_expected']}"
        w.formula(ws, rows["realised_vs_decision"], column, f'=IF(OR({realised}="",{expected}=""),"",{realised}-{expected})', KR)
