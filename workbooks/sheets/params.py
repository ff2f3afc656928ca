"""The parameter sheet ("Parametre"): the refusion staircase as a band table, the reset rule, one dated
benefit table per split outcome, and every parameter value the case uses with its source.

The band table and the benefit tables are what the refusion formulas read; every value comes from the
case's parameters (tool-owned cells, rebuilt by ``recalc``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from openpyxl.styles import Alignment, Font

from workbooks.layout import COL_DETAIL, COL_LABEL, COL_NOTE, COL_P1, COL_P2, COL_P3, COL_P4, COL_UNIT, HEADER_ROW, col
from xlmodel.parameters import UNIT_TEXT
from xlmodel.pension import AGE_PARAMETER, BIRTH_IN_YEAR_OF_AGE, age_table
from xlmodel.refusion import benefit_periods
from xlmodel.report import parameter_uses

if TYPE_CHECKING:
    from workbooks.writer import Writer

#: The two columns each table of the sheet ends with (layout 10 on): its remarks (flags, wrapped), then its source,
#: last, so a long address runs on to the right and is read whole on the screen and on paper (layout 9 had the
#: source first and cut it where the remarks began: :func:`_columns`).
COL_FLAGS, COL_SOURCE = COL_P4, COL_NOTE
#: Characters of remarks on one line (the remarks column is as wide as its longest line), and a line's height (points).
FLAGS_WIDTH, ROW_HEIGHT = 40, 15
#: A number of weeks no clock reaches, shown as ∞: the end of the staircase's last band.
NO_END_WEEKS = 1_000_000
DATE = "yyyy-mm-dd"
KR = "#,##0;-#,##0"


def time_formula(date_cell: str) -> str:
    """A date as the core's time in years: YEAR + (MONTH − 1)/12 + (DAY − 1)/(12 × days in the month)."""
    days = f"(DATE(YEAR({date_cell}),MONTH({date_cell})+1,1)-DATE(YEAR({date_cell}),MONTH({date_cell}),1))"
    return f"YEAR({date_cell})+(MONTH({date_cell})-1)/12+(DAY({date_cell})-1)/(12*{days})"


def write(w: Writer) -> None:
    ws, lay, case = w.sheets["params"], w.layout, w.case
    w.top(ws, w.t("params_title"))
    w.header_row(ws, [w.t("h_parameter"), "", w.t("h_unit"), w.t("h_value")], years=False)
    stairs = case.refusion.staircases
    weeks, rates = (stairs[0].weeks, stairs[0].rates) if stairs else ((0.0, 4.0, 26.0, 52.0), (0.8, 0.4, 0.3, 0.2))
    if not stairs:  # nothing split: show the staircase in force today, for reference
        entry = case.parameters.get("refusion.staircase").values[-1]
        weeks, rates = entry.weeks, entry.rates
    bounds = [*weeks[1:], NO_END_WEEKS]
    for row, key, unit, values, fmt in (
        (lay.params_stair_from, "stair_from", "u_weeks", weeks, "0"),
        (lay.params_stair_to, "stair_to", "u_weeks", bounds, '[>=1000000]"∞";0'),
        (lay.params_stair_rate, "stair_rate", "u_share", rates, "0%"),
    ):
        w.text(ws, row, COL_LABEL, w.t(key))
        w.text(ws, row, COL_UNIT, w.t(unit))
        for k, value in enumerate(values):
            ws.cell(row=row, column=COL_P1 + k, value=float(value)).number_format = fmt
        w.generated.extend((ws.title, ws.cell(row=row, column=COL_P1 + k).coordinate) for k in range(len(values)))
    w.text(ws, lay.params_stair_from, COL_NOTE + 1, w.t("stair_source"))
    rules = _rules(case)
    for row, key, unit, value in (
        (lay.params_weeks_per_year, "weeks_per_year", "u_weeks", rules["refusion.weeks_per_year"]),
        (lay.params_reset_weeks, "reset_weeks", "u_weeks", rules["refusion.reset_weeks"]),
        (lay.params_reset_window, "reset_window", "u_years", rules["refusion.reset_window_years"]),
    ):
        w.text(ws, row, COL_LABEL, w.t(key))
        w.text(ws, row, COL_UNIT, w.t(unit))
        ws.cell(row=row, column=COL_P1, value=value).number_format = "0"
        w.generated.append((ws.title, ws.cell(row=row, column=COL_P1).coordinate))
    w.text(ws, lay.params_reset_weeks, COL_NOTE + 1, w.t("reset_source"))
    _benefit_tables(w)
    if lay.shape.pension_ages:
        _pension_ages(w)
    row = lay.params_uses_header
    w.text(ws, row, COL_LABEL, w.t("uses_title"), font=Font(bold=True, size=12))
    w.generated.append((ws.title, f"A{row}"))
    uses = parameter_uses(w.result)
    if not uses:
        w.text(ws, row + 1, COL_LABEL, w.t("no_params"))
        w.generated.append((ws.title, f"A{row + 1}"))
        return
    flags_col, source_col = _columns(w, uses_table=True)
    headers = {1: "h_parameter", 2: "h_from", 3: "h_to", 4: "h_value", 5: "h_unit", 6: "h_valid_from", flags_col: "h_flags", source_col: "h_source"}
    for c, key in headers.items():
        w.text(ws, row + 1, c, w.t(key), font=Font(bold=True))
    for i, use in enumerate(uses):
        r = row + 2 + i
        cells = (use["parameter"], use["from"], use["to"], use["shown"], UNIT_TEXT.get(use["unit"], use["unit"]), use["valid_from"])
        for c, value in enumerate(cells, start=1):
            w.text(ws, r, c, str(value)).alignment = Alignment(vertical="top")
        _source(w, r, use["reference"], _flags(w, use["carried_forward"], use["origin"] == "case", use["secondary"], use["assumption"] and not use["carried_forward"] and use["origin"] != "case"), uses_table=True)
        w.generated += [(ws.title, f"{col(c)}{r}") for c in range(COL_LABEL, COL_NOTE + 1)]
    ws.column_dimensions["A"].width = 30
    for letter in "BCDEFG":
        ws.column_dimensions[letter].width = 14


