"""The sensitivity sheet ("Følsomhed"): what the case is worth today and how sure we are.

From layout 6 the sheet reads as a committee reads it. Its first printed page: the key figures (the
discount rate typed in its input cell, the NPV in total and the kommune's, the discounted payback year, the
break-even factors, the Monte Carlo's probability of payback and the net gain's P10/P50/P90), two charts side
by side (the tornado and the probability of having paid back by each year) and the switching values. The
detail follows on a page of its own: Finansministeriet's falling discount rate as a table of bands, one row
per year (discount factor, present values, discounted cumulative, paid back, the Monte Carlo's probability
and payback years), the tornado's table, optimism bias and the Monte Carlo's inputs. Every column is a label
or a value column (the years run down the rows), so the sheet prints one page wide in normal size for any
horizon.

Live formulas: the discount factor per year (a flat rate typed in the input cell, or the falling curve),
the present value of the net result (total and the kommune's), the discounted cumulative and payback year,
and the break-even factor. In the ``native`` runtime these are built-in formulas; in ``officejs`` and
``com`` the NPV and the break-even call DISCOUNTED_NET and BREAK_EVEN_FACTOR. Switching values, the
tornado, optimism bias and the Monte Carlo are computed by xlmodel and written as values, labelled as such
(rerun ``xlmodel recalc`` to update them). Books of layouts up to 5 keep their own sheet
(:mod:`workbooks.sheets.sensitivity_layout5`).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from workbooks.charts import readable
from workbooks.formulas import paid_back, payback_year
from workbooks.layout import COL_LABEL, COL_P1, COL_UNIT, FIRST_YEAR_COL, FUNCTION_PREFIX, col

if TYPE_CHECKING:
    from workbooks.writer import Writer
    from xlmodel.appraisal import Appraisal

KR = "#,##0;-#,##0"
SHARE = "0.0%"
FACTOR = "0.0000"
NO_END_YEARS = 1_000_000
BOLD = Font(bold=True)
SECTION = Font(bold=True, size=12)
#: A table's column headings wrap onto more lines rather than widen the sheet.
HEADING = Alignment(wrap_text=True, vertical="top")
#: The year table's columns: the year, then one column per figure (a formula the same down the rows).
YEAR, FACTOR_COL, PV, PV_KOMMUNE, PV_CUMULATIVE, PV_PAID_BACK, CUM_P, PAYBACK_DRAWS = range(1, 9)
#: The width of each value column (B–H), so a heading wraps at its spaces, never inside a word.
VALUE_WIDTH = 14
#: Points per line of a wrapped heading (its row is made tall enough for every line: no engine does it).
LINE_POINTS = 13
#: The page's margins (inches; Excel's "narrow"): the first page prints closer to full size.
MARGIN_IN = 0.4
#: A source or note longer than this runs on over lines of its own (the first page is about 150 characters wide).
LINE_CHARACTERS = 140
#: Widths (cm) of the two charts on the first page, side by side within the page.
TORNADO_WIDTH, PROBABILITY_WIDTH, CHART_HEIGHT = 16.5, 10.5, 7.0
#: The probability chart starts in column E, right of the tornado (columns A–D: the label, value and unit columns).
PROBABILITY_CHART_COL = 5


def write(w: Writer) -> None:
    if w.layout.shape.layout < 6:
        from workbooks.sheets import sensitivity_layout5  # the sheet as layouts up to 5 wrote it

        sensitivity_layout5.write(w)
        return
    ws, lay, case = w.sheets["sensitivity"], w.layout, w.case
    rows = lay.sens_rows
    w.top(ws, w.t("sens_title"))
    w.text(ws, 3, COL_LABEL, w.t("computed_note"), font=Font(italic=True))
    w.header_row(ws, [w.t("h_item"), "", w.t("h_unit"), w.t("h_value")], years=False)
    budget, brows = w.ref("budget"), lay.budget_rows()
    # the rate: an input (a flat rate), else the curve of bands on the detail page
    w.text(ws, rows["discount_input"], COL_LABEL, w.t("discount_input"))
    w.text(ws, rows["discount_input"], COL_UNIT, w.t("discount_input_hint"))
    w.input(ws, rows["discount_input"], COL_P1, case.appraisal.discount_rate, "0.00%", "share")
    flat = f"$D${rows['discount_input']}"
    _bands(w, rows)
    first, last = rows["years"], lay.sens_year_row(lay.shape.last_year)
    column = lambda c, r=None: f"${col(c)}${r}" if r is not None else f"${col(c)}${first}:${col(c)}${last}"  # noqa: E731
    _heading(w, rows["years_header"] - 1, 1, w.t("sens_years_title"), SECTION)
    headings = (("h_year", YEAR), ("h_y_factor", FACTOR_COL), ("h_y_pv", PV), ("h_y_pv_kommune", PV_KOMMUNE), ("h_y_cumulative", PV_CUMULATIVE), ("h_y_paid_back", PV_PAID_BACK))
    for key, c in headings:
        _heading(w, rows["years_header"], c, w.t(key))
    for c in range(COL_LABEL + 1, PAYBACK_DRAWS + 1):  # the value columns one width, used or not: headings wrap at their spaces
        w.shown[(ws.title, c)] = VALUE_WIDTH - 2
    bands = lambda c: f"${col(c)}${rows['bands']}:${col(c)}${rows['bands'] + lay.shape.discount_bands - 1}"  # noqa: E731
    budget_year = lambda key, r: f"INDEX({lay.year_range(brows[key], budget)},1,{col(YEAR)}{r}-{column(YEAR, first)}+1)"  # noqa: E731
    for year in lay.years:
        r = lay.sens_year_row(year)
        cell = ws.cell(row=r, column=YEAR, value=year)
        cell.font, cell.alignment = BOLD, Alignment(horizontal="left")
        w.generated.append((ws.title, cell.coordinate))
        if r == first:
            factor = "=1"
        else:
            t = f"({col(YEAR)}{r}-{column(YEAR, first)})"
            curve_rate = f"SUMPRODUCT(({t}>={bands(1)})*({t}<{bands(2)})*{bands(3)})"
            factor = f"={col(FACTOR_COL)}{r - 1}/(1+IF(N({flat})>0,{flat},{curve_rate}))"
        w.formula(ws, r, FACTOR_COL, factor, FACTOR)
        w.formula(ws, r, PV, f"={budget_year('net', r)}*{col(FACTOR_COL)}{r}", KR)
        w.formula(ws, r, PV_KOMMUNE, f"={budget_year('kommune_net', r)}*{col(FACTOR_COL)}{r}", KR)
        w.formula(ws, r, PV_CUMULATIVE, f"=SUM({column(PV, first)}:{col(PV)}{r})", KR)
        flag = "=" + paid_back(f"{col(PV_CUMULATIVE)}{r}:{column(PV_CUMULATIVE, last)}", w.payback_tolerance)
        w.formula(ws, r, PV_PAID_BACK, w.unless_flows_flag(flag, *(lay.year_range(brows[key], budget) for key in ("costs", "savings"))), w.yes_no)
    key_figures(w, ws, rows, pv=column(PV), pv_kommune=column(PV_KOMMUNE), flags=column(PV_PAID_BACK), last_year=column(YEAR, last), flat=flat)
    ws.row_breaks.append(Break(id=rows["details"] - 1))  # the detail starts a printed page of its own
    ws.page_margins = PageMargins(left=MARGIN_IN, right=MARGIN_IN, top=MARGIN_IN, bottom=MARGIN_IN)
    w.later.append(lambda: _tables(w))  # the appraisal's values: see Writer.complete


def key_figures(w: Writer, ws: Any, rows: dict[str, int], *, pv: str, pv_kommune: str, flags: str, last_year: str, flat: str) -> None:
    """The key figures' labels and formulas in column D of their ``rows``: the NPV in total and the kommune's
    (Σ of the present values ``pv`` and ``pv_kommune``; in the function runtimes DISCOUNTED_NET of the Budget's
    net at the ``flat`` rate's cell), the discounted payback year from the paid-back ``flags`` (the cell
    ``last_year`` holds the horizon's last year) and the break-even factors."""
    lay, budget, brows = w.layout, w.ref("budget"), w.layout.budget_rows()
    prefix = FUNCTION_PREFIX[w.runtime]
    for key in ("npv", "npv_kommune", "discounted_payback", "break_even", "break_even_kommune"):
        w.text(ws, rows[key], COL_LABEL, w.t(key), font=BOLD)
    # none of them for a case (or the kommune) without costs and savings: nothing to discount or pay back
    flows = {payer: [lay.year_range(brows[f"{prefix_key}costs"], budget), lay.year_range(brows[f"{prefix_key}savings"], budget)]
             for payer, prefix_key in (("total", ""), ("kommune", "kommune_"))}
    guarded = lambda formula, payer="total": w.unless_flows(formula, *flows[payer])  # noqa: E731
    if prefix is None:
        w.formula(ws, rows["npv"], COL_P1, guarded(f"=SUM({pv})"), KR)
        w.formula(ws, rows["npv_kommune"], COL_P1, guarded(f"=SUM({pv_kommune})", "kommune"), KR)
    else:
        w.formula(ws, rows["npv"], COL_P1, guarded(f"={prefix}DISCOUNTED_NET({lay.year_range(brows['net'], budget)},{flat},TRUE)"), KR)
        w.formula(ws, rows["npv_kommune"], COL_P1, guarded(f"={prefix}DISCOUNTED_NET({lay.year_range(brows['kommune_net'], budget)},{flat},TRUE)", "kommune"), KR)
    for key in ("npv", "npv_kommune"):
        w.text(ws, rows[key], COL_UNIT, w.t("u_kr"))
    w.formula(ws, rows["discounted_payback"], COL_P1, guarded(payback_year(flags, last_year, w.t("never"))), "0")
    break_even_formulas(w, ws, rows)


def break_even_formulas(w: Writer, ws: Any, rows: dict[str, int]) -> None:
    """The break-even factor on the cohorts' net effect, in total and for the kommune (the kommune's share of
    the cohorts' savings is what the stat does not refund), in column D of ``rows``' break-even rows."""
    lay, budget, brows = w.layout, w.ref("budget"), w.layout.budget_rows()
    prefix = FUNCTION_PREFIX[w.runtime]
    span = lambda row: lay.year_range(row, budget)  # noqa: E731
    cohort, costs, direct = (
        f"SUM({span(brows['cohort_savings'])})",
        f"SUM({span(brows['costs'])})",
        f"(SUM({span(brows['savings'])})-SUM({span(brows['cohort_savings'])}))",
    )
    k_cohort = f"(SUM({span(brows['cohort_savings'])})-{stat_refund_total(w)})"
    k_costs = f"SUM({span(brows['kommune_costs'])})"
    k_direct = f"(SUM({span(brows['kommune_savings'])})-{k_cohort})"
    if prefix is None:
        w.formula(ws, rows["break_even"], COL_P1, f'=IF({cohort}<=0,"{w.undefined("no_cohort_savings")}",MAX(0,({costs}-{direct})/{cohort}))', SHARE)
    else:
        direct_row = f"{span(brows['savings'])}-{span(brows['cohort_savings'])}"
        w.formula(
            ws,
            rows["break_even"],
            COL_P1,
            f'=IF({cohort}<=0,"{w.undefined("no_cohort_savings")}",{prefix}BREAK_EVEN_FACTOR({span(brows["cohort_savings"])},{span(brows["costs"])},{direct_row}))',
            SHARE,
        )
    w.formula(ws, rows["break_even_kommune"], COL_P1, f'=IF({k_cohort}<=0,"{w.undefined("no_cohort_savings_kommune")}",MAX(0,({k_costs}-{k_direct})/{k_cohort}))', SHARE)


def stat_refund_total(w: Writer) -> str:
    """Σ over the horizon of the stat's refund of the cohorts' savings (the refusion sheet's I block)."""
    lay = w.layout
    first, last = lay.refusion_block(1)
    if last < first:
        return "0"
    return f"SUM({w.ref('refusion')}!${col(FIRST_YEAR_COL)}${first}:${col(lay.last_year_col)}${last})"


def _heading(w: Writer, row: int, column: int, text: str, font: Font = BOLD) -> None:
    """A table's heading cell: bold and wrapped in a value column (it does not widen it; its row as tall as
    its lines), a section's title (``SECTION``) as it is."""
    ws = w.sheets["sensitivity"]
    cell = w.text(ws, row, column, text, font=font)
    if font is BOLD:
        cell.alignment = HEADING
        if column > COL_LABEL:
            lines = len(textwrap.wrap(text, VALUE_WIDTH - 1)) or 1
            ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, lines * LINE_POINTS + 2)


