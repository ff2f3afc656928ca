"""Benchmark of the server under load: small calls while a big call is computed.

Run: ``.venv/bin/python bench/bench_server.py [--clients 4]``. Starts ``xlmodel serve`` on a free loopback port;
``--clients`` threads each send big SAVINGS calls (the largest allowed: about MAX_CELLS results, cohorts × 20
years) one after another, three each, while another thread sends small DEADWEIGHT calls one after another;
prints p50/p99 of the small calls during the big ones, and the same without load. Big calls are computed in
the server's worker processes (``udfs.server.PROCESS_BODY_BYTES``).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

import xlwings as xw

from udfs.boundary import MAX_CELLS

CALL = "/xlwings/custom-functions-call"


def payload(func_name: str, *args: object) -> dict[str, object]:
    """The JSON Excel (Office.js) posts: one 2-D list per parameter, null for an omitted optional."""
    return {"func_name": func_name, "args": list(args), "version": xw.__version__, "client": "Office.js", "runtime": "1.4"}


def post(base: str, body: bytes) -> float:
    start = time.perf_counter()
    request = urllib.request.Request(f"{base}{CALL}", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
    return time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


CLIENTS = int(sys.argv[sys.argv.index("--clients") + 1]) if "--clients" in sys.argv else 4


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    server = subprocess.Popen([sys.executable, "-m", "xlmodel_cli", "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/xlwings/custom-functions-meta.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        small = json.dumps(payload("deadweight", [[12]], [[0.25]])).encode()
        quiet = [post(base, small) for _ in range(200)]
        rows = MAX_CELLS // 20  # the result is capped at MAX_CELLS cells too: cohorts × 20 years
        big = json.dumps(payload("savings", [[4]] * rows, [[146000]], [[44287]] * rows, [list(range(2021, 2041))], [[0.1, 2], [0.1, 4]], [[4]], None, [[1]] * rows)).encode()
        big_time: list[float] = []
        clients = [threading.Thread(target=lambda: big_time.extend(post(base, big) for _ in range(3))) for _ in range(CLIENTS)]
        for client in clients:
            client.start()
        loaded = []
        while any(c.is_alive() for c in clients):
            loaded.append(post(base, small))
        for client in clients:
            client.join()
        cells, limit, cohorts = (f"{n:,}".replace(",", ".") for n in (20 * rows, MAX_CELLS, rows))
        print(f"Store kald: {CLIENTS} klienter × 3 kald à {cells} resultatceller (grænse {limit}); {cohorts} hold × 20 år: median {statistics.median(big_time):.2f} s pr. kald")
        print(f"Små kald uden belastning ({len(quiet)}):   p50 {1000 * statistics.median(quiet):6.1f} ms, p99 {1000 * percentile(quiet, 0.99):6.1f} ms")
        print(f"Små kald under det store ({len(loaded)}): p50 {1000 * statistics.median(loaded):6.1f} ms, p99 {1000 * percentile(loaded, 0.99):6.1f} ms")
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
