"""The result cells of a workbook, read back by its layout, and the same figures from the core.

Both give ``{name: number or list}`` with the same keys, so the core's report, the workbook evaluated
with our functions and the ``native`` workbook recalculated by LibreOffice can be compared cell by cell.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from workbooks.evaluate import WorkbookError
from workbooks.followup_lines import MEASURES, target_lines
from workbooks.labels import label
from workbooks.layout import (
    CHECKS_TOLERANCE_ROW,
    CLOCKS,
    COL_P1,
    COL_UNIT,
    HEADER_ROW,
    LAYOUT_VERSION,
    READABLE_LAYOUTS,
    RUNTIMES,
    SHEET_NAMES,
    Layout,
    Shape,
    tool_titles,
)
from workbooks.sheets import published_view, sensitivity
from workbooks.sheets.checks import STATUS_ROW
from xlmodel import __version__, pension, public_purse
from xlmodel.appraisal import Appraisal, appraise
from xlmodel.compute import CaseResult, PayerResult
from xlmodel.followup import FollowUp, actual_sum, follow_up
from xlmodel.parameters import date_to_time
from xlmodel.published import model_values
from xlmodel.refusion import StepFunction, benefit_periods

BUDGET_SERIES = ("costs", "savings", "net", "cumulative", "person_years")
FOLLOW_UP_SERIES = ("expected", "forecast", "write_down")
PAYER_SERIES = ("savings", "costs", "net", "cumulative")
#: The public purse block's totals per year (cases with a wage).
TAX_PARTS = ("kommuneskat", "udligning", "kommune", "bundskat", "am_bidrag", "stat")
SENSITIVITY_FIGURES = ("npv", "npv_kommune", "discounted_payback", "break_even", "break_even_kommune")


def custom_properties(wb: Workbook) -> dict[str, str]:
    return {prop.name: prop.value for prop in wb.custom_doc_props.props}


def present_titles(wb: Workbook, lang: str) -> dict[str, str]:
    """The tool sheets ``wb`` has, key -> title, known by their identity (a renamed tab is still found); an
    older layout lacks some."""
    named = {}
    for name, defined in wb.defined_names.items():
        destinations = list(defined.destinations) if name.startswith("xlmodel_") else []
        if len(destinations) == 1:
            named[name] = destinations[0][0]
    return tool_titles(((ws.title, ws.sheet_properties.codeName) for ws in wb.worksheets), lang, named)


def sheet_titles(wb: Workbook, lang: str) -> dict[str, str]:
    """Each tool sheet's key -> its title in ``wb`` (:func:`present_titles`); a missing one is an error."""
    found = present_titles(wb, lang)
    missing = [name for key, name in SHEET_NAMES[lang].items() if key not in found]
    if missing:
        raise WorkbookError("ark", f"arket mangler fanerne {', '.join(missing)}; de må ikke slettes (og i bøger fra før layout 4, som kender fanerne på deres navn, ikke omdøbes)")
    return found


def stored_layout(wb: Workbook) -> tuple[str, Shape, str, str]:
    """The layout version, shape, runtime and language stored in a book xlmodel wrote, of any layout a release
    has written (:data:`workbooks.migrations.KNOWN_LAYOUTS`); a newer or unknown one is one clear error."""
    from workbooks.migrations import KNOWN_LAYOUTS

    props = custom_properties(wb)
    if "xlmodel_shape" not in props:
        raise WorkbookError("xlmodel_shape", "arket er ikke bygget af xlmodel (mangler xlmodel-egenskaberne i dokumentegenskaberne)")
    version = props.get("xlmodel_layout", "1")
    if version.isdigit() and int(version) > LAYOUT_VERSION:
        raise WorkbookError(
            "xlmodel_layout",
            f"arket er bygget af en nyere xlmodel ({props.get('xlmodel_version', '?')}, regnearkslayout {version}) end den installerede "
            f"({__version__}, layout {LAYOUT_VERSION}); opdatér xlmodel (pip install --upgrade xlmodel) og prøv igen",
        )
    if version not in KNOWN_LAYOUTS:
        raise WorkbookError("xlmodel_layout", f"ukendt regnearkslayout {version[:20]!r}; xlmodel har skrevet layout {', '.join(KNOWN_LAYOUTS)}")
    try:
        shape = replace(Shape.from_json(props["xlmodel_shape"]), layout=int(version))
    except ValueError as exc:
        raise WorkbookError("xlmodel_shape", f"dokumentegenskaben er ugyldig ({exc}); byg arket igen med xlmodel build") from None
    runtime, lang = props.get("xlmodel_runtime", "native"), props.get("xlmodel_lang", "da")
    if runtime not in RUNTIMES or lang not in SHEET_NAMES:
        raise WorkbookError("xlmodel_runtime", "ukendt runtime eller sprog i dokumentegenskaberne", value=(runtime, lang))
    return version, shape, runtime, lang


