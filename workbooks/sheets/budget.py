"""Budget per year (kr.), the Ballerup table: the cost lines, savings from the cohorts and the direct lines,
net, cumulative, full-year persons, the payback year and net gain, the named periods; who saves what (per
payer); the net and cumulative charts."""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, LineChart
from openpyxl.styles import Font
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.charts import left_out, pension_chart, year_chart
from workbooks.formulas import paid_back, payback_year
from workbooks.layout import (
    COL_NOTE,
    COL_P1,
    COL_UNIT,
    FIRST_YEAR_COL,
    HEADER_ROW,
    TAX_LINES,
    TAX_RATES,
    col,
)
from workbooks.sheets.refusion import block_sum
from workbooks.writer import KR, PERSONS, SECTION_FONT, Writer
from xlmodel import public_purse

PERCENT = "0.000%"


def write(w: Writer) -> None:
    ws, lay = w.sheets["budget"], w.layout
    w.top(ws, w.t("budget_title"))
    w.header_row(ws, [w.t("h_item"), w.t("h_line"), w.t("h_unit"), w.t("h_value")], years=True)
    rows = lay.budget_rows()
    fu, calc, sav = w.ref("inputs"), w.ref("calc"), w.ref("savings")
    first_c, last_c = col(FIRST_YEAR_COL), col(lay.last_year_col)
    hours = f"{fu}!$D${lay.constants_row}"

    def row_formula(row: int, template: str, name: str, fmt: str = KR, bold: bool = False) -> None:
        w.text(ws, row, 1, name, font=Font(bold=bold))
        for year in lay.years:
            c = col(lay.year_col(year))
            cell = w.formula(ws, row, lay.year_col(year), template.format(c=c, r=row), fmt)
            if bold:
                cell.font = Font(bold=True)

    for i in range(lay.shape.costs):
        src = lay.cost_row(i)
        w.formula(ws, rows[f"cost{i}"], 2, f'=IF({fu}!$A${src}="","",{fu}!$A${src})', shows=w.case.costs[i].label if i < len(w.case.costs) else None)
        row_formula(rows[f"cost{i}"], f'=IF({fu}!$F${src}="",{fu}!{{c}}${src},({fu}!$D${src}+{fu}!$E${src}/{hours})*{fu}!$F${src}*{fu}!{{c}}${src})', w.t("cost_line"))
    cost_rows = [rows[f"cost{i}"] for i in range(lay.shape.costs)]
    row_formula(rows["costs"], f"=SUM({{c}}{cost_rows[0]}:{{c}}{cost_rows[-1]})" if cost_rows else "=0", w.t("costs_total"), bold=True)
    row_formula(rows["cohort_savings"], f"={sav}!{{c}}${lay.savings_total_row}", w.t("cohort_savings"))
    for i in range(lay.shape.savings):
        src = lay.savings_line_row(i)
        w.formula(ws, rows[f"saving{i}"], 2, f'=IF({fu}!$A${src}="","",{fu}!$A${src})', shows=w.case.savings[i].label if i < len(w.case.savings) else None)
        row_formula(rows[f"saving{i}"], f"={fu}!{{c}}${src}", w.t("direct_saving"))
    line_rows = [rows[f"saving{i}"] for i in range(lay.shape.savings)]
    direct = f"+SUM({{c}}{line_rows[0]}:{{c}}{line_rows[-1]})" if line_rows else ""
    row_formula(rows["savings"], f"={{c}}{rows['cohort_savings']}{direct}", w.t("savings_total"), bold=True)
    row_formula(rows["net"], f"={{c}}{rows['savings']}-{{c}}{rows['costs']}", w.t("net"), bold=True)
    row_formula(rows["cumulative"], f"=SUM(${first_c}${rows['net']}:{{c}}{rows['net']})", w.t("cumulative"))
    row_formula(rows["person_years"], "=" + lay.pairs_sum(calc, "{c}"), w.t("person_years"), PERSONS)
    costs_range = f"${first_c}${rows['costs']}:${last_c}${rows['costs']}"
    savings_range = f"${first_c}${rows['savings']}:${last_c}${rows['savings']}"
    flag = "=" + paid_back(f"{{c}}{rows['cumulative']}:${last_c}${rows['cumulative']}", w.payback_tolerance)
    row_formula(rows["paid_back"], w.unless_flows_flag(flag, costs_range, savings_range), w.t("paid_back"), w.yes_no)
    flags = f"${first_c}${rows['paid_back']}:${last_c}${rows['paid_back']}"
    net = f"${first_c}${rows['net']}:${last_c}${rows['net']}"
    w.text(ws, rows["payback_year"], 1, w.t("payback_year"), font=Font(bold=True))
    w.formula(ws, rows["payback_year"], COL_P1, w.unless_flows(payback_year(flags, f"${last_c}${HEADER_ROW}", w.t("never")), costs_range, savings_range), "0")
    w.text(ws, rows["net_gain"], 1, w.t("net_gain"), font=Font(bold=True))
    w.text(ws, rows["net_gain"], COL_UNIT, w.t("u_kr"))
    w.formula(ws, rows["net_gain"], COL_P1, f"=SUM({net})", KR)
    w.text(ws, rows["savings_cost_ratio"], 1, w.t("savings_cost_ratio"), font=Font(bold=True))
    w.formula(ws, rows["savings_cost_ratio"], COL_P1, f'=IF(SUM({costs_range})=0,"{w.undefined("no_costs")}",SUM({savings_range})/SUM({costs_range}))', "0.00")
    years = f"${first_c}${HEADER_ROW}:${last_c}${HEADER_ROW}"
    for i in range(lay.shape.periods):
        row, src = rows[f"period{i}"], lay.period_row(i)
        w.formula(ws, row, 1, f'={fu}!$A${src}', shows=list(w.case.periods)[i])
        w.text(ws, row, COL_UNIT, w.t("u_kr"))
        w.formula(ws, row, COL_P1, f'=SUMIFS({net},{years},">="&{fu}!$D${src},{years},"<="&{fu}!$E${src})', KR)
    _payers(w, ws, rows, row_formula)
    if lay.shape.tax_outcomes:
        _public_purse(w, ws, rows, row_formula)
    _charts(w, ws, rows)


