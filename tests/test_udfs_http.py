"""xlwings Server over HTTP: the FastAPI app in-process (dev), in prod mode, and one real server process."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from xlwings.server import custom_functions_meta

import udfs

from .officejs import payload

CALL = "/xlwings/custom-functions-call"


@pytest.fixture(scope="module")
def client() -> TestClient:
    from udfs.server import main_app

    return TestClient(main_app, raise_server_exceptions=False)


def test_meta_json_js_and_manifest(client: TestClient) -> None:
    meta = client.get("/xlwings/custom-functions-meta.json")
    assert meta.status_code == 200 and meta.json() == custom_functions_meta(udfs)
    code = client.get("/xlwings/custom-functions-code.js")
    assert code.status_code == 200 and "custom-functions-call" in code.text
    manifest = client.get("/manifest")
    # xlwings Server suffixes the namespace outside prod, so a dev add-in never clashes with the real one.
    assert manifest.status_code == 200 and '<bt:String id="Functions.Namespace" DefaultValue="XLMODEL_DEV" />' in manifest.text


def test_call_ok_and_bad_input_is_400_with_our_message(client: TestClient) -> None:
    ok = client.post(CALL, json=payload("savings", [[4]], [[146000]], [[44287]], [[2021]], None, None, None, [[1]]))
    assert ok.status_code == 200 and ok.json() == {"result": [[328500.0]]}
    bad = client.post(CALL, json=payload("savings", [["fire"]], [[146000]], [[44287]], [[2021]], None, None, None, None))
    assert bad.status_code == 400 and bad.text == "persons: skal være et tal, ikke tekst (fik 'fire')"


@pytest.mark.parametrize("name", ["no_such_function", "__class__", "FUNCTIONS", "func", 7])
def test_a_name_that_is_not_one_of_our_functions_is_a_400_never_a_500(client: TestClient, name: object) -> None:
    """The add-in retries a 500 three times; and no attribute of the module is looked up by a caller's name."""
    broken = client.post(CALL, json=payload(name))  # type: ignore[arg-type]
    assert broken.status_code == 400 and broken.text.startswith("ukendt funktion")


def test_nested_values_count_as_cells_and_results_are_capped_too(client: TestClient) -> None:
    from udfs.server import MAX_CELLS

    nested = client.post(CALL, json=payload("deadweight", [[list(range(MAX_CELLS + 1))]], [[0.1]]))
    assert nested.status_code == 400 and "for mange celler" in nested.text
    # 600 cohorts × 200 years from 801 argument cells: 120,000 results
    years = [list(range(2000, 2200))]
    spill = client.post(CALL, json=payload("person_years", [[1]] * 600, [[44287]], years, None, None, None, None))
    assert spill.status_code == 400 and "resultatet har over" in spill.text