def layout_of(wb: Workbook) -> tuple[Layout, str, str]:
    """The layout, runtime and language stored in a workbook built by xlmodel, of a layout this release reads
    and recalculates in place; an older one names ``xlmodel upgrade``."""
    version, shape, runtime, lang = stored_layout(wb)
    if version not in READABLE_LAYOUTS:
        raise WorkbookError(
            "xlmodel_layout",
            f"arket er bygget med regnearkslayout {version} (xlmodel {custom_properties(wb).get('xlmodel_version', '?')}); denne version genberegner layout "
            f"{' og '.join(READABLE_LAYOUTS)}. Kør xlmodel upgrade på filen: den flytter dine indtastninger, ark og rettelser over i dagens layout",
        )
    return Layout(shape), runtime, lang


def read_results(path: Path) -> dict[str, Any]:
    """Result figures from the cached values of the workbook at ``path``."""
    return results_in(load_workbook(path, data_only=True))


def results_in(wb: Workbook) -> dict[str, Any]:
    """Result figures from the cached values of ``wb`` (loaded with ``data_only``): the figures
    :func:`expected_results` computes, and every check of the Kontrol sheet (each must hold)."""
    lay, _, lang = layout_of(wb)
    names = sheet_titles(wb, lang)
    budget, savings = wb[names["budget"]], wb[names["savings"]]
    rows = lay.budget_rows()
    cols = [lay.year_col(y) for y in lay.years]
    out: dict[str, Any] = {name: [budget.cell(rows[name], c).value for c in cols] for name in BUDGET_SERIES}
    for key in ("payback_year", "net_gain", "savings_cost_ratio"):
        out[key] = budget.cell(rows[key], COL_P1).value
    sens = wb[names["sensitivity"]]
    for key in SENSITIVITY_FIGURES:
        out[f"sensitivity:{key}"] = sens.cell(lay.sens_rows[key], COL_P1).value
    for payer in lay.shape.payers:
        for name in PAYER_SERIES:
            out[f"{payer}:{name}"] = [budget.cell(rows[f"{payer}_{name}"], c).value for c in cols]
        for key in ("payback_year", "net_gain"):
            out[f"{payer}:{key}"] = budget.cell(rows[f"{payer}_{key}"], COL_P1).value
    for i in range(lay.shape.cohorts):
        for k, outcome in enumerate(lay.shape.outcomes):
            out[f"cohort{i}:{outcome}"] = [savings.cell(lay.pair_row(i, k), c).value for c in cols]
    if lay.shape.published:  # the "as published" block: the model's rows that refer to the book's cells
        sav, (_, _, first) = wb[names["savings"]], lay.published_rows()
        for i in range(lay.shape.published):
            row = first + 2 * i + 1
            values = [sav.cell(row, c).value for c in cols]
            out[f"published{i}"] = [v for v in values if v is not None] or [sav.cell(row, COL_P1).value]
    if lay.shape.tax_outcomes:  # the public purse block
        for part in TAX_PARTS:
            out[f"tax:{part}"] = [budget.cell(rows[f"tax_{part}"], c).value for c in cols]
        for payer in ("kommune", "stat"):
            out[f"{payer}:net_incl_tax"] = [budget.cell(rows[f"{payer}_tax_net"], c).value for c in cols]
            out[f"{payer}:cumulative_incl_tax"] = [budget.cell(rows[f"{payer}_tax_cumulative"], c).value for c in cols]
            for key in ("payback_year", "net_gain"):
                out[f"{payer}:{key}_incl_tax"] = budget.cell(rows[f"{payer}_tax_{key}"], COL_P1).value
    followup, fu_rows = wb[names["followup"]], lay.followup_rows()
    for name in FOLLOW_UP_SERIES:
        out[f"followup:{name}"] = [followup.cell(fu_rows[name], c).value for c in cols]
    out["followup:rate"] = followup.cell(fu_rows["rate"], COL_P1).value
    if lay.shape.decision:  # the decision's expected savings and the realised against them
        for name in ("decision_expected", "realised_vs_decision"):
            out[f"followup:{name}"] = [followup.cell(fu_rows[name], c).value for c in cols]
    out["followup:write_down_total"] = followup.cell(fu_rows["write_down_total"], COL_P1).value
    inputs = wb[names["inputs"]]
    for k, outcome in enumerate(lay.shape.outcomes):  # a split outcome's gross benefit, the average of its table over each year
        if outcome in lay.shape.split_outcomes:
            out[f"gross_benefit:{outcome}"] = [inputs.cell(lay.outcome_rows(k)["unit"], c).value for c in cols]
    out["periods"] = [budget.cell(rows[f"period{i}"], COL_P1).value for i in range(lay.shape.periods)]  # each named period's net gain
    out["text:budget"] = [_text(budget, rows[f"period{i}"], 1) for i in range(lay.shape.periods)] + [_text(budget, rows[f"cost{i}"], 2) for i in range(lay.shape.costs)] \
        + [_text(budget, rows[f"saving{i}"], 2) for i in range(lay.shape.savings)]
    out["investment"] = math.fsum(v for v in out["costs"] if isinstance(v, int | float))  # what the Resumé's "Investering i alt" sums
    out |= _paid_back_flags(budget, lay, cols) | _year_table(wb, names, lay) | _followup_lines(wb, names, lay, lang) | _pension_ends(wb, names, lay)
    out |= _mirrors(wb, names, lay, lang) | _texts(wb, names, lay, lang)
    checks = wb[names["checks"]]
    check_rows = [row for row in range(HEADER_ROW + 1, CHECKS_TOLERANCE_ROW) if checks.cell(row, 1).value]
    failing = [f"{checks.cell(row, 1).value} ({checks.cell(row, 3).value!r})" for row in check_rows if checks.cell(row, 3).value is not True]
    out["checks_hold"] = ", ".join(failing) or True  # the labels of the checks that do not hold
    return out


