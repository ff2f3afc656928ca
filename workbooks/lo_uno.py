"""Drive one running LibreOffice over its own API (UNO): warm recalculation timings and page breaks.

This file runs under the Python that has LibreOffice's ``uno`` module (Debian: ``python3-uno``, so
``/usr/bin/python3``), not in xlmodel's environment: it imports nothing of xlmodel. xlmodel calls it
through :func:`workbooks.libreoffice.uno_run`. Commands (JSON on stdout):

``recalc OUTDIR BOOK...``  open each book, recalculate every formula (``calculateAll``), save it as .xlsx in
                           OUTDIR; seconds of each step per book, start-up excluded.
``pages BOOK...``          per sheet: how many pages it prints, how many wide and tall, the rows of each page,
                           the drawings split over two pages and the scale it prints at, as LibreOffice lays them out after the book's own
                           page set-up (e.g. fit to one page wide).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

#: LibreOffice keeps the values cached in a file unless told otherwise; 1 = never recalculate on load, so
#: ``calculateAll`` is the one recalculation that is timed.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"""


def _props(**values: Any) -> tuple[Any, ...]:
    found = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        found.append(prop)
    return tuple(found)


class Office:
    """One headless LibreOffice with a private profile, reached over a named pipe."""

    def __init__(self, soffice: str = "soffice") -> None:
        self.profile = tempfile.TemporaryDirectory(prefix="xlmodel-uno-")
        user = Path(self.profile.name) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        pipe = f"xlmodel-{os.getpid()}"
        self.process = subprocess.Popen(
            [soffice, f"-env:UserInstallation={Path(self.profile.name).as_uri()}", "--headless", "--invisible", "--norestore",
             "--nolockcheck", "--nologo", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + 60
        while True:
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("LibreOffice did not start") from None
                time.sleep(0.1)
        self.desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)

    def open(self, path: Path) -> Any:
        return self.desktop.loadComponentFromURL(path.resolve().as_uri(), "_blank", 0, _props(Hidden=True, ReadOnly=False))

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the process is killed below if it does not end
            self.desktop.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.profile.cleanup()


def recalc(office: Office, outdir: Path, books: list[Path]) -> list[dict[str, Any]]:
    found = []
    for book in books:
        t0 = time.perf_counter()
        doc = office.open(book)
        t1 = time.perf_counter()
        doc.calculateAll()
        t2 = time.perf_counter()
        doc.storeToURL((outdir / book.name).resolve().as_uri(), _props(FilterName="Calc MS Excel 2007 XML"))
        t3 = time.perf_counter()
        doc.close(True)
        found.append({"book": str(book), "load": t1 - t0, "calculate": t2 - t1, "save": t3 - t2})
    return found


def _placed(shape: Any) -> tuple[int, int]:
    """A drawing's top and height (1/100 mm). A chart LibreOffice has not loaded yet reports a placeholder
    height of 1 mm (seen in about one run in five): its embedded model is loaded first, then read again."""
    for _ in range(20):
        height = shape.getSize().Height
        if height > 100:
            break
        try:
            shape.getPropertyValue("Model")  # loads the chart's embedded object
        except Exception:  # not a chart: its size is what it is
            break
        time.sleep(0.05)
    return shape.getPosition().Y, shape.getSize().Height


def pages(office: Office, books: list[Path]) -> list[dict[str, Any]]:
    found = []
    for book in books:
        doc = office.open(book)
        sheets = doc.getSheets()
        per_sheet = {}
        printer = _props(IsPrinter=True)
        for i in range(sheets.getCount()):
            sheet = sheets.getByIndex(i)
            # each printed page of the sheet and the cells it shows: distinct first columns = pages wide
            ranges = []
            for page in range(doc.getRendererCount(sheet, printer)):
                source = next(p.Value for p in doc.getRenderer(page, sheet, printer) if p.Name == "SourceRange")
                ranges.append((source.StartColumn, source.StartRow, source.EndColumn, source.EndRow))
            last_column = max((r[2] for r in ranges), default=-1)
            # the scale LibreOffice prints at: the page's printable width over the printed columns' width
            style = doc.getStyleFamilies().getByName("PageStyles").getByName(sheet.PageStyle)
            width = sum(sheet.getColumns().getByIndex(c).Width for c in range(last_column + 1))
            printable = style.Width - style.LeftMargin - style.RightMargin
            # a drawing (a chart) split over two printed pages: no page's rows hold it whole (1/100 mm)
            spans = []
            for _, start_row, _, end_row in ranges:
                rows = sheet.getCellRangeByPosition(0, start_row, 0, end_row)
                spans.append((rows.Position.Y, rows.Position.Y + rows.Size.Height))
            drawings = sheet.getDrawPage()
            split = 0
            for k in range(drawings.getCount()):
                top, height = _placed(drawings.getByIndex(k))
                split += not any(first <= top and top + height <= last + 1 for first, last in spans)
            per_sheet[sheet.getName()] = {
                "drawings": drawings.getCount(),
                "split_drawings": split,
                "pages": len(ranges),
                "wide": len({r[0] for r in ranges}),
                "tall": len({r[1] for r in ranges}),
                "last_column": last_column,
                "page_rows": [[r[1] + 1, r[3] + 1] for r in ranges],  # each page's first and last row, 1-based as in the book
                "scale": min(1.0, printable / width) if width else 1.0,
            }
        doc.close(True)
        found.append({"book": str(book), "sheets": per_sheet})
    return found


def main(argv: list[str]) -> None:
    command, *rest = argv
    office = Office(os.environ.get("XLMODEL_SOFFICE", "soffice"))
    try:
        if command == "recalc":
            result: Any = recalc(office, Path(rest[0]), [Path(p) for p in rest[1:]])
        elif command == "pages":
            result = pages(office, [Path(p) for p in rest])
        else:
            raise SystemExit(f"unknown command {command}")
    finally:
        office.close()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
