"""Beregning (calculation): full-year persons per cohort, outcome and year, with the net persons, the effect
month and each fall-back's month; PERSON_YEARS in the officejs and com runtimes, built-in formulas in native."""

from __future__ import annotations

from openpyxl.styles import Font

from workbooks.function_blocks import cohort_blocks
from workbooks.layout import (
    FIRST_YEAR_COL,
    FUNCTION_PREFIX,
    HEADER_ROW,
    MAX_FALLBACKS,
    col,
)
from workbooks.sheets.pairs import months_after, pair_rows
from workbooks.writer import HEADER_FILL, PERSONS, SHARE, Writer


def write(w: Writer) -> None:
    ws, lay = w.sheets["calc"], w.layout
    w.top(ws, w.t("calc_title"))
    headers = [w.t("h_cohort"), w.t("h_outcome"), w.t("h_unit"), w.t("h_net_persons"), w.t("h_effect_month")]
    headers += [w.t("h_fallback_month_n", n=i + 1) for i in range(MAX_FALLBACKS)]
    w.header_row(ws, headers, years=True)
    prefix = FUNCTION_PREFIX[w.runtime]
    if prefix is None:
        for j in range(MAX_FALLBACKS):
            w.text(ws, HEADER_ROW, lay.calc_share_col(j), w.t("h_fallback_share_n", n=j + 1), font=Font(bold=True)).fill = HEADER_FILL
    for _, _, row, refs in pair_rows(w, ws, "u_person_years"):
        w.formula(ws, row, 4, f"={refs['persons']}-({refs['deadweight']})", PERSONS)
        w.formula(ws, row, 5, f'=IF({refs["effect"]}="",0,YEAR({refs["effect"]})*12+MONTH({refs["effect"]})-1)', "0")
        anchor = f'IF({refs["start"]}="",{refs["effect"]},{refs["start"]})'
        for j in range(MAX_FALLBACKS):
            after = refs[f"after{j + 1}"]
            exact = f"$E{row}+{after}*12"
            fixed = f"YEAR({anchor})*12+{after}*12+{refs['month']}-1"
            w.formula(ws, row, 6 + j, f'=IF($E{row}=0,0,MAX($E{row},IF({refs["month"]}="",{exact},{fixed})))', "0")
        if prefix is None:  # the fall-back shares beside the years: a local reference is much faster to evaluate
            for j in range(MAX_FALLBACKS):
                w.formula(ws, row, lay.calc_share_col(j), f"={refs[f'share{j + 1}']}", SHARE)
        # one template per row, the year's column filled in per cell ({c}): the same text, made faster
        if prefix is None:
            terms = "".join(f"-${col(lay.calc_share_col(j))}{row}*{months_after('{c}', f'${col(6 + j)}{row}')}" for j in range(MAX_FALLBACKS))
            template = f"=$D{row}*({months_after('{c}', f'$E{row}')}{terms})/12"
        else:
            args = [refs["persons"], refs["effect"], f"{{c}}${HEADER_ROW}", refs["fallbacks"], refs["month"], refs["start"], refs["deadweight"]]
            template = f"=IF($D{row}=0,0,{prefix}PERSON_YEARS({','.join(args)}))"
        w.year_formulas(ws, row, template, PERSONS)
    if prefix is not None:
        w.blocks += cohort_blocks(ws.title, "person_years", w.case, list(enumerate(w.case.outcomes)), lay.years, FIRST_YEAR_COL, lay.pair_row, lay.shape.cohorts)
