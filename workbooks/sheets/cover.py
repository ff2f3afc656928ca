"""Forside (cover): title, municipality, source, horizon, version, the key figures, the sign convention, the
guide (templates), the style key and the case's notes."""

from __future__ import annotations

import functools
from typing import Any

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from workbooks.labels import format_percent
from workbooks.sheets.checks import status_cell
from workbooks.writer import BAD_FILL, INPUT_BORDER, INPUT_FILL, INPUT_FONT, KR, OK_FILL, SECTION_FONT, TITLE_FONT, Writer
from xlmodel import __version__


def write(w: Writer) -> None:
    ws, case, lay = w.sheets["cover"], w.case, w.layout
    fu, budget = w.ref("inputs"), w.ref("budget")
    w.formula(ws, 1, 1, f"={fu}!$D${lay.title_row}").font = TITLE_FONT
    w.text(ws, 2, 1, w.t("master_check"), font=Font(bold=True))
    w.formula(ws, 2, 2, f"={w.ref('checks')}!$B$2")
    ws.conditional_formatting.add("B2", CellIsRule(operator="equal", formula=['"OK"'], fill=OK_FILL))
    ws.conditional_formatting.add("B2", CellIsRule(operator="notEqual", formula=['"OK"'], fill=BAD_FILL))
    rows = lay.budget_rows()
    formula, text, result_text, risk_text = "formula", "text", "result", "risk"
    # (name, value, number format, kind): only the tool's own formulas are formulas; user text (the
    # source) is always text, whatever it starts with; result text is rebuilt by recalc
    lines: list[tuple[str, Any, str | None, str]] = [
        (w.t("municipality"), f'=IF({fu}!$D${lay.municipality_row}="","",{fu}!$D${lay.municipality_row})', None, formula),
        (w.t("source"), case.source, None, text),
        (w.t("horizon"), f"{case.first_year}–{case.last_year}", None, text),
        (w.t("version"), w.t("version_text", version=__version__, runtime=w.t(f"runtime_{w.runtime}")), None, text),
        (w.t("functions_status"), f"={status_cell(w)}", None, formula),
        ("", "", None, text),
        (w.t("key_figures"), "", None, text),
        (w.t("payback_year"), f"={budget}!$D${rows['payback_year']}", "0", formula),
        (w.t("net_gain"), f"={budget}!$D${rows['net_gain']}", KR, formula),
        (w.t("savings_cost_ratio"), f"={budget}!$D${rows['savings_cost_ratio']}", "0.00", formula),
        (w.t("npv_key"), f"={w.ref('sensitivity')}!$D${lay.sens_rows['npv']}", KR, formula),
        *([(w.t("p_payback_key"), "", None, risk_text)] if case.uncertainty else []),
        *(
            [(w.t("kommune_payback"), f"={budget}!$D${rows['kommune_payback_year']}", "0", formula), (w.t("kommune_net_gain"), f"={budget}!$D${rows['kommune_net_gain']}", KR, formula)]
            if case.has_payer_split
            else []
        ),
        ("", "", None, text),
        (w.t("sign_convention"), w.t("sign_text"), None, text),
        (w.t("how_to"), w.t("how_to_text"), None, text),
    ]
    row = 4
    for name, value, fmt, kind in lines:
        w.text(ws, row, 1, name, font=Font(bold=True))
        if kind == formula:
            w.formula(ws, row, 2, value, fmt)
        elif kind == risk_text:  # the Monte Carlo result, once run (complete)
            w.later.append(functools.partial(_cover_risk, w, ws, row))
        elif value != "":
            w.text(ws, row, 2, value).alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row].height = 15 * (1 + len(value) // 80)
            if kind == result_text:
                w.generated.append((ws.title, f"B{row}"))
        row += 1
    if w.guidance:
        row += 1
        w.text(ws, row, 1, w.t("guide_title"), font=SECTION_FONT)
        for step in range(1, 8):
            row += 1
            w.text(ws, row, 1, f"{step}.", font=Font(bold=True)).alignment = Alignment(vertical="top")
            w.text(ws, row, 2, w.t(f"guide_{step}")).alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row].height = 30
        row += 1
    w.text(ws, row + 1, 1, w.t("style_key"), font=SECTION_FONT)
    sample = ws.cell(row=row + 2, column=1, value=w.t("style_input"))
    sample.fill, sample.font, sample.border = INPUT_FILL, INPUT_FONT, INPUT_BORDER
    w.text(ws, row + 3, 1, w.t("style_formula"))
    if case.notes:
        w.text(ws, row + 5, 1, w.t("notes"), font=SECTION_FONT)
        w.text(ws, row + 6, 1, " ".join(case.notes.split())).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row + 6, start_column=1, end_row=row + 6, end_column=6)
        ws.row_dimensions[row + 6].height = 150
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 80


def _cover_risk(w: Writer, ws: Worksheet, row: int) -> None:
    """The cover's line with the Monte Carlo probability of payback (result text: rebuilt by recalc)."""
    assert w.risk is not None
    value = format_percent(w.risk.p_payback, w.lang)
    w.text(ws, row, 2, value).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[row].height = 15 * (1 + len(value) // 80)
    w.generated.append((ws.title, f"B{row}"))
