"""Everyday mistakes at the command line get one clear line and the right exit code, never a traceback or
a hang: an empty folder, a file given twice, a zero where a count belongs, a Dask address where nothing
listens, Ctrl-C, and output to a Windows code page."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xlmodel.bundled import bundled_case
from xlmodel_cli import main

ISHOEJ = str(bundled_case("ishoej_2021.toml"))


def test_an_empty_folder_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["portfolio", str(tmp_path)]) == 2
    assert "mappen indeholder ingen case-filer" in capsys.readouterr().err


def test_a_case_given_twice_is_counted_once_and_said_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["portfolio", ISHOEJ, ISHOEJ, "--draws", "20", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert '"cases": [' in out and out.count('"title": "Bring ressourcerne i spil"') == 1
    assert "tælles kun én gang" in err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--chunk", "0", "skal være mindst 1"), ("--draws", "0", "mellem 10 og 1.000.000"), ("--workers", "0", "mellem 1 og 256"), ("--generate", "-1", "mindst 0"), ("--draws", "ti", "helt tal")],
)
def test_counts_are_whole_numbers_in_range(option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["portfolio", ISHOEJ, option, value])
    assert stop.value.code == 2 and message in capsys.readouterr().err


def test_a_dask_address_where_nothing_listens_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed")
    assert main(["portfolio", ISHOEJ, "--draws", "20", "--dask", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert "ingen Dask-scheduler svarer på tcp://127.0.0.1:9" in err and "Traceback" not in err


def test_ctrl_c_is_one_line_and_exit_code_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import xlmodel_cli.core_commands as commands

    def interrupted(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "_report", interrupted)
    assert main(["report", ISHOEJ]) == 130
    assert "afbrudt (Ctrl-C)" in capsys.readouterr().err


def test_output_to_a_windows_code_page_never_fails() -> None:
    """`xlmodel report CASE > rapport.txt` in a cp1252 console: characters cp1252 lacks (−, ≥) are replaced."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    run = subprocess.run([sys.executable, "-m", "xlmodel_cli", "report", ISHOEJ], capture_output=True, env=env, check=False)
    assert run.returncode == 0 and b"Traceback" not in run.stderr
    text = run.stdout.decode("cp1252")
    assert "Ishøj" in text and "Besparelser i alt" in text
