"""The ØVO/mentor cap of the budgetgaranti (issue 21, item 5): spending per full-time person worked out by
hand, the limit's years, who pays, bad input named, and the tag surviving a case file and a book."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbooks.build import build_workbook
from workbooks.readback import read_case
from xlmodel import compute_case, loads_case
from xlmodel.casewriter import dumps_case
from xlmodel.errors import XlmodelError
from xlmodel.oevo import cap_check, full_time_persons
from xlmodel.parameters import Parameters
from xlmodel.report import report_dict, report_table
from xlmodel_cli import main

#: The draft's 2026 limit, typed from the bill (BEU Alm.del bilag 299, § 203 a, stk. 2), not read from the parameters.
DRAFT_LIMIT_2026 = 10_602

CASE = '''
[case]
title = "Mentor til unge på kontanthjælp"
first_year = 2025
last_year = 2027
[[outcomes]]
id = "job"
unit_saving = 120000
fallbacks = [[0.5, 1]]
[[cohorts]]
name = "H1"
participants = 20
start = 2025-07-01
effect_start = 2026-07-01
outcomes = { job = { persons = 5, deadweight = 1 } }
[[costs]]
label = "Mentorer"
kind = "mentor"
amounts = { 2025 = 100000, 2026 = 300000, 2027 = 50000 }
[[costs]]
label = "Opkvalificering"
kind = "oevo"
amounts = { 2026 = 20000 }
[[costs]]
label = "Mentorer betalt af puljen"
kind = "mentor"
payer = "stat"
amounts = { 2026 = 999000 }
[[costs]]
label = "Projektleder"
amounts = { 2025 = 100000, 2026 = 100000 }
'''


def test_spending_per_full_time_person_by_hand() -> None:
    check = cap_check(compute_case(loads_case(CASE)))
    # 2025: 20 participants from July = 10 full-time persons; 100,000 kr. of mentors; no limit before 2026.
    # 2026: 20 all year, less 4 net persons in a job from July (6 months) = 18; 300,000 + 20,000 (the pool's
    #       999,000 is the stat's, the project leader is no ØVO) = 320,000 ÷ 18 = 17,778 > 10,602.
    # 2027: half of the 4 fall back in July 2027: 4 × 6/12 + 2 × 6/12 = 3 person-years off benefits, 20 − 3 = 17;
    #       50,000 ÷ 17 = 2,941 ≤ 10,602.
    by_year = {y.year: y for y in check}
    assert [round(by_year[y].full_time_persons, 9) for y in (2025, 2026, 2027)] == [10, 18, 17]
    assert [by_year[y].spending for y in (2025, 2026, 2027)] == [100_000, 320_000, 50_000]
    assert by_year[2025].limit is None and not by_year[2025].over
    assert by_year[2026].limit == DRAFT_LIMIT_2026 and by_year[2026].over and by_year[2026].per_person == pytest.approx(320_000 / 18)
    assert by_year[2027].limit == DRAFT_LIMIT_2026 and not by_year[2027].over
    assert by_year[2026].assumption and by_year[2027].assumption  # the draft's figure; carried forward to 2027


def test_the_report_flags_the_year_over_the_limit_and_says_the_limit_is_an_assumption() -> None:
    result = compute_case(loads_case(CASE))
    text = report_table(result)
    assert "ADVARSEL 2026: 17.778 kr. pr. fuldtidsperson mod grænsen 10.602 kr." in text
    assert "ADVARSEL 2025" not in text and "ADVARSEL 2027" not in text
    assert "ANTAGELSE: grænsen er lovudkastets beløb" in text
    data = json.loads(json.dumps(report_dict(result)))
    assert [y["over"] for y in data["oevo_cap"]] == [False, True, False]
    assert [line["kind"] for line in data["cost_lines"]] == ["mentor", "oevo", "mentor", ""]


def test_a_case_pinned_before_the_limit_was_added_has_no_limit() -> None:
    case = loads_case(CASE)
    pinned = dataclasses.replace(case, parameters=Parameters(known_on=dt.date(2026, 11, 30)))
    assert all(y.limit is None and not y.over for y in cap_check(compute_case(pinned)))


def test_a_case_without_tagged_costs_shows_no_check_and_the_same_figures() -> None:
    tagged = loads_case(CASE)
    plain = dataclasses.replace(tagged, costs=tuple(dataclasses.replace(item, kind="") for item in tagged.costs))
    assert cap_check(compute_case(plain)) == ()
    assert "ØVO" not in report_table(compute_case(plain)) and "oevo_cap" not in report_dict(compute_case(plain))
    assert compute_case(plain).yearly.equals(compute_case(tagged).yearly)  # the tag changes no figure


@settings(max_examples=50, deadline=None)
@given(participants=st.integers(1, 500), month=st.integers(0, 11), persons=st.integers(0, 50))
def test_full_time_persons_are_the_months_on_the_programme_less_the_person_years_off_benefits(participants: int, month: int, persons: int) -> None:
    persons = min(persons, participants)
    case = loads_case(f'''
[case]
title = "T"
first_year = 2026
last_year = 2027
[[outcomes]]
id = "job"
unit_saving = 1
[[cohorts]]
name = "H"
participants = {participants}
start = 2026-{month + 1:02d}-01
effect_start = 2026-{month + 1:02d}-01
outcomes = {{ job = {{ persons = {persons} }} }}
''')
    months = 12 - month
    expected = [(participants - persons) * months / 12, participants - persons]
    assert full_time_persons(compute_case(case)).tolist() == pytest.approx(expected)


@pytest.mark.parametrize("kind", ["ovo", "mentor-støtte", 3])
def test_an_unknown_kind_is_refused_naming_the_field(kind: object) -> None:
    text = CASE.replace('kind = "oevo"', f"kind = {json.dumps(kind, ensure_ascii=False)}")
    with pytest.raises(XlmodelError) as caught:
        loads_case(text)
    assert "kind" in str(caught.value)


def test_a_savings_line_cannot_be_tagged() -> None:
    text = CASE + '[[savings]]\nlabel = "Sparet"\nkind = "mentor"\namounts = { 2026 = 1 }\n'
    with pytest.raises(XlmodelError) as caught:
        loads_case(text)
    assert "kind" in str(caught.value)


def test_the_tag_survives_the_case_file_writer_and_a_book(tmp_path: Path) -> None:
    case = loads_case(CASE)
    assert [c.kind for c in loads_case(dumps_case(case)).costs] == ["mentor", "oevo", "mentor", ""]
    built = build_workbook(case)
    assert [c.kind for c in read_case(built.workbook).costs] == ["mentor", "oevo", "mentor", ""]
    source = tmp_path / "mentor.toml"
    source.write_text(CASE, encoding="utf-8")
    book, extracted = tmp_path / "mentor.xlsx", tmp_path / "extracted.toml"
    assert main(["build", str(source), "-o", str(book)]) == 0
    assert main(["extract", str(book), "-o", str(extracted)]) == 0
    assert [c.kind for c in loads_case(extracted.read_text(encoding="utf-8")).costs] == ["mentor", "oevo", "mentor", ""]