def _flag_rows(lay: Layout) -> dict[str, str]:
    """The Budget's rows of "paid back from this year" flags: figure key -> row key."""
    rows = {"paid_back": "paid_back"} | {f"{p}:paid_back": f"{p}_paid_back" for p in lay.shape.payers}
    if lay.shape.tax_outcomes:
        rows |= {f"{p}:paid_back_incl_tax": f"{p}_tax_paid_back" for p in ("kommune", "stat")}
    return rows


def _paid_back_flags(budget: Any, lay: Layout, cols: list[int]) -> dict[str, Any]:
    """The Budget's paid-back flags per year (1 from the payback year on): a flag is what the payback year is read from."""
    rows = lay.budget_rows()
    return {key: [budget.cell(rows[row], c).value for c in cols] for key, row in _flag_rows(lay).items()}


#: Følsomhed's year table (layout 6 on): figure -> its column.
YEAR_TABLE = {"factor": sensitivity.FACTOR_COL, "pv": sensitivity.PV, "pv_kommune": sensitivity.PV_KOMMUNE,
              "pv_cumulative": sensitivity.PV_CUMULATIVE, "pv_paid_back": sensitivity.PV_PAID_BACK}  # fmt: skip


def _year_table(wb: Workbook, names: dict[str, str], lay: Layout) -> dict[str, Any]:
    """Følsomhed's row per year: the discount factor, the present values in total and the kommune's, their
    cumulative and the discounted paid-back flag (layout 5 had no such table)."""
    if lay.shape.layout < 6:
        return {}
    ws = wb[names["sensitivity"]]
    rows = [lay.sens_year_row(year) for year in lay.years]
    return {f"sensitivity:{name}": [ws.cell(r, c).value for r in rows] for name, c in YEAR_TABLE.items()}


#: Opfølgning's blocks per target line: the actual matched to it, actual − target, reported (1/0), the realisation rate.
LINE_BLOCKS = ("matched", "difference", "reported", "realisation")


