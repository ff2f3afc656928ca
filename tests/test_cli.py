"""The xlmodel command line: report formats, exit codes, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from xlmodel_cli import main

from .conftest import CASES


def test_report_json_has_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(CASES / "ishoej_2021.toml"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("case", "years", "costs", "savings", "net", "cumulative", "person_years", "payback_year", "net_gain", "cohorts", "deviations"):
        assert key in data
    assert (data["case"]["title"], data["case"]["municipality"]) == ("Bring ressourcerne i spil", "Ishøj")
    assert data["years"] == list(range(2021, 2027))
    assert data["payback_year"] == 2022
    hold1 = data["cohorts"][0]
    assert hold1["name"] == "Hold 1"
    assert hold1["outcomes"]["job"]["savings"][0] == pytest.approx(328_500)
    assert len(hold1["outcomes"]["job"]["person_years"]) == 6
    assert {d["where"] for d in data["deviations"]} >= {"Besparelse, 1.000 kr. · Hold 1 · job · 2026"}
    assert set(data["deviations"][0]) >= {"where", "published", "model", "difference"}


def test_report_table_is_danish_with_thousands_separators(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(CASES / "ballerup_2017.toml")]) == 0
    out = capsys.readouterr().out
    assert "Nettoresultat" in out and "-4.100.000" in out and "4.900.000" in out
    assert "Tilbagebetalingstid: 2018" in out


def test_report_csv_reads_back(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(CASES / "silkeborg_2015.toml"), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    net = next(r for r in rows if r["label"] == "Nettoresultat")
    assert sum(float(net[str(y)]) for y in range(2015, 2021)) == pytest.approx(5_425_000)


def test_several_cases_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", *map(str, sorted(CASES.glob("*.toml"))), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == len(list(CASES.glob("*.toml")))


def test_bad_file_exits_2_with_one_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[case]\ntitle = "X"\nfirst_year = 2021\nlast_year = 2022\n[[cohorts]]\nname = "H"\nparticipants = -1\neffect_start = 2021-01-01\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "xlmodel_cli", "report", str(bad)], capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1 and 'cohorts[0] "H".participants' in run.stderr


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "findes-ikke.toml"]) == 2
    assert "filen findes ikke" in capsys.readouterr().err
