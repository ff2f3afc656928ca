"""The xlmodel Excel functions: one module for classic COM (Windows), xlwings Server (Office.js) and
xlwings Lite. Each function converts and validates its cells at the boundary, then calls the core.

Positional arguments only; every argument is a 2-D range (``ndim=2``); results are 2-D lists, so
one call with columns of cohorts and a row of years spills a whole table. The docstrings are the
descriptions Excel shows, so they are in Danish; docs/reference/functions.md (generated from them) and docs/guide/excel_functions.md
are the function reference.
"""

import datetime as dt
import math
import sys
from dataclasses import dataclass
from typing import Annotated, Any, TypeAlias

import numpy as np
from xlwings import func

from udfs.boundary import (
    EXCEL_ERRORS,
    broadcast,
    cell_month,
    cell_number,
    cells,
    column,
    common_rows,
    excel_errors,
    fallback_table,
    grid,
    is_blank,
    months,
    numbers,
    one_cell,
    optional_month_number,
    serial_to_date,
    shares,
    single_row_or_column,
    years_row,
)
from xlmodel import __version__, appraisal, arithmetic, compute, public_purse, refusion, risk, validate
from xlmodel.errors import InvalidValueError
from xlmodel.model import HOURS_PER_FTE
from xlmodel.parameters import Parameters, time_to_date
from xlmodel.refusion import StepFunction

__xlwings_func_namespace__ = ""  # the namespace (XLMODEL) comes from the server's manifest

Grid = list[list[Any]]

PERSONS: TypeAlias = Annotated[Any, cells("Personer med effekten (brutto), én celle eller én kolonne med en række pr. hold")]
EFFECT_START: TypeAlias = Annotated[Any, cells("Dato hvor effekten starter (regnes fra den 1. i måneden); dato eller ÅÅÅÅ-MM-DD; én pr. hold")]
YEAR: TypeAlias = Annotated[Any, cells("Budgetår: én celle eller en række af år, fx 2021:2026")]
FALLBACKS: TypeAlias = Annotated[Any, cells("Valgfri. Tilbagefald: område med 2 kolonner (andel, efter antal år), fx 0,1 og 2")]
FALLBACK_MONTH: TypeAlias = Annotated[Any, cells("Valgfri. Måned (1–12) for tilbagefald i året efter holdets startår; tom = præcist fra effektstart")]
COHORT_START: TypeAlias = Annotated[Any, cells("Valgfri. Holdets startdato (bruges med fallback_month); tom = effect_start")]
DEADWEIGHT: TypeAlias = Annotated[Any, cells("Valgfri. Dødvægt i personer (ville have nået effekten alligevel); én pr. hold")]
SAVINGS_ROW: TypeAlias = Annotated[Any, cells("Besparelser pr. år (kr.), én række")]
COSTS_ROW: TypeAlias = Annotated[Any, cells("Udgifter pr. år (kr.), én række med samme antal år")]


def _excel_result(array: np.ndarray, as_column: bool = False) -> Grid:
    """A 2-D list for Excel; never NaN (it would show as #NUM! without explanation)."""
    if not np.all(np.isfinite(array)):
        raise InvalidValueError("", "resultatet er ikke et endeligt tal; tjek input for meget store tal")
    return (array.T if as_column else array).tolist()


@dataclass(frozen=True)
class _Cohorts:
    """The cohort arguments, converted and checked once: years, net persons, dates, fall-backs."""

    years: np.ndarray
    as_column: bool
    net: np.ndarray
    start: np.ndarray
    course: np.ndarray
    shares: np.ndarray
    after: np.ndarray
    month: int | None

    def person_years(self) -> np.ndarray:
        return arithmetic.person_years(self.net, self.start, self.years, self.shares, self.after, fallback_month=self.month, cohort_start=self.course)