def _bands(w: Writer, rows: dict[str, int]) -> None:
    """Finansministeriet's falling discount rate, one band per row: from year, to year (excl.), the rate."""
    ws, lay = w.sheets["sensitivity"], w.layout
    curve = w.case.parameters.get("diskontering.rate").values[-1]
    starts = list(curve.years)
    ends = [*starts[1:], NO_END_YEARS]
    _heading(w, rows["bands_header"] - 1, 1, w.t("sens_bands_title"), SECTION)
    for c, key in enumerate(("h_band_from", "h_band_to", "h_band_rate"), start=1):
        _heading(w, rows["bands_header"], c, w.t(key))
    for k in range(lay.shape.discount_bands):
        for c, values, fmt in ((1, starts, "0"), (2, ends, '[>=1000000]"∞";0'), (3, list(curve.rates), "0.0%")):
            cell = ws.cell(row=rows["bands"] + k, column=c, value=values[k] if k < len(values) else None)
            cell.number_format = fmt
            w.generated.append((ws.title, cell.coordinate))
    cell = w.text(ws, rows["bands_source"], 1, f"{w.t('h_source')}: {curve.reference}")
    w.generated.append((ws.title, cell.coordinate))


class Put:
    """Writes the appraisal's values (not formulas) down the sheet, each cell noted as result text."""

    def __init__(self, w: Writer) -> None:
        self.w, self.ws = w, w.sheets["sensitivity"]

    def __call__(self, r: int, c: int, value: object, fmt: str | None = None, font: Font | None = None) -> None:
        cell = self.w.text(self.ws, r, c, value, font=font) if isinstance(value, str) else self.ws.cell(row=r, column=c, value=value)
        if fmt:
            cell.number_format = fmt
        self.w.generated.append((self.ws.title, cell.coordinate))

    def header(self, row: int, keys: tuple[str, ...], *, wrap: bool = False) -> None:
        """A table's headings; ``wrap``: as :func:`_heading` (layout 6 on), else on one line each."""
        for c, key in enumerate(keys, start=1):
            if wrap:
                _heading(self.w, row, c, self.w.t(key))
                self.w.generated.append((self.ws.title, self.ws.cell(row=row, column=c).coordinate))
            else:
                self(row, c, self.w.t(key), font=BOLD)

    def lines(self, row: int, text: str) -> int:
        """``text`` in column A over as many rows as it needs to print whole; returns the last row."""
        for i, line in enumerate(textwrap.wrap(text, LINE_CHARACTERS) or [""]):
            self(row + i, 1, line)
        return row + max(len(textwrap.wrap(text, LINE_CHARACTERS)), 1) - 1


