"""The committee summary ("Resumé"): one landscape page with what the udvalg receives.

Purpose, the investment, savings per year (per payer when someone besides the kommune saves), the net
result and its cumulative, payback, net gain, NPV, the probability of payback when the case states its
uncertainty, the key assumptions with their sources, the deviations from the published figures, and the
two charts. The year figures and key figures are live formulas on the Budget and Følsomhed sheets; the
text lines (assumptions, deviations, probability) are written by the tool from the case and rebuilt by
``recalc``. ``xlmodel summary`` prints this sheet alone to PDF.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.chart import BarChart, LineChart
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.charts import left_out, pension_chart, year_chart
from workbooks.labels import format_amount, format_percent
from workbooks.layout import COL_LABEL, COL_NOTE, COL_P1, FIRST_YEAR_COL, HEADER_ROW, col
from workbooks.sheets.summary_followup import write_follow_up
from xlmodel import pension, public_purse
from xlmodel.evidence import compare_evidence
from xlmodel.parameters import UNIT_TEXT
from xlmodel.report import parameter_uses
from xlmodel.rounding import danish_separators

if TYPE_CHECKING:
    from workbooks.writer import Writer

#: At most this many lines of assumptions and of deviations fit on the page; the rest are counted.
MAX_LINES = 8
KR = "#,##0;-#,##0"


def _share(value: float, lang: str) -> str:
    text = f"{100 * value:.4g} %"
    return danish_separators(text) if lang == "da" else text


def assumption_lines(w: Writer) -> list[str]:
    """The case's key assumptions as sentences, each with its source: per outcome what a full-year person
    saves and the fall-backs, the cohorts and deadweight, each cost line with its basis, and the dated
    parameters the case uses (assumptions marked)."""
    case, lang = w.case, w.lang
    lines = [f"{w.t('sum_doubt')}: {doubt.message}" for doubt in w.doubts]
    check = compare_evidence(case)
    if check is not None:  # the assumed effect beside the Danish evidence (and the warning first, where it exceeds it)
        lines += [f"{w.t('sum_doubt')}: {check.warning}"] if check.warning else []
        e = check.evidence
        lines.append(w.t("sum_evidence", title=e.title, assumed=format_percent(check.assumed, lang), evidence=format_percent(e.effect, lang), population=e.population, source=e.source))
    lines += [w.t("sum_source", source=case.source)] if case.source else []
    for outcome in case.outcomes:
        if outcome.split:
            saves = w.t("sum_benefit", benefit=outcome.benefit or w.t("benefit_rate_given"))
        else:
            amounts = {outcome.unit_saving_in(y) for y in case.years}
            saves = w.t("sum_unit", amount="/".join(format_amount(a, lang) for a in sorted(amounts)))
        falls = ", ".join(w.t("sum_fallback", share=_share(f.share, lang), years=f"{f.after_years:g}") for f in outcome.fallbacks) or w.t("sum_no_fallback")
        lines.append(f"{outcome.label or outcome.id}: {saves}; {falls}")
        if outcome.avoids:  # when each cohort's pension would have ended: the saving stops there
            ends = pension.pension_ends(case)
            listed = "; ".join(f"{e.cohort} {e.age:g} {w.t('u_years')}" + (f" ({_share(e.share, lang)})" if e.share != 1 else "") + f" → {pension.end_text(e.end_month)}" for e in ends)
            lines.append(w.t("sum_pension", outcome=outcome.label or outcome.id, ends=listed, source=", ".join(sorted({e.reference for e in ends}))))
    persons = {o.id: sum(c.outcomes[o.id].persons for c in case.cohorts if o.id in c.outcomes) for o in case.outcomes}
    dead = {o.id: sum(c.outcomes[o.id].deadweight_persons(c.participants) for c in case.cohorts if o.id in c.outcomes) for o in case.outcomes}
    if case.cohorts:
        reached = "; ".join(w.t("sum_reached", outcome=o.label or o.id, persons=f"{persons[o.id]:g}", dead=f"{dead[o.id]:g}") for o in case.outcomes)
        lines.append(w.t("sum_cohorts", n=len(case.cohorts), participants=sum(c.participants for c in case.cohorts), reached=reached))
    for outcome in case.outcomes:
        if outcome.income is not None:
            wages = sorted({public_purse.income_in(outcome, y, case.parameters) for y in (case.first_year, case.last_year)})
            wage = "/".join(format_amount(a, lang) for a in wages)
            wage += f" ({outcome.income})" if isinstance(outcome.income, str) else ""  # a dated sats: its source is listed below
            own = "" if isinstance(outcome.income, str) else f"; {w.t('sum_own_figure')}"
            lines.append(w.t("sum_tax", outcome=outcome.label or outcome.id, wage=wage, kind=case.public_purse.kommune_type) + own)
    for cost in case.costs:
        lines.append(f"{cost.label}: {format_amount(cost.total, lang)} kr." + (f" ({cost.basis})" if cost.basis else ""))
    uses: dict[str, list[dict[str, object]]] = {}
    for use in parameter_uses(w.result):
        uses.setdefault(str(use["parameter"]), []).append(use)
    for name, found in uses.items():  # one line per parameter: its values from each date, assumptions marked
        unit = UNIT_TEXT.get(str(found[0]["unit"]), str(found[0]["unit"]))
        values = ", ".join(f"{str(u['from'])[:7]} {u['shown']}" + (f" ({w.t('sum_assumption')})" if u["assumption"] else "") for u in found) + f" {unit}"
        references = sorted({str(u["reference"]) for u in found})
        lines.append(f"{name}: {values}; {w.t('sum_reference')}: {', '.join(references[:2])}" + (" …" if len(references) > 2 else ""))
    return lines


def deviation_lines(w: Writer) -> list[str]:
    """The published figures the model does not reproduce, or one line saying they all agree."""
    comparison = w.comparison
    if not comparison.checked:
        return [w.t("sum_no_published")]
    if not comparison.deviations:
        return [w.t("sum_all_agree", checked=comparison.checked)]
    head = w.t("sum_deviations", checked=comparison.checked, agreed=comparison.agreed)
    return [head] + [w.t("sum_deviation", where=d.where, published=_figure(d.published, w.lang), model=_figure(d.model, w.lang)) for d in comparison.deviations]


def _figure(value: object, lang: str) -> str:
    """A published or model figure as the language writes it: 2557 → 2.557, 11.6 → 11,6 (da)."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        text = f"{value:,.10g}" if float(value) != int(value) else f"{int(value):,}"
        return danish_separators(text) if lang == "da" else text
    return str(value)


