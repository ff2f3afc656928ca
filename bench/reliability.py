"""Reliability figures for the manual (docs/developers/reliability.md): the fuzz corpus of tests/fuzz_corpus.py run through the real
entry points, counting what happened to each input.

Run: ``.venv/bin/python bench/reliability.py``. Prints one table:

* malformed case files through ``xlmodel report --format json`` (and ``build`` when accepted);
* each injection payload in every text field, through ``report --format csv`` and ``build`` in the three
  runtimes: a payload found in a formula cell, or a CSV text cell that starts like a formula, is a live
  injection;
* hostile workbooks through ``recalc``: a changed file or a left-over file is data lost;
* hostile input cells through ``recalc``;
* bad HTTP requests to the functions endpoint: a 5xx is a traceback.

"Clear error" = refused with one line naming the field (exit 2, an XlmodelError, HTTP 4xx);
"accepted" = valid output; "traceback" = anything else.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xlmodel_cli import main
from xlmodel_cli.serve_command import server_environment

# What `xlmodel serve` sets; xlwings reads it when first imported, so before anything else.
for _key, _value in server_environment().items():
    os.environ.setdefault(_key, _value)

from tests.fuzz_corpus import PAYLOADS, bad_requests, hostile_cells, hostile_workbooks, malformed_cases, users_packages, with_payload  # noqa: E402
from workbooks.layout import RUNTIMES, SHEET_NAMES  # noqa: E402
from workbooks.pipeline import ROOT, recalc  # noqa: E402
from xlmodel.errors import XlmodelError  # noqa: E402

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cli(args: list[str]) -> tuple[int | str, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code: int | str = main(args)
    except BaseException as exc:
        code = f"traceback: {type(exc).__name__}"
    return code, out.getvalue(), err.getvalue()


def _classify(code: int | str, err: str) -> str:
    if code == 0:
        return "accepted"
    if code == 2 and err.count("\n") == 1 and err.startswith("xlmodel: fejl: "):
        return "clear error"
    return "traceback"


def case_files(tmp: Path, tally: Counter[tuple[str, str]]) -> None:
    for _name, content in malformed_cases():
        path = tmp / "case.toml"
        path.write_bytes(content)
        code, _, err = _cli(["report", str(path), "--format", "json"])
        outcome = _classify(code, err)
        if outcome == "accepted":
            code, _, err = _cli(["build", str(path), "-o", str(tmp / "book.xlsx"), "--runtime", "native", "--force"])
            outcome = "accepted" if code == 0 else "traceback"
        tally["malformed case files", outcome] += 1


def injections(tmp: Path, tally: Counter[tuple[str, str]]) -> None:
    for payload in PAYLOADS:
        path = tmp / "case.toml"
        path.write_text(with_payload(payload), encoding="utf-8")
        code, out, err = _cli(["report", str(path), "--format", "csv"])
        live = code == 0 and any(cell.startswith(FORMULA_START) for row in list(csv.reader(io.StringIO(out)))[1:] for cell in row[:5])
        tally["injection payloads (CSV)", "live injection" if live else _classify(code, err)] += 1
        for runtime in RUNTIMES:
            book = tmp / f"{runtime}.xlsx"
            code, _, err = _cli(["build", str(path), "-o", str(book), "--runtime", runtime, "--force"])
            outcome = _classify(code, err)
            if outcome == "accepted":
                text = payload.strip()
                for ws in openpyxl.load_workbook(book).worksheets:
                    for row in ws.iter_rows():
                        for cell in row:
                            value = cell.value
                            if isinstance(value, str) and cell.data_type != "s" and (value == payload or (len(text) >= 3 and text in value)):
                                outcome = "live injection"
            tally[f"injection payloads ({runtime} workbook)", outcome] += 1


def _listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def workbooks(tmp: Path, tally: Counter[tuple[str, str]]) -> None:
    good_path = ROOT / "examples" / "built" / "ishoej_2021.native.xlsx"
    good = good_path.read_bytes()
    for _name, content in hostile_workbooks(good):
        folder = Path(tempfile.mkdtemp(dir=tmp))
        path = folder / "hostile.xlsx"
        path.write_bytes(content)
        listing = _listing(folder)
        try:
            recalc(path)
            outcome = "accepted"
        except XlmodelError:
            outcome = "clear error"
        except BaseException:
            outcome = "traceback"
        if path.read_bytes() != content or _listing(folder) != listing:
            outcome = "data lost"
        tally["hostile workbooks", outcome] += 1
    for _name, content in users_packages(good):
        folder = Path(tempfile.mkdtemp(dir=tmp))
        path = folder / "book.xlsx"
        path.write_bytes(content)
        try:
            recalc(path)
            before, after = zipfile.ZipFile(io.BytesIO(content)), zipfile.ZipFile(path)
            added = set(before.namelist()) - set(zipfile.ZipFile(io.BytesIO(good)).namelist())
            outcome = "accepted" if all(after.read(part) == before.read(part) for part in added) else "data lost"
        except XlmodelError:
            outcome = "clear error"
        except BaseException:
            outcome = "traceback"
        tally["user's package (`recalc` keeps it)", outcome] += 1
    names = SHEET_NAMES["da"]
    for _name, sheet, cell, value in hostile_cells():
        folder = Path(tempfile.mkdtemp(dir=tmp))
        path = folder / "book.xlsx"
        shutil.copy(good_path, path)
        wb = openpyxl.load_workbook(path)
        wb[names[sheet]][cell] = value
        wb.save(path)
        before = path.read_bytes()
        try:
            recalc(path, force=True)
            outcome = "accepted" if len(_listing(folder)) == 2 else "data lost"  # the book and its backup
        except XlmodelError:
            outcome = "clear error" if path.read_bytes() == before and _listing(folder) == {"book.xlsx"} else "data lost"
        except BaseException:
            outcome = "traceback"
        tally["hostile input cells", outcome] += 1


def requests(tally: Counter[tuple[str, str]]) -> None:
    from fastapi.testclient import TestClient

    from udfs.server import main_app

    client = TestClient(main_app, raise_server_exceptions=False)
    for _name, body in bad_requests():
        status = client.post("/xlwings/custom-functions-call", json=body).status_code
        tally["bad HTTP requests", "clear error" if 400 <= status < 500 else "accepted" if status == 200 else "traceback"] += 1


def main_() -> None:
    tally: Counter[tuple[str, str]] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        case_files(tmp, tally)
        injections(tmp, tally)
        workbooks(tmp, tally)
    requests(tally)
    columns = ["clear error", "accepted", "traceback", "data lost", "live injection"]
    groups = list(dict.fromkeys(group for group, _ in tally))
    print("| inputs | tried | " + " | ".join(columns) + " |")
    print("|---|---:|" + "---:|" * len(columns))
    for group in groups:
        counts = [tally[group, c] for c in columns]
        print(f"| {group} | {sum(counts)} | " + " | ".join(str(n) for n in counts) + " |")
    totals = [sum(tally[g, c] for g in groups) for c in columns]
    print(f"| **all** | {sum(totals)} | " + " | ".join(str(n) for n in totals) + " |")


if __name__ == "__main__":
    main_()