def _payers(w: Writer, ws: Worksheet, rows: dict[str, int], row_formula: Any) -> None:
    """Who saves what: per payer savings, costs, net, cumulative, paid-back flags, payback year and net gain.

    The state's part of the cohort savings is the refund block of the refusion sheet; lines count to
    the payer named in their payer cell (blank = kommune)."""
    lay, fu = w.layout, w.ref("inputs")
    w.text(ws, rows["payers_header"], 1, w.t("payers_section"), font=SECTION_FONT)

    def by_payer(payer: str, kind: str) -> str:
        """Σ of the budget rows of the cost (or direct savings) lines whose payer is ``payer``."""
        n = lay.shape.costs if kind == "cost" else lay.shape.savings
        if n == 0:
            return "0"
        src_first = lay.cost_row(0) if kind == "cost" else lay.savings_line_row(0)
        who = f"{fu}!$B${src_first}:$B${src_first + n - 1}"
        match = f'(({who}="{payer}")+({who}=""))' if payer == "kommune" else f'({who}="{payer}")'
        return f"SUMPRODUCT({match}*{{c}}{rows[f'{kind}0']}:{{c}}{rows[f'{kind}{n - 1}']})"

    for payer in lay.shape.payers:
        name = w.t(f"payer_{payer}")
        r = {key: rows[f"{payer}_{key}"] for key in ("savings", "costs", "net", "cumulative", "paid_back", "payback_year", "net_gain")}
        stat_cohorts = block_sum(w, 1, "{c}")
        cohort_part = {"kommune": f"{{c}}{rows['cohort_savings']}-{stat_cohorts}", "stat": stat_cohorts}.get(payer, "0")
        row_formula(r["savings"], f"={cohort_part}+{by_payer(payer, 'saving')}", w.t("p_savings", payer=name))
        row_formula(r["costs"], f"={by_payer(payer, 'cost')}", w.t("p_costs", payer=name))
        row_formula(r["net"], f"={{c}}{r['savings']}-{{c}}{r['costs']}", w.t("p_net", payer=name), bold=True)
        _payback_rows(w, ws, r, name, row_formula)