def _tables(w: Writer) -> None:
    """The key figures of the Monte Carlo, the charts and the switching values on the first page; the
    tornado's table, optimism bias and the Monte Carlo's detail after the year table: values by xlmodel."""
    assert w.appraisal is not None, "the appraisal runs before its tables (Writer.complete)"
    put, rows = Put(w), w.layout.sens_rows
    # a case without costs and savings (a follow-up of its decision): no value moves anything, no chart shows anything
    empty = not w.result.has_flows and w.layout.shape.undefined_without_flows and not w.guidance
    _risk_key_figures(w, put, rows)
    switching(w, put, rows["switching"], w.appraisal, capacity=w.layout.switching_capacity, why_none=w.t("sens_switching_none") if empty else None)
    if empty:
        put.lines(rows["charts"], w.t("sens_charts_omitted"))
    row = _tornado(w, put, rows["tables"] + 1, w.appraisal, None if empty else rows["charts"])
    if w.appraisal.optimism_bias is not None:
        row = _optimism_bias(w, put, row + 2, w.appraisal.optimism_bias)
    _monte_carlo(w, put, row + 2, rows)


def _risk_key_figures(w: Writer, put: Put, rows: dict[str, int]) -> None:
    """The probability of payback (total and the kommune's) and the net gain's percentiles, or why there are none."""
    r = w.risk
    if r is None:
        put(rows["p_payback"], 1, w.t("no_risk"))
        return
    for key, values, fmt in (
        ("p_payback", [r.p_payback], SHARE),
        ("p_payback_kommune", [r.p_payback_kommune], SHARE),
        ("net_gain_pct", [r.net_gain_p10, r.net_gain_p50, r.net_gain_p90], KR),
    ):
        put(rows[key], 1, w.t(key), font=BOLD)
        for i, value in enumerate(values):
            put(rows[key], COL_P1 + i, value, fmt)