def _followup_lines(wb: Workbook, names: dict[str, str], lay: Layout, lang: str) -> dict[str, Any]:
    """Per target line the Opfølgning's blocks (their label columns A–E and their values per year), the results
    the check does not read elsewhere (realised, variance, persons ended, active, the forecast's total), and the
    Resumé's table of targets, actuals and rates (found under its title), as :func:`_expected_followup_lines`."""
    ws, rows = wb[names["followup"]], lay.followup_rows()
    cols = [lay.year_col(y) for y in lay.years]
    found: dict[str, Any] = {f"followup:{name}": [ws.cell(rows[name], c).value for c in cols] for name in ("realised", "variance", "ended", "active")}
    found["followup:forecast_total"] = ws.cell(rows["forecast_total"], COL_P1).value
    key_of = {text: key for key, text in MEASURES[lang].items()}  # a measure by its key, as the core names it
    for i in range(lay.shape.targets):
        for block in (b for b in LINE_BLOCKS if b in rows):
            found[f"followup:line{i}:{block}"] = [ws.cell(rows[block] + i, c).value for c in cols]
            texts = [_text(ws, rows[block] + i, c) for c in range(1, 6)]
            found[f"followup:line{i}:{block}:text"] = [key_of.get(t, t) if c == 3 else t for c, t in enumerate(texts, 1)]
    summary = wb[names["summary"]]
    title = label(lang, "fu_happened_title")
    top = next((r for r in range(1, summary.max_row + 1) if summary.cell(r, 1).value == title), None)
    if top is not None:
        for i in range(lay.shape.targets):
            head = top + 1 + 4 * i
            heading = str(_text(summary, head, 1))
            for text, key in key_of.items():  # "label (measure)"
                if heading.endswith(f" ({text})"):
                    heading = heading.removesuffix(f" ({text})") + f" ({key})"
                    break
            found[f"summary:line{i}"] = [heading] + [_text(summary, head + k, c) for k in (1, 2, 3) for c in cols]
    return found


def _expected_followup_lines(result: CaseResult, lay: Layout, f: FollowUp) -> dict[str, Any]:
    """What :func:`_followup_lines` reads, from the core: each target line's actual is the core's sum of the
    actuals of its measure and outcomes that year (:func:`xlmodel.followup.actual_sum`); a measure by its key."""
    case, years = result.case, lay.years
    out: dict[str, Any] = {"followup:realised": list(f.realised), "followup:variance": list(f.variance),
                           "followup:ended": [f.ended.get(y, 0.0) for y in years], "followup:active": [f.active.get(y, 0.0) for y in years],
                           "followup:forecast_total": f.total_forecast}  # fmt: skip
    lines = target_lines(case)
    top_rows = lay.followup_rows()
    for i in range(lay.shape.targets):
        line = lines[i] if i < len(lines) else None
        if line is None:
            continue  # an empty line of a template: what its formulas show is the engines' reading of blank criteria
        outcomes = tuple(line.outcome.split("+")) if line.outcome else ()
        measure, shown = line.measure, [*outcomes, "", "", ""]
        text = [line.label, shown[0], measure, shown[1], shown[2]]  # the columns A–E: label, outcome 1, measure, outcomes 2 and 3
        matched: list[float] = []
        difference: list[float | None] = []
        reported: list[int] = []
        rate: list[float | None] = []
        for year in years:
            target, actual = line.values.get(year), actual_sum(case.actuals, year, outcomes, line.measure)
            matched.append(0.0 if actual is None else actual)
            reported.append(int(target is not None and actual is not None))
            if target is None or actual is None:
                difference.append(None)
                rate.append(None)
            else:
                difference.append(actual - target)
                rate.append(actual / target if target != 0 else None)
        values = {"matched": matched, "difference": difference, "reported": reported, "realisation": rate}
        for block in (b for b in LINE_BLOCKS if b in top_rows):
            out[f"followup:line{i}:{block}"] = values[block]
            out[f"followup:line{i}:{block}:text"] = text
        if case.actuals or case.targets or case.follows:  # the Resumé of a follow-up: a year without a target, or with nothing reported, shows nothing
            targets = [line.values.get(y) or "" for y in years]
            out[f"summary:line{i}"] = [f"{line.label} ({measure})", *targets, *(m if r else "" for m, r in zip(matched, reported, strict=True)),
                                       *("" if v is None else v for v in rate)]  # fmt: skip
    return out


