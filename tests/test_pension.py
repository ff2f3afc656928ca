"""Avoided førtidspension (issue 21, item 4): the saving runs from the effect start to the folkepension age,
split by the refusion staircase. Hand-worked figures, a brute-force integration of the same rule written
out here a second time, a property over ages and start months, and bad input named."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlmodel import compute_case, loads_case
from xlmodel.appraisal import appraise
from xlmodel.casewriter import dumps_case
from xlmodel.errors import XlmodelError
from xlmodel.linear import LinearModel
from xlmodel.report import report_dict, report_table

#: Typed from the sources, not read from the parameter files: førtidspension 2024 (seniorhaandbogen.dk; the
#: latest found, carried forward), kr. a month; the folkepension age by birth date (lov om social pension § 1 a).
ENLIGE_2024, ANDRE_2024 = 20_370, 17_315


def pension_age_by_hand(birth_year: float) -> float:
    year = int(birth_year)
    if year >= 1971:
        return 70
    if year >= 1967:
        return 69
    if year >= 1963:
        return 68
    return 67


CASE = '''
[case]
title = "Undgået førtidspension"
first_year = 2026
last_year = "pension_age"
[[outcomes]]
id = "fleksjob"
avoids = "foertidspension"
[[cohorts]]
name = "H1"
participants = 10
effect_start = 2026-01-01
weeks_on_benefit = 100
age = 60
outcomes = { fleksjob = { persons = 1 } }
'''


def test_one_person_aged_60_saves_the_pension_until_68_and_the_kommune_keeps_80_percent() -> None:
    # 60 on 1 January 2026: born mid-1965 (the middle of the year of age), folkepension at 68, mid-2033.
    # The clock stands at 100 weeks, past 52: the stat refunds 20 %, the kommune saves 80 %.
    result = compute_case(loads_case(CASE))
    assert result.years.tolist() == list(range(2026, 2034))
    yearly_gross = 12 * ENLIGE_2024
    expected = [yearly_gross] * 7 + [yearly_gross / 2]
    assert result.yearly["cohort_savings"].tolist() == pytest.approx(expected)
    assert result.by_payer["kommune"].yearly["savings"].tolist() == pytest.approx([0.8 * x for x in expected])
    assert result.yearly["person_years"].tolist() == pytest.approx([1] * 7 + [0.5])
    assert result.steady_state_saving is None  # the saving ends: no steady state


def test_the_report_says_when_each_pension_ends_and_by_which_rule() -> None:
    result = compute_case(loads_case(CASE))
    text = report_table(result)
    assert "H1: 60 år ved effektstart, født ca. 1965-07: folkepensionsalder 68 år, førtidspensionen ophører 2033-07" in text
    assert "danskelove.dk/pensionsloven/1a" in text and "ANTAGELSE: fødselsdatoen regnes midt i aldersåret" in text
    data = json.loads(json.dumps(report_dict(result)))
    assert data["avoided_pension"] == [{"cohort": "H1", "age": 60.0, "share": 1.0, "born": "1965-07", "pension_age": 68.0, "ends": "2033-07",
                                        "reference": "https://danskelove.dk/pensionsloven/1a"}]
    assert data["outcomes"][0]["avoids"] == "foertidspension" and data["outcomes"][0]["benefit"] == "foertidspension.enlige"


def brute_force(case_text: str, steps_per_year: int = 24_000) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Gross and the stat's part per year, integrated on a fine time grid from the rule itself:
    gross(t) = N B [s ≤ t < e] (1 − Σ q_i [t ≥ f_i]); stat(t) = N B [t < e] (r(w_cf(t)) [t ≥ s] − Σ q_i r(w_i(t)) [t ≥ f_i]),
    w_cf = w0 + 52 (t − s); w_i = a_i + 52 (t − f_i), a_i = 0 after 52 weeks off benefits, else w0."""
    case = loads_case(case_text)
    (outcome,) = case.outcomes
    benefit = 12 * (ANDRE_2024 if outcome.benefit == "foertidspension.andre" else ENLIGE_2024)
    years = list(range(case.first_year, case.last_year + 1))
    t = case.first_year + (np.arange(len(years) * steps_per_year) + 0.5) / steps_per_year
    gross, stat = np.zeros_like(t), np.zeros_like(t)

    def r(clock: np.ndarray) -> np.ndarray:
        return np.select([clock < 4, clock < 26, clock < 52], [0.8, 0.4, 0.3], 0.2)

    for cohort in case.cohorts:
        n = cohort.net_persons(outcome.id)
        s = cohort.effect_start / 12
        w0 = cohort.weeks_on_benefit or 0.0
        ages = cohort.age.items() if hasattr(cohort.age, "items") else [(cohort.age, 1.0)]
        for age, weight in ages:
            birth = s - age - 0.5
            e = birth + pension_age_by_hand(birth)
            alive = (t >= s) & (t < e)
            g = np.where(alive, 1.0, 0.0)
            st_ = np.where(alive, r(w0 + 52 * (t - s)), 0.0)
            for fb in outcome.fallbacks:
                f = s + fb.after_years
                a = 0.0 if (f - s) * 52 >= 52 else w0
                fallen = (t >= f) & (t < e)
                g -= fb.share * fallen
                st_ -= fb.share * np.where(fallen, r(a + 52 * (t - f)), 0.0)
            gross += weight * n * benefit * g
            stat += weight * n * benefit * st_
    per_year = lambda x: x.reshape(len(years), steps_per_year).sum(axis=1) / steps_per_year  # noqa: E731
    return per_year(gross), per_year(stat), years


