"""Print a workbook, or some of its sheets, to PDF or PNG as LibreOffice lays it out on paper.

The book keeps its formulas and cached values; the sheets not asked for are hidden in a copy (hidden
sheets are not printed), LibreOffice prints the copy with the book's own page set-up in the language's
locale (da: 1.040.000 and 5,50), without recalculating. A PNG is the first page, rendered with pdfium.
``xlmodel summary`` prints the committee summary of a case; ``xlmodel print`` any sheets of a book.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Collection
from pathlib import Path

from lxml import etree

from workbooks.evaluate import _PARSER, MAIN_NS, WorkbookError, with_parts
from workbooks.files import check_output, write_atomic
from workbooks.libreoffice import to_pdf

#: Resolution of a PNG page, in pixels per inch.
PNG_DPI = 110
OUTPUTS = (".pdf", ".png")


def only_sheets(data: bytes, keep: Collection[str]) -> bytes:
    """``data`` with every sheet but ``keep`` hidden, and the first kept sheet the active one."""
    source = zipfile.ZipFile(io.BytesIO(data))
    workbook = etree.fromstring(source.read("xl/workbook.xml"), _PARSER)
    sheets = list(workbook.iter(f"{{{MAIN_NS}}}sheet"))
    names = [sheet.get("name") for sheet in sheets]
    missing = [name for name in keep if name not in names]
    if missing or not keep:
        raise WorkbookError("--sheet", f"arket findes ikke: {', '.join(missing) or '(intet valgt)'}; arkene hedder {', '.join(map(str, names))}")
    for sheet in sheets:
        if sheet.get("name") in keep:
            sheet.attrib.pop("state", None)
        else:
            sheet.set("state", "hidden")
    first = next(i for i, name in enumerate(names) if name in keep)
    for view in workbook.iter(f"{{{MAIN_NS}}}workbookView"):
        view.set("activeTab", str(first))
        view.set("firstSheet", str(first))
    return with_parts(source, {"xl/workbook.xml": etree.tostring(workbook, xml_declaration=True, encoding="UTF-8", standalone=True)})


def print_book(data: bytes, out: Path, *, sheets: Collection[str] | None = None, lang: str = "da") -> int:
    """Print the book ``data`` (only ``sheets``, if given) to ``out`` (.pdf, or .png: the first page);
    returns the number of pages printed."""
    check_output(out, OUTPUTS)
    import pypdfium2  # imported here: only printing needs it

    with tempfile.TemporaryDirectory(prefix="xlmodel-print-") as tmp:
        book = Path(tmp) / "book.xlsx"
        book.write_bytes(only_sheets(data, sheets) if sheets else data)
        (pdf,) = to_pdf([book], Path(tmp) / "pdf", lang=lang)
        try:
            document = pypdfium2.PdfDocument(pdf)
        except pypdfium2.PdfiumError as exc:
            raise WorkbookError(str(out), f"LibreOffice skrev en ødelagt PDF ({exc}); intet er skrevet") from None
        try:
            pages = len(document)
            if out.suffix.lower() == ".pdf":
                write_atomic(out, pdf.read_bytes())
            else:
                image = document[0].render(scale=PNG_DPI / 72).to_pil()
                buffer = io.BytesIO()
                image.save(buffer, format="PNG", optimize=True)
                write_atomic(out, buffer.getvalue())
        finally:
            document.close()
    return pages


def pdf_pages(path: Path) -> int:
    """How many pages the PDF at ``path`` has."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()
