"""xlmodel's xlwings Server app: xlwings Server's own app, with the custom-functions call made safe for a
server that many finance staff share.

* A call may carry at most :data:`MAX_CELLS` argument cells; a larger one gets a clear ``#VALUE!``
  (HTTP 400, not retried) before xlwings converts a single cell.
* Every call runs in a worker thread with its own event loop (FastAPI runs a plain ``def`` endpoint in
  its thread pool), so converting and computing a large range never blocks the server's event loop: a
  small call from a colleague is answered while a big one is still being computed.

Import this module only after the xlwings Server environment is set (``xlmodel serve`` does it), and
serve ``udfs.server:main_app``.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import xlwings as xw
from fastapi import Body
from fastapi.routing import APIRoute
from xlwings_server import dependencies as dep
from xlwings_server.config import settings
from xlwings_server.main import app, main_app
from xlwings_server.routers import xlwings as xlwings_router

from udfs.boundary import MAX_CELLS

CALL_PATH = f"{settings.app_path}/xlwings/custom-functions-call"


def count_cells(args: Any) -> int:
    """The number of cells in an Office.js ``args`` list (one 2-D list, or null, per parameter)."""
    if not isinstance(args, list):
        raise xw.XlwingsError("args: skal være en liste af områder")
    total = 0
    for arg in args:
        if arg is None:
            continue
        if not isinstance(arg, list):
            total += 1
            continue
        for row in arg:
            total += len(row) if isinstance(row, list) else 1
    return total


def custom_functions_call(current_user: dep.User, redis_client: dep.RedisClient, data: Annotated[dict[str, Any], Body()]) -> Any:
    """xlwings Server's call, in a worker thread, after the size check."""
    cells = count_cells(data.get("args"))
    if cells > MAX_CELLS:
        raise xw.XlwingsError(
            f"for mange celler i ét kald: {cells:,} (højst {MAX_CELLS:,}); del området op i flere formler".replace(",", ".")
        )
    return asyncio.run(xlwings_router.custom_functions_call(current_user=current_user, redis_client=redis_client, data=data))


def _install() -> None:
    """Put our endpoint in front of xlwings Server's own for the same path (routes match in order)."""
    routes = app.router.routes
    if not any(isinstance(r, APIRoute) and r.endpoint is custom_functions_call for r in routes):
        routes.insert(0, APIRoute(CALL_PATH, custom_functions_call, methods=["POST"]))


_install()

__all__ = ["MAX_CELLS", "count_cells", "custom_functions_call", "main_app"]
