"""Beregning (calculation): full-year persons per cohort, outcome and year, with the net persons, the effect
month and each fall-back's month; PERSON_YEARS in the officejs and com runtimes, built-in formulas in native.

An outcome that avoids a førtidspension (layout 9 on) has built-in formulas in every runtime: beside the
years, per age of the cohort's age mix its share and the month its pension ends, the birth (age + ½ years
before the effect start, Parametre's assumption) plus the folkepension age of that birth date (Parametre's
table); each term of the person-years stops there:
``D × Σ_ages share × (months(E, end) − Σ_fall-backs s × months(F, end)) / 12``."""

from __future__ import annotations

from openpyxl.styles import Font

from workbooks.function_blocks import cohort_blocks
from workbooks.layout import (
    COL_DETAIL,
    COL_P1,
    FIRST_YEAR_COL,
    FUNCTION_PREFIX,
    HEADER_ROW,
    MAX_FALLBACKS,
    col,
)
from workbooks.sheets.pairs import months_after, months_between, pair_rows
from workbooks.writer import HEADER_FILL, PERSONS, SHARE, Writer

MONTH = "0.0"


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
    for n in range(lay.shape.ages if lay.shape.pension_outcomes else 0):
        share_col, end_col = lay.calc_age_cols(n)
        w.text(ws, HEADER_ROW, share_col, w.t("h_age_share_calc_n", n=n + 1), font=Font(bold=True)).fill = HEADER_FILL
        w.text(ws, HEADER_ROW, end_col, w.t("h_pension_end_n", n=n + 1), font=Font(bold=True)).fill = HEADER_FILL
    for _, k, row, refs in pair_rows(w, ws, "u_person_years"):
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
        if lay.shape.outcomes[k] in lay.shape.pension_outcomes:
            template = _until_pension(w, row, refs)
        elif prefix is None:
            terms = "".join(f"-${col(lay.calc_share_col(j))}{row}*{months_after('{c}', f'${col(6 + j)}{row}')}" for j in range(MAX_FALLBACKS))
            template = f"=$D{row}*({months_after('{c}', f'$E{row}')}{terms})/12"
        else:
            args = [refs["persons"], refs["effect"], f"{{c}}${HEADER_ROW}", refs["fallbacks"], refs["month"], refs["start"], refs["deadweight"]]
            template = f"=IF($D{row}=0,0,{prefix}PERSON_YEARS({','.join(args)}))"
        w.year_formulas(ws, row, template, PERSONS)
    if prefix is not None:
        called = [(k, o) for k, o in enumerate(w.case.outcomes) if o.id not in lay.shape.pension_outcomes]
        w.blocks += cohort_blocks(ws.title, "person_years", w.case, called, lay.years, FIRST_YEAR_COL, lay.pair_row, lay.shape.cohorts)


def _until_pension(w: Writer, row: int, refs: dict[str, str]) -> str:
    """The age columns of an avoided førtidspension's row (each age's share and end month) and its person-years'
    template: every term stops at the end month of each age, weighted by its share."""
    ws, lay = w.sheets["calc"], w.layout
    pr = w.ref("params")
    birth_row, first, last = lay.params_pension_rows()
    born, ages = (f"{pr}!${c}${first}:${c}${last}" for c in (col(COL_DETAIL), col(COL_P1)))
    terms = []
    for n in range(lay.shape.ages):
        share_col, end_col = lay.calc_age_cols(n)
        age = refs[f"age{n + 1}"]
        w.formula(ws, row, share_col, f'=IF({age}="",0,{refs[f"age_share{n + 1}"]})', SHARE)
        birth = f"($E{row}-12*({age}+{pr}!${col(COL_P1)}${birth_row}))"
        born_on = f"DATE(INT({birth}/12),MOD(INT({birth}),12)+1,1)"
        w.formula(ws, row, end_col, f'=IF({age}="",0,{birth}+12*LOOKUP({born_on},{born},{ages}))', MONTH)
        end = f"${col(end_col)}{row}"
        fallen = "".join(f"-{refs[f'share{j + 1}']}*{months_between('{c}', f'${col(6 + j)}{row}', end)}" for j in range(MAX_FALLBACKS))
        terms.append(f"${col(share_col)}{row}*({months_between('{c}', f'$E{row}', end)}{fallen})")
    return f"=$D{row}*({'+'.join(terms)})/12"