#: The key figures the Forside and the Resumé show (by their label), each the figure of :func:`expected_results` it mirrors.
MIRRORED_FIGURES = {
    "payback_year": "payback_year", "net_gain": "net_gain", "savings_cost_ratio": "savings_cost_ratio", "npv_key": "sensitivity:npv",
    "kommune_payback": "kommune:payback_year", "kommune_net_gain": "kommune:net_gain", "sum_investment": "investment",
    "kommune_tax_payback": "kommune:payback_year_incl_tax", "kommune_tax_net_gain": "kommune:net_gain_incl_tax",
}  # fmt: skip


def _mirrors(wb: Workbook, names: dict[str, str], lay: Layout, lang: str) -> dict[str, Any]:
    """The key figures of the Forside (column B) and of the Resumé (column D; its economy per year in the year
    columns), each found by its label in column A: ``cover:<figure>`` and ``summary:<figure>``, which
    :func:`differences` holds against the figure they mirror (a reference moved a row shows another figure)."""
    found: dict[str, Any] = {}
    years = [lay.year_col(y) for y in lay.years]
    rows_of = lambda ws: {ws.cell(row, 1).value: row for row in range(1, ws.max_row + 1) if isinstance(ws.cell(row, 1).value, str)}  # noqa: E731
    for sheet, column in (("cover", 2), ("summary", COL_P1)):
        if names[sheet] not in wb.sheetnames:
            continue
        ws = wb[names[sheet]]
        rows = rows_of(ws)
        for key, figure in MIRRORED_FIGURES.items():
            if label(lang, key) in rows:
                found[f"{sheet}:{figure}"] = ws.cell(rows[label(lang, key)], column).value
        if sheet == "summary":
            series = {label(lang, key): figure for key, figure in (("costs_total", "costs"), ("savings_total", "savings"), ("net", "net"), ("cumulative", "cumulative"))}
            series |= {label(lang, "p_savings", payer=label(lang, f"payer_{p}")): f"{p}:savings" for p in lay.shape.payers}
            for text, figure in series.items():
                if text in rows:
                    found[f"{sheet}:{figure}"] = [ws.cell(rows[text], c).value for c in years]
    return found


def _text(ws: Any, row: int, column: int) -> Any:
    """A cell's cached value, an empty cell as ""."""
    value = ws.cell(row, column).value
    return "" if value is None else value


def _texts(wb: Workbook, names: dict[str, str], lay: Layout, lang: str) -> dict[str, Any]:
    """The text the tool's formulas show: the master check on every sheet, the title and the kommune (Forside,
    Resumé), the cohort and outcome of each row of Beregning, Besparelser and Refusion (a label one row off
    names another cohort's figures)."""
    master = label(lang, "master_check")
    shown = [(ws.title, _text(ws, 2, 2)) for ws in wb.worksheets if ws.title in names.values() and ws.title != names["checks"] and ws.cell(2, 1).value == master]
    found: dict[str, Any] = {"text:master": ", ".join(f"{title}: {value!r}" for title, value in shown if value != "OK") or "OK"}
    cover, summary = wb[names["cover"]], wb[names["summary"]]
    found["text:heading"] = [_text(cover, 1, 1), _text(cover, 4, 2), _text(summary, 3, 1), _text(summary, 4, 1)]
    status = next((r for r in range(1, cover.max_row + 1) if cover.cell(r, 1).value == label(lang, "functions_status")), None)
    # the Forside repeats whether the Excel functions run (the Kontrol sheet's status cell)
    found["text:functions"] = status is not None and _text(cover, status, 2) == _text(wb[names["checks"]], STATUS_ROW, 3)
    found["text:pairs"] = [_text(wb[names[sheet]], lay.pair_row(i, k), c) for sheet in ("calc", "savings") for i, k in lay.pairs() for c in (1, 2)]
    found["text:refusion"] = [_text(wb[names["refusion"]], lay.refusion_row(block, i, s, clock), c) for block in (0, 1) for i in range(lay.shape.cohorts)
                              for s in range(len(lay.shape.split_outcomes)) for clock in range(CLOCKS) for c in (1, 2)]  # fmt: skip
    refusion = wb[names["refusion"]]
    # each clock's weight, start and start on the staircase (columns D–F) is shown in both blocks; the refund
    # block's figures depend on them, the gross block's start on the staircase only shows it: the two must agree
    rows = [(lay.refusion_row(0, i, s, clock), lay.refusion_row(1, i, s, clock)) for i in range(lay.shape.cohorts)
            for s in range(len(lay.shape.split_outcomes)) for clock in range(CLOCKS)]  # fmt: skip
    found["text:clocks_agree"] = all(refusion.cell(gross, c).value == refusion.cell(refund, c).value for gross, refund in rows for c in (4, 5, 6))
    units = {label(lang, "u_kr"): "kr", label(lang, "u_share_of_year"): "share_of_year"}  # a cost line's unit: kr. a year, or shares of a staffed year
    inputs = wb[names["inputs"]]
    found["text:cost_units"] = [units.get(v, v) for v in (_text(inputs, lay.cost_row(i), COL_UNIT) for i in range(lay.shape.costs))]
    return found


