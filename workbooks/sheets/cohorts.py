"""Holdplan (cohorts): one row per cohort with its start, effect start, participants, weeks on benefits and,
per outcome, the persons reaching it and the deadweight (persons or a share of the participants); when an
outcome avoids a førtidspension (layout 9 on), the cohort's ages at the effect start with their shares (an
age mix: one age with share 100 %, or several). Inputs only."""

from __future__ import annotations

from workbooks.layout import (
    COL_WEEKS,
)
from workbooks.writer import DATE, SHARE, Writer
from xlmodel.pension import age_mix
from xlmodel.validate import month_start


def write(w: Writer) -> None:
    ws, lay, case = w.sheets["cohorts"], w.layout, w.case
    w.top(ws, w.t("cohorts_title"))
    headers = [w.t("h_cohort"), w.t("h_start"), w.t("h_effect_start"), w.t("h_participants"), w.t("h_weeks")]
    for outcome in case.outcomes:
        headers += [w.t("h_persons", outcome=outcome.label), w.t("h_deadweight"), w.t("h_deadweight_rate")]
    for n in range(lay.shape.ages):
        headers += [w.t("h_age_n", n=n + 1), w.t("h_age_share_n", n=n + 1)]
    w.header_row(ws, headers, years=False)
    for i in range(lay.shape.cohorts):
        row = lay.cohort_row(i)
        cohort = case.cohorts[i] if i < len(case.cohorts) else None
        w.input(ws, row, 1, cohort.name if cohort else None)
        w.input(ws, row, 2, month_start(cohort.start) if cohort and cohort.start is not None else None, DATE, "date")
        w.input(ws, row, 3, month_start(cohort.effect_start) if cohort else None, DATE, "date")
        w.input(ws, row, 4, cohort.participants if cohort else None, "0", "whole")
        w.input(ws, row, COL_WEEKS, cohort.weeks_on_benefit if cohort else None, "0.0", "nonneg")
        for k, outcome in enumerate(case.outcomes):
            persons_col, dead_col, rate_col = lay.cohort_outcome_cols(k)
            co = cohort.outcomes.get(outcome.id) if cohort else None
            w.input(ws, row, persons_col, co.persons if co else None, "0.00", "nonneg")
            w.input(ws, row, dead_col, (co.deadweight or None) if co else None, "0.00", "nonneg")
            w.input(ws, row, rate_col, co.deadweight_rate if co else None, SHARE, "share")
        mix = age_mix(cohort) if cohort else ()
        for n in range(lay.shape.ages):
            age_col, share_col = lay.cohort_age_cols(n)
            age, share = mix[n] if n < len(mix) else (None, None)
            w.input(ws, row, age_col, age, "0", "age")
            w.input(ws, row, share_col, share, SHARE, "share")
