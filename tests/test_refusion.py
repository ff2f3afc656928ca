"""Who saves what: the refusion staircase per cohort, checked against hand calculations.

Every expected figure below is worked by hand in the comment beside it, from the rules (§ 5: 80 % in
weeks 1–4, 40 % in 5–26, 30 % in 27–52, 20 % from 53; § 6: the count restarts after 52 weeks of
self-support; 52 weeks = 1 year) and the contract in ``xlmodel/refusion.py`` — never from the code's
own output. B = 52,000 kr. a year is 1,000 kr. a week, which keeps the arithmetic readable.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlmodel import compute_case, loads_case
from xlmodel.arithmetic import person_years
from xlmodel.errors import XlmodelError
from xlmodel.parameters import Override, Parameters, shipped
from xlmodel.refusion import STAIRCASE_2016, StepFunction, refusion_rules, split_savings, split_savings_in_force, staircase_on


def case_text(*, benefit: str = "benefit_rate = 52000", weeks: str = "80", effect: str = "2021-01-01", fallbacks: str = "", wage_subsidy: str = "false",
              first: int = 2021, last: int = 2022, persons: float = 1, extra: str = "") -> str:
    return f"""
[case]
title = "Refusion"
first_year = {first}
last_year = {last}
[[outcomes]]
id = "job"
{benefit}
wage_subsidy = {wage_subsidy}
{fallbacks}
[[cohorts]]
name = "H"
effect_start = {effect}
participants = 10
weeks_on_benefit = {weeks}
outcomes = {{ job = {{ persons = {persons} }} }}
{extra}
"""


def split(text: str) -> tuple[list[float], list[float], list[float]]:
    """(gross, kommune, stat) per year for the one cohort outcome of ``text``."""
    result = compute_case(loads_case(text))
    kommune = result.cohort_savings_by_payer["kommune"][0].tolist()
    stat = result.cohort_savings_by_payer["stat"][0].tolist()
    return result.cohort_savings[0].tolist(), kommune, stat


def test_long_term_recipient_saves_the_kommune_80_percent() -> None:
    # w0 = 80 weeks (> 52): the state refunds 20 % throughout. 2 persons from 1 April 2021, 120,000 kr. a year.
    # 2021: 2 × 120,000 × 9/12 = 180,000 gross; stat 20 % = 36,000; kommune 144,000.
    # 2022: 2 × 120,000 = 240,000; stat 48,000; kommune 192,000.
    gross, kommune, stat = split(case_text(benefit="benefit_rate = 120000", effect="2021-04-01", persons=2))
    assert gross == pytest.approx([180_000, 240_000], abs=1e-6)
    assert stat == pytest.approx([36_000, 48_000], abs=1e-6)
    assert kommune == pytest.approx([144_000, 192_000], abs=1e-6)


def test_a_new_spell_crosses_all_four_bands_inside_one_year() -> None:
    # w0 = 2 weeks on 1 January 2021, 1,000 kr. a week. In 2021 the clock runs 2 → 54:
    #   weeks 2–4 at 80 % (2 × 0.8 = 1.6), 4–26 at 40 % (22 × 0.4 = 8.8), 26–52 at 30 % (26 × 0.3 = 7.8),
    #   52–54 at 20 % (2 × 0.2 = 0.4): stat = 1,000 × 18.6 = 18,600; kommune = 52,000 − 18,600 = 33,400.
    # 2022: clock ≥ 54, 20 %: stat 10,400, kommune 41,600.
    gross, kommune, stat = split(case_text(weeks="2"))
    assert gross == pytest.approx([52_000, 52_000], abs=1e-6)
    assert stat == pytest.approx([18_600, 10_400], abs=1e-6)
    assert kommune == pytest.approx([33_400, 41_600], abs=1e-6)


def test_a_fall_back_after_52_weeks_of_self_support_restarts_the_clock() -> None:
    # w0 = 80 from 1 January 2021; half the persons fall back after exactly 1 year (52 weeks of
    # self-support: § 6 resets their clock to 0).
    # 2021: nobody has fallen: gross 52,000, stat 20 % = 10,400, kommune 41,600.
    # 2022: gross = 0.5 × 52,000 = 26,000 (the stayers).
    #   stat = I(stayers' counterfactual) − 0.5 × I(fallen, clock from 0)
    #        = 52 × 1,000 × 0.2 − 0.5 × 1,000 × (4 × 0.8 + 22 × 0.4 + 26 × 0.3) = 10,400 − 0.5 × 19,800 = 500
    #   kommune = 26,000 − 500 = 25,500 (= 0.8 × 26,000 for the stayers + 0.5 × (19,800 − 10,400) because
    #   the kommune's refund for the fallen now follows their new, short clock).
    gross, kommune, stat = split(case_text(fallbacks="fallbacks = [[0.5, 1]]"))
    assert gross == pytest.approx([52_000, 26_000], abs=1e-6)
    assert stat == pytest.approx([10_400, 500], abs=1e-6)
    assert kommune == pytest.approx([41_600, 25_500], abs=1e-6)


def test_a_fall_back_before_52_weeks_resumes_the_old_clock() -> None:
    # w0 = 10 from 1 January 2021; half fall back after 26 weeks (0.5 years: no reset, the clock resumes at 10).
    # 2021 counterfactual clock 10 → 62: 16 × 0.4 + 26 × 0.3 + 10 × 0.2 = 16.2 → I = 16,200.
    #      the fallen from mid-year, clock 10 → 36: 16 × 0.4 + 10 × 0.3 = 9.4 → I = 9,400.
    #      gross = 52,000 − 0.5 × 26,000 = 39,000; stat = 16,200 − 0.5 × 9,400 = 11,500; kommune = 27,500.
    # 2022 counterfactual clock 62+: 52 × 0.2 = 10.4 → 10,400; the fallen, clock 36 → 88: 16 × 0.3 + 36 × 0.2 = 12.0 → 12,000.
    #      gross = 26,000; stat = 10,400 − 0.5 × 12,000 = 4,400; kommune = 21,600.
    gross, kommune, stat = split(case_text(weeks="10", fallbacks="fallbacks = [[0.5, 0.5]]"))
    assert gross == pytest.approx([39_000, 26_000], abs=1e-6)
    assert stat == pytest.approx([11_500, 4_400], abs=1e-6)
    assert kommune == pytest.approx([27_500, 21_600], abs=1e-6)


def test_a_wage_subsidy_outcome_never_resets() -> None:
    # As the reset test, but fleksjob-like (wage_subsidy = true): after a year the fallen half resumes at
    # the old clock (80 + 0 = 80 weeks, § 6, stk. 2: a job with a wage subsidy is not self-support), r = 0.2.
    # 2022: stat = 10,400 − 0.5 × 10,400 = 5,200; kommune = 26,000 − 5,200 = 20,800 (= 0.8 × 26,000).
    gross, kommune, stat = split(case_text(fallbacks="fallbacks = [[0.5, 1]]", wage_subsidy="true"))
    assert gross == pytest.approx([52_000, 26_000], abs=1e-6)
    assert stat == pytest.approx([10_400, 5_200], abs=1e-6)
    assert kommune == pytest.approx([41_600, 20_800], abs=1e-6)


def test_the_rate_changes_on_1_july_2025() -> None:
    # kontanthjaelp.over_30_andre: 12,326 kr./md. from 1 Jan 2024 (carried into 2025: no 2025 rate found),
    # then the forhøjet sats 12,064 kr./md. from 1 July 2025.
    # A long-term recipient (w0 = 80) from 1 January 2025: gross = 0.5 × 147,912 + 0.5 × 144,768 = 146,340;
    # stat = 20 % = 29,268; kommune = 117,072.
    gross, kommune, stat = split(case_text(benefit='benefit = "kontanthjaelp.over_30_andre"', effect="2025-01-01", first=2025, last=2025))
    assert gross == pytest.approx([146_340], abs=1e-6)
    assert stat == pytest.approx([29_268], abs=1e-6)
    assert kommune == pytest.approx([117_072], abs=1e-6)
    # A new spell (w0 = 0) from 1 April 2025 crosses the rate change inside the 40 % band:
    # April–June (13 weeks) at 147,912/52 a week: 4 × 0.8 + 9 × 0.4 = 6.8 weeks' worth;
    # July–December (26 weeks) at 144,768/52 = 2,784 a week: clock 13 → 39: 13 × 0.4 + 13 × 0.3 = 9.1.
    # gross = 147,912 × 0.25 + 144,768 × 0.5 = 109,362; stat = 147,912 × 6.8/52 + 2,784 × 9.1.
    gross, kommune, stat = split(case_text(benefit='benefit = "kontanthjaelp.over_30_andre"', weeks="0", effect="2025-04-01", first=2025, last=2025))
    assert gross == pytest.approx([109_362], abs=1e-6)
    assert stat == pytest.approx([147_912 * 6.8 / 52 + 2_784 * 9.1], abs=1e-6)
    assert kommune[0] == pytest.approx(109_362 - stat[0], abs=1e-6)


def test_payers_of_costs_and_the_kommunes_payback() -> None:
    # A state pool pays the coach (200,000 in 2021); the kommune pays nothing and saves 41,600 + 41,600:
    # its payback is 2021, the stat's net is 10,400 − 200,000 + 10,400 (never pays back).
    extra = '[[costs]]\nlabel = "Pulje"\npayer = "stat"\namounts = { 2021 = 200000 }\n[[savings]]\nlabel = "Region"\npayer = "region"\namounts = { 2022 = 5000 }'
    result = compute_case(loads_case(case_text(extra=extra)))
    assert list(result.by_payer) == ["kommune", "stat", "region"]
    assert result.by_payer["kommune"].payback_year == 2021
    assert result.by_payer["kommune"].net_gain == pytest.approx(83_200)
    assert result.by_payer["stat"].payback_year is None
    assert result.by_payer["stat"].net_gain == pytest.approx(10_400 + 10_400 - 200_000)
    assert result.by_payer["region"].yearly["savings"].tolist() == [0.0, 5_000.0]
    total = sum(p.net_gain for p in result.by_payer.values())
    assert total == pytest.approx(result.net_gain)


def test_unit_saving_outcomes_count_wholly_to_the_kommune(ishoej) -> None:  # type: ignore[no-untyped-def]
    assert np.array_equal(ishoej.cohort_savings_by_payer["kommune"], ishoej.cohort_savings)
    assert not ishoej.cohort_savings_by_payer["stat"].any()
    assert ishoej.by_payer["kommune"].payback_year == ishoej.payback_year == 2022


# --- bad inputs: a clear error naming the field ---


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (case_text(weeks="-3"), 'cohorts[0] "H".weeks_on_benefit', "må ikke være mindre end 0"),
        (case_text(benefit='benefit = "kontanthjaelp.over_30_andr"'), 'outcomes[0] "job".benefit', "mente du kontanthjaelp.over_30_andre"),
        (case_text(benefit='benefit = "kontanthjaelp.over_30_andre"', effect="2015-06-01", first=2015), 'outcomes[0] "job".benefit', "har ingen værdi før 2016-01-04"),
        (case_text(benefit='benefit = "kontanthjaelp.hjemmeboende"', effect="2025-08-01", first=2025, last=2025), 'outcomes[0] "job".benefit', "IKKE FUNDET"),
        (case_text(benefit='benefit_rate = 52000\nunit_saving = 40000'), 'outcomes[0] "job".benefit_rate', "ikke begge"),
        (case_text(benefit='benefit = "refusion.staircase"'), 'outcomes[0] "job".benefit', "ikke en ydelsessats"),
        (case_text(extra='[[costs]]\nlabel = "X"\npayer = "staten"\namounts = { 2021 = 1 }'), 'costs[0] "X".payer', "skal være en af"),
        (case_text(extra='[[parameters]]\nname = "kontanthjaelp.over_30_andre"\ndate = 2021-01-01\nvalue = 1'), "parameters[0]", "mangler feltet 'note'"),
        (case_text(extra='[[parameters]]\nname = "nope"\ndate = 2021-01-01\nvalue = 1\nnote = "x"'), 'parameters[0] "nope".name', "ukendt parameter"),
        (case_text(extra='[[parameters]]\nname = "refusion.staircase"\ndate = 2021-01-01\nweeks = [0, 4]\nrates = [0.8, 1.4]\nnote = "x"'), 'parameters[0] "refusion.staircase".rates', "mellem 0 og 1"),
    ],
)
def test_bad_inputs_name_the_field(text: str, field: str, message: str) -> None:
    with pytest.raises(XlmodelError) as caught:
        loads_case(text)
    assert str(caught.value).startswith(field), str(caught.value)
    assert message in str(caught.value)


def test_a_split_outcome_needs_the_cohorts_clock() -> None:
    with pytest.raises(XlmodelError, match=r'^cohorts\[0\] "H".weeks_on_benefit: mangler'):
        loads_case(case_text().replace("weeks_on_benefit = 80\n", ""))


# --- overrides and pinned parameters ---


def test_a_case_override_replaces_a_value_and_is_labelled() -> None:
    # The case states its own 2022 rate (11,820 kr./md.) where none was found: 2022 gross = 141,840.
    extra = '[[parameters]]\nname = "kontanthjaelp.over_30_andre"\ndate = 2022-01-01\nvalue = 11820\nnote = "ANTAGELSE: 2021-satsen + 1 %"'
    result = compute_case(loads_case(case_text(benefit='benefit = "kontanthjaelp.over_30_andre"', extra=extra)))
    assert result.cohort_savings[0].tolist() == pytest.approx([11_698 * 12, 11_820 * 12])
    from xlmodel.report import parameter_uses

    uses = {u["from"]: u for u in parameter_uses(result) if u["parameter"] == "kontanthjaelp.over_30_andre"}
    assert uses["2022-01-01"]["origin"] == "case" and uses["2022-01-01"]["assumption"]
    assert not uses["2021-01-01"]["assumption"]


def test_a_pinned_parameters_date_ignores_values_added_later() -> None:
    # The kontanthjælp rates were added on 2026-11-24 (the tax rates later): a case pinned to the day before
    # sees none of them, one pinned to that day sees them all.
    latest = max(v.added for v in shipped()["kontanthjaelp.over_30_andre"].values)
    assert Parameters(known_on=latest).annual("kontanthjaelp.over_30_andre", dt.date(2023, 6, 1)) == 11_944 * 12
    with pytest.raises(XlmodelError, match="har ingen værdi"):
        Parameters(known_on=latest - dt.timedelta(days=1)).annual("kontanthjaelp.over_30_andre", dt.date(2023, 6, 1))
    text = case_text(benefit='benefit = "kontanthjaelp.over_30_andre"').replace("last_year = 2022", f"last_year = 2022\nparameters_date = {latest.isoformat()}")
    assert split(text)[0] == pytest.approx([11_698 * 12, 11_698 * 12])


def test_every_shipped_value_has_a_source_and_a_note() -> None:
    for name, parameter in shipped().items():
        assert parameter.reference.startswith("http"), name
        for value in parameter.values:
            assert value.reference.startswith("http") and value.note, (name, value.date)


# --- the invariant: kommune + stat = gross, each side from an independent brute-force reference ---


def _reference(net: float, s: float, w0: float, b_knots: list[float], b_values: list[float], falls: list[tuple[float, float]], wage_subsidy: bool, year: int) -> tuple[float, float, float]:
    """Midpoint sum over 40,000 steps of the year, straight from the rules: the stayers save B, the stat
    refunds B r(w_cf); from f the fallen save nothing gross and the kommune gains B (r(w_act) − r(w_cf))."""
    n = 40_000
    t = year + (np.arange(n) + 0.5) / n
    index = np.clip(np.searchsorted(b_knots, t, side="right") - 1, 0, len(b_values) - 1)
    benefit = np.asarray(b_values)[index]
    active = (t >= s).astype(float)
    r_cf = STAIRCASE_2016.rate(w0 + 52 * (t - s))
    kommune = active * (1 - r_cf) * benefit
    stat = active * r_cf * benefit
    gross = active * benefit
    for share, f in falls:
        f = max(f, s)
        fallen = (t >= f).astype(float) * share
        a = 0.0 if (f - s) * 52 >= 52 - 1e-9 and not wage_subsidy else w0
        r_act = STAIRCASE_2016.rate(a + 52 * (t - f))
        gross -= fallen * benefit
        kommune += fallen * benefit * (r_act - r_cf) - fallen * (1 - r_cf) * benefit
        stat -= fallen * benefit * (r_act - r_cf) + fallen * r_cf * benefit
    return net * gross.sum() / n, net * kommune.sum() / n, net * stat.sum() / n


@settings(max_examples=40, deadline=None)
@given(
    net=st.floats(0.5, 5),
    start_month=st.integers(0, 23),
    w0=st.floats(0, 120),
    rate1=st.floats(50_000, 200_000),
    rate2=st.floats(50_000, 200_000),
    change_month=st.integers(1, 23),
    shares=st.lists(st.tuples(st.floats(0, 0.3), st.floats(0, 2)), max_size=3),
    wage_subsidy=st.booleans(),
)
def test_kommune_plus_stat_is_the_gross_saving(net: float, start_month: int, w0: float, rate1: float, rate2: float, change_month: int,
                                               shares: list[tuple[float, float]], wage_subsidy: bool) -> None:
    knots = [2021.0, 2021 + change_month / 12, 2023.0]
    benefit = StepFunction(np.array(knots), np.array([rate1, rate2]))
    effect = 2021 * 12 + start_month
    gross, stat = split_savings([net], [effect], [2021, 2022], [w0], benefit, STAIRCASE_2016,
                                [s for s, _ in shares], [a for _, a in shares], wage_subsidy=wage_subsidy)
    kommune = gross - stat
    for i, year in enumerate((2021, 2022)):
        ref_gross, ref_kommune, ref_stat = _reference(net, effect / 12, w0, knots, [rate1, rate2], [(s, effect / 12 + a) for s, a in shares], wage_subsidy, year)
        tolerance = 5 * net * max(rate1, rate2) / 40_000 * 12  # a few steps' worth at each discontinuity
        assert ref_kommune + ref_stat == pytest.approx(ref_gross, abs=1e-6 * max(1.0, ref_gross))
        assert gross[0, i] == pytest.approx(ref_gross, abs=tolerance)
        assert kommune[0, i] == pytest.approx(ref_kommune, abs=tolerance)
        assert stat[0, i] == pytest.approx(ref_stat, abs=tolerance)
        assert kommune[0, i] + stat[0, i] == pytest.approx(ref_gross, abs=tolerance)
    if rate1 == rate2:  # with a constant rate the gross saving is rate × full-year persons, exactly
        py = person_years([net], [effect], [2021, 2022], [s for s, _ in shares], [a for _, a in shares])
        assert gross == pytest.approx(rate1 * py, abs=1e-6)


def test_self_support_just_short_of_the_reset_rule_keeps_the_old_clock() -> None:
    # Half fall back after 11 months: 11/12 × 52 = 47.67 weeks of self-support. Under a 48-week rule that is
    # short of a reset (the same refunds as a rule no one reaches); under a 47-week rule it resets (the same
    # as a rule everyone reaches). w0 = 80, 1,000 kr. a week from 1 January 2021.
    benefit = StepFunction.constant(52_000, 2021.0, 2023.0)

    def stat(rule: float) -> list[float]:
        _, refunded = split_savings([1], [2021 * 12], [2021, 2022], [80], benefit, STAIRCASE_2016, [0.5], [11 / 12], reset_weeks=rule)
        return refunded[0].tolist()

    assert stat(48) == pytest.approx(stat(1_000), abs=1e-9)
    assert stat(47) == pytest.approx(stat(0), abs=1e-9)
    assert stat(48) != pytest.approx(stat(47), abs=1.0)


def test_a_published_range_is_missed_from_below_too() -> None:
    # net gain 2 years × 52,000 kr. = 0.104 mio., shown 0.1 (one decimal): a printed range 0.2–0.3 is missed
    # from below by 0.1
    from xlmodel import compare
    from xlmodel.published import PublishedFigure

    case = loads_case(case_text(benefit="unit_saving = 52000"))
    result = compare(compute_case(case), (PublishedFigure("net_gain", minimum=0.2, maximum=0.3, unit=1_000_000, decimals=1, label="interval"),))
    assert [d.where.split(" · ")[0] for d in result.deviations] == ["interval"]
    assert result.deviations[0].difference == pytest.approx(-0.1)


def test_the_benefit_table_of_a_split_outcome_starts_with_the_horizon_and_ends_with_it() -> None:
    # A yearly benefit_rate {2021: 52,000, 2022: 60,000}: one row from 1 January of each year.
    from xlmodel.refusion import benefit_periods

    case = loads_case(case_text(benefit="benefit_rate = { 2021 = 52000, 2022 = 60000 }"))
    rows = benefit_periods(case, case.outcomes[0])
    assert [(r.start, r.annual) for r in rows] == [(dt.date(2021, 1, 1), 52_000), (dt.date(2022, 1, 1), 60_000)]
    # A named benefit over 2021–2022 with the effect in April 2021: the table starts on 1 January 2021 (so an
    # effect start edited in the workbook is covered) and its last row is in force in 2022.
    named = loads_case(case_text(benefit='benefit = "kontanthjaelp.over_30_andre"', effect="2021-04-01"))
    table = benefit_periods(named, named.outcomes[0])
    assert table[0].start == dt.date(2021, 1, 1)
    assert table[-1].start <= dt.date(2022, 1, 1) and all(r.annual > 0 for r in table)
    assert [r.start for r in table] == sorted({r.start for r in table})


def test_the_parameters_are_read_from_the_earliest_effect_start_to_the_end_of_the_horizon() -> None:
    # Two split outcomes whose first effects start in January 2021 and January 2022 over 2021–2022: the
    # staircase and the benefit are read from 1 January 2021 (the earlier) through 31 December 2022, no further.
    from xlmodel.report import parameter_uses

    text = case_text(benefit='benefit = "kontanthjaelp.over_30_andre"', extra="""
