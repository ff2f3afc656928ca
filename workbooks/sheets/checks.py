"""Kontrol (checks): each check a TRUE/FALSE formula, the master check every sheet shows, the tolerances, the
Excel functions' status and the deviations from the published figures."""

from __future__ import annotations

from typing import Any

from openpyxl.formatting.rule import CellIsRule
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.layout import (
    CHECKS_PAYBACK_TOLERANCE_ROW,
    CHECKS_TOLERANCE_ROW,
    FIRST_YEAR_COL,
    FUNCTION_PREFIX,
    HEADER_ROW,
    MAX_FALLBACKS,
    col,
)
from workbooks.writer import BAD_FILL, OK_FILL, SECTION_FONT, Writer
from xlmodel.compute import PAYBACK_TOLERANCE_KR


def write(w: Writer) -> None:
    ws, lay, case = w.sheets["checks"], w.layout, w.case
    w.top(ws, w.t("checks_title"))
    w.header_row(ws, [w.t("h_check"), "", w.t("h_result")], years=False)
    rows = lay.budget_rows()
    budget, sav, calc, fu, hp = (w.ref(k) for k in ("budget", "savings", "calc", "inputs", "cohorts"))
    first_c, last_c = col(FIRST_YEAR_COL), col(lay.last_year_col)
    pairs_last = max(lay.pairs_last_row, HEADER_ROW + 1)
    tolerance_row = CHECKS_TOLERANCE_ROW
    tol = f"$C${tolerance_row}"
    shares_ok = ",".join(
        f"SUM({fu}!$D${lay.outcome_rows(k)['fallback1']}:$D${lay.outcome_rows(k)[f'fallback{MAX_FALLBACKS}']})<=1" for k in range(len(case.outcomes))
    ) or "TRUE"
    persons_cols = [lay.cohort_outcome_cols(k)[0] for k in range(len(case.outcomes))]
    c_first, c_last = lay.cohort_row(0), lay.cohort_row(max(lay.shape.cohorts - 1, 0))
    persons_sum = "+".join(f"{hp}!${col(c)}${c_first}:${col(c)}${c_last}" for c in persons_cols) or "0"
    effect = f"{calc}!$E${HEADER_ROW + 1}:$E${pairs_last}"
    checks = [
        ("check_savings_sum", f"=ABS(SUM({budget}!${first_c}${rows['cohort_savings']}:${last_c}${rows['cohort_savings']})-{lay.pairs_sum(sav)})<={tol}"),
        ("check_net_persons", f'=COUNTIF({calc}!$D${HEADER_ROW + 1}:$D${pairs_last},"<0")=0'),
        ("check_fallback_shares", f"=AND({shares_ok})"),
        ("check_effect_in_horizon", f'=COUNTIFS({effect},">0",{effect},"<"&{budget}!${first_c}${HEADER_ROW}*12)+COUNTIF({effect},">="&({budget}!${last_c}${HEADER_ROW}+1)*12)=0'),
        ("check_persons_participants", f"=SUMPRODUCT(--(({persons_sum})>{hp}!$D${c_first}:$D${c_last}))=0"),
        ("check_cumulative", f"=ABS({budget}!${last_c}${rows['cumulative']}-{budget}!$D${rows['net_gain']})<={tol}"),
        ("check_payers", _payers_check(w, budget, rows, tol)),
        ("check_benefit_tables", _benefit_tables_check(w, )),
    ]
    for i, (key, formula) in enumerate(checks):
        row = HEADER_ROW + 1 + i
        w.text(ws, row, 1, w.t(key))
        w.formula(ws, row, 3, formula)
        ws.conditional_formatting.add(f"C{row}", CellIsRule(operator="equal", formula=["TRUE"], fill=OK_FILL))
        ws.conditional_formatting.add(f"C{row}", CellIsRule(operator="equal", formula=["FALSE"], fill=BAD_FILL))
    last_check = HEADER_ROW + len(checks)
    w.formula(ws, 2, 2, f'=IF(AND(C{HEADER_ROW + 1}:C{last_check}),"OK","{w.t("fail")}")')
    w.text(ws, tolerance_row, 1, w.t("tolerance"))
    ws.cell(row=tolerance_row, column=3, value=0.01).number_format = "0.00"  # a labelled constant, not a literal in a formula
    w.text(ws, CHECKS_PAYBACK_TOLERANCE_ROW, 1, w.t("payback_tolerance"))
    ws.cell(row=CHECKS_PAYBACK_TOLERANCE_ROW, column=3, value=PAYBACK_TOLERANCE_KR).number_format = "0.000000"
    status_row = STATUS_ROW
    w.text(ws, status_row, 1, w.t("functions_status"))
    prefix = FUNCTION_PREFIX[w.runtime]
    if prefix is None:
        w.text(ws, status_row, 3, w.t("native_status"))
    else:
        w.formula(ws, status_row, 3, f"={prefix}STATUS()")
    comparison = w.comparison
    row = status_row + 2
    if comparison.checked:
        w.text(ws, row, 1, w.t("deviations_title", checked=comparison.checked, agreed=comparison.agreed), font=SECTION_FONT)
        w.generated.append((ws.title, f"A{row}"))
    for deviation in comparison.deviations:
        row += 1
        w.text(ws, row, 1, deviation.where)
        w.text(ws, row, 3, w.t("deviation_line", published=_shown(deviation.published), model=_shown(deviation.model), difference=_shown(deviation.difference)))
        w.generated += [(ws.title, f"A{row}"), (ws.title, f"C{row}")]
    _doubts(w, ws, row + 2)


