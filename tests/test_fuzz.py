"""Nothing lost, nothing injected: our own generated corpus of malformed case files, injection payloads
in every text field, hostile workbooks and cells, and bad HTTP requests."""

from __future__ import annotations

import csv
import functools
import io
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from workbooks.evaluate import WorkbookError
from workbooks.layout import RUNTIMES, SHEET_NAMES
from workbooks.pipeline import ROOT, recalc
from xlmodel.errors import XlmodelError
from xlmodel_cli import main

from .fuzz_corpus import PAYLOADS, USERS_PARTS, bad_requests, hostile_cells, hostile_workbooks, malformed_cases, users_packages, with_payload

NAMES = SHEET_NAMES["da"]


@pytest.mark.parametrize(("name", "content"), list(malformed_cases()), ids=[n for n, _ in malformed_cases()])
def test_malformed_case_files_give_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes) -> None:
    path = tmp_path / "case.toml"
    path.write_bytes(content)
    code = main(["report", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 2), name
    if code == 2:
        assert out == "" and err.count("\n") == 1 and err.startswith("xlmodel: fejl: "), err[:300]
        assert len(err) < 1_000  # the value is cut, not echoed in full
    else:
        json.loads(out)  # always valid JSON: no NaN, no Infinity
        assert main(["build", str(path), "-o", str(tmp_path / "book.xlsx"), "--runtime", "native"]) == 0


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"payload{i}" for i in range(len(PAYLOADS))])
def test_injection_payloads_stay_text_in_every_runtime_and_in_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str], payload: str) -> None:
    path = tmp_path / "case.toml"
    path.write_text(with_payload(payload), encoding="utf-8")
    assert main(["report", str(path), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    for row in rows[1:]:
        for cell in row[:5]:  # the text columns: case, section, label, cohort, outcome
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    for runtime in RUNTIMES:
        book = tmp_path / f"{runtime}.xlsx"
        assert main(["build", str(path), "-o", str(book), "--runtime", runtime]) == 0, capsys.readouterr().err
        wb = openpyxl.load_workbook(book)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    text = payload.strip()
                    if isinstance(cell.value, str) and (cell.value == payload or (len(text) >= 3 and text in cell.value)):
                        assert cell.data_type == "s", f"{runtime} {ws.title}!{cell.coordinate} is a live formula: {cell.value[:60]}"
    capsys.readouterr()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "ishoej.xlsx"
    shutil.copy(ROOT / "examples" / "built" / "ishoej_2021.native.xlsx", path)
    return path


def _listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@functools.cache
def _hostile_books() -> tuple[tuple[str, bytes], ...]:
    """The hostile books, made once (making them takes seconds: some are large on purpose)."""
    return tuple(hostile_workbooks((ROOT / "examples" / "built" / "ishoej_2021.native.xlsx").read_bytes()))


@pytest.mark.parametrize("index", range(len(_hostile_books())))
def test_hostile_workbooks_are_refused_and_nothing_changes(tmp_path: Path, index: int) -> None:
    name, content = _hostile_books()[index]
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(content)
    listing = _listing(tmp_path)
    with pytest.raises(XlmodelError) as caught:
        recalc(path)
    assert str(caught.value) and "Traceback" not in str(caught.value), name
    assert path.read_bytes() == content and _listing(tmp_path) == listing, name  # no backup, no temp file, no lock left


@pytest.mark.parametrize("index", range(len(USERS_PARTS) + 1))
def test_what_the_user_added_to_the_package_is_kept_byte_for_byte(tmp_path: Path, index: int) -> None:
    good = (ROOT / "examples" / "built" / "ishoej_2021.native.xlsx").read_bytes()
    name, content = list(users_packages(good))[index]
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    recalc(path)
    with zipfile.ZipFile(io.BytesIO(content)) as before, zipfile.ZipFile(path) as after:
        added = set(before.namelist()) - set(zipfile.ZipFile(io.BytesIO(good)).namelist())
        assert added and all(after.read(part) == before.read(part) for part in added), name


@pytest.mark.parametrize(("name", "sheet", "cell", "value"), list(hostile_cells()), ids=[n for n, *_ in hostile_cells()])
def test_hostile_input_cells_name_the_cell(book: Path, name: str, sheet: str, cell: str, value: object) -> None:
    wb = openpyxl.load_workbook(book)
    wb[NAMES[sheet]][cell] = value
    wb.save(book)
    before, listing = book.read_bytes(), _listing(book.parent)
    try:
        recalc(book, force=True)
    except XlmodelError as exc:
        assert str(exc).startswith(f"{NAMES[sheet]}!") or isinstance(exc, WorkbookError), str(exc)
        assert book.read_bytes() == before and _listing(book.parent) == listing
        return
    # accepted: then the result is finite everywhere and the original was kept as a backup
    values = openpyxl.load_workbook(book, data_only=True)
    for ws in values.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert not (isinstance(c.value, float) and c.value != c.value), f"{ws.title}!{c.coordinate} is NaN"


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from udfs.server import main_app

    return TestClient(main_app, raise_server_exceptions=False)


@pytest.mark.parametrize(("name", "body"), list(bad_requests()), ids=[n for n, _ in bad_requests()])
def test_bad_http_requests_are_clear_4xx(client, name: str, body: object) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/xlwings/custom-functions-call", json=body)
    assert response.status_code == 400, (name, response.status_code, response.text[:300])
    assert response.text and "Traceback" not in response.text


def test_json_that_is_not_json_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/xlwings/custom-functions-call", content=b'{"func_name": "savings", "args": [[[NaN]]]', headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500
