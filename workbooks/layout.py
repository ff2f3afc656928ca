"""Where everything sits in a budget workbook: a pure function of the case's shape.

The builder writes by this layout and ``recalc`` reads inputs back by it; the shape is stored in
the workbook's custom document properties, so both always agree. Years sit in the same columns on
every sheet (from column I), one formula per row, the same formula across the year columns; Følsomhed
(from layout 6) lists its years down the rows instead, so that it prints in normal size for any horizon.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields

from openpyxl.utils import get_column_letter

#: The version of this layout, stored in every book: a book of a layout this release cannot write is
#: refused by ``recalc`` with a clear message naming ``xlmodel upgrade`` instead of being misread.
LAYOUT_VERSION = 10
#: Every layout this release still writes as it was, so its books are read and recalculated in their own
#: layout (``Shape.layout``): layout 3 kept each cohort's outcomes together (``Shape.pairs_by_outcome``),
#: layout 4 had the follow-up sheet without its difference rows and wrote down a saving nobody forecast,
#: layout 5 had Følsomhed's years across the sheet (shrunk to fit a page), layout 6 showed a payback year and
#: an NPV of 0 for a case without costs and savings, layout 7 still showed such a case as paid back in every year,
#: layout 8 had no room for an avoided førtidspension (its books are today's without one), layout 9 had
#: Parametre's sources before the remarks (``Shape.sources_last``).
READABLE_LAYOUTS = ("3", "4", "5", "6", "7", "8", "9", str(LAYOUT_VERSION))
#: Column of the first budget year on every sheet with a timeline.
FIRST_YEAR_COL = 9
#: Parameter columns D..G and the comment/source column H.
COL_LABEL, COL_DETAIL, COL_UNIT, COL_P1, COL_P2, COL_P3, COL_P4, COL_NOTE = 1, 2, 3, 4, 5, 6, 7, 8
#: Row of the year headers on every sheet with a timeline; the first data row is below it.
HEADER_ROW = 4
#: Rows of the checks sheet's labelled constants: the checks' tolerance (kr.) and the payback tolerance (kr.).
CHECKS_TOLERANCE_ROW, CHECKS_PAYBACK_TOLERANCE_ROW = HEADER_ROW + 9, HEADER_ROW + 10
#: At most this many fall-backs per outcome in a workbook.
MAX_FALLBACKS = 3
#: Room for this many ages per cohort (an age mix) on Holdplan when an outcome avoids a førtidspension, or
#: more when a cohort of the case has a longer mix.
MIN_AGES = 3

SHEETS = ("cover", "summary", "inputs", "params", "cohorts", "calc", "refusion", "savings", "budget", "sensitivity", "followup", "checks")
SHEET_NAMES = {
    "da": {"cover": "Forside", "summary": "Resumé", "inputs": "Forudsætninger", "params": "Parametre", "cohorts": "Holdplan", "calc": "Beregning",
           "refusion": "Refusion", "savings": "Besparelser", "budget": "Budget", "sensitivity": "Følsomhed", "followup": "Opfølgning",
           "checks": "Kontrol"},
    "en": {"cover": "Cover", "summary": "Summary", "inputs": "Assumptions", "params": "Parameters", "cohorts": "Cohorts", "calc": "Calculation",
           "refusion": "Refusion", "savings": "Savings", "budget": "Budget", "sensitivity": "Sensitivity", "followup": "Follow-up",
           "checks": "Checks"},
}  # fmt: skip


def code_name(key: str) -> str:
    """The identity of a tool sheet: its ``codeName`` (Excel keeps it when the user renames the tab) and a hidden
    defined name pointing at the sheet's A1 (Excel and LibreOffice follow a renamed tab), so a renamed tool
    sheet is still known.

    >>> code_name("budget")
    'xlmodel_budget'
    """
    return f"xlmodel_{key}"


def tool_titles(titles_and_code_names: Iterable[tuple[str, str | None]], lang: str, named: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each tool sheet's key -> its title in a book: found by its code name, else by the defined name of
    that code name (``named``: name -> the sheet it points at), else by the layout's name. Keys not found
    are left out (the caller says which are missing).

    >>> tool_titles([("Budget 2021", "xlmodel_budget"), ("Kontrol", None)], "da")["budget"]
    'Budget 2021'
    >>> tool_titles([("Mit budget", None)], "da", {"xlmodel_budget": "Mit budget"})
    {'budget': 'Mit budget'}
    """
    sheets = list(titles_and_code_names)
    titles = {title for title, _ in sheets}
    by_code = {code: title for code, title in (named or {}).items() if title in titles}
    by_code |= {code: title for title, code in sheets if code}
    found = {}
    for key, name in SHEET_NAMES[lang].items():
        if code_name(key) in by_code:
            found[key] = by_code[code_name(key)]
        elif name in titles and name not in by_code.values():
            found[key] = name
    return found