def _expected_texts(result: CaseResult, lay: Layout) -> dict[str, Any]:
    """What :func:`_texts` reads, from the case."""
    case = result.case
    name = lambda i: case.cohorts[i].name if i < len(case.cohorts) else ""  # noqa: E731
    outcome = lambda oid: case.outcome(oid).label  # noqa: E731
    return {
        "text:master": "OK",
        "text:functions": True,
        "text:clocks_agree": True,
        "text:cost_units": [("share_of_year" if case.costs[i].staff is not None else "kr") if i < len(case.costs) else "kr" for i in range(lay.shape.costs)],
        "text:heading": [case.title, case.municipality, case.title, f"{case.municipality + ' · ' if case.municipality else ''}{case.first_year}–{case.last_year}"],
        "text:pairs": [v for _ in ("calc", "savings") for i, k in lay.pairs() for v in (name(i), outcome(lay.shape.outcomes[k]))],
        "text:refusion": [v for _ in (0, 1) for i in range(lay.shape.cohorts) for oid in lay.shape.split_outcomes for _ in range(CLOCKS) for v in (name(i), outcome(oid))],
    }


def expected_results(result: CaseResult, lay: Layout) -> dict[str, Any]:
    """The same figures from the core."""
    yearly = result.yearly
    out: dict[str, Any] = {name: yearly[name].tolist() for name in BUDGET_SERIES}
    out["payback_year"] = result.payback_year
    out["net_gain"] = result.net_gain
    out["savings_cost_ratio"] = result.savings_cost_ratio
    a = appraise(result.case)
    figures = {"npv": a.npv, "npv_kommune": a.npv_by_payer["kommune"], "discounted_payback": a.discounted_payback_year,
               "break_even": a.break_even_factor, "break_even_kommune": a.break_even_by_payer["kommune"]}
    for key in SENSITIVITY_FIGURES:
        out[f"sensitivity:{key}"] = figures[key]
    for payer in lay.shape.payers:
        p = result.by_payer[payer]
        for name in PAYER_SERIES:
            out[f"{payer}:{name}"] = p.yearly[name].tolist()
        out[f"{payer}:payback_year"] = p.payback_year
        out[f"{payer}:net_gain"] = p.net_gain
    for i in range(lay.shape.cohorts):
        for outcome in lay.shape.outcomes:
            cohort = result.case.cohorts[i].name if i < len(result.case.cohorts) else None
            out[f"cohort{i}:{outcome}"] = result.cohort_figure(cohort, outcome).tolist() if cohort else [0.0] * lay.n_years
    with_tax: dict[str, PayerResult] = {}  # the kommune's and the stat's figures after tax (cases with a wage)
    if lay.shape.tax_outcomes:
        tax = public_purse.case_tax(result)
        for part in TAX_PARTS:
            out[f"tax:{part}"] = tax.part(part).tolist()
        for payer in ("kommune", "stat"):
            with_tax[payer] = public_purse.payer_with_tax(result, tax, payer)
            out[f"{payer}:net_incl_tax"] = with_tax[payer].yearly["net"].tolist()
            out[f"{payer}:cumulative_incl_tax"] = with_tax[payer].yearly["cumulative"].tolist()
            out[f"{payer}:payback_year_incl_tax"] = with_tax[payer].payback_year
            out[f"{payer}:net_gain_incl_tax"] = with_tax[payer].net_gain
    for i, figure in enumerate(result.case.published[: lay.shape.published]):
        if figure.figure in published_view.IN_BOOK:
            models = [model for _, _, model in model_values(result, figure)]
            out[f"published{i}"] = [None if m is None else m * figure.sign / figure.unit for m in models] if figure.figure != "payback_year" else models
    if lay.shape.undefined_without_flows:
        _undefined_without_flows(result, lay, out, with_tax)
    else:  # layouts up to 6: what their books show without costs and savings
        _first_year_and_zero(result, lay, out)
    _expected_flags(result, lay, out, a, with_tax)
    f = follow_up(result)
    out |= _expected_followup_lines(result, lay, f)
    for name in FOLLOW_UP_SERIES:
        out[f"followup:{name}"] = list(getattr(f, name))
    if lay.shape.layout < 5:  # layouts 3 and 4 wrote down a saving nobody expected too: what their books compute
        out["followup:write_down"] = [e - fc for e, fc in zip(f.expected, f.forecast, strict=True)]
    out["followup:rate"] = 1.0 if f.rate is None else f.rate  # the workbook shows the multiplier it uses
    if lay.shape.decision and f.decision_expected is not None:
        out["followup:decision_expected"] = list(f.decision_expected)
        out["followup:realised_vs_decision"] = f.realised_vs_decision
    out["followup:write_down_total"] = math.fsum(out["followup:write_down"])
    out["investment"] = float(math.fsum(yearly["costs"]))
    for outcome in lay.shape.split_outcomes:  # the Parametre sheet's table of the benefit, from the horizon's start
        periods = benefit_periods(result.case, result.case.outcome(outcome))
        knots = [date_to_time(p.start) for p in periods] + [float(result.case.last_year + 1)]
        table = StepFunction(np.array(knots), np.array([p.annual for p in periods]))
        out[f"gross_benefit:{outcome}"] = table.yearly(result.years).tolist()  # the integral over each year, as the sheet sums it
    out["periods"] = [p.net_gain for p in result.periods]
    case = result.case
    line = lambda lines, i: lines[i].label if i < len(lines) else ""  # noqa: E731
    out["text:budget"] = [p.name for p in result.periods] + [line(case.costs, i) for i in range(lay.shape.costs)] + [line(case.savings, i) for i in range(lay.shape.savings)]
    out["checks_hold"] = True  # every check of the Kontrol sheet holds
    out |= _expected_texts(result, lay) | _expected_pension_ends(result, lay)
    return out


