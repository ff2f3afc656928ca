"""The refusion sheet: the staircase in built-in formulas, in every runtime.

For each cohort × split outcome there are ``CLOCKS`` rows: the counterfactual clock (weight N, start s,
clock w0) and one per fall-back (weight −N × share, start f, clock 0 after 52 weeks of self-support
unless the outcome is a wage subsidy, else w0). Block G holds each row's benefit saved,
``weight × ∫ over the year from start of B``; block I the state's refund of it,
``weight × ∫ B(t) r(clock(t))``. Both are one SUMPRODUCT over the benefit table (rows) and, for I, the
staircase's bands (columns) on the parameter sheet: exact, like the core (see ``xlmodel/refusion.py``).
Per cohort × outcome: gross = Σ G rows, the state's part = Σ I rows, the kommune's = gross − state.

An outcome that avoids a førtidspension (layout 9 on) saves until the folkepension age: each row's integral
stops at the end month of each age of the cohort's age mix (Beregning's age columns), weighted by the age's
share, ``weight × Σ_ages share × ∫ from start to min(year end, the age's end)``: the core's ``G(b) − G(e)``
and ``I(b, a) − I(e, a + W (e − b))`` as one integral each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.styles import Font

from workbooks.formulas import emax, emin, overlap
from workbooks.layout import CLOCKS, COL_WEEKS, HEADER_ROW, col
from workbooks.sheets.pairs import cohort_refs

if TYPE_CHECKING:
    from workbooks.writer import Writer

KR = "#,##0;-#,##0"


def write(w: Writer) -> None:
    ws, lay = w.sheets["refusion"], w.layout
    w.top(ws, w.t("refusion_title"))
    w.header_row(ws, [w.t("h_cohort"), w.t("h_outcome"), w.t("h_clock"), w.t("h_weight"), w.t("h_start_time"), w.t("h_start_clock")], years=True)
    if not lay.shape.split_outcomes:
        return
    pr, calc, hp, fu = w.ref("params"), w.ref("calc"), w.ref("cohorts"), w.ref("inputs")
    per_week = f"{pr}!$D${lay.params_weeks_per_year}"
    reset = f"{pr}!$D${lay.params_reset_weeks}"
    band_from, band_to, band_rate = (lay.band_range(r, pr) for r in (lay.params_stair_from, lay.params_stair_to, lay.params_stair_rate))
    bold = Font(bold=True)
    for block, key in ((0, "gross_block"), (1, "refund_block")):
        first, _ = lay.refusion_block(block)
        w.text(ws, first - 1, 1, w.t(key), font=bold)
        for i in range(lay.shape.cohorts):
            for s_index, outcome_id in enumerate(lay.shape.split_outcomes):
                k = lay.shape.outcomes.index(outcome_id)
                pair = lay.pair_row(i, k)
                refs = cohort_refs(w, i, k)
                t_first, t_last = lay.benefit_rows(s_index)
                starts, periods_end, amounts = (f"{pr}!${c}${t_first}:${c}${t_last}" for c in ("D", "E", "C"))
                subsidy = f"{fu}!$D${lay.outcome_rows(k)['subsidy']}"
                weeks = f"{hp}!${col(COL_WEEKS)}${lay.cohort_row(i)}"
                ends = [(f"{calc}!${col(lay.calc_age_cols(n)[0])}{pair}", f"{calc}!${col(lay.calc_age_cols(n)[1])}{pair}/12")
                        for n in range(lay.shape.ages)] if outcome_id in lay.shape.pension_outcomes else [("", "")]
                for clock in range(CLOCKS):
                    row = lay.refusion_row(block, i, s_index, clock)
                    w.formula(ws, row, 1, f'=IF({refs["name"]}="","",{refs["name"]})')
                    w.formula(ws, row, 2, f"={refs['label']}")
                    w.text(ws, row, 3, w.t("clock_cf") if clock == 0 else w.t("clock_fb", n=clock))
                    if clock == 0:
                        w.formula(ws, row, 4, f"={calc}!$D{pair}", "0.00")
                        w.formula(ws, row, 5, f"={calc}!$E{pair}/12", "0.0000")
                        w.formula(ws, row, 6, f"={weeks}", "0.0")
                    else:
                        share = refs[f"share{clock}"]
                        w.formula(ws, row, 4, f"=-{calc}!$D{pair}*{share}", "0.00")
                        w.formula(ws, row, 5, f"={calc}!${col(5 + clock)}{pair}/12", "0.0000")
                        fall = f"{calc}!${col(5 + clock)}{pair}"  # months: exact whole numbers, so 12 months × 52/12 is exactly 52 weeks
                        resets = f'AND(({fall}-{calc}!$E{pair})/12*{per_week}>={reset},{subsidy}<>"{w.t("yes")}")'
                        w.formula(ws, row, 6, f"=IF({resets},0,{weeks})", "0.0")
                    for year in lay.years:
                        c = col(lay.year_col(year))
                        y = f"{c}${HEADER_ROW}"
                        begin = f"MAX({y},$E{row})"
                        bodies = []
                        for share, end in ends:
                            stop = f"MIN({y}+1,{end})" if end else f"{y}+1"
                            if block == 0:
                                body = f"SUMPRODUCT({amounts}*{overlap(begin, stop, starts, periods_end)})"
                            else:
                                lo = emax(begin, f"$E{row}+({band_from}-$F{row})/{per_week}")
                                hi = emin(stop, f"$E{row}+({band_to}-$F{row})/{per_week}")
                                body = f"SUMPRODUCT({band_rate}*{amounts}*{overlap(lo, hi, starts, periods_end)})"
                            bodies.append(f"{share}*{body}" if share else body)
                        total = bodies[0] if len(bodies) == 1 else f"({'+'.join(bodies)})"
                        w.formula(ws, row, lay.year_col(year), f"=IF($D{row}=0,0,$D{row}*{total})", KR)


def pair_sum(w: Writer, block: int, cohort_index: int, outcome_id: str, year_col: str) -> str:
    """``SUM`` of one cohort × outcome's clock rows in a block, for one year column."""
    lay = w.layout
    s_index = lay.shape.split_outcomes.index(outcome_id)
    first = lay.refusion_row(block, cohort_index, s_index, 0)
    return f"SUM({w.ref('refusion')}!{year_col}{first}:{year_col}{first + CLOCKS - 1})"


def block_sum(w: Writer, block: int, year_col: str) -> str:
    """``SUM`` of a whole block for one year column (0 when nothing is split)."""
    first, last = w.layout.refusion_block(block)
    if last < first:
        return "0"
    return f"SUM({w.ref('refusion')}!{year_col}{first}:{year_col}{last})"