MIXED = '''
[case]
title = "Undgået førtidspension, aldersmiks"
first_year = 2026
last_year = "pension_age"
[[outcomes]]
id = "fleksjob"
avoids = "foertidspension"
benefit = "foertidspension.andre"
fallbacks = [[0.2, 3], [0.1, 0.5]]
[[cohorts]]
name = "H1"
participants = 10
effect_start = 2026-04-01
weeks_on_benefit = 30
age = { 40 = 0.5, 62 = 0.5 }
outcomes = { fleksjob = { persons = 2 } }
[[cohorts]]
name = "H2"
participants = 6
effect_start = 2027-09-01
weeks_on_benefit = 2
age = 49
outcomes = { fleksjob = { persons = 3, deadweight = 1 } }
'''


def test_an_age_mix_fall_backs_and_young_clocks_agree_with_the_rule_integrated_by_brute_force() -> None:
    result = compute_case(loads_case(MIXED))
    gross, stat, years = brute_force(MIXED)
    assert result.years.tolist() == years and years[-1] == 2055  # 40 in April 2026: born late 1985, 70 in late 2055
    assert result.yearly["cohort_savings"].to_numpy() == pytest.approx(gross, rel=1e-4, abs=5)
    assert result.by_payer["stat"].yearly["savings"].to_numpy() == pytest.approx(stat, rel=1e-4, abs=5)


@settings(max_examples=60, deadline=None)
@given(age=st.integers(18, 66), month=st.integers(0, 11), persons=st.integers(1, 20))
def test_the_person_years_add_up_to_the_time_from_the_effect_start_to_the_pension(age: int, month: int, persons: int) -> None:
    text = CASE.replace("effect_start = 2026-01-01", f"effect_start = 2026-{month + 1:02d}-01").replace("age = 60", f"age = {age}").replace("persons = 1 }", f"persons = {persons} }}").replace("participants = 10", "participants = 20")
    result = compute_case(loads_case(text))
    s = 2026 + month / 12
    birth = s - age - 0.5
    end = birth + pension_age_by_hand(birth)
    assert float(result.yearly["person_years"].sum()) == pytest.approx(persons * (end - s), rel=1e-12)
    assert result.years[-1] == int(np.ceil(end * 12 - 1e-9) - 1) // 12


