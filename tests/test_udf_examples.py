"""Every Excel function's help carries an example (``Eks.: =SAVINGS(4;146000;...) = 328.500``) written as a
Danish Excel user types it (``;`` between arguments, decimal comma, ``{a\\b}`` for a row, SAND/FALSK), and
each one runs: it is parsed, called the way xlwings Server calls the function, and the result, rounded
like Excel to the decimals the example shows, is the value the help promises."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any

import pytest

import udfs
from xlmodel.rounding import excel_round

from .officejs import call

#: =STATUS() shows the installed version and runtime: its text is checked in test_udfs_contract.
NO_EXAMPLE = {"status"}
EXAMPLE = re.compile(r"Eks\.[^:=]*: =(?P<name>[A-Z_]+)\((?P<args>.*)\) = (?P<expected>[^=]+?)\s*$")
OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _split(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside quotes and braces."""
    parts, depth, quoted, current = [], 0, False, ""
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "{}":
            depth += 1 if char == "{" else -1
        if char == separator and depth == 0 and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _number(text: str) -> float:
    """A number as a Danish formula writes it: decimal comma, and simple arithmetic (``1/12``)."""

    def value(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            return OPERATORS[type(node.op)](value(node.left), value(node.right))
        raise ValueError(f"not a number: {text!r}")

    return value(ast.parse(text.replace(",", ".").replace("−", "-"), mode="eval").body)


def _argument(text: str) -> Any:
    """One argument as Office.js posts it: a 2-D list, or None when omitted."""
    text = text.strip()
    if text == "":
        return None
    if text.startswith('"'):
        return [[text.strip('"')]]
    if text in ("SAND", "FALSK"):
        return [[text == "SAND"]]
    if text.startswith("{"):
        return [[_number(cell) for cell in row.split("\\")] for row in _split(text[1:-1], ";")]
    return [[_number(text)]]


def _shown(text: str) -> tuple[float, int]:
    """A result as the help shows it (``1.040.000``, ``0,3655``, ``−4``): its value and number of decimals."""
    text = text.strip().replace(".", "").replace("−", "-")
    decimals = len(text.split(",")[1]) if "," in text else 0
    return float(text.replace(",", ".")), decimals


def _examples() -> list[tuple[str, str]]:
    return [(function.__name__, function.__doc__ or "") for function in udfs.FUNCTIONS if function.__name__ not in NO_EXAMPLE]


def test_every_function_but_status_has_an_example() -> None:
    assert [name for name, doc in _examples() if not EXAMPLE.search(doc)] == []


@pytest.mark.parametrize(("name", "doc"), _examples(), ids=[name for name, _ in _examples()])
def test_the_example_gives_the_value_it_shows(name: str, doc: str) -> None:
    example = EXAMPLE.search(doc)
    assert example is not None
    assert example["name"] == name.upper()
    result = call(name, *[_argument(a) for a in _split(example["args"], ";")])
    got = [cell for row in result for cell in row]
    expected = [_shown(part) for part in example["expected"].split(" / ")]
    assert len(got) == len(expected), (result, example["expected"])
    for value, (shown, decimals) in zip(got, expected, strict=True):
        assert excel_round(value, decimals) == shown, (name, value, shown)


def test_the_parser_reads_danish_formulas() -> None:
    assert _split('4;"a;b";{1\\2;3\\4};;1/12', ";") == ["4", '"a;b"', "{1\\2;3\\4}", "", "1/12"]
    assert _argument("{-100\\110}") == [[-100.0, 110.0]] and _argument("{1;2}") == [[1.0], [2.0]]
    assert _argument("0,5") == [[0.5]] and _argument("1/12") == [[1 / 12]] and _argument("") is None
    assert _shown("1.040.000") == (1040000.0, 0) and _shown("0,3655") == (0.3655, 4) and _shown("−4.100.000") == (-4100000.0, 0)
