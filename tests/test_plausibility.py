"""Amounts typed with a Danish thousands point (146.000 read as 146 kr.) are doubted, with the likely figure,
in the report, the book's Kontrol sheet and its summary; the figures themselves still follow the case file."""

from __future__ import annotations

import json

import pytest

from workbooks.build import build_workbook
from xlmodel import compute_case, load_case, loads_case
from xlmodel.bundled import bundled
from xlmodel.plausibility import check
from xlmodel.report import report_dict
from xlmodel_cli import main

TYPO = """
[case]
title = "Tastefejl"
first_year = 2026
last_year = 2027
[[outcomes]]
id = "job"
unit_saving = 146.000
[[cohorts]]
name = "H1"
participants = 10
effect_start = 2026-01-01
outcomes = { job = { persons = 3 } }
[[costs]]
label = "Mentor"
fte = 1
annual_cost = 452.880
years = [2026, 2027]
[[savings]]
label = "Husleje"
amounts = { 2026 = 5, 2027 = 12.5 }
"""


def test_each_doubtful_amount_is_named_with_the_figure_probably_meant() -> None:
    doubts = check(loads_case(TYPO))
    assert [(d.field, d.value, d.likely) for d in doubts] == [
        ('outcomes[0] "job".unit_saving', 146.0, 146_000.0),
        ('costs[0] "Mentor".annual_cost', 452.88, 452_880.0),
        ('savings[0] "Husleje".amounts[2026]', 5.0, 5_000.0),
        ('savings[0] "Husleje".amounts[2027]', 12.5, 12_500.0),
    ]


@pytest.mark.parametrize(
    ("amount", "likely"),
    [(9_999.0, None), (10_000.0, "no doubt"), (9.999, None), (10.0, 10_000.0), (146.0, 146_000.0), (146.5, 146_500.0), (0.5, None), (0.0, "no doubt")],
)
def test_the_threshold_of_a_unit_saving(amount: float, likely: object) -> None:
    """Below 10,000 kr. a full-year person is doubted; the guess is the thousandfold when the amount looks
    typed with one thousands point and the thousandfold is plausible."""
    case = loads_case(TYPO.replace("unit_saving = 146.000", f"unit_saving = {amount}"))
    found = [d for d in check(case) if d.field.endswith("unit_saving")]
    assert (found[0].likely if found else "no doubt") == likely
    if found and likely is None:
        assert found[0].message.endswith("tjek beløbet")


def test_a_case_may_set_its_own_threshold() -> None:
    own = TYPO + '[[parameters]]\nname = "plausibel.kr_pr_helaarsperson"\ndate = 2026-01-01\nvalue = 100\nnote = "ANTAGELSE: en lille ydelse"\n'
    assert not any(d.field.endswith("unit_saving") for d in check(loads_case(own)))


def test_no_bundled_case_is_doubted() -> None:
    assert [path.name for path in sorted(bundled("cases").glob("*.toml")) if check(load_case(path))] == []


def test_the_report_warns_and_keeps_the_figures(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tastefejl.toml"  # type: ignore[operator]
    path.write_text(TYPO, encoding="utf-8")
    assert main(["report", str(path)]) == 0
    table = capsys.readouterr().out
    assert 'ADVARSEL: outcomes[0] "job".unit_saving: 146 kr. pr. helårsperson er usandsynligt lavt — mente du 146000?' in table
    assert main(["report", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [w["likely"] for w in data["warnings"]] == [146_000.0, 452_880.0, 5_000.0, 12_500.0]
    assert data["savings"] == report_dict(compute_case(loads_case(TYPO)))["savings"]  # 3 persons × 146 kr.: as typed
    assert data["savings"][0] == pytest.approx(3 * 146 + 5)


def test_the_book_shows_the_doubts_on_kontrol_and_the_summary() -> None:
    book = build_workbook(loads_case(TYPO), runtime="native", lang="da").workbook
    kontrol = [c.value for row in book["Kontrol"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(text.startswith("Usandsynlige beløb") for text in kontrol)
    assert 'costs[0] "Mentor".annual_cost: 452,88 kr. pr. årsværk er usandsynligt lavt — mente du 452880?' in kontrol
    summary = [c.value for row in book["Resumé"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(text.startswith("• ADVARSEL: outcomes[0]") for text in summary)