def _pension_ends(wb: Workbook, names: dict[str, str], lay: Layout) -> dict[str, Any]:
    """Beregning's share and end month of each age on the rows of an outcome that avoids a førtidspension."""
    calc = wb[names["calc"]]
    return {f"pension:{i}:{oid}": [calc.cell(lay.pair_row(i, lay.shape.outcomes.index(oid)), c).value for n in range(lay.shape.ages) for c in lay.calc_age_cols(n)]
            for oid in lay.shape.pension_outcomes for i in range(lay.shape.cohorts)}  # fmt: skip


def _expected_pension_ends(result: CaseResult, lay: Layout) -> dict[str, Any]:
    """What :func:`_pension_ends` reads, from the core (:func:`xlmodel.pension.end_months`); 0 where a cohort
    has no such age."""
    found: dict[str, Any] = {}
    for i in range(lay.shape.cohorts):
        values = [0.0, 0.0] * lay.shape.ages
        if i < len(result.case.cohorts) and (mix := pension.age_mix(cohort := result.case.cohorts[i])):
            shares, ends = pension.end_months(result.case, [cohort])
            values[: 2 * len(mix)] = [v for n in range(len(mix)) for v in (shares[0, n], ends[0, n])]
        found |= {f"pension:{i}:{oid}": values for oid in lay.shape.pension_outcomes}
    return found