def _benefit_tables(w: Writer) -> None:
    """One dated table of its gross benefit per split outcome: from date, kr. a year, from and to as the core's time
    (what the Refusion sheet's integrals read), remarks and source."""
    ws, lay, case = w.sheets["params"], w.layout, w.case
    bold = Font(bold=True)
    last_year_cell = f"{w.ref('budget')}!${col(lay.last_year_col)}${HEADER_ROW}"
    for k, outcome_id in enumerate(lay.shape.split_outcomes):
        outcome = case.outcome(outcome_id)
        first, _ = lay.benefit_rows(k)
        w.text(ws, first - 1, COL_LABEL, w.t("benefit_table", outcome=outcome.label), font=bold)
        flags_col, source_col = _columns(w, uses_table=False)
        for column, key in ((COL_DETAIL, "h_from"), (COL_UNIT, "h_kr_year"), (COL_P1, "h_from_time"), (COL_P2, "h_to_time"), (flags_col, "h_flags"), (source_col, "h_source")):
            w.text(ws, first - 1, column, w.t(key), font=bold)
        periods = benefit_periods(case, outcome)
        for j in range(lay.shape.benefit_periods):
            row = first + j
            period = periods[j] if j < len(periods) else None
            if period is None:
                continue
            segment = period.segment
            w.text(ws, row, COL_LABEL, segment.parameter if segment else w.t("benefit_rate_given"))
            ws.cell(row=row, column=COL_DETAIL, value=period.start).number_format = DATE
            ws.cell(row=row, column=COL_UNIT, value=period.annual).number_format = KR
            w.formula(ws, row, COL_P1, f"={time_formula(f'$B{row}')}", "0.0000")
            end = f"=$D{row + 1}" if j + 1 < len(periods) else f"={last_year_cell}+1"
            w.formula(ws, row, COL_P2, end, "0.0000")
            if segment is not None:
                _source(w, row, segment.entry.reference, _flags(w, segment.carried_forward, segment.entry.origin == "case", segment.entry.secondary, segment.entry.assumption), uses_table=False)
            w.generated += [(ws.title, ws.cell(row=row, column=c).coordinate) for c in (COL_LABEL, COL_DETAIL, COL_UNIT, COL_P2, flags_col, source_col)]


