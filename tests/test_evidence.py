"""The evidence check: a case's assumed effect (net persons ÷ participants) beside Danish evidence for its
intervention, with a warning above the evidence × the warning factor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbooks.extract import read_book_case
from workbooks.pipeline import render
from xlmodel import loads_case
from xlmodel.evidence import compare_evidence, evidence_table
from xlmodel_cli import main

CASE = """
[case]
title = "Mentorforløb"
first_year = 2026
last_year = 2026
intervention = "{intervention}"
[[outcomes]]
id = "job"
unit_saving = 120000
[[cohorts]]
name = "H1"
participants = 100
effect_start = 2026-01-01
outcomes = {{ job = {{ persons = {persons}, deadweight = 2 }} }}
{extra}
"""


def _case(persons: float, intervention: str = "mentor", extra: str = "") -> str:
    return CASE.format(persons=persons, intervention=intervention, extra=extra)


def test_the_table_holds_the_danish_evidence_with_sources() -> None:
    table = evidence_table()
    assert {key: e.effect for key, e in table.items()} == {
        "mentor": 0.06, "ips": 0.13, "ips_angst_depression": 0.0, "virksomhedspraktik_svageste": 0.0, "aktivering_ikke_arbejdsmarkedsparate": 0.0,
    }
    assert dict(table["mentor"].by_outcome) == {"job": 0.02, "education": 0.04}
    assert all(e.source.startswith("http") and e.population and e.result for e in table.values())


@pytest.mark.parametrize(("persons", "warned"), [(12, False), (14, False), (14.5, True)])
def test_an_effect_above_twice_the_evidence_is_warned(persons: float, warned: bool) -> None:
    """Mentor: 6 % found, so 12 % (2 ×) passes and anything above is warned; deadweight is not effect."""
    check = compare_evidence(loads_case(_case(persons)))
    assert check is not None and check.assumed == pytest.approx((persons - 2) / 100)
    assert (check.warning is not None) == warned


def test_an_intervention_without_effect_warns_on_any_effect() -> None:
    check = compare_evidence(loads_case(_case(3, "aktivering_ikke_arbejdsmarkedsparate")))
    assert check is not None and check.warning is not None and "evidensen finder ingen effekt" in check.warning


def test_a_case_may_set_its_own_warning_factor() -> None:
    own = '[[parameters]]\nname = "evidens.advarselsfaktor"\ndate = 2026-01-01\nvalue = 3\nnote = "ANTAGELSE: forsøget var kort"'
    check = compare_evidence(loads_case(_case(14.5, extra=own)))
    assert check is not None and check.factor == 3 and check.warning is None


def test_the_report_shows_the_check_and_cases_without_an_intervention_have_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mentor.toml"
    path.write_text(_case(20), encoding="utf-8")
    assert main(["report", str(path), "--format", "json"]) == 0
    evidence = json.loads(capsys.readouterr().out)["evidence"]
    assert (evidence["intervention"], evidence["evidence"], evidence["assumed"], evidence["factor"]) == ("mentor", 0.06, 0.18, 2.0)
    assert main(["report", str(path)]) == 0
    assert "ADVARSEL: casen antager en effekt på 18,0 % af deltagerne" in capsys.readouterr().out
    path.write_text(_case(20).replace('intervention = "mentor"\n', ""), encoding="utf-8")
    assert main(["report", str(path), "--format", "json"]) == 0
    assert "evidence" not in json.loads(capsys.readouterr().out)


def test_an_unknown_intervention_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.toml"
    path.write_text(_case(5, "kaffe"), encoding="utf-8")
    assert main(["report", str(path)]) == 2
    assert "case.intervention" in capsys.readouterr().err


EVIDENCE_RANGE = '[[uncertainty]]\ninput = "persons"\ndistribution = "evidence"\nsource = "evidensen for indsatsen"\n[risk]\ndraws = 2000\n'


def test_the_intervention_and_an_evidence_range_survive_a_book(tmp_path: Path) -> None:
    book = tmp_path / "mentor.xlsx"
    case = loads_case(_case(5, extra=EVIDENCE_RANGE))
    book.write_bytes(render(case, runtime="native"))
    read = read_book_case(book)
    assert read.intervention == "mentor" and read.uncertainty == case.uncertainty


def test_the_report_names_the_evidence_an_evidence_range_comes_from(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "case.toml"
    path.write_text(_case(10, "mentor", EVIDENCE_RANGE), encoding="utf-8")
    assert main(["report", str(path), "--format", "json"]) == 0
    inputs = json.loads(capsys.readouterr().out)["risk"]["inputs"]
    assert inputs[0]["distribution"] == "evidence" and evidence_table()["mentor"].source in inputs[0]["source"]
    assert 0.8 - 1e-9 <= inputs[0]["min"] < inputs[0]["max"] <= 1.0