BOLD = Font(bold=True)
SECTION = Font(bold=True, size=12)


def write(w: Writer) -> None:
    ws, lay, case = w.sheets["summary"], w.layout, w.case
    fu, budget = w.ref("inputs"), w.ref("budget")
    w.top(ws, w.t("summary_title"))
    w.free_sheets.add(ws.title)  # rewritten whole by recalc: its sections move with their number of lines
    w.timelines.add(ws.title)  # the years sit in the same columns as on every sheet
    title = w.formula(ws, 3, COL_LABEL, f"={fu}!$D${lay.title_row}")
    title.font, title.alignment = Font(bold=True, size=13), Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=3, start_column=COL_LABEL, end_row=3, end_column=max(lay.last_year_col, FIRST_YEAR_COL + 5))  # a long title wraps on the page
    ws.row_dimensions[3].height = 18.0 * (1 + len(case.title) // 80)
    w.generated.append((ws.title, "A3"))
    town = f"{fu}!$D${lay.municipality_row}"
    first, last = (f"{budget}!${col(c)}${HEADER_ROW}" for c in (FIRST_YEAR_COL, lay.last_year_col))
    w.formula(ws, 4, COL_LABEL, f'=IF({town}="","",{town}&" · ")&{first}&"–"&{last}', shows=f"{case.municipality} · {case.first_year}–{case.last_year}")
    row = 6
    w.text(ws, row, COL_LABEL, w.t("sum_purpose"), font=SECTION)
    _paragraph(w, ws, row + 1, case.purpose or w.t("sum_no_purpose"))
    header = row + 4
    if case.actuals or case.targets or case.follows:  # a follow-up: the page is about what was decided, what happened and what it means
        r = write_follow_up(w, ws, header - 1, lambda key, texts, at: _section(w, ws, key, texts, at))
        for title_key, texts in (("sum_deviations_title", deviation_lines(w)), ("sum_assumptions", assumption_lines(w))):
            r = _section(w, ws, title_key, texts, r)
        return
    found = _economy(w, ws, header)
    r = _key_figures(w, ws, found["cumulative"] + 2)
    chart_row = found["cumulative"] + 2
    if left_out(w, ws, chart_row, COL_NOTE, w.t("net"), w.result.yearly["net"], w.result.yearly["cumulative"]):
        r += 2
    else:  # the charts beside the key figures, on the same page
        years = (header, FIRST_YEAR_COL, lay.last_year_col)
        bar = year_chart(BarChart, ws, w.t("chart_net"), w.t("u_kr"), [(w.t("net"), found["net"])], years)
        line = year_chart(LineChart, ws, w.t("chart_cumulative"), w.t("u_kr"), [(w.t("cumulative"), found["cumulative"])], years)
        for chart in (bar, line):
            chart.width, chart.height = 10.0, 6.0
        ws.add_chart(bar, f"{col(COL_NOTE)}{chart_row}")
        ws.add_chart(line, f"{col(FIRST_YEAR_COL + 4)}{chart_row}")  # a year column is 13 wide: 4 of them ≈ 10 cm
        if (long := pension_chart(w, ws, found, years)) is not None:  # an avoided førtidspension: who saves until the pension age
            long.width, long.height = 10.0, 6.0
            ws.add_chart(long, f"{col(FIRST_YEAR_COL + 8)}{chart_row}")
        r = max(r, chart_row + 13) + 2
    for title_key, texts in (("sum_assumptions", assumption_lines(w)), ("sum_deviations_title", deviation_lines(w))):
        r = _section(w, ws, title_key, texts, r)


def _section(w: Writer, ws: Worksheet, title_key: str, texts: list[str], r: int) -> int:
    """A titled list of lines from row ``r`` (at most :data:`MAX_LINES`, the rest counted); returns the next free row.
    The title moves with the number of lines before it, so it is tool text rebuilt by ``recalc`` like the lines."""
    w.text(ws, r, COL_LABEL, w.t(title_key), font=SECTION)
    w.generated.append((ws.title, f"A{r}"))
    shown = texts[:MAX_LINES]
    if len(texts) > MAX_LINES:
        shown.append(w.t("sum_more", n=len(texts) - MAX_LINES))
    for text in shown:
        r += 1
        _paragraph(w, ws, r, f"• {text}")
    return r + 2


#: Characters of a paragraph on one line across the labels and six years (a year column is 13 characters wide).
LINE_SIX_YEARS, YEAR_WIDTH = 120, 13


def _paragraph(w: Writer, ws: Worksheet, row: int, text: str, height_per_line: float = 15.0) -> None:
    """Text across the page, wrapped: about 120 characters a line across six years, 13 more for each further
    year (a long horizon's page is wider), the row as high as its lines."""
    cell = w.text(ws, row, COL_LABEL, text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = max(w.layout.last_year_col, FIRST_YEAR_COL + 5)  # as wide as six years, also for a shorter horizon
    ws.merge_cells(start_row=row, start_column=COL_LABEL, end_row=row, end_column=last)
    per_line = LINE_SIX_YEARS + YEAR_WIDTH * (last - FIRST_YEAR_COL - 5)
    ws.row_dimensions[row].height = height_per_line * (1 + len(text) // per_line)
    w.generated.append((ws.title, cell.coordinate))


def _economy(w: Writer, ws: Worksheet, header: int) -> dict[str, int]:
    """The economy per year from the Budget sheet (costs, savings, per payer, net, cumulative); returns the rows."""
    lay, case, budget, brows = w.layout, w.case, w.ref("budget"), w.layout.budget_rows()
    w.text(ws, header - 1, COL_LABEL, w.t("sum_economy"), font=SECTION)
    w.text(ws, header, COL_LABEL, w.t("sum_kr"), font=BOLD)
    for year in lay.years:
        cell = ws.cell(row=header, column=lay.year_col(year), value=year)
        cell.font = BOLD
    payer_rows = [(f"{p}_savings", w.t("p_savings", payer=w.t(f"payer_{p}"))) for p in lay.shape.payers] if case.has_payer_split else []
    lines = [("costs", w.t("costs_total"), True), ("savings", w.t("savings_total"), True)]
    lines += [(key, name, False) for key, name in payer_rows]
    lines += [("net", w.t("net"), True), ("cumulative", w.t("cumulative"), False)]
    found: dict[str, int] = {}
    r = header
    for key, name, strong in lines:
        r += 1
        found[key] = r
        w.text(ws, r, COL_LABEL, name, font=BOLD if strong else None)
        for year in lay.years:
            c = col(lay.year_col(year))
            cell = w.formula(ws, r, lay.year_col(year), f"={budget}!{c}${brows[key]}", KR)
            if strong:
                cell.font = BOLD
    return found


def _key_figures(w: Writer, ws: Worksheet, r: int) -> int:
    """The key figures from row ``r`` (the probability of payback once the Monte Carlo has run); returns the last row."""
    lay, case, budget, sens, brows = w.layout, w.case, w.ref("budget"), w.ref("sensitivity"), w.layout.budget_rows()
    w.text(ws, r, COL_LABEL, w.t("key_figures"), font=SECTION)
    figures: list[tuple[str, str, str | None]] = [
        (w.t("sum_investment"), f"=SUM({budget}!${col(FIRST_YEAR_COL)}${brows['costs']}:${col(lay.last_year_col)}${brows['costs']})", KR),
        (w.t("payback_year"), f"={budget}!$D${brows['payback_year']}", "0"),
        (w.t("net_gain"), f"={budget}!$D${brows['net_gain']}", KR),
        (w.t("npv_key"), f"={sens}!$D${lay.sens_rows['npv']}", KR),
        (w.t("savings_cost_ratio"), f"={budget}!$D${brows['savings_cost_ratio']}", "0.00"),
    ]
    if case.has_payer_split:
        figures += [(w.t("kommune_payback"), f"={budget}!$D${brows['kommune_payback_year']}", "0"), (w.t("kommune_net_gain"), f"={budget}!$D${brows['kommune_net_gain']}", KR)]
    if lay.shape.tax_outcomes:  # the public purse: what the kommune keeps after tax and udligning
        figures += [(w.t("kommune_tax_payback"), f"={budget}!$D${brows['kommune_tax_payback_year']}", "0"),
                    (w.t("kommune_tax_net_gain"), f"={budget}!$D${brows['kommune_tax_net_gain']}", KR)]
    for name, formula, fmt in figures:
        r += 1
        w.text(ws, r, COL_LABEL, name)
        w.formula(ws, r, COL_P1, formula, fmt).font = BOLD
    if case.uncertainty:  # the Monte Carlo result: see Writer.complete
        r += 1
        w.text(ws, r, COL_LABEL, w.t("p_payback_key"))

        def p_payback(row: int = r) -> None:
            assert w.risk is not None
            w.text(ws, row, COL_P1, format_percent(w.risk.p_payback, w.lang), font=BOLD).alignment = Alignment(horizontal="right")
            w.generated.append((ws.title, f"{col(COL_P1)}{row}"))

        w.later.append(p_payback)
    return r