def _columns(w: Writer, *, uses_table: bool) -> tuple[int, int]:
    """(remarks, source) columns of a table: G and H (layout 10 on); layout 9 had the source first, in G in the
    table of parameters in use and in F in the benefit and folkepension tables."""
    if w.layout.shape.sources_last:
        return COL_FLAGS, COL_SOURCE
    return (COL_NOTE, COL_P4) if uses_table else (COL_P4, COL_P3)


def _source(w: Writer, row: int, reference: str, flags: list[str], *, uses_table: bool) -> None:
    """A table row's remarks and source. Layout 10 on: the remarks wrapped in a column as wide as the longest (at
    most :data:`FLAGS_WIDTH` characters; the row as high as its lines), the source last, running on to the right."""
    ws = w.sheets["params"]
    flags_col, source_col = _columns(w, uses_table=uses_table)
    text = "; ".join(flags)
    cells = (w.text(ws, row, flags_col, text), w.text(ws, row, source_col, reference))
    if w.layout.shape.sources_last:
        cells[0].alignment = Alignment(vertical="top", wrap_text=True)
        cells[1].alignment = Alignment(vertical="top")
        w.shown[(ws.title, flags_col)] = max(w.shown.get((ws.title, flags_col), 0), min(len(text), FLAGS_WIDTH))
        lines = math.ceil(len(text) / FLAGS_WIDTH)
        if lines > 1:
            ws.row_dimensions[row].height = ROW_HEIGHT * lines
    elif uses_table:
        for cell in cells:
            cell.alignment = Alignment(vertical="top")


def _pension_ages(w: Writer) -> None:
    """The folkepension block (an outcome avoids a førtidspension): the birth assumption (half a year into the
    year of age) and the folkepension age by birth date, which Beregning's end months look up."""
    ws, lay = w.sheets["params"], w.layout
    birth_row, first, _ = lay.params_pension_rows()
    bold = Font(bold=True)
    w.text(ws, birth_row - 1, COL_LABEL, w.t("pension_title"), font=bold)
    w.text(ws, birth_row, COL_LABEL, w.t("pension_birth"))
    w.text(ws, birth_row, COL_UNIT, w.t("u_years"))
    ws.cell(row=birth_row, column=COL_P1, value=BIRTH_IN_YEAR_OF_AGE).number_format = "0.0"
    w.text(ws, birth_row, COL_NOTE + 1, w.t("pension_birth_note"))
    flags_col, source_col = _columns(w, uses_table=False)
    for column, key in ((COL_DETAIL, "h_born_from"), (COL_UNIT, "h_unit"), (COL_P1, "h_pension_age"), (flags_col, "h_flags"), (source_col, "h_source")):
        w.text(ws, first - 1, column, w.t(key), font=bold)
    for j, entry in enumerate(age_table(w.case.parameters)[: lay.shape.pension_ages]):
        row = first + j
        w.text(ws, row, COL_LABEL, AGE_PARAMETER)
        ws.cell(row=row, column=COL_DETAIL, value=entry.date).number_format = DATE
        w.text(ws, row, COL_UNIT, w.t("u_years"))
        ws.cell(row=row, column=COL_P1, value=float(entry.value or 0.0)).number_format = "0.0"
        _source(w, row, entry.reference, _flags(w, False, entry.origin == "case", entry.secondary, entry.assumption), uses_table=False)
    w.generated += [(ws.title, f"{col(c)}{r}") for (r, c) in ws._cells if birth_row - 1 <= r < first + lay.shape.pension_ages]


def _rules(case: object) -> dict[str, float]:
    """The one-number refusion rules the case uses (or today's, when it splits nothing)."""
    from xlmodel.model import Case

    assert isinstance(case, Case)
    found: dict[str, float] = {}
    for use in case.refusion.uses:
        if use.segment.entry.value is not None and use.used_by.startswith("refusion."):
            found[use.segment.parameter] = float(use.segment.entry.value)
    for name in ("refusion.weeks_per_year", "refusion.reset_weeks", "refusion.reset_window_years"):
        if name not in found:
            found[name] = float(case.parameters.get(name).values[-1].value or 0.0)
    return found


def _flags(w: Writer, carried: bool, own: bool, secondary: bool, assumption: bool) -> list[str]:
    return [w.t(key) for key, on in (("flag_carried", carried), ("flag_case", own), ("flag_secondary", secondary), ("flag_assumption", assumption)) if on]
