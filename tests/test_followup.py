"""Follow-up: realisation against targets, revised forecast and write-down, on the seed follow-ups."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest

from xlmodel import compare, compute_case, load_case
from xlmodel.followup import GREEN_FROM, YELLOW_FROM, follow_up, status
from xlmodel.model import Actual, Case, Target
from xlmodel.rounding import format_kr

from .conftest import CASES


def test_ballerup_revision_to_70_percent() -> None:
    result = compute_case(load_case(CASES / "ballerup_2019_revision.toml"))
    f = follow_up(result)
    assert f.rate == 0.70
    assert f.expected == [3_900_000] * 4
    assert f.write_down == pytest.approx([3_900_000 * 0.3] * 4)  # 1.17 mio. a year → 1.2 as printed
    assert f.total_write_down == pytest.approx(4_680_000)
    (deviation,) = compare(result).deviations
    assert (deviation.published, deviation.model, deviation.difference) == (4.8, 4.7, -0.1)


def test_ballerup_june_2018_expectation() -> None:
    f = follow_up(compute_case(load_case(CASES / "ballerup_2018_juni.toml")))
    assert f.expected == [pytest.approx(4_600_000)]  # 2.8 + 1.8 mio. kr.
    assert f.forecast == [pytest.approx(4_600_000 * 0.65)]
    assert f.write_down == [pytest.approx(4_600_000 * 0.35)]


def test_silkeborg_status_after_a_year() -> None:
    result = compute_case(load_case(CASES / "silkeborg_2016_status.toml"))
    f = follow_up(result)
    assert f.ended == {2016: 60} and f.active == {2016: 488}
    assert f.realisation(2016, "job+education", "persons") == pytest.approx(20 / 30)
    assert f.realisation(2016, "flexjob", "persons") == pytest.approx(20 / 12)
    assert f.realised[1] == 735_000 and f.forecast[1] == 735_000
    assert f.rate == pytest.approx((20 + 20) / (30 + 12))
    (deviation,) = compare(result).deviations
    assert deviation.where == "Ansat i fleksjob (indledningen) · 2016" and (deviation.published, deviation.model) == (12, 20)


def test_forecast_uses_the_persons_realisation_when_no_rate_is_given() -> None:
    case = Case(
        "T", 2020, 2021,
        targets=(Target(2020, "job", persons=10, savings=1_000_000), Target(2021, "job", persons=10, savings=1_000_000)),
        actuals=(Actual(2020, "job", persons=8, savings=750_000),),
    )  # fmt: skip
    f = follow_up(compute_case(case))
    assert f.rate == pytest.approx(0.8)
    assert f.forecast == pytest.approx([750_000, 800_000])  # realised where reported, expected × rate after
    assert f.variance == [pytest.approx(-250_000), None]
    assert f.write_down == pytest.approx([250_000, 200_000])


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Case("T", 2020, 2021, targets=(Target(2019, savings=1),)), "targets[0].year"),
        (lambda: Actual(2020), "actual: et faktisk tal skal have mindst ét af"),
        (lambda: Actual(2020, persons=-1), "persons"),
        (lambda: Case("T", 2020, 2021, forecast_rate=70), "followup.forecast_rate"),
        (lambda: Case("T", 2020, 2021, forecast_rate=-0.1), "followup.forecast_rate"),
    ],
)
def test_bad_follow_up_input(make: object, field: str) -> None:
    with pytest.raises(ValueError) as caught:
        make()  # type: ignore[operator]
    assert field in str(caught.value)


def test_target_outcome_must_be_ids() -> None:
    with pytest.raises(ValueError, match="outcome"):
        Target(2020, "Job og uddannelse", persons=1)


# ---- a follow-up case follows its decision case (follows = "...") ----


def test_a_linked_follow_up_holds_the_realised_against_the_decision(capsys: pytest.CaptureFixture[str]) -> None:
    """Silkeborg's status 2016 follows the 2015 decision: the decision's savings per year are set beside the
    realised 735,000 kr., the deviation their difference (whatever the source claims)."""
    from xlmodel import compute_case, load_case
    from xlmodel.bundled import bundled_case
    from xlmodel_cli import main

    assert main(["report", str(bundled_case("silkeborg_2016_status.toml")), "--format", "json"]) == 0
    follow = json.loads(capsys.readouterr().out)["follow_up"]
    decided = compute_case(load_case(bundled_case("silkeborg_2015.toml"))).yearly["savings"]
    assert follow["decision"]["follows"] == "silkeborg_2015.toml"
    assert follow["decision"]["expected"] == [float(decided.loc[y]) for y in (2015, 2016, 2017)]
    assert follow["realised"] == [None, 735_000.0, None]
    assert follow["realised_vs_decision"] == [None, 735_000.0 - float(decided.loc[2016]), None]
    # forecast and write-down still build on this case's own expectation, as the book's Opfølgning sheet does
    assert follow["source_expected"] == [None, None, None] and follow["expected"] == [0.0, 0.0, 0.0]


def test_where_the_source_states_its_own_expectation_both_are_shown_and_the_forecast_follows_the_source(capsys: pytest.CaptureFixture[str]) -> None:
    from xlmodel import compute_case, load_case
    from xlmodel.bundled import bundled_case
    from xlmodel_cli import main

    assert main(["report", str(bundled_case("ballerup_2019_revision.toml")), "--format", "json"]) == 0
    follow = json.loads(capsys.readouterr().out)["follow_up"]
    decided = compute_case(load_case(bundled_case("ballerup_2017.toml"))).yearly["savings"]
    assert follow["source_expected"] == [3_900_000.0] * 4 and follow["expected"] == follow["source_expected"]
    expected_decision = [float(decided.loc[y]) if y in decided.index else None for y in (2018, 2019, 2020, 2021)]
    assert follow["decision"]["expected"] == expected_decision
    assert follow["source_vs_decision"] == [None if d is None else 3_900_000.0 - d for d in expected_decision]
    assert [round(x) for x in follow["write_down"]] == [1_170_000] * 4  # the source's write-down, unchanged


def _write(folder: Path, name: str, follows: str | None) -> Path:
    line = f'follows = "{follows}"\n' if follows else ""
    path = folder / name
    path.write_text(f'[case]\ntitle = "{name}"\n{line}first_year = 2026\nlast_year = 2027\n', encoding="utf-8")
    return path


def test_a_chain_of_follow_ups_is_read_and_a_loop_or_a_missing_decision_is_refused(tmp_path: Path) -> None:
    from xlmodel import load_case
    from xlmodel.errors import CaseFileError

    _write(tmp_path, "beslutning.toml", None)
    _write(tmp_path, "status1.toml", "beslutning.toml")
    status2 = load_case(_write(tmp_path, "status2.toml", "status1.toml"))
    assert status2.decision is not None and status2.decision.title == "status1.toml" and status2.decision.decision is not None
    _write(tmp_path, "a.toml", "b.toml")
    with pytest.raises(CaseFileError, match="løkke"):
        load_case(_write(tmp_path, "b.toml", "a.toml"))
    with pytest.raises(CaseFileError, match=r"case\.follows.*filen findes ikke"):
        load_case(_write(tmp_path, "c.toml", "findes-ikke.toml"))


def test_a_follow_up_summary_says_what_was_decided_happened_and_means_never_a_page_of_zeros() -> None:
    """The Resumé of a follow-up: the decision's figures, targets against actuals with the realisation, the
    realised against the decision, and no key figures of zeros (no 'Investering i alt 0', no payback year)."""
    import openpyxl

    from workbooks.layout import SHEET_NAMES
    from workbooks.pipeline import ROOT, render

    case = load_case(ROOT / "cases" / "silkeborg_2016_status.toml")
    wb = openpyxl.load_workbook(io.BytesIO(render(case, runtime="native")), data_only=True)
    ws = wb[SHEET_NAMES["da"]["summary"]]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    decided = compute_case(case.decision)
    assert any(f"Investering {format_kr(float(decided.yearly['costs'].sum()))} kr." in t and f"tilbagebetalingsår {decided.payback_year}" in t for t in texts)
    assert "Realiseret besparelse i alt: 735.000 kr." in " ".join(texts)
    assert any("2016: realiseret 735.000 kr. mod 2.254.000 kr. i beslutningen" in t for t in texts)
    assert any("Nedskrivning og revideret prognose: —" in t for t in texts)  # nothing was forecast in the status itself
    assert not any(t.startswith(("Investering i alt", "Tilbagebetalingsår")) for t in texts)
    rates = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, float) and 0 < c.value < 2]
    assert sorted(round(r, 4) for r in rates) == [round(20 / 30, 4), round(20 / 12, 4)]  # realisation of each target, live from Opfølgning


def _with_rate(rate: float, **extra: object) -> Case:
    """One target of 10 persons in 2021 with 10 × rate reported: the realisation is ``rate``."""
    case = load_case(CASES / "ishoej_2021.toml")
    target = Target(2021, ("job",), persons=10)
    actual = Actual(2021, "job", persons=10 * rate)
    return dataclasses.replace(case, targets=(target,), actuals=(actual,), forecast_rate=None, **extra)


@pytest.mark.parametrize(("rate", "expected"), [(1.0, "on_track"), (0.99, "behind"), (0.8, "behind"), (0.79, "far_behind"), (1.3, "on_track")])
def test_the_follow_up_status_at_its_thresholds(rate: float, expected: str) -> None:
    """On track from a realisation of 100 % (GREEN_FROM), behind from 80 % (YELLOW_FROM), far behind below."""
    assert GREEN_FROM == 1.0 and YELLOW_FROM == 0.8
    assert status(_with_rate(rate)) == expected


def test_a_follow_up_without_actuals_awaits_them_with_targets_or_a_decision_alone() -> None:
    bare = dataclasses.replace(load_case(CASES / "ishoej_2021.toml"), targets=(), actuals=())
    assert status(bare) == "none"
    assert status(dataclasses.replace(bare, targets=(Target(2021, ("job",), persons=3),))) == "awaiting"
    assert status(dataclasses.replace(bare, follows="beslutning.toml")) == "awaiting"
    reported_only = dataclasses.replace(bare, actuals=(Actual(2021, "job", persons=2),))
    assert status(reported_only) == "reported"  # actuals but no target to judge them by


@pytest.mark.parametrize("name", ["silkeborg_2016_status", "ballerup_2018_juni", "ballerup_2019_revision"])
def test_a_follow_up_book_carries_its_decision_and_reports_like_its_case_file(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The book keeps the decision case it follows (its case file's text), so reading the book later, without
    the decision's file beside it, gives the same report, decision and realised-against-decision included; the
    Opfølgning sheet shows the decision's expected savings and the realised against them, as the core does."""
    import openpyxl

    from workbooks.results import expected_results, layout_of, read_results
    from xlmodel_cli import main

    source = CASES / f"{name}.toml"
    book = tmp_path / f"{name}.xlsx"
    assert main(["build", str(source), "-o", str(book), "--runtime", "native"]) == 0
    capsys.readouterr()
    reports = []
    for path in (source, book):
        assert main(["report", str(path), "--format", "json"]) == 0
        reports.append(json.loads(capsys.readouterr().out))
    assert reports[0] == reports[1] and "decision" in reports[1]["follow_up"]
    lay = layout_of(openpyxl.load_workbook(book))[0]
    expected = expected_results(compute_case(load_case(source)), lay)
    got = read_results(book)
    assert lay.shape.decision == 1
    for key in ("followup:decision_expected", "followup:realised_vs_decision"):
        assert [None if w is None else pytest.approx(w, abs=0.01) for w in expected[key]] == [None if g in (None, "") else g for g in got[key]]


def test_a_forged_decision_in_a_book_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    from workbooks.results import custom_properties
    from xlmodel_cli import main

    book = tmp_path / "status.xlsx"
    assert main(["build", str(CASES / "silkeborg_2016_status.toml"), "-o", str(book)]) == 0
    wb = openpyxl.load_workbook(book)
    prop = next(p for p in wb.custom_doc_props.props if p.name == "xlmodel_case")
    data = json.loads(custom_properties(wb)["xlmodel_case"])
    data["decision"] = data["decision"].replace("first_year = 2015", "first_year = 20015")
    prop.value = json.dumps(data, ensure_ascii=False)
    wb.save(book)
    capsys.readouterr()
    assert main(["report", str(book)]) == 2
    err = capsys.readouterr().err
    assert "decision" in err and "first_year" in err and "Traceback" not in err