def _doubts(w: Writer, ws: Worksheet, row: int) -> None:
    """The amounts the model doubts (xlmodel.plausibility), each with the figure probably meant."""
    if not w.doubts:
        return
    w.text(ws, row, 1, w.t("doubts_title"), font=SECTION_FONT)
    w.generated.append((ws.title, f"A{row}"))
    for doubt in w.doubts:
        row += 1
        w.text(ws, row, 1, doubt.message)
        w.generated.append((ws.title, f"A{row}"))


def _payers_check(w: Writer, budget: str, rows: dict[str, int], tol: str) -> str:
    """Σ over payers of savings and of costs equals the totals, summed over the horizon."""
    lay = w.layout
    span = lambda row: f"SUM({budget}!${col(FIRST_YEAR_COL)}${row}:${col(lay.last_year_col)}${row})"  # noqa: E731
    savings = "+".join(span(rows[f"{p}_savings"]) for p in lay.shape.payers)
    costs = "+".join(span(rows[f"{p}_costs"]) for p in lay.shape.payers)
    return f"=AND(ABS({savings}-{span(rows['savings'])})<={tol},ABS({costs}-{span(rows['costs'])})<={tol})"


def _benefit_tables_check(w: Writer) -> str:
    """Every cohort with a split outcome has its effect start on or after its benefit table's first date."""
    lay = w.layout
    if not lay.shape.split_outcomes or not lay.shape.cohorts:
        return "=TRUE"
    pr, hp = w.ref("params"), w.ref("cohorts")
    c_first, c_last = lay.cohort_row(0), lay.cohort_row(lay.shape.cohorts - 1)
    effects = f"{hp}!$C${c_first}:$C${c_last}"
    parts = []
    for s_index, outcome_id in enumerate(lay.shape.split_outcomes):
        persons_col = lay.cohort_outcome_cols(lay.shape.outcomes.index(outcome_id))[0]
        persons = f"{hp}!${col(persons_col)}${c_first}:${col(persons_col)}${c_last}"
        first, _ = lay.benefit_rows(s_index)
        parts.append(f'SUMPRODUCT(({persons}<>"")*({effects}<>"")*({effects}<{pr}!$B${first}))=0')
    return f"=AND({','.join(parts)})"


#: The row of the Excel functions' status line (under the two tolerances).
STATUS_ROW = CHECKS_PAYBACK_TOLERANCE_ROW + 1


def status_cell(w: Writer) -> str:
    """The reference to the cell that shows whether the Excel functions run (the cover repeats it)."""
    return f"{w.ref('checks')}!$C${STATUS_ROW}"


def _shown(value: Any) -> str:
    """A published or model figure as the deviation line shows it.

    >>> _shown(0.1 + 0.2), _shown(2557)
    ('0.3', '2557')
    """
    return f"{value:,.10g}" if isinstance(value, float) else str(value)