[[outcomes]]
id = "edu"
benefit_rate = 40000
[[cohorts]]
name = "H2"
effect_start = 2022-01-01
participants = 10
weeks_on_benefit = 80
outcomes = { edu = { persons = 1 } }
""")
    uses = parameter_uses(compute_case(loads_case(text)))
    staircase = [u for u in uses if u["parameter"] == "refusion.staircase"]
    assert staircase and min(u["from"] for u in staircase) == "2021-01-01"
    assert max(u["to"] for u in uses) == "2022-12-31"


@pytest.mark.parametrize(("knots", "values"), [([2021.0, 2021.0], [1.0]), ([2022.0, 2021.0], [1.0]), ([2021.0, 2022.0], [1.0, 2.0]), ([[2021.0, 2022.0]], [1.0])])
def test_a_step_function_needs_ascending_knots_and_one_value_per_interval(knots: list[float], values: list[float]) -> None:
    with pytest.raises(ValueError, match="ascending knots"):
        StepFunction(np.array(knots), np.array(values))


def test_a_step_function_integrates_by_hand() -> None:
    # 120,000 kr. a year in 2021, 60,000 from 2022: 2021 averages 120,000, 2022 60,000; mid-2021 to mid-2022 is
    # half a year of each: 60,000 + 30,000; nothing outside the knots and nothing over an empty interval.
    benefit = StepFunction(np.array([2021.0, 2022.0, 2023.0]), np.array([120_000.0, 60_000.0]))
    assert benefit.yearly([2021, 2022]).tolist() == [120_000.0, 60_000.0]
    assert benefit.integral(2021.5, 2022.5).item() == 90_000.0
    assert benefit.integral(2022.5, 2022.5).item() == 0.0 and benefit.integral(2022.5, 2021.5).item() == 0.0
    assert benefit.start == 2021.0


def test_the_staircase_rate_changes_exactly_at_each_bound() -> None:
    # § 5, stk. 2: 80 % in weeks 1-4, 40 % in 5-26, 30 % in 27-52, 20 % after: the clock at 4.0 is in the second band
    assert STAIRCASE_2016.rate([0.0, 3.999, 4.0, 25.999, 26.0, 51.999, 52.0, 1000.0]).tolist() == [0.8, 0.8, 0.4, 0.4, 0.3, 0.3, 0.2, 0.2]


def test_an_end_stops_the_saving_and_the_refund_of_stayers_and_fallen_alike() -> None:
    """A person whose saving ends mid-2023 (the folkepension age of an avoided førtidspension), with a fall-back
    of half in mid-2022 (clock 0 after 52 weeks off benefits), 52,000 kr. a year, clock 100 at the start (20 %):
    by hand, gross 2021: 52,000; 2022: 52,000 − ½ × 26,000 = 39,000; 2023: ½ × 26,000 = 13,000; 2024: 0.
    The stat: the stayers' 20 %; for the fallen half from mid-2022 the kommune's refund follows their new clock
    (80 % for 4 weeks, 40 % for 22 weeks from mid-2022: 4 × 0.8 + 22 × 0.4 = 12 weeks' worth), to the end."""
    benefit = StepFunction.constant(52_000, 2021, 2025)
    gross, stat = split_savings([1.0], [2021 * 12], [2021, 2022, 2023, 2024], [100.0], benefit, STAIRCASE_2016, [0.5], [1.5], end=[2023 * 12 + 6])
    assert gross[0].tolist() == pytest.approx([52_000, 39_000, 13_000, 0])
    week = 1_000.0
    stayers = [0.2 * 52 * week, 0.2 * 52 * week, 0.2 * 26 * week, 0.0]
    fallen_refund = [0.0, 0.5 * (4 * 0.8 + 22 * 0.4) * week, 0.5 * (26 * 0.3) * week, 0.0]  # weeks 27-52 of the new clock in 2023's first half
    assert stat[0].tolist() == pytest.approx([s - f for s, f in zip(stayers, fallen_refund, strict=True)])


def _by_hand_after_a_fall_back(reset: bool) -> float:
    """The stat's part of 2022 for 1 person (52,000 kr. a year, clock 100 at 1 January 2021), half of whom fall
    back on 1 January 2022 after 52 weeks off benefits: the stayers' 20 % less the fallen half's refund on
    their own clock, from 0 (a reset: 4 × 0.8 + 22 × 0.4 + 26 × 0.3 weeks' worth) or from 100 (no reset: 20 %)."""
    week = 1_000.0
    fallen = (4 * 0.8 + 22 * 0.4 + 26 * 0.3) * week if reset else 0.2 * 52 * week
    return 0.2 * 52 * week - 0.5 * fallen


def test_the_reset_rule_applies_after_exactly_52_weeks_by_default() -> None:
    benefit = StepFunction.constant(52_000, 2021, 2023)
    args = ([1.0], [2021 * 12], [2021, 2022], [100.0], benefit, STAIRCASE_2016, [0.5], [1.0])
    _, stat = split_savings(*args)
    assert stat[0, 1] == pytest.approx(_by_hand_after_a_fall_back(reset=True))
    _, stat = split_savings(*args, reset_weeks=53.0)
    assert stat[0, 1] == pytest.approx(_by_hand_after_a_fall_back(reset=False))


def test_the_rules_in_force_reset_the_clock_unless_told_the_outcome_is_a_wage_subsidy() -> None:
    benefit = StepFunction.constant(52_000, 2021, 2023)
    args = (Parameters(), [1.0], [2021 * 12], [2021, 2022], [100.0], benefit, [0.5], [1.0])
    assert split_savings_in_force(*args)[1][0, 1] == pytest.approx(_by_hand_after_a_fall_back(reset=True))
    assert split_savings_in_force(*args, wage_subsidy=True)[1][0, 1] == pytest.approx(_by_hand_after_a_fall_back(reset=False))


@pytest.mark.parametrize(("benefit_start", "raises"), [(2021.0, False), (2021.5, True), (2021.0 + 1e-12, False), (2021.0 + 1e-9, False), (2020.75, False)])
def test_a_benefit_must_cover_the_first_effect_start(benefit_start: float, raises: bool) -> None:
    """From the first effect start (2021-01) the benefit must exist; a benefit starting before it, or within a
    rounding error of it, is fine; one starting half a year late is refused by name."""
    benefit = StepFunction.constant(52_000, benefit_start, 2023)
    call = lambda: split_savings_in_force(Parameters(), [1.0], [2021 * 12], [2021, 2022], [80.0], benefit)  # noqa: E731
    if raises:
        with pytest.raises(XlmodelError, match="benefit: ydelsen mangler for de første år"):
            call()
    else:
        call()


@pytest.mark.parametrize("benefit_start", [2020.75, 2021.0])
def test_an_effect_before_the_first_year_needs_the_benefit_only_from_the_first_year(benefit_start: float) -> None:
    # the effect started mid-2020, the years asked for begin in 2021: a benefit from October 2020, or from the
    # first year itself, covers them
    benefit = StepFunction.constant(52_000, benefit_start, 2023)
    gross, _ = split_savings_in_force(Parameters(), [1.0], [2020 * 12 + 6], [2021], [80.0], benefit)
    assert gross[0].tolist() == [52_000.0]


def test_an_end_inside_the_first_steps_of_the_staircase_keeps_the_clock_it_has_reached() -> None:
    """A new spell (clock 0) from 1 January 2021 that ends after 13 weeks, 52,000 kr. a year (1,000 a week): the
    stat refunds 80 % for 4 weeks and 40 % for 9, by hand 3,200 + 3,600 = 6,800; the gross 13,000."""
    benefit = StepFunction.constant(52_000, 2021, 2022)
    gross, stat = split_savings([1.0], [2021 * 12], [2021], [0.0], benefit, STAIRCASE_2016, end=[2021 * 12 + 3])
    assert gross.item() == pytest.approx(13_000) and stat.item() == pytest.approx(6_800)


def _rule_change(name: str, date: dt.date, value: float) -> Parameters:
    return Parameters(overrides=(Override(name, date, "ANTAGELSE: prøve", value=value),))


def test_the_rules_are_read_up_to_the_end_of_the_last_year_and_not_beyond() -> None:
    # a reset rule that changes on 1 January 2023 is after a horizon ending with 2022: no conflict
    benefit = StepFunction.constant(52_000, 2021, 2023)
    parameters = _rule_change("refusion.reset_weeks", dt.date(2023, 1, 1), 40)
    split_savings_in_force(parameters, [1.0], [2021 * 12], [2021, 2022], [80.0], benefit)
    # the same change inside the horizon is refused by name
    with pytest.raises(XlmodelError, match=r"refusion\.reset_weeks skifter værdi"):
        split_savings_in_force(_rule_change("refusion.reset_weeks", dt.date(2022, 12, 31), 40), [1.0], [2021 * 12], [2021, 2022], [80.0], benefit)


@pytest.mark.parametrize(("name", "value", "fine"), [
    ("refusion.weeks_per_year", 0, False),   # no weeks in a year: refused, never a division by zero
    ("refusion.reset_weeks", 156, True),     # 156 weeks = exactly the 3-year window: fits
    ("refusion.reset_weeks", 157, False),    # one week more does not
])
def test_the_reset_rule_must_fit_its_window(name: str, value: float, fine: bool) -> None:
    parameters = _rule_change(name, dt.date(2016, 1, 4), value)
    if fine:
        assert refusion_rules(parameters, dt.date(2021, 1, 1), dt.date(2022, 1, 1)) == (52.0, float(value))
    else:
        with pytest.raises(XlmodelError, match=r"refusion\.reset_weeks: genstartsreglen"):
            refusion_rules(parameters, dt.date(2021, 1, 1), dt.date(2022, 1, 1))


def test_one_week_a_year_with_a_two_week_reset_fits_the_window() -> None:
    parameters = Parameters(overrides=(Override("refusion.weeks_per_year", dt.date(2016, 1, 4), "ANTAGELSE: prøve", value=1),
                                       Override("refusion.reset_weeks", dt.date(2016, 1, 4), "ANTAGELSE: prøve", value=2)))
    assert refusion_rules(parameters, dt.date(2021, 1, 1), dt.date(2022, 1, 1)) == (1.0, 2.0)


def test_without_a_date_the_newest_staircase_is_used() -> None:
    newer = Parameters(overrides=(Override("refusion.staircase", dt.date(2030, 1, 1), "ANTAGELSE: prøve", weeks=(0.0, 10.0), rates=(0.5, 0.1)),))
    assert staircase_on(newer, None).rates == (0.5, 0.1)
    assert staircase_on(Parameters(), None).rates == (0.8, 0.4, 0.3, 0.2)