#: Refusion clocks per cohort × split outcome: the counterfactual one, then one per fall-back.
CLOCKS = 1 + MAX_FALLBACKS
#: Holdplan column of the cohort's refusion clock at the effect start (weeks on benefits).
COL_WEEKS = 5

RUNTIMES = ("officejs", "com", "native")
#: The formula text of our functions per runtime. Office.js custom functions are stored in the file as
#: _xldudf_<NAMESPACE>_<NAME> (Excel shows =XLMODEL.SAVINGS); classic COM UDFs by their plain name.
FUNCTION_PREFIX = {"officejs": "_xldudf_XLMODEL_", "com": "", "native": None}


def col(index: int) -> str:
    return get_column_letter(index)


#: The largest counts a stored shape may claim (far above any real case, far below what exhausts memory).
SHAPE_LIMITS = {
    "first_year": 2200, "last_year": 2200, "cohorts": 10_000, "costs": 2_000, "savings": 2_000, "periods": 200,
    "targets": 2_000, "actuals": 2_000, "benefit_periods": 500, "bands": 20, "discount_bands": 20, "published": 2_000, "decision": 1,
    "ages": 20, "pension_ages": 100,
}  # fmt: skip


@dataclass(frozen=True)
class Shape:
    """What the layout depends on: horizon, outcome ids, row capacities and named periods."""

    first_year: int
    last_year: int
    outcomes: tuple[str, ...]
    cohorts: int
    costs: int
    savings: int
    periods: int = 0
    targets: int = 0
    actuals: int = 0
    split_outcomes: tuple[str, ...] = ()  # outcomes with a gross benefit split by the refusion staircase
    benefit_periods: int = 0  # rows of each split outcome's benefit table on the parameter sheet
    bands: int = 4  # bands of the refusion staircase
    payers: tuple[str, ...] = ("kommune", "stat")
    discount_bands: int = 3  # bands of the discount-rate curve
    #: Outcomes with a wage (income): the Budget sheet's public-purse block, tax and udligning per year.
    tax_outcomes: tuple[str, ...] = ()
    #: The source's printed figures shown "as published" on the Besparelser sheet (two rows each).
    published: int = 0
    #: 1 for a follow-up whose decision case the book carries: the Opfølgning sheet's rows of the decision.
    decision: int = 0
    #: Outcomes that avoid a førtidspension (layout 9 on): their savings end at the folkepension age.
    pension_outcomes: tuple[str, ...] = ()
    #: Age columns (age, share) per cohort on Holdplan; 0 without an avoided førtidspension.
    ages: int = 0
    #: Rows of the folkepension age table on Parametre (by birth date); 0 without an avoided førtidspension.
    pension_ages: int = 0
    #: The layout the book is written in (one of :data:`READABLE_LAYOUTS`; stored as its own property).
    layout: int = LAYOUT_VERSION

    @property
    def pairs_by_outcome(self) -> bool:
        """The cohort × outcome rows of Beregning and Besparelser (the Refusion sheet refers to them): one block
        per outcome, its cohorts in order (layout 4 on: each column's formula is the same down a block, Excel
        finds no inconsistent formula and formula engines evaluate the block as one), or each cohort's
        outcomes together (layout 3)."""
        return self.layout >= 4

    @property
    def undefined_without_flows(self) -> bool:
        """The payback years (Budget) and the NPV and discounted payback (Følsomhed) of a case, or a payer,
        without costs and savings show "—" with the reason (layout 7 on), not the first year and 0 (layout 6)."""
        return self.layout >= 7

    @property
    def flags_undefined_without_flows(self) -> bool:
        """The paid-back flags per year (Budget, Følsomhed) of a case, or a payer, without costs and savings
        show "—" (layout 8 on), not "Ja" in every year (layout 7)."""
        return self.layout >= 8

    @property
    def sources_last(self) -> bool:
        """Parametre's tables end with the remarks (column G), then the source (column H, last, running on to the right) (layout 10 on);
        layout 9 had the source first (in column F or G), cut off where the remarks began."""
        return self.layout >= 10

    @property
    def layout_version(self) -> str:
        """The layout version a book of this shape records."""
        return str(self.layout)

    def to_json(self) -> str:
        """The shape as stored in a book; the layout is stored as its own property (``xlmodel_layout``)."""
        data = asdict(self)
        del data["layout"]
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> Shape:
        """The shape stored in a book, checked before any row is computed from it: a forged property
        (a billion cohorts, a negative count, an unknown key) is refused with a clear error."""
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise ValueError("xlmodel_shape er ikke gyldig JSON") from None
        if not isinstance(data, dict) or set(data) - ({f.name for f in fields(cls)} - {"layout"}):  # the layout: its own property
            raise ValueError("xlmodel_shape har ukendte felter")
        for key in ("outcomes", "split_outcomes", "payers", "tax_outcomes", "pension_outcomes"):
            if key in data:
                if not isinstance(data[key], list) or not all(isinstance(x, str) and x.isidentifier() and len(x) <= 64 for x in data[key]):
                    raise ValueError(f"xlmodel_shape.{key} skal være en liste af id'er")
                data[key] = tuple(data[key])
        for key, limit in SHAPE_LIMITS.items():
            value = data.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
                raise ValueError(f"xlmodel_shape.{key} skal være et helt tal mellem 0 og {limit}")
        if data.get("pension_outcomes") and not (set(data["pension_outcomes"]) <= set(data.get("split_outcomes", ())) and data.get("ages", 0) >= 1 and data.get("pension_ages", 0) >= 1):
            raise ValueError("xlmodel_shape: en undgået førtidspension skal være en delt effekt med mindst én alder og en folkepensionstabel")
        if not data.get("last_year", 0) - data.get("first_year", 0) < 100 or len(data.get("outcomes", ())) > 50:
            raise ValueError("xlmodel_shape: tidshorisont eller antal effekter uden for det tilladte")
        try:
            return cls(**data)
        except TypeError:
            raise ValueError("xlmodel_shape mangler felter") from None


