"""Charts of series over the years, made one way for every sheet and the portfolio book.

Each series has its own name as text (no copy of the row's label in a helper cell), the year labels sit
below the plot area (so they never collide with negative bars), both axes are shown (openpyxl 3.1 hides
them in Excel unless told), and every chart has one readable size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    from workbooks.writer import Writer

#: Width and height of a chart in cm: two fit side by side on a landscape page.
CHART_WIDTH, CHART_HEIGHT = 15.0, 7.5


def nothing_to_show(*series: Iterable[float | None]) -> bool:
    """True when every value of every series is 0 or undefined: a chart of it would show an empty axis
    (0, 1, 1), so the sheet says so in a line instead.

    >>> nothing_to_show([0.0, 0.0], [None, 0.0]), nothing_to_show([0.0, 3.0])
    (True, False)
    """
    return all(value is None or value == 0 for values in series for value in values)


def left_out(w: Writer, ws: Worksheet, row: int, column: int, what: str, *series: Iterable[float | None]) -> bool:
    """True where a chart of ``series`` would show nothing but zeros: the line saying why (``what`` is 0 in
    every year) is written at ``row``, ``column`` instead, as a result cell recalc rewrites. A template keeps
    its charts: it is filled in later."""
    if w.guidance or not nothing_to_show(*series):
        return False
    cell = w.text(ws, row, column, w.t("chart_omitted", what=what))
    w.generated.append((ws.title, cell.coordinate))
    return True


def year_chart(
    kind: type[BarChart] | type[LineChart],
    ws: Worksheet,
    title: str,
    y_title: str,
    series: Sequence[tuple[str, int]],
    categories: tuple[int, int, int],
    *,
    share_axis: bool = False,
) -> BarChart | LineChart:
    """A bar or line chart of ``series`` ((name, row) of ``ws``) over the columns of ``categories``
    (header row, first column, last column), which also hold the year labels."""
    row, first, last = categories
    chart = kind()
    chart.title, chart.y_axis.title = title, y_title
    for name, data_row in series:
        line = Series(Reference(ws, min_col=first, max_col=last, min_row=data_row), title=name)
        line.smooth = False  # openpyxl smooths a line by default: it would overshoot between the years (above 100 %)
        chart.series.append(line)
    chart.set_categories(Reference(ws, min_col=first, max_col=last, min_row=row))
    readable(chart)
    chart.y_axis.number_format = "0%" if share_axis else "#,##0"
    if share_axis:
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.legend.position = "b"
    return chart


def readable(chart: BarChart | LineChart) -> None:
    """Category labels below the plot area (not on the zero line among negative bars), both axes shown,
    the one chart size: for every chart, the year charts and the tornado alike."""
    chart.x_axis.tickLblPos = "low"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = CHART_WIDTH, CHART_HEIGHT


def pension_chart(w: Writer, ws: Worksheet, rows: dict[str, int], categories: tuple[int, int, int]) -> LineChart | None:
    """An avoided førtidspension's long horizon: what the kommune and the stat save each year until the last
    folkepension age (``rows``: the sheet's rows of ``kommune_savings`` and ``stat_savings``); None for a case
    without one."""
    if not w.layout.shape.pension_outcomes or not {"kommune_savings", "stat_savings"} <= rows.keys():
        return None
    series = [(w.t("p_savings", payer=w.t(f"payer_{payer}")), rows[f"{payer}_savings"]) for payer in ("kommune", "stat")]
    return year_chart(LineChart, ws, w.t("chart_pension"), w.t("u_kr"), series, categories)