def _payback_rows(w: Writer, ws: Worksheet, r: dict[str, int], name: str, row_formula: Any, flows: tuple[int, ...] | None = None) -> None:
    """From a payer's net row ``r["net"]``: its cumulative, the years it is paid back, its payback year (none
    when the rows ``flows``, default its costs and savings, are 0 in every year; its flags then show "—") and
    net gain."""
    first_c, last_c = col(FIRST_YEAR_COL), col(w.layout.last_year_col)
    row_formula(r["cumulative"], f"=SUM(${first_c}${r['net']}:{{c}}{r['net']})", w.t("p_cumulative", payer=name))
    spans = [f"${first_c}${row}:${last_c}${row}" for row in (flows or (r["costs"], r["savings"]))]
    flag = "=" + paid_back(f"{{c}}{r['cumulative']}:${last_c}${r['cumulative']}", w.payback_tolerance)
    row_formula(r["paid_back"], w.unless_flows_flag(flag, *spans), w.t("p_paid_back", payer=name), w.yes_no)
    flags = f"${first_c}${r['paid_back']}:${last_c}${r['paid_back']}"
    w.text(ws, r["payback_year"], 1, w.t("p_payback_year", payer=name), font=Font(bold=True))
    w.formula(ws, r["payback_year"], COL_P1, w.unless_flows(payback_year(flags, f"${last_c}${HEADER_ROW}", w.t("never")), *spans), "0")
    w.text(ws, r["net_gain"], 1, w.t("p_net_gain", payer=name), font=Font(bold=True))
    w.text(ws, r["net_gain"], COL_UNIT, w.t("u_kr"))
    w.formula(ws, r["net_gain"], COL_P1, f"=SUM(${first_c}${r['net']}:${last_c}${r['net']})", KR)