#: Følsomhed up to layout 5: the year rows across (columns from I) at the top, the key figures below them,
#: the tables xlmodel computes from ``tables`` on.
SENS_ROWS_LAYOUT5: Mapping[str, int] = {
    "discount_input": HEADER_ROW + 1, "band_from": HEADER_ROW + 2, "band_to": HEADER_ROW + 3, "band_rate": HEADER_ROW + 4,
    "factor": HEADER_ROW + 5, "pv": HEADER_ROW + 6, "pv_kommune": HEADER_ROW + 7, "pv_cumulative": HEADER_ROW + 8,
    "pv_paid_back": HEADER_ROW + 9, "npv": HEADER_ROW + 11, "npv_kommune": HEADER_ROW + 12, "discounted_payback": HEADER_ROW + 13,
    "break_even": HEADER_ROW + 14, "break_even_kommune": HEADER_ROW + 15, "tables": HEADER_ROW + 17,
}  # fmt: skip
#: Følsomhed's key figures from layout 6 (their value in column D, as before: a user's reference follows
#: its label), the first rows of the first printed page.
SENS_KEY_ROWS: Mapping[str, int] = {
    "discount_input": HEADER_ROW + 1, "npv": HEADER_ROW + 2, "npv_kommune": HEADER_ROW + 3, "discounted_payback": HEADER_ROW + 4,
    "break_even": HEADER_ROW + 5, "break_even_kommune": HEADER_ROW + 6, "p_payback": HEADER_ROW + 7, "p_payback_kommune": HEADER_ROW + 8,
    "net_gain_pct": HEADER_ROW + 9,
}  # fmt: skip
#: Rows the first page keeps for its two charts (the tornado, the probability of payback), side by side.
SENS_CHART_ROWS = 15


