"""The Office.js contract: every function called through xlwings' custom_functions_call with the
payloads Excel sends (scalars as [[x]], columns, rows, omitted optionals, blanks as 0/null/"",
text and error values, dates as serials); results equal the core."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xlwings as xw

import udfs
from xlmodel import CaseResult, compute_case, load_case
from xlmodel.arithmetic import person_years

from .conftest import CASES
from .officejs import call, column, serial

SNAPSHOT = Path(__file__).parent / "snapshots" / "custom_functions_meta.json"
EXPECTED_FUNCTIONS = [
    "BENEFIT_RATE", "BREAK_EVEN_FACTOR", "CUMULATIVE_NET", "DEADWEIGHT", "DISCOUNTED_NET", "NET_GAIN", "NET_RESULT",
    "PAYBACK_PROBABILITY", "PAYBACK_YEAR", "PERSON_YEARS", "REALISATION", "REFUSION_RATE", "REVISED_FORECAST", "SAVINGS",
    "SAVINGS_BY_PAYER", "SAVINGS_COST_RATIO", "STAFF_COST", "STAFF_COST_HOURS", "STATUS", "SWITCHING_VALUE", "TAX_GAIN", "WRITE_DOWN",
]  # fmt: skip


def test_this_session_runs_in_officejs_mode() -> None:
    assert xw.on_server and hasattr(udfs.savings, "__xlfunc__")


def test_registration_in_a_fresh_process_matches_the_snapshot() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env |= {"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    code = "import json, udfs; from xlwings.server import custom_functions_meta; print(json.dumps(custom_functions_meta(udfs), ensure_ascii=False, indent=1, sort_keys=True))"
    meta = json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
    assert [f["name"] for f in meta["functions"]] == EXPECTED_FUNCTIONS
    if os.environ.get("XLMODEL_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert meta == json.loads(SNAPSHOT.read_text(encoding="utf-8")), "signatures changed: review, then XLMODEL_UPDATE_SNAPSHOTS=1"


def test_every_argument_has_danish_help_and_no_keyword_only_arguments() -> None:
    meta = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    for function in meta["functions"]:
        assert function["description"] and len(function["description"]) <= 255
        for parameter in function["parameters"]:
            assert not parameter["description"].startswith("Positional argument"), (function["name"], parameter["name"])


# ---- SAVINGS / PERSON_YEARS against the core, on the Ishøj case ----


@pytest.fixture(scope="module")
def ishoej_args(ishoej: CaseResult) -> dict[str, list[list[float]]]:
    case = ishoej.case
    return {
        "gross": column([c.outcomes["job"].persons for c in case.cohorts]),
        "dead": column([c.outcomes["job"].deadweight for c in case.cohorts]),
        "effect": column([serial(c.effect_start) for c in case.cohorts]),
        "start": column([serial(c.start) for c in case.cohorts]),
        "years": [case.years],
    }


def test_ishoej_cohort_table_through_savings_equals_the_core(ishoej: CaseResult, ishoej_args: dict) -> None:
    a = ishoej_args
    job = call("savings", a["gross"], [[146000]], a["effect"], a["years"], [[0.1, 2], [0.1, 4]], [[4]], a["start"], a["dead"])
    expected = np.array([ishoej.cohort_figure(c.name, "job") for c in ishoej.case.cohorts])
    assert np.array(job) == pytest.approx(expected, abs=1e-9)
    flex = call("savings", column([1] * 8), [[45000]], a["effect"], a["years"], None, None, None, None)
    assert np.array(flex) == pytest.approx(np.array([ishoej.cohort_figure(c.name, "flexjob") for c in ishoej.case.cohorts]), abs=1e-9)


def test_person_years_equals_the_core(ishoej: CaseResult, ishoej_args: dict) -> None:
    a = ishoej_args
    py = call("person_years", a["gross"], a["effect"], a["years"], [[0.1, 2], [0.1, 4]], [[4]], a["start"], a["dead"])
    expected = np.array([ishoej.cohort_figure(c.name, "job", "person_years") for c in ishoej.case.cohorts])
    assert np.array(py) == pytest.approx(expected, abs=1e-12)


def test_scalar_call_and_a_year_column() -> None:
    assert call("savings", [[4]], [[146000]], [[serial(2021 * 12 + 3)]], [[2021]], None, None, None, [[1]]) == [[328500.0]]
    as_column = call("savings", [[4]], [[146000]], [["2021-04-01"]], column([2021, 2022]), None, None, None, [[1]])
    assert as_column == [[328500.0], [438000.0]]


def test_unit_saving_per_year_as_a_row() -> None:
    result = call("savings", [[1]], [[100, 200]], [["2021-01"]], [[2021, 2022]], None, None, None, None)
    assert result == [[100.0, 200.0]]


@pytest.mark.parametrize("blank", [[[0]], None, [[""]], [[None]]])
def test_blanks_as_0_null_or_empty_text_are_the_same(blank: object) -> None:
    with_blank = call("savings", [[4]], [[146000]], [[serial(24255)]], [[2021, 2022, 2023]], [[0.1, 2]], blank, blank, blank)
    omitted = call("savings", [[4]], [[146000]], [[serial(24255)]], [[2021, 2022, 2023]], [[0.1, 2]], None, None, None)
    assert with_blank == omitted
    no_fallbacks = call("savings", [[4]], [[146000]], [[serial(24255)]], [[2021, 2022, 2023]], blank, None, None, None)
    assert no_fallbacks == [[4 * 146000 * 0.75, 4 * 146000, 4 * 146000]]


def test_blank_rows_in_fallbacks_and_cohort_start_are_ignored() -> None:
    with_blanks = call("person_years", column([3, 2]), column([serial(24255), serial(24258)]), [[2021, 2023]], [[0.1, 2], [None, None], ["", 0]], [[4]], column(["", None]), None)
    plain = call("person_years", column([3, 2]), column([serial(24255), serial(24258)]), [[2021, 2023]], [[0.1, 2]], [[4]], None, None)
    assert with_blanks == plain


def test_thousand_cohorts_by_twenty_years_in_one_call() -> None:
    rng = np.random.default_rng(7)
    n, years = 1000, list(range(2021, 2041))
    gross = rng.integers(1, 6, n)
    effect = 2021 * 12 + rng.integers(0, 60, n)
    result = np.array(call("savings", column(gross.tolist()), [[146000]], column([serial(m) for m in effect]), [years], [[0.1, 2], [0.1, 4]], None, None, column([1] * n)))
    expected = 146000 * person_years(gross - 1, effect, years, [0.1, 0.1], [2, 4])
    assert result.shape == (1000, 20)
    assert result == pytest.approx(expected, rel=1e-12)


# ---- the other functions ----


def test_deadweight() -> None:
    assert call("deadweight", [[12]], [[0.25]]) == [[3.0]]
    assert call("deadweight", column([12, 24]), [[0.5]]) == [[6.0], [12.0]]


def test_staff_costs() -> None:
    assert call("staff_cost", [[2]], [[520000]], None) == [[1040000.0]]
    assert np.array(call("staff_cost", [[6]], [[400000]], [[5 / 12, 1, 7 / 12]])) == pytest.approx(np.array([[1_000_000, 2_400_000, 1_400_000]]))
    assert np.array(call("staff_cost_hours", [[25]], [[452880]], [[0.5]])) == pytest.approx(np.array([[153_000]]))  # 25/37 × 452,880 = 306,000


@pytest.fixture(scope="module")
def ballerup_rows() -> tuple[list[list[float]], list[list[float]], list[list[float]]]:
    result = compute_case(load_case(CASES / "ballerup_2017.toml"))
    return [result.years.tolist()], [result.yearly["savings"].tolist()], [result.yearly["costs"].tolist()]


def test_net_cumulative_payback_gain_ratio_equal_the_core(ballerup_rows: tuple) -> None:
    years, saved, spent = ballerup_rows
    result = compute_case(load_case(CASES / "ballerup_2017.toml"))
    assert call("net_result", saved, spent)[0] == pytest.approx(result.yearly["net"].tolist())
    assert call("cumulative_net", saved, spent)[0] == pytest.approx(result.yearly["cumulative"].tolist())
    assert call("payback_year", years, saved, spent, None) == [[result.payback_year]]
    assert call("net_gain", saved, spent, None, None, None) == [[pytest.approx(result.net_gain)]]
    assert call("net_gain", saved, spent, years, [[2018]], [[2019]]) == [[pytest.approx(4.9e6 + 5.2e6)]]
    assert call("savings_cost_ratio", saved, spent) == [[pytest.approx(result.savings_cost_ratio)]]


def test_payback_never_gives_na_or_the_chosen_text() -> None:
    never = call("payback_year", [[2021, 2022]], [[1, 1]], [[5, 5]], None)
    assert never == [[{"type": "Error", "errorType": "NotAvailable"}]]
    assert call("payback_year", [[2021, 2022]], [[1, 1]], [[5, 5]], [["aldrig"]]) == [["aldrig"]]


def test_follow_up_functions_equal_the_core() -> None:
    from xlmodel.followup import realisation_rate
    from xlmodel.followup import write_down as core_write_down

    assert call("realisation", [[20, None, 9]], [[30, 12, 10]]) == [[pytest.approx(realisation_rate(20, 30)), "", pytest.approx(0.9)]]
    assert call("write_down", [[3900000] * 4], [[0.7]]) == [[pytest.approx(core_write_down(3_900_000, 0.7))] * 4]
    assert call("revised_forecast", [[3900000]], [[0.7]]) == [[pytest.approx(2_730_000)]]


def test_status_shows_version_and_runtime() -> None:
    from xlmodel import __version__

    (text,), = call("status")
    assert __version__ in text and "xlwings Server" in text


# ---- who saves what: SAVINGS_BY_PAYER, REFUSION_RATE, BENEFIT_RATE ----


def test_savings_by_payer_hand_worked() -> None:
    # w0 = 2 weeks on 1 January 2021, 52,000 kr. a year (1,000 a week): the stat refunds
    # 2 × 0.8 + 22 × 0.4 + 26 × 0.3 + 2 × 0.2 = 18.6 weeks' worth = 18,600; the kommune saves 33,400.
    args = ([[1]], [[52000]], [[serial(2021 * 12)]], [[2021]], [[2]])
    assert call("savings_by_payer", *args, None, None, None, None, None, None) == [[pytest.approx(33_400)]]
    assert call("savings_by_payer", *args, [["stat"]], None, None, None, None, None) == [[pytest.approx(18_600)]]
    assert call("savings_by_payer", *args, [["i alt"]], None, None, None, None, None) == [[pytest.approx(52_000)]]


def test_savings_by_payer_equals_the_core_on_the_refusion_variant() -> None:
    result = compute_case(load_case(CASES / "ishoej_2021_refusion.toml"))
    case = result.case
    cohorts = case.cohorts
    args = (
        column([c.outcomes["job"].persons for c in cohorts]),
        [["kontanthjaelp.over_30_andre"]],
        column([serial(c.effect_start) for c in cohorts]),
        [case.years],
        column([c.weeks_on_benefit for c in cohorts]),
    )
    rest = ([[0.1, 2], [0.1, 4]], [[4]], column([serial(c.start) for c in cohorts]), column([c.outcomes["job"].deadweight for c in cohorts]), None)
    for payer in ("kommune", "stat"):
        got = np.array(call("savings_by_payer", *args, [[payer]], *rest))
        expected = np.array([result.cohort_figure_by_payer(c.name, "job", payer) for c in cohorts])
        assert got == pytest.approx(expected, abs=1e-6)


def test_refusion_rate_and_benefit_rate() -> None:
    assert call("refusion_rate", [[0, 4, 26, 52, 80]], None) == [[0.8, 0.4, 0.3, 0.2, 0.2]]
    assert call("refusion_rate", [[3.5]], [[serial(2020 * 12)]]) == [[0.8]]
    # bm.dk, Satser for 2023: fyldt 30 år, andre 11,944 kr. a month = 143,328 a year; forhøjet sats from July 2025
    assert call("benefit_rate", [["kontanthjaelp.over_30_andre"]], [[serial(2023 * 12 + 5)]]) == [[143_328.0]]
    assert call("benefit_rate", [["kontanthjaelp.over_30_andre"]], [["2025-07-01"]]) == [[12_064 * 12.0]]


# ---- how sure are we: DISCOUNTED_NET, BREAK_EVEN_FACTOR, SWITCHING_VALUE, PAYBACK_PROBABILITY ----


def test_appraisal_functions_hand_worked() -> None:
    # −100 now and 110 next year at 10 %: 110/1.1 = 100, so the NPV is 0 (year 0 is not discounted).
    assert call("discounted_net", [[-100, 110]], [[0.1]], [[True]]) == [[pytest.approx(0.0, abs=1e-12)]]
    # Finansministeriet's curve: 3.5 % in years 1-35: 103.5 next year is worth 100 today.
    assert call("discounted_net", [[0, 103.5]], None, None) == [[0.0, pytest.approx(100.0)]]
    # Break-even: costs 100,000 − direct 20,000 = 80,000 of cohort savings 400,000 needed: 20 %.
    assert call("break_even_factor", [[400000]], [[100000]], [[20000]]) == [[pytest.approx(0.2)]]
    # Silkeborg: net gain 5,425,000; the benefits line saves 8,550,000: 1 − 5,425/8,550 = 0.3655.
    assert call("switching_value", [[5425000]], [[8550000]]) == [[pytest.approx(1 - 5425 / 8550)]]
    assert call("switching_value", [[100]], [[-50]]) == [[pytest.approx(3.0)]]  # a cost line can triple


def test_payback_probability_is_deterministic_under_its_seed() -> None:
    # savings × a with a ~ triangular(0.5, 1, 1.5), costs fixed equal to the savings: P(a ≥ 1) = 1/2.
    first = call("payback_probability", [[100]], [[100]], [[0.5]], [[1.5]], None, None, [[2000]], [[7]])
    assert first == call("payback_probability", [[100]], [[100]], [[0.5]], [[1.5]], None, None, [[2000]], [[7]])
    assert first == [[pytest.approx(0.5, abs=0.005)]]


# ---- bad input: XlwingsError (HTTP 400, message in the tooltip), naming the argument ----

BAD = [
    ("text with decimal comma", "deadweight", ([[12]], [["0,25"]]), "baseline_rate: skal være et tal, ikke tekst — brug punktum som decimaltegn: 0.25"),
    ("percent as text", "deadweight", ([[12]], [["25 %"]]), "skriv en andel som 0.25"),
    ("share above 1", "deadweight", ([[12]], [[25]]), "mente du 0.25"),
    ("error value in a range", "savings", (column([3, "#N/A"]), [[146000]], column([44287, 44378]), [[2021]], None, None, None, None), "persons (række 2): cellen indeholder fejlværdien #N/A"),
    ("negative persons", "savings", ([[-3]], [[146000]], [[44287]], [[2021]], None, None, None, None), "persons: må ikke være mindre end 0"),
    ("deadweight above persons", "savings", ([[3]], [[146000]], [[44287]], [[2021]], None, None, None, [[4]]), "deadweight: dødvægten kan ikke være større end antallet af personer med effekten (3)"),
    ("deadweight above persons, 2nd cohort", "savings", ([[3], [2]], [[146000]], [[44287], [44287]], [[2021]], None, None, None, [[1], [5]]), "deadweight (række 2): dødvægten"),
    ("mismatched ranges", "savings", (column([3, 2]), [[146000]], column([44287, 44378, 44470]), [[2021]], None, None, None, None), "persons har 2 rækker, effect_start har 3"),
    ("date before 1900", "savings", ([[3]], [[146000]], [[-5]], [[2021]], None, None, None, None), "effect_start: datoer før 1900"),
    ("a year typed as a date", "savings", ([[3]], [[146000]], [[2021]], [[2021]], None, None, None, None), "er det et årstal"),
    ("missing effect start", "savings", ([[3]], [[146000]], [[0]], [[2021]], None, None, None, None), "effect_start: mangler en dato"),
    ("missing unit saving", "savings", ([[3]], [[None]], [[44287]], [[2021]], None, None, None, None), "unit_saving: mangler en værdi"),
    ("year as text", "savings", ([[3]], [[146000]], [[44287]], [["2021x"]], None, None, None, None), "year"),
    ("fallbacks with 3 columns", "savings", ([[3]], [[146000]], [[44287]], [[2021]], [[0.1, 2, 3]], None, None, None), "fallbacks: skal være et område med 2 kolonner"),
    ("fallback share as percent", "savings", ([[3]], [[146000]], [[44287]], [[2021]], [[10, 2]], None, None, None), "fallbacks (række 1), andel"),
    ("fallback month 13", "savings", ([[3]], [[146000]], [[44287]], [[2021]], [[0.1, 2]], [[13]], None, None), "fallback_month"),
    ("cohort start after effect", "person_years", ([[3]], [[44287]], [[2021]], None, None, [[44400]], None), "cohort_start: holdets start skal ligge før eller samtidig med effect_start (2021-04)"),
    ("bool in a number cell", "staff_cost", ([[True]], [[520000]], None), "fte"),
    ("savings and costs of different length", "net_result", ([[1, 2, 3]], [[1, 2]]), "savings har 3 år, men costs har 2"),
    ("no costs for a ratio", "savings_cost_ratio", ([[1, 2]], [[0, 0]]), "costs: udgifterne summer til 0"),
    ("years and rows differ", "payback_year", ([[2021, 2022, 2023]], [[1, 2]], [[1, 2]], None), "year har 3 år"),
    ("target of 0", "realisation", ([[20]], [[0]]), "target: mangler en værdi"),
    ("rate as percent", "write_down", ([[3900000]], [[70]]), "mente du 0.7"),
    ("error value in expected", "revised_forecast", ([["#REF!"]], [[0.7]]), "expected: cellen indeholder fejlværdien #REF!"),
    ("negative weeks on benefit", "savings_by_payer", ([[1]], [[52000]], [[44197]], [[2021]], [[-1]], None, None, None, None, None, None), "weeks_on_benefit: må ikke være mindre end 0"),
    ("unknown benefit parameter", "savings_by_payer", ([[1]], [["kontanthjaelp.nope"]], [[44197]], [[2021]], [[2]], None, None, None, None, None, None), "benefit: ukendt parameter"),
    ("unknown payer", "savings_by_payer", ([[1]], [[52000]], [[44197]], [[2021]], [[2]], [["borgeren"]], None, None, None, None, None), "payer: skal være"),
    ("benefit before its first value", "savings_by_payer", ([[1]], [["kontanthjaelp.over_30_andre"]], [[42005]], [[2015]], [[2]], None, None, None, None, None, None), "benefit: har ingen værdi før 2016-01-04"),
    ("benefit rate on a date before its first value", "benefit_rate", ([["kontanthjaelp.over_30_andre"]], [["2014-01-01"]]), "name: har ingen værdi før 2016-01-04"),
    ("negative weeks for the staircase", "refusion_rate", ([[-1]], None), "weeks: må ikke være mindre end 0"),
    ("rate as percent", "discounted_net", ([[1, 2]], [[3.5]], None), "rate: en rente skrives som andel"),
    ("no cohort savings", "break_even_factor", ([[0, 0]], [[5, 5]], None), "cohort_savings: holdene sparer intet"),
    ("no part", "switching_value", ([[100]], [[0]]), "part: mangler en værdi"),
    ("too few draws", "payback_probability", ([[1]], [[1]], [[0.5]], [[1.5]], None, None, [[5]], None), "draws: mellem 10"),
]


@pytest.mark.parametrize(("func_name", "args", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_an_xlwings_error_naming_the_argument(func_name: str, args: tuple, message: str) -> None:
    with pytest.raises(xw.XlwingsError) as caught:
        call(func_name, *args)
    assert message in str(caught.value)