def switching(w: Writer, put: Put, row: int, a: Appraisal, *, capacity: int | None = None, why_none: str | None = None) -> int:
    """The switching values: the factor (and value) of each input where the net gain and the NPV become 0.
    ``capacity``: the rows the layout keeps for them (a programming error to need more); with it the headings
    wrap (layout 6 on), without it they are written as layouts up to 5 wrote them. ``why_none``: the one line
    written instead of the table, for a case without costs and savings (no input moves its net gain)."""
    put(row, 1, w.t("switching_title"), font=SECTION)
    row += 1
    if why_none is not None:  # no input moves the net gain of a case without costs and savings
        put(row, 1, why_none)
        return row
    put.header(row, ("h_input", "h_base", "h_unit", "h_factor_ng", "h_value_ng", "h_factor_npv", "h_value_npv"), wrap=capacity is not None)
    assert capacity is None or len(a.switching) <= capacity, "Layout.switching_capacity counts every input of linear_inputs"
    for sv in a.switching.values():
        row += 1
        months = sv.input == "delay_months"
        put(row, 1, sv.label)
        put(row, 2, None if months else sv.base, KR if sv.base >= 100 else "0.00")
        put(row, 3, sv.unit)
        for c, factor in ((4, sv.factor_net_gain), (6, sv.factor_npv)):
            if factor is None:
                put(row, c, w.t("none_in_range"))
                put(row, c + 1, w.t("none_in_range"))
            elif months:
                put(row, c, factor, "0")
            else:
                put(row, c, factor, SHARE)
                put(row, c + 1, sv.value(factor), KR if sv.base >= 100 else "0.00")
    return row