def _cohorts(persons: Any, effect_start: Any, year: Any, fallbacks: Any, fallback_month: Any, cohort_start: Any, deadweight: Any, **columns: Any) -> tuple[_Cohorts, dict[str, np.ndarray]]:
    """Convert and check the cohort arguments; ``columns`` are extra per-cohort numbers (≥ 0), broadcast to the cohorts."""
    years, as_column = years_row("year", year)
    gross = column("persons", numbers("persons", persons, minimum=0))
    dead = column("deadweight", numbers("deadweight", deadweight, minimum=0))
    start = months("effect_start", effect_start)
    course = months("cohort_start", cohort_start, required=False)
    extra = {name: column(name, numbers(name, value, minimum=0)) for name, value in columns.items()}
    n = common_rows(persons=gross, effect_start=start, cohort_start=course, deadweight=dead, **extra)
    if as_column and n > 1:
        raise InvalidValueError("year", "med flere hold skal årene stå i én række (hold i rækker, år i kolonner)")
    gross, dead, start, course = (np.broadcast_to(a, (n,)) for a in (gross, dead, start, course))
    extra = {name: np.broadcast_to(a, (n,)) for name, a in extra.items()}
    course = np.where(course < 0, start, course)
    validate.deadweight_within_persons("deadweight", dead, gross)
    validate.start_not_after_effect("cohort_start", course, start)
    share, after = fallback_table("fallbacks", fallbacks)
    month = optional_month_number("fallback_month", fallback_month)
    return _Cohorts(years, as_column, gross - dead, start, course, share, after, month), extra


def _cohort_person_years(
    persons: Any, effect_start: Any, year: Any, fallbacks: Any, fallback_month: Any, cohort_start: Any, deadweight: Any
) -> tuple[np.ndarray, bool]:
    """Full-year persons, cohorts × years, and whether the years came as a column."""
    cohorts, _ = _cohorts(persons, effect_start, year, fallbacks, fallback_month, cohort_start, deadweight)
    return cohorts.person_years(), cohorts.as_column


@func
def savings(
    persons: PERSONS,
    unit_saving: Annotated[Any, cells("Enhedsbesparelse: kr. pr. helårsperson pr. år; én celle, én pr. hold (kolonne) eller én pr. år (række)")],
    effect_start: EFFECT_START,
    year: YEAR,
    fallbacks: FALLBACKS = None,
    fallback_month: FALLBACK_MONTH = None,
    cohort_start: COHORT_START = None,
    deadweight: DEADWEIGHT = None,
) -> Grid:
    """Ydelsesbesparelse i kr. pr. hold og år: (personer − dødvægt) × helårsandel efter tilbagefald × enhedsbesparelse. Eks.: =SAVINGS(4;146000;"2021-04-01";2021;;;;1) = 328.500"""
    with excel_errors():
        py, as_column = _cohort_person_years(persons, effect_start, year, fallbacks, fallback_month, cohort_start, deadweight)
        unit = numbers("unit_saving", unit_saving, blank=None, minimum=0, one_d="row")
        if as_column and unit.shape == (py.shape[1], 1):
            unit = unit.T
        (unit, py) = broadcast(unit_saving=unit, year=py)
        return _excel_result(unit * py, as_column)


@func
def person_years(
    persons: PERSONS,
    effect_start: EFFECT_START,
    year: YEAR,
    fallbacks: FALLBACKS = None,
    fallback_month: FALLBACK_MONTH = None,
    cohort_start: COHORT_START = None,
    deadweight: DEADWEIGHT = None,
) -> Grid:
    """Helårspersoner pr. hold og år: (personer − dødvægt) × andel af året efter effektstart, minus tilbagefald. Eks.: =PERSON_YEARS(4;"2021-04-01";2021;;;;1) = 2,25"""
    with excel_errors():
        py, as_column = _cohort_person_years(persons, effect_start, year, fallbacks, fallback_month, cohort_start, deadweight)
        return _excel_result(py, as_column)


@func
def deadweight(
    participants: Annotated[Any, cells("Deltagere, én celle eller én kolonne (én pr. hold)")],
    baseline_rate: Annotated[Any, cells("Andel (0–1) der ville have nået effekten uden indsatsen; én celle eller én pr. hold")],
) -> Grid:
    """Dødvægt i personer: deltagere × andel der ville have nået effekten alligevel. Eks.: =DEADWEIGHT(12;1/12) = 1"""
    with excel_errors():
        people = numbers("participants", participants, minimum=0)
        rate = shares("baseline_rate", baseline_rate)
        people, rate = broadcast(participants=people, baseline_rate=rate)
        return _excel_result(people * rate)


def _staff_cost(fte: np.ndarray, annual_cost: Any, share_of_year: Any) -> Grid:
    cost = numbers("annual_cost", annual_cost, minimum=0)
    share = np.ones((1, 1)) if share_of_year is None else shares("share_of_year", share_of_year, one_d="row")
    fte, cost, share = broadcast(fte=fte, annual_cost=cost, share_of_year=share)
    return _excel_result(fte * cost * share)


