"""The "as published" block of the Besparelser sheet: the source's printed figures in the source's own order
and unit (e.g. 1.000 kr.), each above the model's same figure in the same unit, so the book can be laid beside
the source. The model's row is a formula on the book's own cells (divided by the unit, with the source's sign);
figures the book has no cell for (actual persons, realisation, the forecast rate, the steady-state saving)
show the core's value, marked so. Rounding is display only (the number format has the source's decimals)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.layout import COL_DETAIL, COL_P1, COL_P2, COL_P3, COL_UNIT, col
from xlmodel.published import PublishedFigure, model_values

if TYPE_CHECKING:
    from workbooks.writer import Writer

#: Yearly figures and the Budget row that holds them.
BUDGET_FIGURES = {"savings": "savings", "costs": "costs", "net": "net", "cumulative": "cumulative", "person_years": "person_years"}
#: Follow-up figures and the Opfølgning row that holds them.
FOLLOW_UP_FIGURES = {"expected_savings": "expected", "forecast": "forecast", "write_down": "write_down"}
PERSON_FIGURES = ("person_years", "cohort_person_years", "actual_persons")
#: Figures with the cells the model's row refers to (the others show the core's value).
SUMS = ("savings_total", "costs_total", "net_gain", "write_down_total", "forecast_total")
IN_BOOK = ("cohort_savings", "cohort_person_years", *BUDGET_FIGURES, *FOLLOW_UP_FIGURES, *SUMS, "cost_item", "savings_line", "payback_year", "savings_cost_ratio")
#: A figure without a label of its own is named by the Budget sheet's label for it.
NAMES = {"cost_item": "cost_line", "savings_line": "direct_saving", "savings_total": "savings_total", "costs_total": "costs_total", "net_gain": "net_gain"}
SECTION_FONT = Font(bold=True, size=12)

Formula = Callable[[str], str]


def number_format(decimals: int) -> str:
    """The source's precision as a number format (display only).

    >>> number_format(0), number_format(1)
    ('#,##0;-#,##0', '#,##0.0;-#,##0.0')
    """
    digits = "." + "0" * decimals if decimals > 0 else ""
    return f"#,##0{digits};-#,##0{digits}"


def write(w: Writer, ws: Worksheet) -> None:
    """The block under the Besparelser sheet's total (books whose case has published figures)."""
    lay = w.layout
    if not lay.shape.published:
        return
    title, header, first = lay.published_rows()
    w.text(ws, title, 1, w.t("pub_title"), font=SECTION_FONT)
    bold = Font(bold=True)
    for column, key in ((1, "pub_h_figure"), (COL_DETAIL, "pub_h_detail"), (COL_UNIT, "pub_h_unit"), (COL_P1, "pub_h_value"), (COL_P3, "pub_h_divisor")):
        w.text(ws, header, column, w.t(key), font=bold)
    for i, figure in enumerate(w.case.published[: lay.shape.published]):
        _figure(w, ws, figure, first + 2 * i)


def _figure(w: Writer, ws: Worksheet, figure: PublishedFigure, source_row: int) -> None:
    """The source's row (its printed values) and, below it, the model's (a formula, or the core's value)."""
    lay, model_row, fmt = w.layout, source_row + 1, number_format(figure.decimals)
    w.text(ws, source_row, 1, f"{w.t('pub_source')}: {figure.label or w.t(NAMES.get(figure.figure, 'pub_figure'))}")
    outcome = next((o.label or o.id for o in w.case.outcomes if o.id == figure.outcome), figure.outcome)
    parts = (f"{figure.cohort} · {outcome}" if figure.cohort else "", figure.item or "", f"{figure.years[0]}–{figure.years[1]}" if figure.years else "")
    if any(parts):
        w.text(ws, source_row, COL_DETAIL, " · ".join(p for p in parts if p))
    w.text(ws, source_row, COL_UNIT, _unit(w, figure))
    ws.cell(row=source_row, column=COL_P3, value=float(figure.unit)).number_format = "#,##0"  # the model's rows divide by it
    formula = _model_formula(w, figure, f"${col(COL_P3)}${source_row}")
    w.text(ws, model_row, 1, w.t("pub_model") if formula is not None else w.t("pub_model_value"))
    if figure.values:
        for year, printed in figure.values.items():
            ws.cell(row=source_row, column=lay.year_col(year), value=float(printed)).number_format = fmt
            if formula is not None:
                w.formula(ws, model_row, lay.year_col(year), formula(col(lay.year_col(year))), fmt)
    else:
        printed_cells: list[tuple[int, float | None]] = [(COL_P1, figure.value)] if figure.value is not None else [(COL_P1, figure.minimum), (COL_P2, figure.maximum)]
        for column, number in printed_cells:
            ws.cell(row=source_row, column=column, value=float(number or 0.0)).number_format = fmt
        if formula is not None:
            w.formula(ws, model_row, COL_P1, formula(""), fmt)
    if formula is None:
        _core_values(w, ws, model_row, figure, fmt)