def _public_purse(w: Writer, ws: Worksheet, rows: dict[str, int], row_formula: Any) -> None:
    """Tax and udligning (xlmodel.public_purse): the year's rates and, per outcome with a wage, the wage and the
    gross benefit (values, from the case and its parameters), its person-years (Beregning) and the gain of one
    person-year in built-in formulas; the totals, and the kommune and the stat including them."""
    lay, case, calc = w.layout, w.case, w.ref("calc")
    settings = case.public_purse
    rates = {y: public_purse.tax_rates(case.parameters, y, settings.kommune_type, settings.kommune_rate) for y in lay.years}
    w.text(ws, rows["tax_header"], 1, w.t("tax_section"), font=SECTION_FONT)

    def values(row: int, name: str, figures: list[float], fmt: str, source: str = "") -> None:
        w.text(ws, row, 1, name)
        if source:
            w.text(ws, row, 2, source)
        for year, figure in zip(lay.years, figures, strict=True):
            ws.cell(row=row, column=lay.year_col(year), value=float(figure)).number_format = fmt

    sources = {**public_purse.RATE_NAMES, "udligning_share": "udligning.landsudligning",
               "kommune_rate": "public_purse.kommune_rate" if settings.kommune_rate is not None else public_purse.RATE_NAMES["average_rate"]}
    for name in TAX_RATES:
        share = name.endswith(("_rate", "_share")) or name in ("am_bidrag", "bundskat")
        source = sources[name]
        values(rows[f"tax_rate_{name}"], w.t(f"tax_rate_{name}", kind=settings.kommune_type), [getattr(rates[y], name) for y in lay.years], PERCENT if share else KR, source)
    rate = {name: f"{{c}}${rows[f'tax_rate_{name}']}" for name in TAX_RATES}
    benefits = case.refusion.benefits
    for k, outcome_id in enumerate(lay.shape.tax_outcomes):
        outcome, index = case.outcome(outcome_id), lay.shape.outcomes.index(outcome_id)
        label = outcome.label or outcome.id
        r = {name: rows[f"tax{k}_{name}"] for name in ("wage", "benefit", "persons", *TAX_LINES)}
        values(r["wage"], w.t("tax_wage", outcome=label), [public_purse.income_in(outcome, y, case.parameters) for y in lay.years], KR, outcome.income if isinstance(outcome.income, str) else "")
        values(r["benefit"], w.t("tax_benefit", outcome=label), list(benefits[outcome_id].average(lay.years)), KR, outcome.benefit or "")
        row_formula(r["persons"], "=" + lay.outcome_pairs_sum(calc, index, "{c}"), w.t("tax_persons", outcome=label), PERSONS)
        wage, benefit = f"{{c}}{r['wage']}", f"{{c}}{r['benefit']}"
        am = f"{rate['am_bidrag']}*{wage}"
        employment = f"MIN({rate['employment_rate']}*{wage},{rate['employment_max']})"
        job = f"MIN({rate['job_rate']}*MAX(0,{wage}-{rate['job_threshold']}),{rate['job_max']})"
        on_benefit = f"MAX(0,{benefit}-{rate['personfradrag']})"
        base = f"(MAX(0,{wage}-{am}-{employment}-{job}-{rate['personfradrag']})-{on_benefit})"
        row_formula(r["kommuneskat"], f"={rate['kommune_rate']}*{base}", w.t("tax_kommuneskat", outcome=label))
        row_formula(r["udligning"], f"=-{rate['udligning_share']}*{rate['average_rate']}*{base}", w.t("tax_udligning", outcome=label))
        row_formula(r["bundskat"], f"={rate['bundskat']}*(MAX(0,{wage}-{am}-{rate['personfradrag']})-{on_benefit})", w.t("tax_bundskat", outcome=label))
        row_formula(r["am_bidrag"], f"={am}", w.t("tax_am_bidrag", outcome=label))
    for line in TAX_LINES:
        terms = "+".join(f"{{c}}{rows[f'tax{k}_persons']}*{{c}}{rows[f'tax{k}_{line}']}" for k in range(len(lay.shape.tax_outcomes)))
        row_formula(rows[f"tax_{line}"], f"={terms}", w.t(f"tax_total_{line}"))
    row_formula(rows["tax_kommune"], f"={{c}}{rows['tax_kommuneskat']}+{{c}}{rows['tax_udligning']}", w.t("tax_total_kommune"), bold=True)
    row_formula(rows["tax_stat"], f"={{c}}{rows['tax_bundskat']}+{{c}}{rows['tax_am_bidrag']}", w.t("tax_total_stat"), bold=True)
    for payer in ("kommune", "stat"):
        name = w.t(f"payer_{payer}_tax")
        r = {key: rows[f"{payer}_tax_{key}"] for key in ("net", "cumulative", "paid_back", "payback_year", "net_gain")}
        row_formula(r["net"], f"={{c}}{rows[f'{payer}_net']}+{{c}}{rows[f'tax_{payer}']}", w.t("p_net", payer=name), bold=True)
        _payback_rows(w, ws, r, name, row_formula, flows=(rows[f"{payer}_costs"], rows[f"{payer}_savings"], rows[f"tax_{payer}"]))


def _charts(w: Writer, ws: Worksheet, rows: dict[str, int]) -> None:
    """Net result per year and the cumulative curve, side by side under the table (or a line saying why
    not, where both are 0 in every year: a follow-up case without costs or savings of its own)."""
    if left_out(w, ws, rows["chart"], 1, w.t("net"), w.result.yearly["net"], w.result.yearly["cumulative"]):
        return
    years = (HEADER_ROW, FIRST_YEAR_COL, w.layout.last_year_col)
    bar = year_chart(BarChart, ws, w.t("chart_net"), w.t("u_kr"), [(w.t("net"), rows["net"])], years)
    line = year_chart(LineChart, ws, w.t("chart_cumulative"), w.t("u_kr"), [(w.t("cumulative"), rows["cumulative"])], years)
    ws.add_chart(bar, f"A{rows['chart']}")
    ws.add_chart(line, f"{col(COL_NOTE)}{rows['chart']}")
    if (long := pension_chart(w, ws, rows, years)) is not None:  # below them: the savings until the folkepension age
        ws.add_chart(long, f"A{rows['chart'] + 16}")
    ws.row_breaks.append(Break(id=rows["chart"] - 1))  # the charts start a printed page of their own