def _tornado(w: Writer, put: Put, row: int, a: Appraisal, chart_row: int | None) -> int:
    """The tornado's table (the net gain at the low and the high factor of each input) and its chart on the
    first page, at ``chart_row`` (None: no chart)."""
    put(row, 1, w.t("tornado_title", change=f"{100 * w.case.appraisal.tornado_change:g}"), font=SECTION)
    row += 1
    put.header(row, ("h_input", "h_low_factor", "h_high_factor", "h_low", "h_high", "h_change_low", "h_change_high"), wrap=True)
    header, row = row, tornado_rows(put, row, a)
    if a.tornado and chart_row is not None:
        chart = tornado_chart(w, put.ws, header, row)
        chart.width, chart.height = TORNADO_WIDTH, CHART_HEIGHT
        chart.legend.position = "b"
        put.ws.add_chart(chart, f"A{chart_row}")
    return row


def tornado_rows(put: Put, row: int, a: Appraisal) -> int:
    """One row per input below the heading ``row``: its label, the low and high factor, the net gain at each and
    their change from the case's (columns A–G); returns the last row."""
    for bar in a.tornado:
        row += 1
        put(row, 1, bar.label)
        put(row, 2, bar.low_factor, SHARE)
        put(row, 3, bar.high_factor, SHARE)
        put(row, 4, bar.low, KR)
        put(row, 5, bar.high, KR)
        put(row, 6, bar.low - a.net_gain, KR)
        put(row, 7, bar.high - a.net_gain, KR)
    return row