@func
def staff_cost(
    fte: Annotated[Any, cells("Årsværk (1 = 37 timer om ugen); én celle eller én kolonne")],
    annual_cost: Annotated[Any, cells("Kr. pr. årsværk pr. år")],
    share_of_year: Annotated[Any, cells("Valgfri. Andel af året (0–1), eller en række med én andel pr. år; tom = hele året")] = None,
) -> Grid:
    """Lønudgift i kr.: årsværk × årsløn × andel af året. Eks.: =STAFF_COST(2;520000) = 1.040.000"""
    with excel_errors():
        return _staff_cost(numbers("fte", fte, minimum=0), annual_cost, share_of_year)


@func
def staff_cost_hours(
    hours_per_week: Annotated[Any, cells("Timer om ugen (37 timer = 1 årsværk); én celle eller én kolonne")],
    annual_cost: Annotated[Any, cells("Kr. pr. årsværk pr. år")],
    share_of_year: Annotated[Any, cells("Valgfri. Andel af året (0–1), eller en række med én andel pr. år; tom = hele året")] = None,
) -> Grid:
    """Lønudgift i kr. for timer om ugen: timer/37 × årsløn × andel af året. Eks.: =STAFF_COST_HOURS(25;452880;0,5) = 153.000"""
    with excel_errors():
        return _staff_cost(numbers("hours_per_week", hours_per_week, minimum=0) / HOURS_PER_FTE, annual_cost, share_of_year)


def _savings_and_costs(savings_row: Any, costs_row: Any) -> tuple[np.ndarray, np.ndarray]:
    saved = single_row_or_column("savings", numbers("savings", savings_row, one_d="row"))
    spent = single_row_or_column("costs", numbers("costs", costs_row, one_d="row"))
    if saved.shape != spent.shape:
        raise InvalidValueError("", f"savings har {saved.size} år, men costs har {spent.size}; brug lige mange år")
    return saved, spent


@func
def net_result(savings: SAVINGS_ROW, costs: COSTS_ROW) -> Grid:
    """Nettoresultat pr. år i kr.: besparelser − udgifter (positivt = gevinst). Eks.: =NET_RESULT(2000000;6100000) = −4.100.000"""
    with excel_errors():
        saved, spent = _savings_and_costs(savings, costs)
        return [(saved - spent).tolist()]


@func
def cumulative_net(savings: SAVINGS_ROW, costs: COSTS_ROW) -> Grid:
    r"""Akkumuleret nettoresultat pr. år i kr.: løbende sum af besparelser − udgifter. Eks. (mio. kr.): =CUMULATIVE_NET({0\5\5};{4\0\0}) = −4 / 1 / 6"""
    with excel_errors():
        saved, spent = _savings_and_costs(savings, costs)
        return [np.cumsum(saved - spent).tolist()]


@func
def payback_year(
    year: YEAR,
    savings: SAVINGS_ROW,
    costs: COSTS_ROW,
    if_never: Annotated[Any, cells("Valgfri. Det der vises, hvis casen ikke tjener sig hjem inden for årene; tom = #I/T (#N/A)")] = None,
) -> Grid:
    r"""Tilbagebetalingsår: første år hvorfra det akkumulerede nettoresultat forbliver ≥ 0; #I/T hvis det aldrig sker. Eks.: =PAYBACK_YEAR({2017\2018\2019};{0\5\5};{4\0\0}) = 2018"""
    with excel_errors():
        years, _ = years_row("year", year)
        saved, spent = _savings_and_costs(savings, costs)
        if years.size != saved.size:
            raise InvalidValueError("", f"year har {years.size} år, men savings og costs har {saved.size}")
        found = compute.payback_year(years, np.cumsum(saved - spent))
        if found is None:
            fallback = grid(if_never)
            if len(fallback) != 1 or len(fallback[0]) != 1:
                raise InvalidValueError("if_never", "skal være én celle, fx \"aldrig\"")
            return [["#N/A" if is_blank(fallback[0][0]) else fallback[0][0]]]
        return [[found]]


