"""Portfolios: sums across cases, bad case files listed, the same numbers in one process and on Dask."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from xlmodel import compute_case, load_case
from xlmodel.portfolio import run_portfolio, run_portfolio_dask
from xlmodel_cli import main

from .conftest import CASES

PAIR = [CASES / "ballerup_2017.toml", CASES / "ishoej_2021.toml"]


def test_the_portfolio_is_the_sum_of_its_cases_by_calendar_year() -> None:
    ballerup, ishoej = (compute_case(load_case(p)) for p in PAIR)
    result = run_portfolio(PAIR, draws=100)
    assert result.years.tolist() == list(range(2017, 2027))
    net = result.by_payer["kommune"]["net"] + result.by_payer["stat"]["net"]
    assert net.loc[2017:2020].tolist() == pytest.approx(ballerup.yearly["net"].tolist())
    assert net.loc[2021:2026].tolist() == pytest.approx(ishoej.yearly["net"].tolist())
    assert result.net_gain == pytest.approx(ballerup.net_gain + ishoej.net_gain)
    # NPV with year 0 = 2017 at 3.5 %: Ishøj's flows are discounted 4 more years than in its own appraisal
    factors = 1.035 ** -np.arange(10)
    assert result.npv == pytest.approx(float(np.concatenate([ballerup.yearly["net"], ishoej.yearly["net"]]) @ factors))


def test_bad_case_files_are_listed_and_the_rest_is_computed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[case]\ntitle = "X"\nfirst_year = 2021\nlast_year = 2020\n', encoding="utf-8")
    result = run_portfolio([*PAIR, bad, tmp_path / "missing.toml"], draws=100)
    assert len(result.cases) == 2
    assert [name for name, _ in result.errors] == [str(bad), str(tmp_path / "missing.toml")]
    assert "last_year" in result.errors[0][1] and "filen findes ikke" in result.errors[1][1]


def test_the_monte_carlo_draws_every_case_together_and_reproduces() -> None:
    first, second = run_portfolio(PAIR, draws=500), run_portfolio(PAIR, draws=500)
    assert first.risk == second.risk
    assert first.risk is not None and 0 <= first.risk["p_payback"] <= 1
    # P50 of the sum lies between the sum of the cases' P10s and P90s
    assert first.risk["net_gain_p10"] < first.risk["net_gain_p50"] < first.risk["net_gain_p90"]


def test_dask_gives_the_same_numbers_as_one_process() -> None:
    local = run_portfolio([CASES], generate=40, draws=200, chunk=10)
    distributed = run_portfolio_dask([CASES], generate=40, draws=200, chunk=10, workers=2)
    assert len(local.cases) == len(distributed.cases) == len(list(CASES.glob("*.toml"))) + 40
    assert distributed.net_gain == pytest.approx(local.net_gain, abs=1.0)  # to the krone
    assert distributed.npv == pytest.approx(local.npv, abs=1.0)
    for key in ("net_gain_p10", "net_gain_p50", "net_gain_p90", "npv_p50"):
        assert distributed.risk[key] == pytest.approx(local.risk[key], abs=1.0)  # type: ignore[index]
    assert distributed.risk["p_payback"] == local.risk["p_payback"]  # type: ignore[index]
    for payer in local.by_payer:
        assert np.allclose(distributed.by_payer[payer].to_numpy(), local.by_payer[payer].to_numpy(), atol=1.0)


def test_cli_portfolio_json_csv_and_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "portefolje.xlsx"
    assert main(["portfolio", *map(str, PAIR), str(tmp_path / "missing.toml"), "--format", "json", "--draws", "200", "-o", str(book)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["payback_year"] == 2018 and len(data["cases"]) == 2 and data["errors"][0]["case"].endswith("missing.toml")
    assert "filen findes ikke" in captured.err
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Oversigt", "Pr. år", "Cases", "Fejl"]
    assert wb["Pr. år"]._charts  # net result, cumulative and the probability of payback
    assert main(["portfolio", *map(str, PAIR), "--format", "csv", "--draws", "100"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("payer,item,2017")
    assert main(["portfolio", str(tmp_path / "missing.toml")]) == 2