def test_an_oversized_body_is_refused_before_it_is_parsed(client: TestClient) -> None:
    from udfs.server import MAX_BODY_BYTES

    big = client.post(CALL, content=b"[" + b"1," * (MAX_BODY_BYTES // 2) + b"1]", headers={"content-type": "application/json"})
    assert big.status_code == 413 and "for stort" in big.text


_PROD = """
import json, os
from fastapi.testclient import TestClient
from udfs.server import main_app
c = TestClient(main_app, raise_server_exceptions=False)
def post(body):
    r = c.post("/xlwings/custom-functions-call", json=body)
    return [r.status_code, r.text]
base = {"version": "0", "client": "Office.js", "runtime": "1.4"}
manifest = c.get("/manifest").text
print(json.dumps([post(base | {"func_name": "deadweight", "args": [[[12]], [[1.5]]]}), post(base | {"func_name": "no_such_function", "args": []}), 'DefaultValue="XLMODEL" ' in manifest]))
"""


def test_prod_mode_keeps_our_messages_and_hides_internals() -> None:
    env = os.environ | {"XLWINGS_ENVIRONMENT": "prod"}
    out = subprocess.run([sys.executable, "-c", _PROD], env=env, capture_output=True, text=True, check=True).stdout
    (bad_status, bad_text), (unknown_status, unknown_text), prod_namespace = json.loads(out.strip().splitlines()[-1])
    assert prod_namespace, "the prod manifest names the namespace XLMODEL"
    assert bad_status == 400 and bad_text.startswith("baseline_rate: en andel ligger mellem 0 og 1")
    assert unknown_status == 400 and unknown_text.startswith("ukendt funktion")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_real_server_process_smoke() -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "xlmodel_cli", "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/xlwings/custom-functions-meta.json", timeout=2) as response:
                    names = [f["name"] for f in json.load(response)["functions"]]
                    break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else "server exited"
                assert time.monotonic() < deadline, "server did not start within 60 s"
                time.sleep(0.3)
        assert "SAVINGS" in names
        body = json.dumps(payload("savings", [[4]], [[146000]], [[44287]], [[2021, 2022]], None, None, None, [[1]])).encode()
        request = urllib.request.Request(f"{base}{CALL}", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response) == {"result": [[328500.0, 438000.0]]}
        forged = urllib.request.Request(f"{base}/manifest", headers={"Host": "evil.example"})
        with urllib.request.urlopen(forged, timeout=10) as response:
            manifest = response.read().decode()
        assert f"https://localhost:{port}/taskpane.html" in manifest and "evil.example" not in manifest  # the configured address, not the Host header
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


@pytest.mark.parametrize(("arguments", "message"), [(["--public-address", "https://x.dk/y"], "uden https://"), (["--host", "0.0.0.0", "--prod", "--auth-in-front"], "angiv den adresse")])
def test_the_public_address_is_checked_before_the_server_starts(arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    from xlmodel_cli import main

    assert main(["serve", *arguments]) == 2
    assert message in capsys.readouterr().err


def test_a_call_with_too_many_cells_is_refused_before_conversion(client: TestClient) -> None:
    from udfs.server import MAX_CELLS

    rows = MAX_CELLS // 2 + 1
    body = payload("deadweight", [[12]] * rows, [[0.1]] * rows)
    response = client.post(CALL, json=body)
    assert response.status_code == 400 and response.text.startswith("for mange celler i ét kald")
    fine = client.post(CALL, json=payload("deadweight", [[12]] * 10, [[0.1]] * 10))
    assert fine.status_code == 200 and fine.json()["result"][0] == [pytest.approx(1.2)]


def test_serve_refuses_an_exposed_prod_server_without_login() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    run = subprocess.run([sys.executable, "-m", "xlmodel_cli", "serve", "--prod", "--host", "0.0.0.0"], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "uden login" in run.stderr and "Traceback" not in run.stderr


def test_a_small_call_is_answered_while_a_big_one_is_computed() -> None:
    """Two clients on one real server: the big call runs in a worker thread, so the small one, sent after it,
    is answered before the big one is (a server that queued calls would answer it last)."""
    import threading

    with serving() as base:
        rows = 4_900  # 98,000 results, just under the cap: a few tenths of a second of conversion, arithmetic and JSON
        big = json.dumps(payload("savings", [[4]] * rows, [[146000]], [[44287]] * rows, [list(range(2021, 2041))], [[0.1, 2], [0.1, 4]], [[4]], None, [[1]] * rows)).encode()
        small = json.dumps(payload("deadweight", [[12]], [[0.25]])).encode()
        done: dict[str, float] = {}

        def post(name: str, body: bytes) -> None:
            request = urllib.request.Request(f"{base}{CALL}", data=body, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
            done[name] = time.perf_counter()

        worker = threading.Thread(target=post, args=("big", big))
        worker.start()
        time.sleep(0.05)
        post("small", small)
        worker.join()
        assert done["small"] < done["big"], done


def _wait_for(base: str, server: subprocess.Popen) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/xlwings/custom-functions-meta.json", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            assert server.poll() is None, "server exited"
            assert time.monotonic() < deadline, "server did not start within 60 s"
            time.sleep(0.3)


@contextlib.contextmanager
def serving() -> Iterator[str]:
    """A real ``xlmodel serve`` on a free loopback port; yields its base address, stops it after."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    server = subprocess.Popen([sys.executable, "-m", "xlmodel_cli", "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, server)
        yield base
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
