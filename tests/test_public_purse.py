"""Tax and udligning per person-year (xlmodel tax, TAX_GAIN) against the contract of issue 21, written out
here a second time with the contract's own rates, on the worked example and on held-out incomes, benefits,
years and kommune types."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xlwings import XlwingsError

from xlmodel.errors import InvalidValueError
from xlmodel.parameters import Parameters
from xlmodel.public_purse import PARTS, tax_gain, tax_gain_of, tax_rates
from xlmodel_cli import main

from .officejs import call, column

#: The contract's rates (issue 21), typed from the issue, not read from the parameter files.
CONTRACT = {
    2025: {"e": 0.1230, "e_max": 55_600, "j_threshold": 224_500, "j_max": 2_900, "f": 51_600, "t": 0.25068},
    2026: {"e": 0.1275, "e_max": 63_300, "j_threshold": 235_200, "j_max": 3_100, "f": 54_100, "t": 0.25049},
}
#: The years before, typed from their sources (skat.dk for 2021; Blicher's tables, secondary, for 2022-2024;
#: Skatteministeriet's average kommuneskat for 2022-2023, 2022's used for 2021 and 2023's carried to 2024).
SOURCED = {
    2021: {"e": 0.1060, "e_max": 40_600, "j_threshold": 200_300, "j_max": 2_600, "f": 46_700, "t": 0.24982, "s": 0.1209},
    2022: {"e": 0.1065, "e_max": 41_600, "j_threshold": 202_700, "j_max": 2_700, "f": 46_600, "t": 0.24982, "s": 0.1210},
    2023: {"e": 0.1065, "e_max": 45_600, "j_threshold": 208_700, "j_max": 2_700, "f": 48_000, "t": 0.25018, "s": 0.1206},
    2024: {"e": 0.1065, "e_max": 45_100, "j_threshold": 216_100, "j_max": 2_800, "f": 49_700, "t": 0.25018, "s": 0.1206},
}
SHARES = {"normal": 0.75, "svag": 0.95, "rig": 0.93}


def by_hand(w: float, b: float, year: int, kommune_type: str = "normal") -> dict[str, float]:
    r = {**CONTRACT, **SOURCED}[year]
    am = 0.08 * w
    p = w - am
    employment = min(r["e"] * w, r["e_max"])
    job = min(0.045 * max(0.0, w - r["j_threshold"]), r["j_max"])
    base = max(0.0, p - employment - job - r["f"]) - max(0.0, b - r["f"])
    kommuneskat = r["t"] * base
    udligning = -SHARES[kommune_type] * r["t"] * base
    bundskat = r.get("s", 0.1201) * (max(0.0, p - r["f"]) - max(0.0, b - r["f"]))
    return {"kommuneskat": kommuneskat, "udligning": udligning, "kommune": kommuneskat + udligning, "bundskat": bundskat, "am_bidrag": am, "stat": bundskat + am}


def test_the_worked_example_to_the_krone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tax", "--income", "275805", "--benefit", "144768", "--year", "2026", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    shown = {part: round(data[part]) for part in PARTS}
    assert shown == {"kommuneskat": 18_030, "udligning": -13_523, "kommune": 4_508, "bundskat": 13_088, "am_bidrag": 22_064, "stat": 35_152}
    assert data["assumptions"] == [] and data["udligning_share"] == 0.75


@settings(max_examples=200, deadline=None)
@given(
    w=st.floats(min_value=0, max_value=900_000),
    b=st.floats(min_value=0, max_value=300_000),
    year=st.sampled_from([2025, 2026]),
    kommune_type=st.sampled_from(["normal", "svag", "rig"]),
)
def test_held_out_incomes_benefits_years_and_kommune_types_follow_the_contract(w: float, b: float, year: int, kommune_type: str) -> None:
    gain = tax_gain(w, b, tax_rates(Parameters(), year, kommune_type))
    expected = by_hand(w, b, year, kommune_type)
    for part in PARTS:
        assert math.isclose(float(gain.part(part)), expected[part], rel_tol=1e-12, abs_tol=1e-6), part


@pytest.mark.parametrize(
    ("w", "b", "year", "kommune_type", "what"),
    [
        (200_000, 144_768, 2026, "normal", "under the jobfradrag threshold: no jobfradrag"),
        (700_000, 144_768, 2026, "normal", "beskæftigelsesfradrag and jobfradrag at their caps"),
        (300_000, 40_000, 2025, "svag", "a benefit below the personfradrag: no tax on it"),
        (0, 144_768, 2025, "rig", "no job: the public purse loses the tax on the benefit"),
    ],
)
def test_the_corners_of_the_formula(w: float, b: float, year: int, kommune_type: str, what: str) -> None:
    gain = tax_gain(w, b, tax_rates(Parameters(), year, kommune_type))
    assert all(math.isclose(float(gain.part(p)), v, abs_tol=1e-6) for p, v in by_hand(w, b, year, kommune_type).items()), what


def test_a_low_tax_base_kommune_keeps_a_twentieth_of_the_average_rate_on_the_base() -> None:
    normal = tax_gain(275_805, 144_768, tax_rates(Parameters(), 2026, "normal"))
    weak = tax_gain(275_805, 144_768, tax_rates(Parameters(), 2026, "svag"))
    # with the average rate as its own: the kommune keeps 25 % of the kommuneskat, a weak one 5 %
    assert float(normal.kommune) == pytest.approx(0.25 * float(normal.kommuneskat))
    assert float(weak.kommune) == pytest.approx(0.05 * float(weak.kommuneskat))
    assert float(weak.stat) == float(normal.stat)


@settings(max_examples=100, deadline=None)
@given(
    w=st.floats(min_value=0, max_value=900_000),
    b=st.floats(min_value=0, max_value=300_000),
    year=st.sampled_from(sorted(SOURCED)),
    kommune_type=st.sampled_from(["normal", "svag", "rig"]),
)
def test_the_years_since_the_udligning_reform_follow_their_sources(w: float, b: float, year: int, kommune_type: str) -> None:
    rates = tax_rates(Parameters(), year, kommune_type)
    gain = tax_gain(w, b, rates)
    expected = by_hand(w, b, year, kommune_type)
    for part in PARTS:
        assert math.isclose(float(gain.part(part)), expected[part], rel_tol=1e-12, abs_tol=1e-6), part
    assert rates.assumptions == (("skat.kommuneskat_gennemsnit",) if year in (2021, 2024) else ())


def test_a_year_before_the_udligning_reform_is_refused_naming_the_year() -> None:
    with pytest.raises(InvalidValueError, match="year: skattesatserne for 2020 findes ikke"):
        tax_rates(Parameters(), 2020)


def test_a_later_year_carries_the_rates_forward_as_an_assumption(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tax", "--income", "275805", "--benefit", "144768", "--year", "2028"]) == 0
    out = capsys.readouterr().out
    assert "ANTAGELSE" in out and "skat.personfradrag" in out
    assert tax_rates(Parameters(), 2028).personfradrag == 54_100


def test_an_own_kommuneskat_rate_changes_the_kommuneskat_not_the_udligning() -> None:
    own, _ = tax_gain_of(275_805, 144_768, 2026, kommune_rate=0.261)
    average, _ = tax_gain_of(275_805, 144_768, 2026)
    assert float(own.udligning) == float(average.udligning)
    assert float(own.kommuneskat) == pytest.approx(float(average.kommuneskat) * 0.261 / 0.25049)


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--income", "-1", "--benefit", "144768", "--year", "2026"], "income: må ikke være mindre end 0"),
        (["--income", "275805", "--benefit", "nan", "--year", "2026"], "benefit: skal være et endeligt tal"),
        (["--income", "275805", "--benefit", "144768", "--year", "2019"], "year: skattesatserne for 2019 findes ikke"),
        (["--income", "275805", "--benefit", "144768", "--year", "2026", "--kommune-rate", "25"], "kommune_rate: en andel ligger mellem 0 og 1 — mente du 0.25?"),
    ],
)
def test_bad_input_names_the_field(argv: list[str], field: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tax", *argv]) == 2
    err = capsys.readouterr().err
    assert field in err and "Traceback" not in err


def test_an_unknown_kommune_type_is_refused_by_name() -> None:
    with pytest.raises(InvalidValueError, match="kommune_type: kendte: normal, svag, rig"):
        tax_rates(Parameters(), 2026, "mellem")


def test_the_excel_function_gives_the_core_figures_for_a_column_of_cohorts() -> None:
    incomes, benefits = [275_805.0, 200_000.0, 0.0], [144_768.0, 144_768.0, 40_000.0]
    for part in PARTS:
        result = call("tax_gain", column(incomes), column(benefits), [[2026]], [[part]], [["svag"]])
        expected = [by_hand(w, b, 2026, "svag")[part] for w, b in zip(incomes, benefits, strict=True)]
        assert [row[0] for row in result] == pytest.approx(expected, abs=1e-6)
    assert call("tax_gain", [[275_805]], [[144_768]], [[2026]], None, None) == [[pytest.approx(4507.582422843752)]]
    with pytest.raises(XlwingsError, match="part: kendte: kommuneskat"):
        call("tax_gain", [[275_805]], [[144_768]], [[2026]], [["kommunen"]], None)


def test_a_case_pinned_before_the_tax_rates_were_added_does_not_see_them() -> None:
    added = min(v.added for v in Parameters().get("skat.bundskat").values)
    assert tax_rates(Parameters(known_on=added), 2026).bundskat == 0.1201
    with pytest.raises(InvalidValueError, match="year: skattesatserne for 2026 findes ikke"):
        tax_rates(Parameters(known_on=added - dt.timedelta(days=1)), 2026)


PURSE_CASE = """
[case]
title = "Job til kontanthjælpsmodtagere"
first_year = 2026
last_year = 2027
[public_purse]
kommune_type = "{kommune_type}"
[[outcomes]]
id = "job"
benefit_rate = 144768
income = {income}
fallbacks = [[0.5, 1]]
[[cohorts]]
name = "H1"
participants = 10
effect_start = 2026-04-01
weeks_on_benefit = 80
outcomes = {{ job = {{ persons = 2 }} }}
[[costs]]
label = "Mentor"
amounts = {{ 2026 = 50000 }}
"""


def _purse_case(kommune_type: str = "normal", income: str = "275805") -> str:
    return PURSE_CASE.format(kommune_type=kommune_type, income=income)


@pytest.mark.parametrize("kommune_type", ["normal", "svag"])
def test_a_case_that_opts_in_gets_the_tax_of_its_person_years(kommune_type: str, capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    """2 persons from 1 April 2026, half fall back a year later: 1.5 person-years in 2026 (2 × 9/12) and
    1.25 in 2027 (2 × 3/12 + 1 × 9/12), each worth the per-person gain of the contract."""
    path = tmp_path / "purse.toml"  # type: ignore[operator]
    path.write_text(_purse_case(kommune_type), encoding="utf-8")
    assert main(["report", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    person_years = [1.5, 1.25]
    for part in PARTS:
        expected = [py * by_hand(275_805, 144_768, 2026, kommune_type)[part] for py in person_years]  # 2027 carries 2026's rates
        assert data["public_purse"][part] == pytest.approx(expected, abs=1e-6), part
    kommune = data["by_payer"]["kommune"]
    assert kommune["tax"] == pytest.approx(data["public_purse"]["kommune"])
    assert kommune["net_incl_tax"] == pytest.approx([n + t for n, t in zip(kommune["net"], kommune["tax"], strict=True)])
    assert data["public_purse"]["cohorts"][0]["cohort"] == "H1" and "skat.personfradrag" in data["public_purse"]["assumptions"]


def test_cases_that_do_not_opt_in_give_todays_figures(capsys: pytest.CaptureFixture[str]) -> None:
    """A bundled case without a wage shows no public purse; one with a wage (the Ishøj refusion variant) shows
    it and otherwise exactly the figures of the same case without the wage."""
    import dataclasses

    from xlmodel import compute_case, load_case
    from xlmodel.bundled import bundled

    opted = []
    for path in sorted(bundled("cases").glob("*.toml")):
        assert main(["report", str(path), "--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        case = load_case(path)
        if not any(o.income is not None for o in case.outcomes):
            assert "public_purse" not in data and "tax" not in data["by_payer"]["kommune"], path.name
            continue
        opted.append(path.name)
        without = dataclasses.replace(case, outcomes=tuple(dataclasses.replace(o, income=None) for o in case.outcomes))
        plain = compute_case(without)
        assert data["net_gain"] == plain.net_gain and data["by_payer"]["kommune"]["net"] == plain.by_payer["kommune"].yearly["net"].tolist(), path.name
        assert "public_purse" in data and data["by_payer"]["kommune"]["net_incl_tax"] != data["by_payer"]["kommune"]["net"], path.name
    assert opted == ["ishoej_2021_refusion.toml"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("benefit_rate = 144768", "unit_saving = 80000"), 'outcomes[0] "job".income: skatten af ydelsen beregnes af bruttoydelsen'),
        (("income = 275805", 'income = "kontanthjaelp.over_30_andre"'), 'outcomes[0] "job".income: kontanthjaelp.over_30_andre er ikke en løn'),
        (("income = 275805", "income = { 2026 = 275805 }"), 'outcomes[0] "job".income: mangler et beløb for 2027'),
        (("income = 275805", "income = -1"), 'outcomes[0] "job".income'),
        (('kommune_type = "normal"', 'kommune_type = "mellem"'), "public_purse.kommune_type"),
    ],
)
def test_bad_public_purse_input_names_the_field(change: tuple[str, str], message: str, tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "purse.toml"  # type: ignore[operator]
    path.write_text(_purse_case().replace(*change), encoding="utf-8")
    assert main(["report", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_the_wage_and_the_settings_survive_a_book(tmp_path: object) -> None:
    from workbooks.extract import read_book_case
    from workbooks.pipeline import render
    from xlmodel import loads_case

    case = loads_case(_purse_case("rig", '"loen.io_minimum"'))
    book = tmp_path / "purse.xlsx"  # type: ignore[operator]
    book.write_bytes(render(case, runtime="native"))
    back = read_book_case(book)
    assert back.outcomes[0].income == "loen.io_minimum" and back.public_purse.kommune_type == "rig"


def test_a_benefit_from_the_first_effect_is_taxed_at_its_rate_in_that_year(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    """A benefit named by its parameter runs from the first effect (1 April 2026), not from 1 January: a
    person-year in 2026 leaves 144,768 kr. (kontanthjælp, forhøjet sats 2026), not the three quarters of it an
    average over the whole calendar year would give. 1.5 person-years in 2026, as above."""
    path = tmp_path / "purse.toml"  # type: ignore[operator]
    path.write_text(_purse_case().replace("benefit_rate = 144768", 'benefit = "kontanthjaelp.forhoejet_sats"'), encoding="utf-8")
    assert main(["report", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["public_purse"]["kommuneskat"][0] == pytest.approx(1.5 * by_hand(275_805, 144_768, 2026, "normal")["kommuneskat"], abs=1e-6)
    assert data["public_purse"]["kommuneskat"][0] != pytest.approx(1.5 * by_hand(275_805, 0.75 * 144_768, 2026, "normal")["kommuneskat"], abs=1.0)


def test_every_rate_and_wage_a_case_opting_in_uses_is_listed_with_its_source() -> None:
    """A case with a dated wage lists, beside its benefit and staircase, each tax rate and udligning share of
    each year it uses and the wage with its hours, every one with a source; a case without a wage lists none."""
    from xlmodel import compute_case, loads_case
    from xlmodel.report import parameter_uses

    uses = parameter_uses(compute_case(loads_case(_purse_case("svag", '"loen.io_minimum"'))))
    listed = {u["parameter"] for u in uses}
    assert {"skat.personfradrag", "skat.kommuneskat_gennemsnit", "udligning.landsudligning", "udligning.tillaeg_svag", "loen.io_minimum", "loen.timer_pr_aar"} <= listed
    assert "udligning.bidrag_rig" not in listed and all(u["reference"].startswith("http") for u in uses)
    wage = [(u["from"], u["to"], u["value"]) for u in uses if u["parameter"] == "loen.io_minimum"]
    assert wage == [("2026-01-01", "2026-02-28", 139.85), ("2026-03-01", "2027-02-28", 143.35), ("2027-03-01", "2027-12-31", 146.85)]
    plain = parameter_uses(compute_case(loads_case(_purse_case().replace("income = 275805\n", ""))))
    assert not {u["parameter"] for u in plain} & {"skat.personfradrag", "loen.io_minimum"}

