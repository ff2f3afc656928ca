"""The sensitivity sheet ("Følsomhed") as layouts up to 5 wrote it, for the books of those layouts (they are
recalculated in their own layout; ``xlmodel upgrade`` carries them to today's sheet, :mod:`workbooks.sheets.sensitivity`).
The year rows run across from column I at the top, the key figures and the computed tables below them.

Live formulas: the discount factor per year (a flat rate typed in the input cell, or Finansministeriet's
falling curve from the band table), the present value of the net result (total and the kommune's), the
discounted cumulative and payback year, and the break-even factor. In the ``native`` runtime these are
built-in formulas; in ``officejs`` and ``com`` the NPV and the break-even call DISCOUNTED_NET and
BREAK_EVEN_FACTOR. Switching values, the tornado, optimism bias and the Monte Carlo are computed by
xlmodel and written as values, labelled as such (rerun ``xlmodel recalc`` to update them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openpyxl.chart import LineChart
from openpyxl.styles import Font

from workbooks.charts import year_chart
from workbooks.formulas import paid_back
from workbooks.layout import COL_LABEL, COL_P1, COL_UNIT, FIRST_YEAR_COL, HEADER_ROW, col
from workbooks.sheets.sensitivity import Put, key_figures, switching, tornado_chart, tornado_rows

if TYPE_CHECKING:
    from workbooks.writer import Writer
    from xlmodel.appraisal import Appraisal

KR = "#,##0;-#,##0"
SHARE = "0.0%"
FACTOR = "0.0000"
NO_END_YEARS = 1_000_000


def write(w: Writer) -> None:
    ws, lay, case = w.sheets["sensitivity"], w.layout, w.case
    rows = lay.sens_rows
    w.top(ws, w.t("sens_title"))
    w.header_row(ws, [w.t("h_item"), "", w.t("h_unit"), w.t("h_value")], years=True)
    budget, brows = w.ref("budget"), lay.budget_rows()
    first_c, last_c = col(FIRST_YEAR_COL), col(lay.last_year_col)
    bold = Font(bold=True)
    # the rate: an input (a flat rate), else the curve from the parameter
    w.text(ws, rows["discount_input"], COL_LABEL, w.t("discount_input"))
    w.text(ws, rows["discount_input"], COL_UNIT, w.t("discount_input_unit"))
    w.input(ws, rows["discount_input"], COL_P1, case.appraisal.discount_rate, "0.00%", "share")
    curve = case.parameters.get("diskontering.rate").values[-1]
    starts = list(curve.years)
    ends = [*starts[1:], NO_END_YEARS]
    for key, values, fmt in (("band_from", starts, "0"), ("band_to", ends, '[>=1000000]"∞";0'), ("band_rate", list(curve.rates), "0.0%")):
        w.text(ws, rows[key], COL_LABEL, w.t(key))
        for k in range(lay.shape.discount_bands):
            cell = ws.cell(row=rows[key], column=COL_P1 + k, value=values[k] if k < len(values) else None)
            cell.number_format = fmt
            w.generated.append((ws.title, cell.coordinate))
    w.text(ws, rows["band_from"], COL_P1 + lay.shape.discount_bands + 1, curve.reference)
    w.generated.append((ws.title, ws.cell(row=rows["band_from"], column=COL_P1 + lay.shape.discount_bands + 1).coordinate))
    band = lambda key: f"${col(COL_P1)}${rows[key]}:${col(COL_P1 + lay.shape.discount_bands - 1)}${rows[key]}"  # noqa: E731
    flat = f"$D${rows['discount_input']}"
    for key in ("factor", "pv", "pv_kommune", "pv_cumulative", "pv_paid_back"):
        w.text(ws, rows[key], COL_LABEL, w.t(key), font=bold if key == "pv" else None)
    for year in lay.years:
        c = col(lay.year_col(year))
        if year == lay.shape.first_year:
            factor = "=1"
        else:
            prev = col(lay.year_col(year) - 1)
            t = f"({c}${HEADER_ROW}-${first_c}${HEADER_ROW})"
            curve_rate = f"SUMPRODUCT(({t}>={band('band_from')})*({t}<{band('band_to')})*{band('band_rate')})"
            factor = f"={prev}{rows['factor']}/(1+IF(N({flat})>0,{flat},{curve_rate}))"
        w.formula(ws, rows["factor"], lay.year_col(year), factor, FACTOR)
        w.formula(ws, rows["pv"], lay.year_col(year), f"={budget}!{c}{brows['net']}*{c}{rows['factor']}", KR)
        w.formula(ws, rows["pv_kommune"], lay.year_col(year), f"={budget}!{c}{brows['kommune_net']}*{c}{rows['factor']}", KR)
        w.formula(ws, rows["pv_cumulative"], lay.year_col(year), f"=SUM(${first_c}{rows['pv']}:{c}{rows['pv']})", KR)
        w.formula(
            ws,
            rows["pv_paid_back"],
            lay.year_col(year),
            "=" + paid_back(f"{c}{rows['pv_cumulative']}:${last_c}${rows['pv_cumulative']}", w.payback_tolerance),
            w.yes_no,
        )
    span = lambda row: f"${first_c}${row}:${last_c}${row}"  # noqa: E731
    key_figures(w, ws, rows, pv=span(rows["pv"]), pv_kommune=span(rows["pv_kommune"]), flags=span(rows["pv_paid_back"]), last_year=f"${last_c}${HEADER_ROW}", flat=flat)
    w.later.append(lambda: _tables(w))  # the appraisal's values: see Writer.complete


BOLD = Font(bold=True)
SECTION = Font(bold=True, size=12)


def _tables(w: Writer) -> None:
    """Switching values, tornado, optimism bias and Monte Carlo: values written by xlmodel."""
    assert w.appraisal is not None, "the appraisal runs before its tables (Writer.complete)"
    put = Put(w)
    row = w.layout.sens_rows["tables"]
    put(row, 1, w.t("computed_note"), font=Font(italic=True))
    row = switching(w, put, row + 2, w.appraisal)
    row = _tornado(w, put, row + 2, w.appraisal)
    if w.appraisal.optimism_bias is not None:
        row = _optimism_bias(w, put, row + 2, w.appraisal.optimism_bias)
    _monte_carlo(w, put, row + 2)


def _tornado(w: Writer, put: Put, row: int, a: Appraisal) -> int:
    """The tornado: the net gain at the low and the high factor of each input, and its chart."""
    ws = put.ws
    put(row, 1, w.t("tornado_title", change=f"{100 * w.case.appraisal.tornado_change:g}"), font=SECTION)
    row += 1
    put.header(row, ("h_input", "h_low_factor", "h_high_factor", "h_low", "h_high"))
    put(row, 6, w.t("chart_tornado"), font=BOLD)
    put(row, 7, "", None)
    header, row = row, tornado_rows(put, row, a)
    if a.tornado:
        chart = tornado_chart(w, ws, header, row)
        ws.add_chart(chart, f"{col(FIRST_YEAR_COL)}{header}")
        row = max(row, header + 16)
    return row


def _optimism_bias(w: Writer, put: Put, row: int, bias: dict[str, Any]) -> int:
    """The Green Book's optimism bias: net gain, NPV and payback without and with the adjustment."""
    a = w.appraisal
    assert a is not None
    put(row, 1, w.t("bias_title"), font=SECTION)
    row += 1
    put(row, 1, w.t("bias_line", cost=f"{100 * float(bias['cost_uplift']):g}", effect=f"{100 * float(bias['effect_reduction']):g}", delay=bias["delay_months"]))
    put(row, 4, str(bias["source"]))
    for label_key, ng, npv, payback in (
        ("without_bias", a.net_gain, a.npv, w.result.payback_year),
        ("with_bias", bias["net_gain"], bias["npv"], bias["payback_year"]),
    ):
        row += 1
        put(row, 1, w.t(label_key))
        put(row, 2, w.t("net_gain"))
        put(row, 3, float(ng), KR)
        put(row, 4, w.t("npv"))
        put(row, 5, float(npv) if npv is not None else w.t("no_flows"), KR)
        put(row, 6, w.t("payback_year"))
        put(row, 7, payback if payback is not None else w.t("never" if w.result.has_flows else "no_flows"), "0")
    return row


