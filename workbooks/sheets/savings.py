"""Besparelser (savings) per cohort, outcome and year (kr.), the Ishøj table: SAVINGS in the officejs and com
runtimes, person-years × unit saving in native; a split outcome's gross benefit saved from the Refusion sheet."""

from __future__ import annotations

from openpyxl.styles import Font

from workbooks.function_blocks import cohort_blocks
from workbooks.layout import (
    FIRST_YEAR_COL,
    FUNCTION_PREFIX,
    HEADER_ROW,
    col,
)
from workbooks.sheets import published_view
from workbooks.sheets.pairs import pair_rows
from workbooks.sheets.refusion import pair_sum
from workbooks.writer import KR, Writer


def write(w: Writer) -> None:
    ws, lay = w.sheets["savings"], w.layout
    w.top(ws, w.t("savings_title"))
    w.header_row(ws, [w.t("h_cohort"), w.t("h_outcome"), w.t("h_unit")], years=True)
    prefix = FUNCTION_PREFIX[w.runtime]
    calc, fu = w.ref("calc"), w.ref("inputs")
    for i, k, row, refs in pair_rows(w, ws, "u_kr"):
        outcome_id = lay.shape.outcomes[k]
        if outcome_id in lay.shape.split_outcomes:  # the gross benefit saved, from the refusion sheet
            for year in lay.years:
                w.formula(ws, row, lay.year_col(year), f"={pair_sum(w, 0, i, outcome_id, col(lay.year_col(year)))}", KR)
            continue
        unit = f"{fu}!{{c}}${refs['unit_row']}"
        if prefix is None:
            template = f"={calc}!{{c}}{row}*{unit}"
        else:
            args = [refs["persons"], unit, refs["effect"], f"{{c}}${HEADER_ROW}", refs["fallbacks"], refs["month"], refs["start"], refs["deadweight"]]
            template = f"=IF({calc}!$D{row}=0,0,{prefix}SAVINGS({','.join(args)}))"
        w.year_formulas(ws, row, template, KR)
    if prefix is not None:
        unit_outcomes = [(k, o) for k, o in enumerate(w.case.outcomes) if o.id not in lay.shape.split_outcomes]
        w.blocks += cohort_blocks(ws.title, "savings", w.case, unit_outcomes, lay.years, FIRST_YEAR_COL, lay.pair_row, lay.shape.cohorts)
    total = lay.savings_total_row
    w.text(ws, total, 1, w.t("total"), font=Font(bold=True))
    for year in lay.years:
        c = col(lay.year_col(year))
        w.formula(ws, total, lay.year_col(year), f"={lay.pairs_sum(w.ref('savings'), c)}", KR).font = Font(bold=True)
    published_view.write(w, ws)
