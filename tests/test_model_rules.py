"""The value objects' rules at their edges (issue 23: the survivors of the full mutation run of xlmodel/model.py):
what is accepted exactly at a bound, what is refused just past it, and the documented defaults."""

from __future__ import annotations

import dataclasses

import pytest

from xlmodel import loads_case
from xlmodel.errors import XlmodelError
from xlmodel.model import Case, Cohort, CohortOutcome, CostItem, Outcome, StaffCost, year_shares_from_months
from xlmodel.validate import MAX_YEAR, MIN_YEAR


def test_the_documented_defaults() -> None:
    job = Outcome("job", benefit_rate=120_000)
    assert job.wage_subsidy is False and job.avoids is None and job.income_share == 1.0
    assert CostItem("Drift", {2021: 1.0}).kind == "" and CostItem("Drift", {2021: 1.0}).payer == "kommune"


@pytest.mark.parametrize("outcome_id", [5, "Job!", "", None])
def test_an_outcome_id_is_lower_case_text(outcome_id: object) -> None:
    with pytest.raises(XlmodelError, match=r"^id: et id skrives"):
        Outcome(outcome_id, unit_saving=1)  # type: ignore[arg-type]


def test_amounts_below_one_krone_are_amounts() -> None:
    # half a krone is an amount (never refused as "less than 1"); only a negative one is refused
    assert Outcome("job", unit_saving={2021: 0.5}).unit_saving == {2021: 0.5}
    assert Outcome("job", benefit_rate=100, income=0.5).income == 0.5
    assert Outcome("job", benefit_rate=100, income={2021: 0.5}).income == {2021: 0.5}
    assert StaffCost(annual_cost=0.5, year_shares={2021: 1.0}, fte=0.5).amounts() == {2021: 0.25}
    with pytest.raises(XlmodelError, match="income"):
        Outcome("job", benefit_rate=100, income=-0.5)


def test_an_avoided_pension_takes_a_named_rate_or_an_amount() -> None:
    andre = Outcome("fleksjob", avoids="foertidspension", benefit="foertidspension.andre")
    assert andre.benefit == "foertidspension.andre" and andre.benefit_rate is None
    own = Outcome("fleksjob", avoids="foertidspension", benefit_rate=200_000)
    assert own.benefit is None and own.benefit_rate == 200_000
    assert Outcome("fleksjob", avoids="foertidspension").benefit == "foertidspension.enlige"


def test_every_participant_may_reach_an_outcome_but_not_one_more() -> None:
    assert Cohort("H1", 4, 2021 * 12, {"job": CohortOutcome(3), "flexjob": CohortOutcome(1)}).participants == 4
    with pytest.raises(XlmodelError, match=r"^outcomes: flere personer med effekt"):
        Cohort("H1", 4, 2021 * 12, {"job": CohortOutcome(3), "flexjob": CohortOutcome(1.5)})


@pytest.mark.parametrize(("month", "fine"), [(MIN_YEAR * 12, True), (MIN_YEAR * 12 - 1, False), (MAX_YEAR * 12 + 11, True), (MAX_YEAR * 12 + 12, False)])
def test_a_month_index_lies_between_january_of_the_first_and_december_of_the_last_year(month: int, fine: bool) -> None:
    if fine:
        assert Cohort("H1", 1, month).effect_start == month
    else:
        with pytest.raises(XlmodelError, match=r"^effect_start: månedsindeks uden for"):
            Cohort("H1", 1, month)


def test_a_period_of_months_spreads_over_calendar_years_by_hand() -> None:
    # August 2015 + 30 months: 5 months of 2015, all of 2016 and 2017, January 2018
    assert year_shares_from_months("period", "2015-08", 30) == {2015: 5 / 12, 2016: 1.0, 2017: 1.0, 2018: 1 / 12}
    assert year_shares_from_months("period", "2021-01", 12) == {2021: 1.0}
    with pytest.raises(XlmodelError, match=r"^period\.months: skal være mindst 1 måned"):
        year_shares_from_months("period", "2021-01", 0)


def test_staff_without_a_basis_says_how_it_was_reckoned() -> None:
    staff = StaffCost(annual_cost=520_000, year_shares={2021: 1.0}, fte=2)
    assert CostItem.from_staff("Jobkonsulenter", staff).basis == "2 årsværk × 520.000 kr. pr. årsværk"
    assert CostItem.from_staff("Jobkonsulenter", staff, "Kildens tabel 3").basis == "Kildens tabel 3"


def _case(outcome: str, extra: str = "") -> Case:
    return loads_case(f'''
[case]
title = "T"
first_year = 2021
last_year = 2021
[[outcomes]]
id = "job"
{outcome}
[[cohorts]]
name = "H1"
participants = 2
effect_start = 2021-01-01
weeks_on_benefit = 80
outcomes = {{ job = {{ persons = 1 }} }}
{extra}''')


def test_the_payer_split_shows_where_someone_besides_the_kommune_saves_or_pays() -> None:
    assert not _case("unit_saving = 100000", '[[costs]]\nlabel = "Drift"\namounts = { 2021 = 1 }').has_payer_split
    assert _case("unit_saving = 100000", '[[costs]]\nlabel = "Pulje"\npayer = "stat"\namounts = { 2021 = 1 }').has_payer_split
    assert _case("benefit_rate = 100000").has_payer_split


def test_a_case_is_equal_whatever_decision_it_was_read_with_and_its_text_does_not_repeat_it() -> None:
    case = _case("unit_saving = 100000")
    decided = dataclasses.replace(case, follows="beslutning.toml", decision=_case("unit_saving = 1"))
    assert dataclasses.replace(decided, decision=None) == decided
    assert "decision=" not in repr(decided)


def test_a_billionth_of_a_person_over_the_participants_is_a_rounding_error_not_a_mistake() -> None:
    # persons typed as 4.000000001 for 4 participants: within the tolerance of 1e-9 the sums the tool itself makes
    # (deadweight shares times participants) may carry; a thousandth more is refused
    assert Cohort("H1", 4, 2021 * 12, {"job": CohortOutcome(4.000000001)}).participants == 4
    with pytest.raises(XlmodelError, match=r"^outcomes: flere personer"):
        Cohort("H1", 4, 2021 * 12, {"job": CohortOutcome(4.001)})
