"""What the CLI does with workbooks: build, regenerate (and check), recalculate after edits in Excel."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils.cell import get_column_letter
from openpyxl.workbook import Workbook

from workbooks.build import Built, build_workbook
from workbooks.compare import cell_differences, same_content, same_parts
from workbooks.evaluate import WorkbookError, with_cached_values
from workbooks.extract import read_book_case
from workbooks.files import (
    book_to_replace,
    check_output,
    check_writable,
    exclusive_lock,
    load,
    read_bytes,
    replace_keeping_backup,
    write_atomic,
)
from workbooks.layout import RUNTIMES, Shape
from workbooks.migrations import chain
from workbooks.package import Package, patch_book
from workbooks.readback import read_case
from workbooks.results import custom_properties, layout_of, sheet_titles
from xlmodel.bundled import PLACES, bundled_root
from xlmodel.casefile import load_case
from xlmodel.errors import XlmodelError
from xlmodel.model import Case

#: The folder with the bundled cases (cases/) and the committed books (examples/built, examples/templates).
ROOT = bundled_root()


@contextlib.contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while a book is built and written: the cells, styles and strings
    of a large book (about 100,000 objects for 200 cohorts) all stay alive until it is written, and each
    collection walks all of them again (a third of the build time). Reference counting frees everything
    else as usual; the collector runs again afterwards."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def released(*books: Workbook | None) -> None:
    """The cells of ``books`` (done with) freed now, by reference counting: a book is a web of cycles (each cell
    points to its sheet), which the cycle collector, once it runs again, walks cell by cell (after an upgrade,
    three books: 15 ms of its 20). The books have no cells afterwards."""
    for wb in books:
        if wb is not None:
            for ws in wb._sheets:
                ws._cells.clear()


def render(case: Case, *, runtime: str = "officejs", lang: str = "da", built: Built | None = None, source_name: str = "") -> bytes:
    """The finished .xlsx: built, evaluated, every formula's value cached (the appraisal runs while
    formualizer evaluates)."""
    with cycle_collection_paused():
        if built is not None:
            return render_built(built, runtime)
        mine = build_workbook(case, runtime=runtime, lang=lang, source_name=source_name, for_writing=True)
        data = render_built(mine, runtime)
        released(mine.workbook)
        return data


def render_built(built: Built, runtime: str) -> bytes:
    with cycle_collection_paused():
        return with_cached_values(built.workbook, custom_functions=runtime != "native", blocks=built.blocks, meanwhile=built.complete, template_rows=built.template_rows)


def new_template(out: Path, *, runtime: str, lang: str, first_year: int | None, years: int | None) -> None:
    from workbooks.templates import build_template

    check_output(out)
    write_atomic(out, render_built(build_template(runtime=runtime, lang=lang, first_year=first_year, years=years), runtime))


def build_file(case_path: Path, out: Path, *, runtime: str, lang: str, force: bool = False, now: dt.datetime | None = None) -> Path | None:
    """Build the book of ``case_path`` as ``out``. An existing book is never replaced without ``force``; with
    it, under the recalc lock, the old book is kept as a backup first. Returns the backup (None: a new file)."""
    case = load_case(case_path, read_book=read_book_case)  # its decision may be a book
    check_output(out)
    if not out.exists():
        write_atomic(out, render(case, runtime=runtime, lang=lang, source_name=case_path.name))
        return None
    if not force:
        raise WorkbookError(str(out), "filen findes allerede; brug xlmodel recalc for at genberegne dens indtastninger, "
                            "eller --force for at bygge en ny (den gamle gemmes som sikkerhedskopi)")
    out = book_to_replace(out, force=force)
    with exclusive_lock(out), cycle_collection_paused():
        original = read_bytes(out)
        data = render(case, runtime=runtime, lang=lang, source_name=case_path.name)
        return replace_keeping_backup(out, original, data, now or dt.datetime.now())


# --- regenerate ---


def targets(root: Path = ROOT) -> Iterator[tuple[Path, Path, str]]:
    """(case file, workbook, runtime) for every bundled case and runtime."""
    for case_path in sorted((root / PLACES["cases"]).glob("*.toml")):
        for runtime in RUNTIMES:
            yield case_path, root / PLACES["built"] / f"{case_path.stem}.{runtime}.xlsx", runtime


def regenerate(root: Path = ROOT, *, check: bool = False) -> list[str]:
    """Rebuild every workbook under ``root/examples/built`` and every template under ``root/examples/templates``; with
    ``check``, compare instead and list the differences. All or nothing: every book is made before the first is
    written, and an error names the case file it came from."""
    from workbooks.templates import build_template, template_targets

    problems: list[str] = []

    def case_book(case_path: Path, runtime: str) -> bytes:
        return render(load_case(case_path), runtime=runtime, source_name=case_path.name)

    def template_book(runtime: str, lang: str) -> bytes:
        return render_built(build_template(runtime=runtime, lang=lang), runtime)

    jobs: list[tuple[Path, Path, Callable[[], bytes]]] = [(case_path, book, functools.partial(case_book, case_path, runtime)) for case_path, book, runtime in targets(root)]
    jobs += [(book, book, functools.partial(template_book, runtime, lang)) for book, runtime, lang in template_targets(root)]
    made: list[tuple[Path, bytes]] = []
    for source, book, make in jobs:
        try:
            made.append((book, make()))
        except XlmodelError as exc:
            raise exc if str(source) in exc.message else type(exc)(str(source), exc.message) from None
    for book, data in made:
        if not check:
            if book.exists() and same_parts(read_bytes(book), data):
                continue  # only the time it was written would change: the committed file stays as it is
            book.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(book, data)
            continue
        if not book.exists():
            problems.append(f"{book.relative_to(root)}: mangler (kør xlmodel regenerate)")
            continue
        committed = read_bytes(book)
        for data_only in (False, True):
            differences = cell_differences(load(data, "ny", data_only=data_only), load(committed, book.name, data_only=data_only))
            problems += [f"{book.relative_to(root)}: {d}" for d in differences]
    return problems


# --- recalc ---


@dataclass(frozen=True)
class RecalcReport:
    path: Path
    backup: Path
    forced_cells: tuple[str, ...]
    user_sheets: tuple[str, ...] = ()
    rebuilt: bool = False  # the tool sheets were rebuilt (their structure changed), not patched
    parts: tuple[str, ...] = ()  # the package parts written (patched books)
    repointed: tuple[str, ...] = ()  # rebuilt: the user's references into tool sheets moved with their cells
    unplaced: tuple[str, ...] = ()  # rebuilt: references and settings of the user's with no place in the new structure


def edited_tool_cells(new: Built, old_book: Workbook, as_written: Mapping[str, Collection[int]] | None = None) -> list[str]:
    """Tool-owned cells of ``old_book`` whose content differs from what the tool writes for the same inputs;
    ``as_written``: rows (by sheet title) already found as the tool writes them, every cell, not looked at again."""
    skip = new.inputs | new.generated
    found = []
    for ws in new.workbook.worksheets:
        if ws.title in new.free_sheets:
            continue  # rewritten whole from the case (the summary)
        yours = old_book[ws.title]._cells  # the cells it has (ws.cell() would make the rest)
        differing = []
        checked = set((as_written or {}).get(ws.title, ()))
        for template in new.template_rows.get(ws.title, ()):  # a built book's year rows kept as templates
            if template.row in checked:
                continue
            for column, formula in template.formulas():
                b = yours.get((template.row, column))
                if (b is None or b._value != formula) and not same_content(formula, None if b is None else b.value):
                    differing.append((template.row, column))
        mine = ws._cells  # its cells beside the templates
        for key in {key for key in mine.keys() | yours.keys() if key[0] not in checked and new.template_at(ws.title, *key) is None}:
            a, b = mine.get(key), yours.get(key)
            if not same_content(None if a is None else a.value, None if b is None else b.value):
                differing.append(key)
        for row, column in sorted(differing):
            coordinate = f"{get_column_letter(column)}{row}"
            if (ws.title, coordinate) not in skip:
                found.append(f"{ws.title}!{coordinate}")
    return found


def recalc(path: Path, *, force: bool = False, now: dt.datetime | None = None) -> RecalcReport:
    """Read the inputs back, recalculate and save; the original stays byte-identical on any failure.

    The user's package is patched (:mod:`workbooks.package`): only the tool cells and xlmodel's properties
    are written, every other part keeps its bytes. Tool sheets are known by their identity, so a renamed tab
    is fine. Tool-owned cells edited by hand stop the run (listed) unless ``force``. When the inputs need
    another structure of the tool sheets (another payer, more benefit periods), ``force`` is needed too: today's
    tool sheets are then grafted whole into the user's package (:func:`workbooks.upgrade.carried`). One run at a time per file (a lock file beside
    it); the previous file is kept as a backup with a name no other run can take.
    """
    path = book_to_replace(path, force=force)
    check_writable(path)
    with exclusive_lock(path), cycle_collection_paused():
        original = read_bytes(path)
        book = load(original, str(path))
        layout, runtime, lang = layout_of(book)
        titles = sheet_titles(book, lang)
        case = read_case(book)
        guidance = custom_properties(book).get("xlmodel_guidance") == "1"
        new = build_workbook(case, runtime=runtime, lang=lang, shape=layout.shape, guidance=guidance, titles=titles)
        restructured = new.layout.shape != layout.shape
        if restructured and not force:
            raise WorkbookError(str(path), f"indtastningerne kræver nu en anden opbygning af værktøjets ark ({structure_change(layout.shape, new.layout.shape)}), "
                                "så de bygges om, og ændringer i hånden i værktøjets celler kan ikke skelnes fra den nye opbygning. "
                                "Kør med --force for at bygge dem om (den gamle fil gemmes som sikkerhedskopi)")
        # What the tool writes for these inputs: any other difference in a tool-owned cell is a hand edit.
        edited = [] if restructured else edited_tool_cells(new, book)
        if edited and not force:
            shown = ", ".join(edited[:20]) + (f" (+{len(edited) - 20} flere)" if len(edited) > 20 else "")
            raise WorkbookError(str(path), f"{len(edited)} celler, som værktøjet ejer, er ændret i hånden: {shown}. Flyt ændringerne til indtastningscellerne, eller kør med --force for at overskrive dem")
        user_titles = tuple(ws.title for ws in book.worksheets if ws.title not in set(titles.values()))
        parts: tuple[str, ...] = ()
        moves: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        if restructured:  # today's tool sheets grafted whole into the user's package, as upgrade does
            from workbooks.upgrade import carried

            stored = (layout.shape.layout_version, layout.shape, runtime, lang)  # the book stays in its own layout
            done = carried(Package.read(original, str(path)), book, new, stored, titles, chain(layout.shape, layout.shape.layout_version), exact=None, name=str(path))
            data, moves = done.data, (done.repointed, done.unplaced)
        else:
            rebuilt = with_cached_values(new.workbook, custom_functions=runtime != "native", blocks=new.blocks)
            data, patch = patch_book(original, rebuilt, sheets=list(titles.values()), keep=new.inputs, name=str(path))
            parts = patch.parts
        load(data, "ny fil")  # the new file must read back before it replaces anything
        if read_bytes(path) != original:
            raise WorkbookError(str(path), "filen blev ændret af et andet program under genberegningen; intet er skrevet. Luk den i Excel og prøv igen")
        backup = replace_keeping_backup(path, original, data, now or dt.datetime.now())
    return RecalcReport(path, backup, tuple(edited), user_titles, rebuilt=restructured, parts=parts, repointed=moves[0], unplaced=moves[1])


def structure_change(old: Shape, new: Shape) -> str:
    """What changed between two shapes of a book, in a user's words.

    >>> structure_change(Shape(2021, 2022, ("job",), 1, 1, 0), Shape(2021, 2022, ("job",), 1, 1, 0, payers=("kommune", "stat", "region")))
    'betalere: kommune, stat → kommune, stat, region'
    """
    words = {"payers": "betalere", "split_outcomes": "effekter delt af refusionstrappen", "benefit_periods": "ydelsesperioder", "bands": "trin på refusionstrappen"}
    changes = []
    for key, word in words.items():
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            shown = [", ".join(map(str, v)) if isinstance(v, tuple) else str(v) for v in (before, after)]
            changes.append(f"{word}: {shown[0] or '–'} → {shown[1] or '–'}")
    return "; ".join(changes) or "arkenes opbygning"
