"""The cohort × outcome rows that Beregning, Refusion and Besparelser share: each row's references to its
cohort's inputs and its outcome's assumptions, and the row heads. In layout 4 the rows come one block per
outcome, the cohort's row relative, so each column is one formula down a block."""

from __future__ import annotations

from collections.abc import Iterator

from openpyxl.worksheet.worksheet import Worksheet

from workbooks.layout import (
    HEADER_ROW,
    MAX_FALLBACKS,
    col,
)
from workbooks.writer import Writer


def cohort_refs(w: Writer, cohort_index: int, outcome_index: int) -> dict[str, str]:
    """Absolute references to one cohort's inputs for one outcome, and to the outcome's assumptions."""
    lay = w.layout
    hp, fu = w.ref("cohorts"), w.ref("inputs")
    # the cohort's row relative in layout 4 (the same formula down an outcome's block), absolute in layout 3
    r = f"{'' if lay.shape.pairs_by_outcome else '$'}{lay.cohort_row(cohort_index)}"
    persons_col, dead_col, rate_col = lay.cohort_outcome_cols(outcome_index)
    rows = lay.outcome_rows(outcome_index)
    return {
        "name": f"{hp}!$A{r}",
        "start": f"{hp}!$B{r}",
        "effect": f"{hp}!$C{r}",
        "participants": f"{hp}!$D{r}",
        "persons": f"{hp}!${col(persons_col)}{r}",
        "deadweight": f"{hp}!${col(dead_col)}{r}+{hp}!${col(rate_col)}{r}*{hp}!$D{r}",
        "fallbacks": f"{fu}!$D${rows['fallback1']}:$E${rows[f'fallback{MAX_FALLBACKS}']}",
        "month": f"{fu}!$D${rows['month']}",
        "unit_row": str(rows["unit"]),
        "label": f"{fu}!$A${rows['title']}",
        **{f"share{i + 1}": f"{fu}!$D${rows[f'fallback{i + 1}']}" for i in range(MAX_FALLBACKS)},
        **{f"after{i + 1}": f"{fu}!$E${rows[f'fallback{i + 1}']}" for i in range(MAX_FALLBACKS)},
        **{f"age{n + 1}": f"{hp}!${col(lay.cohort_age_cols(n)[0])}{r}" for n in range(lay.shape.ages)},
        **{f"age_share{n + 1}": f"{hp}!${col(lay.cohort_age_cols(n)[1])}{r}" for n in range(lay.shape.ages)},
    }


def pair_rows(w: Writer, ws: Worksheet, unit_key: str) -> Iterator[tuple[int, int, int, dict[str, str]]]:
    """Each cohort × outcome row, with its head (cohort, outcome, unit) written; yields the cohort and
    outcome index, the row and its references."""
    for i, k in w.layout.pairs():
        row, refs = w.layout.pair_row(i, k), cohort_refs(w, i, k)
        cohort = w.case.cohorts[i].name if i < len(w.case.cohorts) else None
        w.formula(ws, row, 1, f'=IF({refs["name"]}="","",{refs["name"]})', shows=cohort)
        w.formula(ws, row, 2, f"={refs['label']}", shows=w.case.outcomes[k].label)
        w.text(ws, row, 3, w.t(unit_key))
        yield i, k, row, refs


def months_between(year_col: str, start: str, end: str) -> str:
    """Months of year ``year_col$4`` in ``[start, max(start, end))`` (month indices): the saving of an avoided
    førtidspension stops at its end. MAX(0,MIN((Y+1)*12,end)-MAX(Y*12,start)).

    >>> months_between("I", "$E5", "$Y5")
    'MAX(0,MIN((I$4+1)*12,$Y5)-MAX(I$4*12,$E5))'
    """
    y = f"{year_col}${HEADER_ROW}"
    return f"MAX(0,MIN(({y}+1)*12,{end})-MAX({y}*12,{start}))"


def months_after(year_col: str, start: str) -> str:
    """Months of year ``year_col$4`` after month index ``start``: MAX(0,MIN(12,(Y+1)*12-MAX(Y*12,start))).

    >>> months_after("I", "$E5")
    'MAX(0,MIN(12,(I$4+1)*12-MAX(I$4*12,$E5)))'
    """
    y = f"{year_col}${HEADER_ROW}"
    return f"MAX(0,MIN(12,({y}+1)*12-MAX({y}*12,{start})))"

