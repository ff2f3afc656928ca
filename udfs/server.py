"""xlmodel's xlwings Server app: xlwings Server's own app, with the custom-functions call made safe for a
server that many finance staff share.

* A call names one of our functions (any other name is a 400, never an attribute look-up), carries at
  most :data:`MAX_CELLS` values at any nesting and returns at most as many; a larger one gets a clear
  ``#VALUE!`` (HTTP 400, not retried) before xlwings converts a single cell. A body over
  :data:`MAX_BODY_BYTES` is refused (413) before it is parsed.
* Every call runs in a worker thread with its own event loop (FastAPI runs a plain ``def`` endpoint in
  its thread pool), so converting and computing a large range never blocks the server's event loop: a
  small call from a colleague is answered while a big one is still being computed.

Import this module only after the xlwings Server environment is set (``xlmodel serve`` does it), and
serve ``udfs.server:main_app``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import xlwings as xw
from fastapi import Body, Request, Response
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


def custom_functions_call(current_user: dep.User, redis_client: dep.RedisClient, data: Annotated[dict[str, Any], Body()]) -> Any:
    """xlwings Server's call, in a worker thread, after the name and size checks; a result larger than
    :data:`MAX_CELLS` is refused like an argument (a 1,000 × 1,000 spill is not a budget table)."""
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

__all__ = ["FUNCTION_NAMES", "MAX_BODY_BYTES", "MAX_CELLS", "count_cells", "custom_functions_call", "limit_body", "main_app"]