def tornado_chart(w: Writer, ws: Any, header: int, last: int) -> BarChart:
    """The tornado as bars: the changes in columns F and G (named by their headings) of each input's row."""
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "clustered", 100
    chart.title = w.t("chart_tornado")
    chart.add_data(Reference(ws, min_col=6, max_col=7, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
    readable(chart)
    return chart


def _optimism_bias(w: Writer, put: Put, row: int, bias: dict[str, Any]) -> int:
    """The Green Book's optimism bias: net gain, NPV and payback without and with the adjustment."""
    a = w.appraisal
    assert a is not None
    put(row, 1, w.t("bias_title"), font=SECTION)
    row += 1
    put(row, 1, w.t("bias_line", cost=f"{100 * float(bias['cost_uplift']):g}", effect=f"{100 * float(bias['effect_reduction']):g}", delay=bias["delay_months"]))
    put.header(row + 1, ("h_item", "net_gain", "npv", "h_payback_year_wrapped"), wrap=True)
    row += 1
    for label_key, ng, npv, payback in (
        ("without_bias", a.net_gain, a.npv, w.result.payback_year),
        ("with_bias", bias["net_gain"], bias["npv"], bias["payback_year"]),
    ):
        row += 1
        put(row, 1, w.t(label_key))
        put(row, 2, float(ng), KR)
        put(row, 3, float(npv) if npv is not None else w.t("no_flows"), KR)
        put(row, 4, payback if payback is not None else w.t("never" if w.result.has_flows else "no_flows"), "0")
    return put.lines(row + 1, f"{w.t('h_source')}: {bias['source']}")


def _monte_carlo(w: Writer, put: Put, row: int, rows: dict[str, int]) -> None:
    """The Monte Carlo's detail (NPV percentiles, draws, the probability by year in the year table and the
    drivers) and the chart of the probability of having paid back on the first page."""
    lay = w.layout
    put(row, 1, w.t("risk_title"), font=SECTION)
    r = w.risk
    if r is None:
        put(row + 1, 1, w.t("no_risk"))
        return
    row += 1
    put(row, 1, w.t("npv_pct"))
    for i, value in enumerate([r.npv_p10, r.npv_p50, r.npv_p90]):
        put(row, COL_P1 + i, value, KR)
    row += 1
    put(row, 1, w.t("draws_seed"))
    put(row, COL_P1, r.draws, "#,##0")
    put(row, COL_P1 + 1, r.seed, "0")
    put(row, COL_P1 + 2, r.sampler)
    row += 1
    put(row, 1, w.t("never_draws"))
    put(row, COL_P1, r.payback_years["aldrig"], "#,##0")
    _heading(w, rows["years_header"], CUM_P, w.t("h_y_cum_p"))
    _heading(w, rows["years_header"], PAYBACK_DRAWS, w.t("h_y_payback_draws"))
    for year in lay.years:
        put(lay.sens_year_row(year), CUM_P, r.cumulative_p_payback[year], SHARE)
        put(lay.sens_year_row(year), PAYBACK_DRAWS, r.payback_years[str(year)], "#,##0")
    row += 2
    put(row, 1, w.t("drivers_title"), font=SECTION)
    row += 1
    put.header(row, ("h_input", "h_distribution", "h_min", "h_max", "h_share"), wrap=True)
    shares = {str(d["input"]): float(d["share"]) for d in r.drivers}
    for spec in r.inputs:
        row += 1
        put(row, 1, str(spec["input"]))
        put(row, 2, str(spec["distribution"]))
        put(row, 3, float(spec["min"]), "0.00")  # type: ignore[arg-type]
        put(row, 4, float(spec["max"]), "0.00")  # type: ignore[arg-type]
        put(row, 5, shares.get(str(spec["input"]), 0.0), SHARE)
        row = put.lines(row + 1, f"{w.t('h_source')}: {spec['source']}")
    first, last = lay.sens_year_row(lay.shape.first_year), lay.sens_year_row(lay.shape.last_year)
    chart = LineChart()
    chart.title, chart.y_axis.title = w.t("chart_cum_p"), "%"
    series = Series(Reference(put.ws, min_col=CUM_P, min_row=first, max_row=last), title=w.t("chart_cum_p"))
    series.smooth = False  # openpyxl smooths a line by default: it would overshoot 100 % between the years
    chart.series.append(series)
    chart.set_categories(Reference(put.ws, min_col=YEAR, min_row=first, max_row=last))
    readable(chart)
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.legend = None
    chart.width, chart.height = PROBABILITY_WIDTH, CHART_HEIGHT
    put.ws.add_chart(chart, f"{col(PROBABILITY_CHART_COL)}{rows['charts']}")


def sensitivity_rate_input(value: object) -> float | None:
    """The flat rate typed in the input cell: blank or 0 means Finansministeriet's curve."""
    if value is None or (isinstance(value, str) and not value.strip()) or value == 0:
        return None
    return value  # type: ignore[return-value]


__all__ = ["Put", "break_even_formulas", "key_figures", "sensitivity_rate_input", "stat_refund_total", "switching", "tornado_chart", "tornado_rows", "write"]