def _monte_carlo(w: Writer, put: Put, row: int) -> None:
    """The Monte Carlo: probability of payback, percentiles, the payback years drawn and the drivers."""
    lay = w.layout
    put(row, 1, w.t("risk_title"), font=SECTION)
    if not w.case.uncertainty:
        put(row + 1, 1, w.t("no_risk"))
        return
    r = w.risk
    assert r is not None
    for key, values, fmt in (
        ("p_payback", [r.p_payback], SHARE),
        ("p_payback_kommune", [r.p_payback_kommune], SHARE),
        ("net_gain_pct", [r.net_gain_p10, r.net_gain_p50, r.net_gain_p90], KR),
        ("npv_pct", [r.npv_p10, r.npv_p50, r.npv_p90], KR),
    ):
        row += 1
        put(row, 1, w.t(key))
        for i, value in enumerate(values):
            put(row, COL_P1 + i, value, fmt)
    row += 1
    put(row, 1, w.t("draws_seed"))
    put(row, COL_P1, r.draws, "#,##0")
    put(row, COL_P1 + 1, r.seed, "0")
    put(row, COL_P1 + 2, r.sampler)
    row += 2
    put(row, 1, w.t("cum_p"))
    cum_row = row
    for year in lay.years:
        put(row, lay.year_col(year), r.cumulative_p_payback[year], SHARE)
    row += 1
    put(row, 1, w.t("payback_dist"))
    for year in lay.years:
        put(row, lay.year_col(year), r.payback_years[str(year)], "#,##0")
    put(row, COL_P1, r.payback_years["aldrig"], "#,##0")
    put(row, COL_UNIT, w.t("never_draws"))
    chart = year_chart(LineChart, put.ws, w.t("chart_cum_p"), "%", [(w.t("cum_p"), cum_row)], (HEADER_ROW, FIRST_YEAR_COL, lay.last_year_col), share_axis=True)
    row += 2
    put(row, 1, w.t("drivers_title"), font=SECTION)
    row += 1
    put.header(row, ("h_input", "h_distribution", "h_min", "h_max", "h_share", "h_source"))
    shares = {str(d["input"]): float(d["share"]) for d in r.drivers}
    for spec in r.inputs:
        row += 1
        put(row, 1, str(spec["input"]))
        put(row, 2, str(spec["distribution"]))
        put(row, 3, float(spec["min"]), "0.00")  # type: ignore[arg-type]
        put(row, 4, float(spec["max"]), "0.00")  # type: ignore[arg-type]
        put(row, 5, shares.get(str(spec["input"]), 0.0), SHARE)
        put(row, 6, str(spec["source"]))
    put.ws.add_chart(chart, f"A{row + 2}")


__all__ = ["write"]