@dataclass(frozen=True)
class Layout:
    """Row numbers of every block, derived from a :class:`Shape`."""

    shape: Shape
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return list(range(self.shape.first_year, self.shape.last_year + 1))

    @property
    def n_years(self) -> int:
        return self.shape.last_year - self.shape.first_year + 1

    @property
    def last_year_col(self) -> int:
        return FIRST_YEAR_COL + self.n_years - 1

    def year_col(self, year: int) -> int:
        return FIRST_YEAR_COL + year - self.shape.first_year

    def calc_share_col(self, index: int) -> int:
        """Beregning's column of fall-back ``index``'s share (native runtime), one column after the last year."""
        return self.last_year_col + 2 + index

    def calc_age_cols(self, index: int) -> tuple[int, int]:
        """Beregning's columns of age ``index``'s share and the month its førtidspension ends (rows of an
        outcome that avoids one), after the fall-back shares."""
        first = self.last_year_col + 2 + MAX_FALLBACKS + 2 * index
        return first, first + 1

    def year_range(self, row: int, sheet: str = "") -> str:
        prefix = f"{sheet}!" if sheet else ""
        return f"{prefix}${col(FIRST_YEAR_COL)}${row}:${col(self.last_year_col)}${row}"

    # --- Forudsætninger (inputs) ---
    title_row = HEADER_ROW + 1
    municipality_row = HEADER_ROW + 2
    #: Hours per fte (37), an input with its source.
    constants_row = HEADER_ROW + 3

    def outcome_rows(self, index: int) -> dict[str, int]:
        """Unit saving or gross benefit (years), fall-backs 1..3 (D share, E years), fall-back month (D),
        wage subsidy (D: Ja/Nej)."""
        base = HEADER_ROW + 5 + index * (MAX_FALLBACKS + 4)
        rows = {"title": base, "unit": base + 1, **{f"fallback{i + 1}": base + 2 + i for i in range(MAX_FALLBACKS)}}
        return rows | {"month": base + 2 + MAX_FALLBACKS, "subsidy": base + 3 + MAX_FALLBACKS}

    @property
    def costs_header(self) -> int:
        return HEADER_ROW + 5 + len(self.shape.outcomes) * (MAX_FALLBACKS + 4) + 1

    def cost_row(self, index: int) -> int:
        return self.costs_header + 1 + index

    @property
    def savings_header(self) -> int:
        return self.cost_row(self.shape.costs) + 1

    def savings_line_row(self, index: int) -> int:
        return self.savings_header + 1 + index

    @property
    def periods_header(self) -> int:
        return self.savings_line_row(self.shape.savings) + 1

    def period_row(self, index: int) -> int:
        return self.periods_header + 1 + index

    # --- Opfølgning (follow-up): targets and actuals are input lines with years across ---
    def followup_rows(self) -> dict[str, int]:
        """Rows of the follow-up sheet; blocks of target lines (T) and actual lines (A)."""
        t, a = self.shape.targets, self.shape.actuals
        r = HEADER_ROW + 1
        rows = {"rate_input": r, "green": r + 1, "yellow": r + 2, "rate": r + 3, "targets_header": r + 5}
        rows["targets"] = rows["targets_header"] + 1
        rows["actuals_header"] = rows["targets"] + t + 1
        rows["actuals"] = rows["actuals_header"] + 1
        rows["matched_header"] = rows["actuals"] + a + 1
        rows["matched"] = rows["matched_header"] + 1
        if self.shape.layout >= 5:  # each block under a header of its own: actual, difference, reported, realisation
            rows["difference_header"] = rows["matched"] + t + 1
            rows["difference"] = rows["difference_header"] + 1
            rows["reported_header"] = rows["difference"] + t + 1
            rows["reported"] = rows["reported_header"] + 1
        else:
            rows["reported"] = rows["matched"] + t
        rows["realisation_header"] = rows["reported"] + t + 1
        rows["realisation"] = rows["realisation_header"] + 1
        rows["results_header"] = rows["realisation"] + t + 1
        for i, name in enumerate(("expected", "realised", "forecast", "write_down", "variance", "ended", "active", "write_down_total", "forecast_total")):
            rows[name] = rows["results_header"] + 1 + i
        r = rows["forecast_total"] + 2
        if self.shape.decision:  # the decision's expected savings beside what was realised
            rows["decision_expected"], rows["realised_vs_decision"] = r, r + 1
            r += 3
        rows["chart"] = r
        return rows

    # --- Holdplan (cohort plan): one row per cohort; per outcome 3 columns ---
    def cohort_row(self, index: int) -> int:
        return HEADER_ROW + 1 + index

    @staticmethod
    def cohort_outcome_cols(outcome_index: int) -> tuple[int, int, int]:
        """Columns of persons, deadweight (persons) and deadweight (share of participants)."""
        first = COL_WEEKS + 1 + 3 * outcome_index
        return first, first + 1, first + 2

    def cohort_age_cols(self, index: int) -> tuple[int, int]:
        """Holdplan's columns of age ``index`` of a cohort's age mix and its share, after the outcomes' columns."""
        first = COL_WEEKS + 1 + 3 * len(self.shape.outcomes) + 2 * index
        return first, first + 1

    # --- Parametre: the staircase, the refusion rules, one benefit table per split outcome ---
    params_stair_from = HEADER_ROW + 2
    params_stair_to = HEADER_ROW + 3
    params_stair_rate = HEADER_ROW + 4
    params_weeks_per_year = HEADER_ROW + 5
    params_reset_weeks = HEADER_ROW + 6
    params_reset_window = HEADER_ROW + 7

    def band_range(self, row: int, sheet: str = "") -> str:
        """The staircase's bands on one row of the parameter sheet (columns D..), absolute."""
        prefix = f"{sheet}!" if sheet else ""
        return f"{prefix}${col(COL_P1)}${row}:${col(COL_P1 + self.shape.bands - 1)}${row}"

    def benefit_rows(self, split_index: int) -> tuple[int, int]:
        """First and last row of a split outcome's benefit table (its title is on the row above)."""
        first = HEADER_ROW + 10 + split_index * (self.shape.benefit_periods + 3)
        return first, first + max(self.shape.benefit_periods, 1) - 1

    def params_pension_rows(self) -> tuple[int, int, int]:
        """The folkepension block after the benefit tables (layout 9 on, its title on the row above): the row of
        the birth assumption (half a year into the year of age), and the first and last row of the folkepension
        age table by birth date (its header above it)."""
        title = HEADER_ROW + 10 + len(self.shape.split_outcomes) * (self.shape.benefit_periods + 3) + 1
        return title + 1, title + 3, title + 2 + self.shape.pension_ages

    @property
    def params_uses_header(self) -> int:  # after the folkepension block, or where its title would be
        return self.params_pension_rows()[0] - 1 + (self.shape.pension_ages + 4 if self.shape.pension_ages else 0)

    # --- Følsomhed: discounting (an input: a flat rate), NPV, break-even; then tool-written tables ---

    @property
    def switching_capacity(self) -> int:
        """Rows of the switching values on Følsomhed's first page: at most two inputs per outcome (its unit
        saving or benefit, its fall-back), persons and deadweight, one per cost and direct saving, and the delay
        (see :func:`xlmodel.appraisal.linear_inputs`)."""
        return 2 * len(self.shape.outcomes) + 2 + self.shape.costs + self.shape.savings + 1

    @property
    def sens_rows(self) -> dict[str, int]:
        """Rows of the Følsomhed sheet. From layout 6 it reads as a committee reads it: page 1 the key figures,
        the two charts and the switching values (a template's many empty rows run on to page 2); from ``details`` on (a printed page of its own) the discount
        rate's bands, one row per year (``years``: the discount factor, present values, payback flags and the
        Monte Carlo's probability), and the tables xlmodel computes (``tables``). Every column is a label or a
        value column, so the sheet prints on a page in normal size for any horizon."""
        if self.shape.layout < 6:
            return dict(SENS_ROWS_LAYOUT5)
        rows = dict(SENS_KEY_ROWS)
        rows["charts"] = rows["net_gain_pct"] + 2
        rows["switching"] = rows["charts"] + SENS_CHART_ROWS + 1  # its title; the header below it, then the inputs
        rows["details"] = rows["switching"] + 2 + self.switching_capacity + 1
        rows["bands_header"] = rows["details"] + 2
        rows["bands"] = rows["bands_header"] + 1
        rows["bands_source"] = rows["bands"] + self.shape.discount_bands
        rows["years_header"] = rows["bands_source"] + 2
        rows["years"] = rows["years_header"] + 1
        rows["tables"] = rows["years"] + self.n_years + 1
        return rows

    def sens_year_row(self, year: int) -> int:
        """Følsomhed's row of ``year`` (layout 6 on)."""
        return self.sens_rows["years"] + year - self.shape.first_year

    # --- Refusion: per cohort × split outcome × clock, a gross block and a refund block ---
    def refusion_row(self, block: int, cohort_index: int, split_index: int, clock: int) -> int:
        """Row of one clock; block 0 = the benefit saved (gross), block 1 = the state's refund."""
        per_block = self.shape.cohorts * len(self.shape.split_outcomes) * CLOCKS
        return HEADER_ROW + 2 + block * (per_block + 2) + (cohort_index * len(self.shape.split_outcomes) + split_index) * CLOCKS + clock

    def refusion_block(self, block: int) -> tuple[int, int]:
        """First and last row of a block (last < first when there are no split outcomes)."""
        per_block = self.shape.cohorts * len(self.shape.split_outcomes) * CLOCKS
        first = HEADER_ROW + 2 + block * (per_block + 2)
        return first, first + per_block - 1

    # --- Beregning / Besparelser: one row per cohort × outcome ---
    def pair_row(self, cohort_index: int, outcome_index: int) -> int:
        if self.shape.pairs_by_outcome:
            return HEADER_ROW + 1 + outcome_index * self.shape.cohorts + cohort_index
        return HEADER_ROW + 1 + cohort_index * len(self.shape.outcomes) + outcome_index

    def pairs(self) -> list[tuple[int, int]]:
        """(cohort index, outcome index) of each cohort × outcome row, in the order of the rows."""
        cohorts, outcomes = range(self.shape.cohorts), range(len(self.shape.outcomes))
        if self.shape.pairs_by_outcome:
            return [(i, k) for k in outcomes for i in cohorts]
        return [(i, k) for i in cohorts for k in outcomes]

    @property
    def pairs_last_row(self) -> int:
        return HEADER_ROW + self.shape.cohorts * len(self.shape.outcomes)

    @property
    def has_pairs(self) -> bool:
        return self.shape.cohorts * len(self.shape.outcomes) > 0

    def pairs_sum(self, sheet: str, year_col: str | None = None) -> str:
        """SUM over the cohort × outcome rows of one year column (or all year columns), or 0 if there are none."""
        if not self.has_pairs:
            return "0"
        first, last = (year_col, year_col) if year_col else (f"${col(FIRST_YEAR_COL)}", f"${col(self.last_year_col)}")
        return f"SUM({sheet}!{first}{HEADER_ROW + 1}:{last}{self.pairs_last_row})"

    def outcome_pairs_sum(self, sheet: str, outcome_index: int, year_col: str) -> str:
        """Σ over the cohorts of one outcome's rows in one year column (one range from layout 4 on), or 0."""
        if not self.shape.cohorts:
            return "0"
        rows = [self.pair_row(i, outcome_index) for i in range(self.shape.cohorts)]
        if self.shape.pairs_by_outcome:
            return f"SUM({sheet}!{year_col}{rows[0]}:{year_col}{rows[-1]})"
        return "+".join(f"{sheet}!{year_col}{row}" for row in rows)

    @property
    def savings_total_row(self) -> int:
        return self.pairs_last_row + 1

    def published_rows(self) -> tuple[int, int, int]:
        """The "as published" block on the Besparelser sheet: its title row, its column headers, and the first
        figure's row (each figure: the source's row, then the model's)."""
        title = self.savings_total_row + 2
        return title, title + 1, title + 2

    # --- Budget ---
    def budget_rows(self) -> dict[str, int]:
        rows: dict[str, int] = {}
        r = HEADER_ROW + 1
        for i in range(self.shape.costs):
            rows[f"cost{i}"] = r
            r += 1
        for name in ("costs", "cohort_savings"):
            rows[name] = r
            r += 1
        for i in range(self.shape.savings):
            rows[f"saving{i}"] = r
            r += 1
        for name in ("savings", "net", "cumulative", "person_years", "paid_back"):
            rows[name] = r
            r += 1
        r += 1
        for name in ("payback_year", "net_gain", "savings_cost_ratio"):
            rows[name] = r
            r += 1
        for i in range(self.shape.periods):
            rows[f"period{i}"] = r
            r += 1
        r += 1
        rows["payers_header"] = r
        r += 1
        for payer in self.shape.payers:
            for name in ("savings", "costs", "net", "cumulative", "paid_back"):
                rows[f"{payer}_{name}"] = r
                r += 1
            for name in ("payback_year", "net_gain"):
                rows[f"{payer}_{name}"] = r
                r += 1
            r += 1
        if self.shape.tax_outcomes:
            r = self._tax_rows(rows, r)
        rows["chart"] = r + 1
        return rows

    def _tax_rows(self, rows: dict[str, int], r: int) -> int:
        """The public purse block (cases with a wage): the year's rates, per taxed outcome its wage, benefit,
        person-years and the gain of one person-year, the totals, and the kommune and the stat including them."""
        rows["tax_header"] = r
        r += 1
        for name in TAX_RATES:
            rows[f"tax_rate_{name}"] = r
            r += 1
        for k in range(len(self.shape.tax_outcomes)):
            r += 1
            for name in ("wage", "benefit", "persons", *TAX_LINES):
                rows[f"tax{k}_{name}"] = r
                r += 1
        r += 1
        for name in ("kommuneskat", "udligning", "kommune", "bundskat", "am_bidrag", "stat"):
            rows[f"tax_{name}"] = r
            r += 1
        for payer in ("kommune", "stat"):
            r += 1
            for name in ("net", "cumulative", "paid_back", "payback_year", "net_gain"):
                rows[f"{payer}_tax_{name}"] = r
                r += 1
        return r + 1


#: The rates of the public purse block, one row each (xlmodel.public_purse.TaxRates' fields).
TAX_RATES = ("am_bidrag", "bundskat", "personfradrag", "employment_rate", "employment_max", "job_rate", "job_threshold", "job_max",
             "kommune_rate", "average_rate", "udligning_share")
#: The four lines of the gain of one person-year (xlmodel.public_purse.LINES).
TAX_LINES = ("kommuneskat", "udligning", "bundskat", "am_bidrag")


def layout_for(shape: Shape) -> Layout:
    return Layout(shape)