@func
def net_gain(
    savings: SAVINGS_ROW,
    costs: COSTS_ROW,
    year: Annotated[Any, cells("Valgfri. Årene til savings/costs (en række); kræves med first_year/last_year")] = None,
    first_year: Annotated[Any, cells("Valgfri. Første år i perioden")] = None,
    last_year: Annotated[Any, cells("Valgfri. Sidste år i perioden")] = None,
) -> Grid:
    """Nettogevinst (provenu) i kr.: summen af besparelser − udgifter, evt. kun for årene first_year–last_year. Eks. Silkeborg: =NET_GAIN(11270000;5845000) = 5.425.000"""
    with excel_errors():
        saved, spent = _savings_and_costs(savings, costs)
        if first_year is not None or last_year is not None:
            if year is None:
                raise InvalidValueError("year", "angiv årene, når first_year eller last_year bruges")
            years, _ = years_row("year", year)
            if years.size != saved.size:
                raise InvalidValueError("", f"year har {years.size} år, men savings og costs har {saved.size}")
            lo = years_row("first_year", first_year)[0][0] if first_year is not None else years.min()
            hi = years_row("last_year", last_year)[0][0] if last_year is not None else years.max()
            keep = (years >= lo) & (years <= hi)
            saved, spent = saved[keep], spent[keep]
        return [[math.fsum(saved) - math.fsum(spent)]]


@func
def savings_cost_ratio(savings: SAVINGS_ROW, costs: COSTS_ROW) -> Grid:
    """Besparelse pr. investeret krone: sum af besparelser / sum af udgifter. Eks. Silkeborg: =SAVINGS_COST_RATIO(11270000;5845000) = 1,93"""
    with excel_errors():
        saved, spent = _savings_and_costs(savings, costs)
        ratio = compute.savings_cost_ratio(math.fsum(saved), math.fsum(spent))
        if ratio is None:
            raise InvalidValueError("costs", "udgifterne summer til 0, så forholdet er ikke defineret")
        return [[ratio]]


def _rates(name: str, value: Any) -> np.ndarray:
    """Realisation rates: 0 to 2 (above 1 = the target was beaten); 70 gets "did you mean 0.7?"."""
    array = numbers(name, value, minimum=0, one_d="row")
    too_big = np.argwhere(array > 2)
    if too_big.size:
        i, j = (int(x) for x in too_big[0])
        raise InvalidValueError(name, f"en realiseringsgrad ligger mellem 0 og 1 (højst 2) — mente du {array[i, j] / 100:g}? (fik {array[i, j]:g})")
    return array


@func
def realisation(
    actual: Annotated[Any, cells("Faktisk antal (personer, helårspersoner eller kr.); tom = ikke indberettet")],
    target: Annotated[Any, cells("Måltal i samme enhed; samme form som actual eller én celle")],
) -> Grid:
    """Realiseringsgrad: faktisk / måltal (1 = 100 %); tom hvor der ikke er indberettet. Eks. Silkeborg: =REALISATION(20;30) = 0,667"""
    with excel_errors():
        reported = numbers("actual", actual, blank=np.nan, minimum=0, one_d="row")
        goal = numbers("target", target, blank=None, minimum=0, one_d="row")
        reported, goal = broadcast(actual=reported, target=goal)
        ratio = np.divide(reported, goal)
        return [["" if np.isnan(x) else float(x) for x in row] for row in ratio]


@func
def write_down(
    expected: Annotated[Any, cells("Forventet besparelse (kr.), én celle eller en række med ét beløb pr. år")],
    rate: Annotated[Any, cells("Realiseringsgrad (0–1), én celle eller én pr. år")],
) -> Grid:
    """Nedskrivning i kr.: forventet besparelse × (1 − realiseringsgrad). Eks. Ballerup: =WRITE_DOWN(3900000;0,7) = 1.170.000"""
    with excel_errors():
        amount, share = broadcast(expected=numbers("expected", expected, minimum=0, one_d="row"), rate=_rates("rate", rate))
        return _excel_result(amount * (1.0 - share))


@func
def revised_forecast(
    expected: Annotated[Any, cells("Forventet besparelse (kr.), én celle eller en række med ét beløb pr. år")],
    rate: Annotated[Any, cells("Realiseringsgrad (0–1), én celle eller én pr. år")],
) -> Grid:
    """Revideret prognose i kr.: forventet besparelse × realiseringsgrad. Eks. Ballerup: =REVISED_FORECAST(3900000;0,7) = 2.730.000"""
    with excel_errors():
        amount, share = broadcast(expected=numbers("expected", expected, minimum=0, one_d="row"), rate=_rates("rate", rate))
        return _excel_result(amount * share)


PAYER_NAMES = {"kommune": "kommune", "stat": "stat", "staten": "stat", "i alt": "total", "total": "total", "brutto": "total"}