def _expected_flags(result: CaseResult, lay: Layout, out: dict[str, Any], a: Appraisal, with_tax: dict[str, PayerResult]) -> None:
    """The paid-back flags (1 from the payback year on) and Følsomhed's year table, from the core's payback years,
    yearly nets and discount factors. A case (or payer) without costs and savings has no payback: its flags are
    "—" (layout 8 on; a book of layout 7 or before shows 1 in every year)."""
    years = lay.years
    none = ["—"] * len(years) if lay.shape.flags_undefined_without_flows else [1] * len(years)

    def flags(payback: int | None, flows: bool) -> list[Any]:
        return [int(payback is not None and y >= payback) for y in years] if flows else none

    out["paid_back"] = flags(result.payback_year, result.has_flows)
    for payer in lay.shape.payers:
        out[f"{payer}:paid_back"] = flags(result.by_payer[payer].payback_year, result.by_payer[payer].has_flows)
    for payer, after_tax in with_tax.items():
        out[f"{payer}:paid_back_incl_tax"] = flags(after_tax.payback_year, after_tax.has_flows)
    if lay.shape.layout < 6:
        return
    factors = a.rate.factors(len(years))
    pv = np.asarray(result.yearly["net"], dtype=float) * factors
    out |= {"sensitivity:factor": factors.tolist(), "sensitivity:pv": pv.tolist(), "sensitivity:pv_cumulative": np.cumsum(pv).tolist(),
            "sensitivity:pv_kommune": (np.asarray(result.by_payer["kommune"].yearly["net"], dtype=float) * factors).tolist()}  # fmt: skip
    out["sensitivity:pv_paid_back"] = flags(a.discounted_payback_year, result.has_flows)


#: What :func:`differences` expects where the book shows a key figure as undefined: a text starting "—" (the reason follows in the book's language).
UNDEFINED = "—"


def _undefined_without_flows(result: CaseResult, lay: Layout, out: dict[str, Any], with_tax: dict[str, PayerResult]) -> None:
    """A case (or payer) without costs and savings (layout 7 on): its payback years, NPV and discounted payback
    are "—" with the reason in the book, not any text (a "never" there would be the guard turned around)."""
    if not result.has_flows:
        out |= dict.fromkeys(("payback_year", "sensitivity:npv", "sensitivity:discounted_payback"), UNDEFINED)
    for payer in lay.shape.payers:
        if not result.by_payer[payer].has_flows:
            out[f"{payer}:payback_year"] = UNDEFINED
            if payer == "kommune":
                out["sensitivity:npv_kommune"] = UNDEFINED
    for payer, after_tax in with_tax.items():
        if not after_tax.has_flows:
            out[f"{payer}:payback_year_incl_tax"] = UNDEFINED


def _first_year_and_zero(result: CaseResult, lay: Layout, out: dict[str, Any]) -> None:
    """A book of layout 6 or before shows a case (or payer) without costs and savings as paid back in its first
    year with an NPV of 0, where the core says undefined (layout 7: "—" with the reason)."""
    first = result.case.first_year
    if not result.has_flows:
        out |= {"payback_year": first, "sensitivity:npv": 0.0, "sensitivity:discounted_payback": first}
    for payer in lay.shape.payers:
        if not result.by_payer[payer].has_flows:
            out[f"{payer}:payback_year"] = first
            if payer == "kommune":
                out["sensitivity:npv_kommune"] = 0.0


def differences(expected: dict[str, Any], actual: dict[str, Any], *, tolerance: float = 0.01) -> list[str]:
    """Every figure that differs by more than ``tolerance`` kr. (payback "ingen"/"none"/"-" = no payback)."""
    found = []
    mirrors = {key: expected[key.split(":", 1)[1]] for key in actual if key.startswith(("cover:", "summary:")) and key.split(":", 1)[1] in expected}
    for key, want in (expected | mirrors).items():
        got = actual.get(key)
        pairs = zip(want, got, strict=True) if isinstance(want, list) and isinstance(got, list) else [(want, got)]
        for i, (w, g) in enumerate(pairs):
            if w == UNDEFINED:  # "—" and the reason, in the book's language
                if not (isinstance(g, str) and g.startswith(UNDEFINED)):
                    found.append(f"{key}[{i}]: forventet «— (grunden)», fik {g!r}")
            elif isinstance(w, bool | str):  # a check: TRUE, not 1; a text the tool shows
                if (g is not w) if isinstance(w, bool) else (g != w):
                    found.append(f"{key}[{i}]: forventet {w!r}, fik {g!r}")
            elif w is None:
                if isinstance(g, int | float):
                    found.append(f"{key}[{i}]: forventet ingen, fik {g!r}")
            elif not isinstance(g, int | float) or isinstance(g, bool) or not math.isclose(w, g, rel_tol=0, abs_tol=tolerance):
                found.append(f"{key}[{i}]: forventet {w!r}, fik {g!r}")
    return found