def _unit(w: Writer, figure: PublishedFigure) -> str:
    """The source's unit in words (``1.000 kr.``, ``mio. kr.``, ``personer``), and its sign where it prints the opposite."""
    if figure.figure in PERSON_FIGURES:
        text = w.t("pub_u_persons")
    elif figure.figure == "payback_year":
        text = w.t("u_years")
    elif figure.figure in ("savings_cost_ratio", "realisation", "forecast_rate"):
        text = w.t("pub_u_ratio")
    else:
        text = {1.0: w.t("u_kr"), 1000.0: w.t("pub_u_thousand"), 1_000_000.0: w.t("pub_u_million")}.get(figure.unit, f"{figure.unit:g} {w.t('u_kr')}")
    return text + (f" ({w.t('pub_u_negative')})" if figure.sign == -1 else "")


def _core_values(w: Writer, ws: Worksheet, row: int, figure: PublishedFigure, fmt: str) -> None:
    """The core's model values in the source's unit and sign, for figures the book has no cell for (result
    cells, like the summary's text: they follow the inputs, so recalc rewrites them)."""
    years = list(figure.values) if figure.values else [None]
    for year, (_, _, model) in zip(years, model_values(w.result, figure), strict=True):
        if isinstance(model, int | float) and not isinstance(model, bool):
            column = COL_P1 if year is None else w.layout.year_col(year)
            cell = ws.cell(row=row, column=column, value=float(model) * figure.sign / figure.unit)
            cell.number_format = fmt
            w.generated.append((ws.title, cell.coordinate))  # follows the inputs: recalc rewrites it, never a hand edit


def _model_formula(w: Writer, figure: PublishedFigure, divisor: str) -> Formula | None:
    """``year column letter → formula`` for the model's figure in the source's unit and sign (the letter is
    ignored for single figures), or None where the book has no cell for it; ``divisor`` is the cell with the
    source's unit in kr. (no number typed into a formula)."""
    lay, case, rows = w.layout, w.case, w.layout.budget_rows()
    budget, fu = w.ref("budget"), w.ref("followup")
    sign = "-" if figure.sign == -1 else ""
    per_unit = "" if figure.unit == 1 else f"/{divisor}"

    def scaled(reference: str) -> str:
        return f"={sign}({reference}){per_unit}"

    def years_sum(sheet: str, row: int) -> str:
        first, last = figure.years or (case.first_year, case.last_year)
        return f"SUM({sheet}!${col(lay.year_col(first))}${row}:${col(lay.year_col(last))}${row})"

    name = figure.figure
    if name not in IN_BOOK:
        return None
    if name in ("cohort_savings", "cohort_person_years"):
        i = next(k for k, c in enumerate(case.cohorts) if c.name == figure.cohort)
        pair = lay.pair_row(i, lay.shape.outcomes.index(figure.outcome or ""))
        sheet = w.ref("savings" if name == "cohort_savings" else "calc")
        return lambda c: scaled(f"{sheet}!{c}${pair}")
    if name in BUDGET_FIGURES:
        return lambda c: scaled(f"{budget}!{c}${rows[BUDGET_FIGURES[name]]}")
    if name in FOLLOW_UP_FIGURES:
        follow = lay.followup_rows()[FOLLOW_UP_FIGURES[name]]
        return lambda c: scaled(f"{fu}!{c}${follow}")
    sums = {"savings_total": (budget, rows["savings"]), "costs_total": (budget, rows["costs"]), "net_gain": (budget, rows["net"]),
            "write_down_total": (fu, lay.followup_rows()["write_down"]), "forecast_total": (fu, lay.followup_rows()["forecast"])}
    if name in sums:
        sheet, row = sums[name]
        return lambda _: scaled(years_sum(sheet, row))
    if name in ("cost_item", "savings_line"):
        lines = case.costs if name == "cost_item" else case.savings
        i = next(k for k, line in enumerate(lines) if line.label == figure.item)
        line_row = rows[f"cost{i}" if name == "cost_item" else f"saving{i}"]
        return lambda _: scaled(years_sum(budget, line_row))
    return lambda _: f"={budget}!${col(COL_P1)}${rows[name]}"  # payback_year, savings_cost_ratio
