"""Everyday mistakes at the command line get one clear line and the right exit code, never a traceback or
a hang: an empty folder, a file given twice, a zero where a count belongs, a Dask address where nothing
listens, Ctrl-C, and output to a Windows code page."""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import subprocess
import sys
import time
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


def test_a_name_too_long_is_one_line_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", ISHOEJ, "-o", str(tmp_path / ("a" * 300 + ".xlsx"))]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "filnavnet er for langt" in err and "Traceback" not in err


def test_a_full_disk_leaves_the_book_and_no_half_written_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "ishoej.xlsx"
    assert main(["build", ISHOEJ, "-o", str(book)]) == 0
    before, listing = book.read_bytes(), sorted(os.listdir(tmp_path))

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert main(["recalc", str(book)]) == 2
    assert "disken er fuld" in capsys.readouterr().err
    assert book.read_bytes() == before and sorted(os.listdir(tmp_path)) == listing  # no backup, no temporary file


def test_every_error_of_a_report_of_several_files_names_its_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[case]\ntitle = "x"\n', encoding="utf-8")
    assert main(["report", ISHOEJ, str(broken)]) == 2
    assert capsys.readouterr().err.startswith(f"xlmodel: fejl: {broken}: ")


def test_regenerate_is_all_or_nothing_and_names_the_case(tmp_path: Path) -> None:
    from workbooks.pipeline import regenerate
    from xlmodel.errors import XlmodelError

    (tmp_path / "cases").mkdir()
    shutil.copy(ISHOEJ, tmp_path / "cases" / "a_ishoej.toml")
    (tmp_path / "cases" / "b_broken.toml").write_text('[case]\ntitle = "x"\n', encoding="utf-8")
    with pytest.raises(XlmodelError) as caught:
        regenerate(tmp_path)
    assert "b_broken.toml" in str(caught.value)
    assert not (tmp_path / "examples").exists()  # the good case's books were made, but none was written


def test_regenerate_leaves_a_book_that_would_not_change_as_it_is(tmp_path: Path) -> None:
    from workbooks.pipeline import regenerate

    (tmp_path / "cases").mkdir()
    shutil.copy(ISHOEJ, tmp_path / "cases" / "ishoej.toml")
    regenerate(tmp_path)
    books = sorted((tmp_path / "examples").rglob("*.xlsx"))
    before = {book: book.read_bytes() for book in books}
    assert len(books) == 3 + 6  # the case in three runtimes, the templates in three runtimes × two languages
    regenerate(tmp_path)
    assert {book: book.read_bytes() for book in books} == before  # not even the time it was written
    case = tmp_path / "cases" / "ishoej.toml"
    case.write_text(case.read_text(encoding="utf-8").replace('title = "', 'title = "Ny: ', 1), encoding="utf-8")
    regenerate(tmp_path)
    changed = [book.name for book in books if book.read_bytes() != before[book]]
    assert sorted(changed) == ["ishoej.com.xlsx", "ishoej.native.xlsx", "ishoej.officejs.xlsx"]


def _fake_soffice(folder: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in for LibreOffice that misbehaves as described by ``body`` (a shell script)."""
    script = folder / "soffice"
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


def _running(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie waiting for its parent to collect it does not)."""
    for _ in range(20):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        if state in ("Z", "X"):
            return False
        time.sleep(0.1)
    return True


def test_a_libreoffice_that_hangs_is_stopped_with_its_children(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    child = tmp_path / "child.pid"
    _fake_soffice(tmp_path, f"sleep 600 &\necho $! > {child}\nwait\n", monkeypatch)  # like soffice, which starts soffice.bin and waits
    monkeypatch.setenv("XLMODEL_LO_TIMEOUT", "2")
    assert main(["summary", ISHOEJ, "-o", str(tmp_path / "resume.pdf")]) == 2
    err = capsys.readouterr().err
    assert "svarede ikke inden for 2 sekunder" in err and "XLMODEL_LO_TIMEOUT" in err
    assert not _running(int(child.read_text()))  # the whole process group was ended, not only the first process
    assert not (tmp_path / "resume.pdf").exists()


def test_a_broken_pdf_from_libreoffice_is_one_line_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # the fake writes garbage as <outdir>/<book>.pdf: its arguments end with --outdir DIR BOOK
    _fake_soffice(tmp_path, 'for a in "$@"; do prev="$out"; out="$a"; done\nprintf "%%PDF-1.7 broken" > "$prev/$(basename "$out" .xlsx).pdf"\n', monkeypatch)
    assert main(["summary", ISHOEJ, "-o", str(tmp_path / "resume.pdf")]) == 2
    assert "ødelagt PDF" in capsys.readouterr().err and not (tmp_path / "resume.pdf").exists()


def test_the_libreoffice_time_limit_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbooks.libreoffice import configured_timeout
    from xlmodel.errors import XlmodelError

    monkeypatch.setenv("XLMODEL_LO_TIMEOUT", "nul")
    with pytest.raises(XlmodelError, match="XLMODEL_LO_TIMEOUT: skal være et antal sekunder"):
        configured_timeout()
    monkeypatch.setenv("XLMODEL_LO_TIMEOUT", "45")
    assert configured_timeout() == 45