def _benefit(name: str, value: Any, cohorts: _Cohorts) -> StepFunction:
    """The gross benefit as ``B(t)``: a parameter name, one amount (kr. a year), a row per year, or a
    2-column table of (from date, kr. a year)."""
    cells = grid(value, one_d="row")
    first, end = float(cohorts.start.min()) / 12.0, float(cohorts.years.max() + 1)
    if len(cells) == 1 and len(cells[0]) == 1 and isinstance(cells[0][0], str) and cells[0][0].strip() not in EXCEL_ERRORS:
        step, _ = refusion.benefit_step(Parameters(), cells[0][0].strip(), time_to_date(first), dt.date(int(end), 1, 1), name)
        return step
    if len(cells) > 1 and all(len(row) == 2 for row in cells):
        dates = months(f"{name}, dato", [[row[0]] for row in cells])
        amounts = column(name, numbers(f"{name}, kr. pr. år", [[row[1]] for row in cells], blank=None, minimum=0))
        knots = np.append(dates / 12.0, max(end, dates.max() / 12.0 + 1.0 / 12.0))
        if np.any(np.diff(knots) <= 0):
            raise InvalidValueError(name, "datoerne skal stå i stigende orden")
        if knots[0] > first + 1e-9:
            raise InvalidValueError(name, f"tabellen starter efter den første effektstart ({time_to_date(first):%Y-%m-%d})")
        return StepFunction(knots, amounts)
    amounts = numbers(name, value, blank=None, minimum=0, one_d="row")
    if amounts.shape == (1, 1):
        return StepFunction.constant(float(amounts[0, 0]), min(first, float(cohorts.years.min())), end)
    flat = single_row_or_column(name, amounts)
    if flat.size != cohorts.years.size:
        raise InvalidValueError(name, f"{flat.size} beløb, men year har {cohorts.years.size} år; giv ét beløb pr. år, et beløb for alle år, en tabel (dato, kr. pr. år) eller et parameternavn")
    if np.any(np.diff(cohorts.years) != 1):
        raise InvalidValueError("year", "med ét beløb pr. år skal årene følge hinanden, fx 2021:2026")
    return StepFunction(np.append(cohorts.years, cohorts.years[-1] + 1).astype(np.float64), flat)


@func
def savings_by_payer(
    persons: PERSONS,
    benefit: Annotated[Any, cells("Bruttoydelse: et parameternavn (fx \"kontanthjaelp.over_30_andre\"), kr. pr. år (én celle eller én pr. år) eller en tabel (fra dato; kr. pr. år)")],
    effect_start: EFFECT_START,
    year: YEAR,
    weeks_on_benefit: Annotated[Any, cells("Holdets uger på ydelse ved effektstart (refusionsuret); én celle eller én pr. hold")],
    payer: Annotated[Any, cells("Valgfri. \"kommune\" (standard), \"stat\" eller \"i alt\"")] = None,
    fallbacks: FALLBACKS = None,
    fallback_month: FALLBACK_MONTH = None,
    cohort_start: COHORT_START = None,
    deadweight: DEADWEIGHT = None,
    wage_subsidy: Annotated[Any, cells("Valgfri. SAND for fleksjob o.l. (løntilskud): refusionsuret nulstilles aldrig")] = None,
) -> Grid:
    """Besparelse pr. hold og år for én betaler: bruttoydelsen fordelt mellem kommune og stat efter refusionstrappen (80/40/30/20 %) og genstartsreglen. Eks.: =SAVINGS_BY_PAYER(1;52000;"2021-01-01";2021;2) = 33.400"""
    with excel_errors():
        cohorts, extra = _cohorts(persons, effect_start, year, fallbacks, fallback_month, cohort_start, deadweight, weeks_on_benefit=weeks_on_benefit)
        who = _payer(payer)
        subsidy = _flag("wage_subsidy", wage_subsidy)
        step = _benefit("benefit", benefit, cohorts)
        gross, stat = refusion.split_savings_in_force(
            Parameters(), cohorts.net, cohorts.start, cohorts.years, extra["weeks_on_benefit"], step, cohorts.shares, cohorts.after,
            fallback_month=cohorts.month, cohort_start=cohorts.course, wage_subsidy=subsidy,
        )
        result = {"kommune": gross - stat, "stat": stat, "total": gross}[who]
        return _excel_result(result, cohorts.as_column)


