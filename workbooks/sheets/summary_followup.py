"""The committee summary of a follow-up (a case with actuals): what was decided, what has happened, what it
means, and the deviations, on the one page. Never a page of zeros: a figure that is not defined says "—"
and why. The targets, actuals and realisation rates are live formulas on the Opfølgning sheet (their
traffic lights follow its thresholds); the sentences are written by the tool from the core's follow-up and
rebuilt by ``recalc``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from openpyxl.styles import Font

from workbooks.followup_lines import target_lines
from workbooks.labels import format_amount, format_percent
from workbooks.layout import COL_LABEL, COL_P1, col
from workbooks.sheets.followup import traffic_lights
from workbooks.writer import KR, SHARE
from xlmodel.compute import compute_case
from xlmodel.followup import FollowUp, follow_up

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from workbooks.writer import Writer

BOLD = Font(bold=True)
SECTION = Font(bold=True, size=12)


def decided_lines(w: Writer) -> list[str]:
    """What was decided: the decision case's investment, expected net gain and payback (or why they are unknown)."""
    case, lang = w.case, w.lang
    if case.decision is None:
        if case.follows:
            return [w.t("fu_decision_unread", follows=case.follows)]
        return [w.t("fu_no_decision")]
    decided = compute_case(case.decision)
    payback = str(decided.payback_year) if decided.payback_year is not None else w.t("fu_no_payback", first=case.decision.first_year, last=case.decision.last_year)
    return [
        w.t("fu_decision", title=case.decision.title, follows=case.follows, first=case.decision.first_year, last=case.decision.last_year),
        w.t("fu_decided_figures", investment=format_amount(float(decided.yearly["costs"].sum()), lang), net=format_amount(decided.net_gain, lang), payback=payback),
    ]


def meaning_lines(w: Writer, f: FollowUp) -> list[str]:
    """What it means: the revised forecast and the write-down, or why there is nothing to write down; the realised
    savings against the decision's expectation."""
    lang = w.lang
    realised = [r for r in f.realised if r is not None]
    lines = []
    if realised:
        lines.append(w.t("fu_realised", amount=format_amount(sum(realised), lang)))
    if f.total_expected:
        rate = "—" if f.rate is None else format_percent(f.rate, lang)
        lines.append(w.t("fu_forecast", forecast=format_amount(f.total_forecast, lang), expected=format_amount(f.total_expected, lang), write_down=format_amount(f.total_write_down, lang), rate=rate))
    else:
        lines.append(w.t("fu_nothing_forecast"))
    if f.decision_expected is not None:
        for year, mine, theirs in zip(f.years, f.realised, f.decision_expected, strict=True):
            if mine is not None and theirs is not None:
                lines.append(w.t("fu_vs_decision", year=year, realised=format_amount(mine, lang), decided=format_amount(theirs, lang), difference=format_amount(mine - theirs, lang)))
    return lines


def write_follow_up(w: Writer, ws: Worksheet, r: int, section: Callable[[str, list[str], int], int]) -> int:
    """The follow-up sections from row ``r``; returns the next free row. ``section`` writes a titled list of lines."""
    f = follow_up(w.result)
    r = section("fu_decided_title", decided_lines(w), r)
    r = _targets_table(w, ws, r)
    r = section("fu_meaning_title", meaning_lines(w, f), r)
    return r


def _targets_table(w: Writer, ws: Worksheet, r: int) -> int:
    """Targets against actuals with the realisation rate and its traffic light, per target line and year."""
    lay, fu = w.layout, w.ref("followup")
    rows = lay.followup_rows()
    w.text(ws, r, COL_LABEL, w.t("fu_happened_title"), font=SECTION)
    w.generated.append((ws.title, f"A{r}"))  # the table moves with the lines above it: tool text, rebuilt by recalc
    lines = target_lines(w.case)
    if not lines:
        w.text(ws, r + 1, COL_LABEL, w.t("fu_no_targets"))
        w.generated.append((ws.title, f"A{r}"))
        w.generated.append((ws.title, f"A{r + 1}"))
        return r + 3
    for year in lay.years:
        ws.cell(row=r, column=lay.year_col(year), value=year).font = BOLD
        w.generated.append((ws.title, f"{col(lay.year_col(year))}{r}"))
    green, yellow = f"{fu}!$D${rows['green']}", f"{fu}!$D${rows['yellow']}"
    for i in range(len(lines)):
        r += 1
        w.formula(ws, r, COL_LABEL, f'={fu}!$A${rows["targets"] + i}&" ("&{fu}!$C${rows["targets"] + i}&")"').font = BOLD
        w.generated.append((ws.title, f"A{r}"))
        for kind, source, fmt in (("fu_target", rows["targets"] + i, KR), ("fu_actual", rows["matched"] + i, KR), ("fu_rate", rows["realisation"] + i, SHARE)):
            r += 1
            w.text(ws, r, COL_P1 - 2, w.t(kind))
            w.generated.append((ws.title, f"{col(COL_P1 - 2)}{r}"))
            for year in lay.years:
                c = col(lay.year_col(year))
                # a year without a target, or with nothing reported against it, shows nothing rather than a 0
                shown = f"{fu}!{c}${rows['targets'] + i}" if kind == "fu_target" else f"{fu}!{c}${rows['reported'] + i}"
                w.formula(ws, r, lay.year_col(year), f'=IF(OR({shown}="",{shown}=0,{fu}!{c}${source}=""),"",{fu}!{c}${source})', "#,##0.##" if fmt == KR else fmt)
            if kind == "fu_rate":
                traffic_lights(ws, f"{col(lay.year_col(lay.years[0]))}{r}:{col(lay.last_year_col)}{r}", green, yellow)
    return r + 2