def test_cases_without_an_avoided_pension_give_the_same_figures() -> None:
    plain = CASE.replace('avoids = "foertidspension"', 'benefit = "foertidspension.enlige"').replace('last_year = "pension_age"', "last_year = 2040")
    result = compute_case(loads_case(plain))
    assert result.yearly["person_years"].tolist() == pytest.approx([1.0] * 15)  # no end without avoids
    assert "Undgået førtidspension (besparelsen" not in report_table(result)


def test_the_case_file_writer_keeps_the_avoided_pension_and_the_age_mix() -> None:
    case = loads_case(MIXED)
    again = loads_case(dumps_case(case))
    assert again.outcomes == case.outcomes and [c.age for c in again.cohorts] == [c.age for c in case.cohorts]
    assert compute_case(again).yearly.equals(compute_case(case).yearly)


@pytest.mark.parametrize(("change", "field", "words"), [
    (("age = 60", "age = 70"), 'cohorts[0] "H1".age', "folkepensionsalderen"),
    (("age = 60", "age = 17"), 'cohorts[0] "H1".age', "18"),
    (("age = 60\n", ""), "last_year", "age"),
    (("age = 60", "age = { 40 = 0.5, 50 = 0.4 }"), 'cohorts[0] "H1".age', "summere til 1"),
    (('avoids = "foertidspension"', 'avoids = "foertidspension"\nunit_saving = 1000'), "unit_saving", "bruttoydelsen"),
    (('avoids = "foertidspension"', 'avoids = "foertidspension"\nbenefit = "kontanthjaelp.over_30_andre"'), "benefit", "førtidspensionssats"),
    (('avoids = "foertidspension"', 'avoids = "pension"'), "avoids", "foertidspension"),
])
def test_bad_input_is_refused_naming_the_field(change: tuple[str, str], field: str, words: str) -> None:
    with pytest.raises(XlmodelError) as caught:
        loads_case(CASE.replace(*change))
    assert field in str(caught.value) and words in str(caught.value)


def test_a_missing_age_with_an_explicit_horizon_is_named_on_the_cohort() -> None:
    with pytest.raises(XlmodelError) as caught:
        loads_case(CASE.replace("age = 60\n", "").replace('last_year = "pension_age"', "last_year = 2035"))
    assert 'cohorts[0] "H1".age' in str(caught.value) and "mangler" in str(caught.value)


def test_the_appraisal_and_the_monte_carlo_end_the_saving_at_the_pension_too() -> None:
    """The linear model (the engine of the NPV, the switching values and the Monte Carlo) gives compute_case's
    figures of an age mix with fall-backs, payer by payer; the NPV is compute_case's net discounted by the
    ministry's factors (before, it ran the pension on to the end of the horizon)."""
    case = loads_case(MIXED.replace('[[cohorts]]', '[[costs]]\nlabel = "Indsats"\namounts = { 2026 = 400000 }\n[[cohorts]]', 1))
    result = compute_case(case)
    run = LinearModel.of(case).evaluate({})
    for payer in case.payers:
        assert run.net(payer)[0] == pytest.approx(result.by_payer[payer].yearly["net"].to_numpy(), abs=1e-6)
    factors = np.cumprod([1.0] + [1 / 1.035] * (len(result.years) - 1))  # 3.5 % a year: the horizon is below 36 years
    assert appraise(case).npv == pytest.approx(float(result.yearly["net"].to_numpy() @ factors), rel=1e-12)


def test_a_delay_shortens_the_saving_as_the_person_is_no_younger() -> None:
    """Delayed 12 months, the effect starts a year later for the same persons: the same figures as the case
    with effect starts a year later and every age one year more (the same births, the same ends)."""
    later = MIXED.replace("2026-04-01", "2027-04-01").replace("2027-09-01", "2028-09-01").replace("{ 40 = 0.5, 62 = 0.5 }", "{ 41 = 0.5, 63 = 0.5 }").replace("age = 49", "age = 50")
    delayed = LinearModel.of(loads_case(MIXED)).evaluate({"delay_months": 12})
    expected = compute_case(loads_case(later))
    assert expected.years[-1] == 2055
    assert delayed.net()[0] == pytest.approx(expected.yearly["net"].to_numpy(), abs=1e-6)