def _payer(value: Any) -> str:
    cell = one_cell(value, "payer: skal være én celle: \"kommune\", \"stat\" eller \"i alt\"")
    if is_blank(cell) or cell == 0:
        return "kommune"
    if not isinstance(cell, str) or cell.strip().lower() not in PAYER_NAMES:
        raise InvalidValueError("payer", f"skal være \"kommune\", \"stat\" eller \"i alt\" (fik {cell!r})")
    return PAYER_NAMES[cell.strip().lower()]


def _flag(name: str, value: Any) -> bool:
    cell = one_cell(value, f"{name}: skal være én celle med SAND eller FALSK")
    if is_blank(cell) or cell is False or cell == 0:
        return False
    if cell is True or cell == 1:
        return True
    raise InvalidValueError(name, f"skal være SAND eller FALSK (fik {cell!r})")


@func
def refusion_rate(
    weeks: Annotated[Any, cells("Uger på ydelse (refusionsuret); én celle eller et område")],
    date: Annotated[Any, cells("Valgfri. Datoen trappen gælder på; tom = den gældende trappe")] = None,
) -> Grid:
    """Statens refusionsandel efter uger på ydelse (lov om kommunernes finansiering § 5): 0,8 i uge 0–4, 0,4 til uge 26, 0,3 til uge 52, derefter 0,2. Eks.: =REFUSION_RATE(30) = 0,3"""
    with excel_errors():
        clock = numbers("weeks", weeks, minimum=0, one_d="row")
        month = cell_month("date", one_cell(date, "date: skal være én celle med en dato"))
        on = None if month is None else dt.date(month // 12, month % 12 + 1, 1)
        return _excel_result(refusion.staircase_on(Parameters(), on).rate(clock))


@func
def benefit_rate(
    name: Annotated[Any, cells("Parameterens navn, fx \"kontanthjaelp.over_30_andre\" (se xlmodel parameters)")],
    date: Annotated[Any, cells("Dato; én celle, eller en kolonne/række af datoer")],
) -> Grid:
    """Bruttoydelse i kr. pr. år på en dato, fra xlmodels daterede og kildebelagte satser (kr. pr. måned × 12). Eks.: =BENEFIT_RATE("kontanthjaelp.over_30_andre";"2023-06-01") = 143.328"""
    with excel_errors():
        wanted = "name: skal være én celle med et parameternavn, fx \"kontanthjaelp.over_30_andre\""
        parameter = one_cell(name, wanted)
        if not isinstance(parameter, str) or not parameter.strip():
            raise InvalidValueError("", wanted)
        parameter = parameter.strip()
        dates = grid(date, one_d="column")
        parameters = Parameters()
        out = []
        for i, row in enumerate(dates):
            out_row = []
            for j, cell in enumerate(row):
                where = "date" if (len(dates), len(row)) == (1, 1) else f"date (række {i + 1}, kolonne {j + 1})"
                month = cell_month(where, cell)
                if month is None:
                    raise InvalidValueError(where, "mangler en dato, fx 2023-06-01")
                on = cell.date() if isinstance(cell, dt.datetime) else cell if isinstance(cell, dt.date) else _day(where, cell, month)
                out_row.append(parameters.annual(parameter, on, "name"))
            out.append(out_row)
        return _excel_result(np.array(out, dtype=np.float64))


def _day(where: str, cell: Any, month: int) -> dt.date:
    """The exact day of a date cell (a serial number or ``YYYY-MM-DD`` text); ``YYYY-MM`` means the 1st."""
    if isinstance(cell, int | float):
        return serial_to_date(where, float(cell))
    return validate.date(where, cell)


def _discount(rate: Any, n_years: int) -> np.ndarray:
    """Discount factors for years 0 .. n − 1: a flat rate, or (blank) Finansministeriet's curve."""
    cell = one_cell(rate, "rate: skal være én celle med en rente, fx 0,035, eller tom for Finansministeriets rente")
    value = cell_number("rate", cell)
    flat = None if value is None or (value == 0 and cell in (0, None)) else value  # a blank cell (0 from Excel desktop): the ministry's rate
    return appraisal.flat_or_ministry_rate(Parameters(), flat).factors(n_years)


@func
def discounted_net(
    net: Annotated[Any, cells("Nettoresultat pr. år (kr.), én række; første år er år 0 (udiskonteret)")],
    rate: Annotated[Any, cells("Valgfri. Real diskonteringsrente, fx 0,035; tom = Finansministeriets faldende rente (3,5 % år 0-35, 2,5 % år 36-70, 1,5 % derefter)")] = None,
    total: Annotated[Any, cells("Valgfri. SAND = nutidsværdien i alt (NPV); tom = nutidsværdien pr. år")] = None,
) -> Grid:
    r"""Nutidsværdi af nettoresultatet: hvert år × (1 + rente)^−(år − første år); første år udiskonteret (som numpy-financial's npv, ikke Excels NPV). Eks.: =DISCOUNTED_NET({-100\110};0,1;SAND) = 0"""
    with excel_errors():
        values = single_row_or_column("net", numbers("net", net, one_d="row"))
        present = values * _discount(rate, values.size)
        if _flag("total", total):
            return [[math.fsum(present)]]
        return _excel_result(present[None, :])


@func
def break_even_factor(
    cohort_savings: Annotated[Any, cells("Besparelser fra holdene pr. år (kr.), én række")],
    costs: Annotated[Any, cells("Udgifter pr. år (kr.), én række")],
    direct_savings: Annotated[Any, cells("Valgfri. Direkte besparelser pr. år (kr.), én række")] = None,
) -> Grid:
    """Nulpunkt: den faktor på holdenes nettoeffekt, hvor nettogevinsten er 0: (udgifter − direkte besparelser) / holdenes besparelser. Eks.: =BREAK_EVEN_FACTOR(400000;100000) = 0,25"""
    with excel_errors():
        saved = single_row_or_column("cohort_savings", numbers("cohort_savings", cohort_savings, one_d="row"))
        spent = single_row_or_column("costs", numbers("costs", costs, one_d="row"))
        direct = np.zeros(1) if direct_savings is None else single_row_or_column("direct_savings", numbers("direct_savings", direct_savings, one_d="row"))
        k = appraisal.break_even(math.fsum(spent), math.fsum(direct), math.fsum(saved))
        if k is None:
            raise InvalidValueError("cohort_savings", "holdene sparer intet, så der er intet nulpunkt")
        return [[k]]


@func
def switching_value(
    net_gain: Annotated[Any, cells("Nettogevinsten (eller NPV) med casens værdier (kr.)")],
    part: Annotated[Any, cells("Den del af nettogevinsten, der skalerer med inputtet (kr.): besparelser positive, udgifter negative")],
) -> Grid:
    """Skifteværdi (Green Book): den faktor på et input, hvor nettogevinsten bliver 0, når inputtets del skaleres: 1 − nettogevinst / del; #I/T hvis ingen faktor ≥ 0. Eks.: =SWITCHING_VALUE(5425000;8550000) = 0,3655"""
    with excel_errors():
        gain = numbers("net_gain", net_gain)
        share = numbers("part", part, blank=None)
        gain, share = broadcast(net_gain=gain, part=share)
        factor = appraisal.switching_factor(gain, share)
        return [["#N/A" if x < 0 else float(x) for x in row] for row in factor]


@func
def payback_probability(
    savings: Annotated[Any, cells("Besparelser pr. år (kr.), én række")],
    costs: Annotated[Any, cells("Udgifter pr. år (kr.), én række")],
    savings_min: Annotated[Any, cells("Laveste faktor på besparelserne, fx 0,6 (trekantfordeling med top i 1)")],
    savings_max: Annotated[Any, cells("Højeste faktor på besparelserne, fx 1,2")],
    costs_min: Annotated[Any, cells("Valgfri. Laveste faktor på udgifterne; tom = 1")] = None,
    costs_max: Annotated[Any, cells("Valgfri. Højeste faktor på udgifterne; tom = 1")] = None,
    draws: Annotated[Any, cells("Valgfri. Antal træk; tom = 10.000")] = None,
    seed: Annotated[Any, cells("Valgfri. Seed (samme seed giver samme resultat); tom = 20261124")] = None,
) -> Grid:
    r"""Sandsynlighed for at tjene sig hjem (Monte Carlo, latin hypercube): andel af trækkene med Σ besparelser × a − Σ udgifter × c ≥ 0, a og c trekantfordelte omkring 1. Samme seed, samme tal. Eks.: =PAYBACK_PROBABILITY({0\5};{4\0};0,6;1,2) = 0,83"""
    with excel_errors():
        saved = single_row_or_column("savings", numbers("savings", savings, one_d="row"))
        spent = single_row_or_column("costs", numbers("costs", costs, one_d="row"))
        low, high = (_one_number(name, value, None) for name, value in (("savings_min", savings_min), ("savings_max", savings_max)))
        c_low, c_high = (_one_number(name, value, 1.0) for name, value in (("costs_min", costs_min), ("costs_max", costs_max)))
        n = int(_one_number("draws", draws, 10_000))
        if not 10 <= n <= 1_000_000:
            raise InvalidValueError("draws", f"mellem 10 og 1.000.000 træk (fik {n})")
        s = int(_one_number("seed", seed, 20_261_124))
        return [[risk.payback_probability(saved, spent, (low, high), (c_low, c_high), n, s)]]


def _one_number(name: str, value: Any, default: float | None) -> float:
    cell = one_cell(value, f"{name}: skal være én celle")
    number = cell_number(name, cell)
    if number is None or (number == 0 and default is not None and cell in (0, None)):
        if default is None:
            raise InvalidValueError(name, "mangler en værdi")
        return default
    if number < 0:
        raise InvalidValueError(name, f"må ikke være mindre end 0 (fik {number:g})")
    return number


@func
def tax_gain(
    income: Annotated[Any, cells("Lønindkomst i kr. pr. år; én celle eller én pr. hold (kolonne)")],
    benefit: Annotated[Any, cells("Ydelsen der spares (fx kontanthjælp) i kr. pr. år; samme form som income eller én celle")],
    year: Annotated[Any, cells("Året, hvis skattesatser bruges (én celle)")],
    part: Annotated[Any, cells("Valgfri. \"kommune\" (standard: kommuneskat + udligning), \"kommuneskat\", \"udligning\", \"bundskat\", \"am_bidrag\" eller \"stat\"")] = None,
    kommune_type: Annotated[Any, cells("Valgfri. \"normal\" (standard; beskatningsgrundlag 90-125 % af gennemsnittet), \"svag\" (under 90 %) eller \"rig\" (over 125 %)")] = None,
) -> Grid:
    """Skat og udligning af en helårsperson i job i stedet for på ydelse, for kommunen eller staten (satser fra xlmodels kildebelagte parametre). Eks.: =TAX_GAIN(275805;144768;2026) = 4.508"""
    with excel_errors():
        wage = numbers("income", income, minimum=0)
        saved = numbers("benefit", benefit, minimum=0)
        wage, saved = broadcast(income=wage, benefit=saved)
        year_cell = cell_number("year", one_cell(year, "year: skal være én celle med et år, fx 2026"))
        which = _choice("part", part, public_purse.PARTS, "kommune")
        kind = _choice("kommune_type", kommune_type, public_purse.KOMMUNE_TYPES, "normal")
        rates = public_purse.tax_rates(Parameters(), year_cell, kind)
        return _excel_result(public_purse.tax_gain(wage, saved, rates).part(which))


def _choice(name: str, value: Any, allowed: tuple[str, ...], default: str) -> str:
    """One text cell naming one of ``allowed`` (blank: ``default``)."""
    cell = one_cell(value, f"{name}: skal være én celle")
    if is_blank(cell) or cell == 0:
        return default
    if not isinstance(cell, str) or cell.strip().lower() not in allowed:
        raise InvalidValueError(name, f"kendte: {', '.join(allowed)}", value=cell)
    return cell.strip().lower()


def runtime_name() -> str:
    """Which runtime the functions are served by."""
    import xlwings

    if sys.platform == "emscripten":
        return "xlwings Lite"
    if getattr(xlwings, "on_server", False):
        return "xlwings Server (Office.js)"
    if sys.platform.startswith("win"):
        return "Windows (COM)"
    return "Python"


@func
def status() -> Grid:
    """Viser om xlmodel-funktionerne kører, og hvilken version og runtime: fx "xlmodel 0.1.0 kører (xlwings Server (Office.js))"."""
    return [[f"xlmodel {__version__} kører ({runtime_name()})"]]


#: The Excel functions, in the order of the guide's function list (docs/guide/excel_functions.md).
FUNCTIONS = (
    savings,
    person_years,
    savings_by_payer,
    refusion_rate,
    benefit_rate,
    discounted_net,
    break_even_factor,
    switching_value,
    payback_probability,
    deadweight,
    staff_cost,
    staff_cost_hours,
    net_result,
    cumulative_net,
    payback_year,
    net_gain,
    savings_cost_ratio,
    realisation,
    write_down,
    revised_forecast,
    tax_gain,
    status,
)
