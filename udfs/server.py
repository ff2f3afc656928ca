"""xlmodel's xlwings Server app: xlwings Server's own app, with the custom-functions call made safe for a
server that many finance staff share.

* A call names one of our functions (any other name is a 400, never an attribute look-up), carries at
  most :data:`MAX_CELLS` values at any nesting and returns at most as many; a larger one gets a clear
  ``#VALUE!`` (HTTP 400, not retried) before xlwings converts a single cell. A body over
  :data:`MAX_BODY_BYTES` is refused (413) before it is parsed.
* A small call runs in a worker thread with its own event loop, so it never blocks the server's event loop.
  A call whose body is over :data:`PROCESS_BODY_BYTES` is parsed, converted and computed in a worker
  *process* (``XLMODEL_SERVER_PROCESSES``, default one less than the CPUs): the server process only passes
  its bytes on, so the small calls of colleagues never wait for the interpreter while big ones are computed
  (``bench/bench_server.py``).

Import this module only after the xlwings Server environment is set (``xlmodel serve`` does it), and
serve ``udfs.server:main_app``.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import json
import multiprocessing
import os
from collections.abc import Awaitable, Callable
from typing import Any

import xlwings as xw
from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute
from xlwings_server import dependencies as dep
from xlwings_server.config import settings
from xlwings_server.main import app, main_app
from xlwings_server.routers import xlwings as xlwings_router

import udfs
from udfs.boundary import MAX_CELLS

CALL_PATH = f"{settings.app_path}/xlwings/custom-functions-call"
#: The names a call may name: our functions, nothing else (xlwings would look any name up on the module).
FUNCTION_NAMES = frozenset(f.__name__ for f in udfs.FUNCTIONS)
#: The largest request body of a call: a full :data:`MAX_CELLS` call of numbers is about 2 MB of JSON.
MAX_BODY_BYTES = 8_000_000
#: A call with a larger body is computed in a worker process (a few thousand cells; a scalar call is ~200 bytes).
PROCESS_BODY_BYTES = 32_000


def count_cells(args: Any, limit: int = MAX_CELLS) -> int:
    """The number of values in an Office.js ``args`` list, at every level of nesting (a ``[[[...]]]`` is as
    many cells as it holds); counting stops once past ``limit``, so a huge argument costs no more than that.

    >>> count_cells([[[1, 2], [3, 4]], None, [[[5, [6, 7]]]]])
    7
    """
    if not isinstance(args, list):
        raise xw.XlwingsError("args: skal være en liste af områder")
    total, stack = 0, [a for a in args if a is not None]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        else:
            total += 1
    return total


def _function_name(data: dict[str, Any]) -> str:
    """The called function's name, which must be one of ours: no attribute look-up on any other name."""
    name = data.get("func_name")
    if not isinstance(name, str) or name not in FUNCTION_NAMES:
        raise xw.XlwingsError(f"ukendt funktion: {str(name)[:80]!r}; se listen i tilføjelsesprogrammet (XLMODEL.…)")
    return name


def _checked_call(current_user: dep.User, redis_client: Any, data: Any) -> Any:
    """xlwings Server's call after the name and size checks; a result larger than :data:`MAX_CELLS` is refused
    like an argument (a 1,000 × 1,000 spill is not a budget table)."""
    if not isinstance(data, dict):
        raise xw.XlwingsError("kaldet skal være et JSON-objekt med func_name og args")
    _function_name(data)
    cells = count_cells(data.get("args"))
    if cells > MAX_CELLS:
        raise xw.XlwingsError(
            f"for mange celler i ét kald: over {MAX_CELLS:,}; del området op i flere formler".replace(",", ".")
        )
    response = asyncio.run(xlwings_router.custom_functions_call(current_user=current_user, redis_client=redis_client, data=data))
    result = response.get("result") if isinstance(response, dict) else None
    if result is not None and count_cells([result]) > MAX_CELLS:
        raise xw.XlwingsError(f"resultatet har over {MAX_CELLS:,} celler; del området op i flere formler".replace(",", "."))
    return response


def _parsed(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise xw.XlwingsError("kaldet er ikke gyldig JSON") from None


def call_in_process(body: bytes, current_user: Any) -> tuple[int, bytes]:
    """In a worker process: parse, check and compute a big call; (HTTP status, body) as the server answers
    (400 with our message for a refused call, 500 without internals outside dev)."""
    try:
        return 200, json.dumps(_checked_call(current_user, None, _parsed(body)), allow_nan=False).encode()
    except xw.XlwingsError as exc:
        return 400, str(exc).encode()
    except Exception as exc:  # as xlwings Server's own handler: details only in dev
        return 500, (repr(exc) if settings.environment == "dev" else "An error occurred.").encode()


def server_processes() -> int:
    """Worker processes for big calls: ``XLMODEL_SERVER_PROCESSES`` (1 to 64), else one less than the CPUs (at least 1)."""
    text = os.environ.get("XLMODEL_SERVER_PROCESSES", "").strip()
    if text.isdigit() and 1 <= int(text) <= 64:
        return int(text)
    return max(1, (os.cpu_count() or 2) - 1)


_POOL: list[concurrent.futures.ProcessPoolExecutor] = []


def _pool() -> concurrent.futures.ProcessPoolExecutor:
    """The worker processes, started on the first big call (spawned: a clean interpreter, the server's environment)."""
    if not _POOL:
        _POOL.append(concurrent.futures.ProcessPoolExecutor(server_processes(), mp_context=multiprocessing.get_context("spawn")))
        atexit.register(_POOL[0].shutdown, wait=True, cancel_futures=True)  # before the interpreter tears modules down
    return _POOL[0]


async def custom_functions_call(request: Request, current_user: dep.User, redis_client: dep.RedisClient) -> Any:
    """The custom-functions call: a small one in a thread of this process, a big one in a worker process."""
    body = await request.body()
    if len(body) > PROCESS_BODY_BYTES:
        status, content = await asyncio.get_running_loop().run_in_executor(_pool(), call_in_process, body, current_user)
        return Response(content, status_code=status, media_type="application/json" if status == 200 else "text/plain; charset=utf-8")
    data = _parsed(body)
    return await run_in_threadpool(_checked_call, current_user, redis_client, data)


async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Refuse a call whose body is over :data:`MAX_BODY_BYTES` before it is read or parsed (HTTP 413)."""
    if request.url.path == CALL_PATH:
        declared = request.headers.get("content-length")
        if declared is None or not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            size = "ukendt størrelse" if declared is None or not declared.isdigit() else f"{int(declared):,} bytes".replace(",", ".")
            return PlainTextResponse(f"kaldet er for stort ({size}; højst {MAX_BODY_BYTES:,} bytes)".replace(",", "."), status_code=413)
    return await call_next(request)


def _install() -> None:
    """Put our endpoint in front of xlwings Server's own for the same path (routes match in order), and the
    body limit in front of both."""
    routes = app.router.routes
    if not any(isinstance(r, APIRoute) and r.endpoint is custom_functions_call for r in routes):
        routes.insert(0, APIRoute(CALL_PATH, custom_functions_call, methods=["POST"]))
        app.middleware("http")(limit_body)


_install()

__all__ = ["FUNCTION_NAMES", "MAX_BODY_BYTES", "MAX_CELLS", "PROCESS_BODY_BYTES", "call_in_process", "count_cells", "custom_functions_call", "limit_body", "main_app", "server_processes"]
