"""Helpers to call our functions exactly as xlwings Server does for Office.js."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import xlwings as xw
from xlwings.server import custom_functions_call

import udfs


def payload(func_name: str, *args: Any) -> dict[str, Any]:
    """The JSON Excel (Office.js) posts: one 2-D list per parameter, null for an omitted optional."""
    return {"func_name": func_name, "args": list(args), "version": xw.__version__, "client": "Office.js", "runtime": "1.4"}


def call(func_name: str, *args: Any) -> Any:
    """Run one call through xlwings' own ``custom_functions_call`` (what the server endpoint runs)."""
    return asyncio.run(custom_functions_call(payload(func_name, *args), udfs))


def serial(month_index: int) -> int:
    """Excel date serial of the first day of a month index (``year * 12 + month - 1``)."""
    date = dt.date(month_index // 12, month_index % 12 + 1, 1)
    return (date - dt.date(1899, 12, 30)).days


def column(values: list[Any]) -> list[list[Any]]:
    return [[v] for v in values]
