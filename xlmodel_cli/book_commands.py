"""The commands of the workbook layer: ``build``, ``new``, ``recalc``, ``summary``, ``print`` and ``regenerate``.

``workbooks`` (openpyxl, formualizer) is imported inside each command, so ``xlmodel report`` starts
without it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xlmodel.errors import XlmodelError
from xlmodel_cli.common import EXIT_DIFFERENT, EXIT_OK, Subcommands, load_any_case, portfolio_sources


def _build(args: argparse.Namespace) -> int:
    from workbooks.pipeline import build_file  # the workbook layer loads only when asked for

    backup = build_file(Path(args.case), Path(args.output), runtime=args.runtime, lang=args.lang, force=args.force)
    kept = f"; den forrige fil er gemt som {backup.name}" if backup is not None else ""
    print(f"xlmodel: skrev {args.output} ({args.runtime}, {args.lang}){kept}")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from workbooks.pipeline import new_template

    new_template(Path(args.output), runtime=args.runtime, lang=args.lang, first_year=args.first_year, years=args.years)
    print(f"xlmodel: skrev skabelonen {args.output} ({args.runtime}, {args.lang})")
    return EXIT_OK


def _recalc(args: argparse.Namespace) -> int:
    from workbooks.pipeline import recalc

    report = recalc(Path(args.book), force=args.force)
    if report.forced_cells:
        print(f"xlmodel: overskrev {len(report.forced_cells)} håndredigerede celler (--force): {', '.join(report.forced_cells[:20])}")
    if report.rebuilt:
        print("xlmodel: værktøjets ark er bygget om (ny opbygning) og sat ind i din fil; dine indtastninger, kommentarer og resten af filen er taget med")
        for line in report.repointed:
            print(f"  henvisning flyttet: {line}")
        for line in report.unplaced:
            print(f"  ADVARSEL: har ingen plads i den nye opbygning (står uændret): {line}")
    else:
        print(f"xlmodel: skrev kun værktøjets celler og xlmodels egenskaber ({', '.join(report.parts)}); resten af filen er urørt")
    if report.user_sheets:
        print(f"xlmodel: dine egne ark er {'taget med' if report.rebuilt else 'urørte'}: {', '.join(report.user_sheets)}")
    print(f"xlmodel: genberegnede {report.path}; den forrige fil er gemt som {report.backup.name}")
    return EXIT_OK


def _summary(args: argparse.Namespace) -> int:
    from workbooks.files import check_output
    from workbooks.layout import SHEET_NAMES
    from workbooks.pipeline import render
    from workbooks.printing import OUTPUTS, print_book

    case_path = Path(args.case)
    check_output(Path(args.output), OUTPUTS)  # before the book is rendered: a wrong name fails at once
    if case_path.is_dir():  # the portfolio page: every case of the folder on one page
        from workbooks.portfolio_page import TITLE, portfolio_page_bytes
        from xlmodel.portfolio import run_portfolio

        result = run_portfolio(portfolio_sources([str(case_path)]))
        for name, message in result.errors:
            print(f"xlmodel: ikke med: {name}: {message}", file=sys.stderr)
        if not result.cases:
            raise XlmodelError(str(case_path), "ingen af filerne kunne læses som en case")
        pages = print_book(portfolio_page_bytes(result), Path(args.output), sheets=[TITLE], lang="da")
        print(f"xlmodel: skrev porteføljesiden til udvalget i {args.output} ({len(result.cases)} cases, {pages} side{'r' if pages != 1 else ''})")
        return EXIT_OK
    data = render(load_any_case(case_path), runtime="native", lang=args.lang, source_name=case_path.name)
    pages = print_book(data, Path(args.output), sheets=[SHEET_NAMES[args.lang]["summary"]], lang=args.lang)
    print(f"xlmodel: skrev resuméet til udvalget i {args.output} ({pages} side{'r' if pages != 1 else ''})")
    return EXIT_OK


def _print(args: argparse.Namespace) -> int:
    from workbooks.files import check_output, load, read_bytes
    from workbooks.pipeline import render
    from workbooks.printing import OUTPUTS, print_book
    from workbooks.results import custom_properties

    source = Path(args.source)
    check_output(Path(args.output), OUTPUTS)  # before the book is rendered or read: a wrong name fails at once
    if source.suffix.lower() == ".toml":
        data, lang = render(load_any_case(source), runtime="native", lang=args.lang, source_name=source.name), args.lang
    else:
        data = read_bytes(source)
        lang = custom_properties(load(data, str(source))).get("xlmodel_lang", args.lang)
    pages = print_book(data, Path(args.output), sheets=args.sheet, lang=lang if lang in ("da", "en") else "da")
    print(f"xlmodel: skrev {args.output} ({pages} side{'r' if pages != 1 else ''}{'; billedet er første side' if args.output.lower().endswith('.png') else ''})")
    return EXIT_OK


def _regenerate(args: argparse.Namespace) -> int:
    from workbooks.pipeline import ROOT, regenerate

    root = Path(args.root) if args.root else ROOT
    problems = regenerate(root, check=args.check)
    if args.check and problems:
        print(f"xlmodel: {len(problems)} forskelle mellem de committede regneark og en ny bygning:", file=sys.stderr)
        for problem in problems[:100]:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_DIFFERENT
    print("xlmodel: alle regneark svarer til case-filerne" if args.check else f"xlmodel: byggede regnearkene under {root / 'examples'}")
    return EXIT_OK


def _extract(args: argparse.Namespace) -> int:
    from workbooks.extract import extract

    case = extract(Path(args.book), Path(args.output), force=args.force)
    print(f"xlmodel: skrev casen «{case.title}» fra {args.book} til {args.output} ({len(case.cohorts)} hold, {len(case.outcomes)} effekter, {len(case.costs)} udgiftslinjer)")
    return EXIT_OK


def _upgrade(args: argparse.Namespace) -> int:
    from workbooks.layout import LAYOUT_VERSION
    from workbooks.upgrade import upgrade

    report = upgrade(Path(args.book), None if args.output is None else Path(args.output), refresh_parameters=args.refresh_parameters, force=args.force)
    print(f"xlmodel: regnearkslayout {report.source_layout} → {LAYOUT_VERSION}")
    for step in report.steps:
        print(f"  {step}")
    print(f"xlmodel: {report.inputs} udfyldte indtastningsceller ført med")
    if report.user_sheets:
        print(f"xlmodel: dine egne ark er ført med: {', '.join(report.user_sheets)}")
    for line in report.hand_edits:
        print(f"  rettelse i hånden ført med: {line}")
    for line in report.repointed:
        print(f"  henvisning flyttet: {line}")
    for line in report.carried:
        print(f"  din indstilling på værktøjets ark ført med: {line}")
    for line in report.unplaced:
        print(f"  ADVARSEL: har ingen plads i det nye layout (står uændret): {line}")
    print("xlmodel: beregnet med " + (f"satserne kendt {report.pinned} (bogens egne)" if report.pinned else "dagens satser (--refresh-parameters)"))
    for line in report.satser:
        print(f"  sats forskellig fra i dag: {line}")
    where = f"; den forrige fil er gemt som {report.backup.name}" if report.backup is not None else ""
    print(f"xlmodel: skrev {report.path}{where}")
    return EXIT_OK


def register(commands: Subcommands) -> None:
    """Add ``build``, ``new``, ``recalc``, ``summary``, ``print``, ``regenerate``, ``extract`` and ``upgrade``."""
    build = commands.add_parser("build", help="byg et budgetregneark for en case")
    build.add_argument("case", metavar="CASE.toml")
    build.add_argument("-o", "--output", required=True, metavar="BOOK.xlsx")
    build.add_argument("--runtime", choices=("officejs", "com", "native"), default="officejs", help="formler til xlwings Server (officejs), Windows-xlwings (com) eller kun indbyggede funktioner (native)")
    build.add_argument("--lang", choices=("da", "en"), default="da")
    build.add_argument("--force", action="store_true", help="byg en ny bog oven i en eksisterende (den gamle gemmes som sikkerhedskopi)")
    build.set_defaults(run=_build)

    new = commands.add_parser("new", help="skriv en tom skabelon til en ny case")
    new.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    new.add_argument("--runtime", choices=("officejs", "com", "native"), default="officejs")
    new.add_argument("--lang", choices=("da", "en"), default="da")
    new.add_argument("--first-year", type=int, help="første budgetår (standard: skabelonens)")
    new.add_argument("--years", type=int, help="antal år i tidshorisonten (standard: 6)")
    new.set_defaults(run=_new)

    recalc = commands.add_parser("recalc", help="læs indtastningerne i et regneark, genberegn og gem (med sikkerhedskopi)")
    recalc.add_argument("book", metavar="BOOK.xlsx")
    recalc.add_argument("--force", action="store_true", help="overskriv håndredigerede celler, som værktøjet ejer")
    recalc.set_defaults(run=_recalc)

    summary = commands.add_parser("summary", help="skriv resuméet til udvalget (én side) som PDF eller PNG")
    summary.add_argument("case", metavar="CASE.toml|BOOK.xlsx|MAPPE", help="en case, et regneark, eller en mappe: én porteføljeside over alle dens cases")
    summary.add_argument("-o", "--output", required=True, metavar="FILE.pdf|FILE.png")
    summary.add_argument("--lang", choices=("da", "en"), default="da")
    summary.set_defaults(run=_summary)

    printing = commands.add_parser("print", help="skriv et regneark (eller udvalgte ark) som PDF eller PNG, som det ser ud på papir")
    printing.add_argument("source", metavar="BOOK.xlsx|CASE.toml")
    printing.add_argument("-o", "--output", required=True, metavar="FILE.pdf|FILE.png")
    printing.add_argument("--sheet", action="append", metavar="ARK", help="kun dette ark (kan gentages), fx --sheet Budget")
    printing.add_argument("--lang", choices=("da", "en"), default="da", help="sprog, når kilden er en case-fil")
    printing.set_defaults(run=_print)

    upgrade = commands.add_parser("upgrade", help="før et regneark fra en tidligere udgave af xlmodel over i dagens layout (indtastninger, egne ark og henvisninger med)")
    upgrade.add_argument("book", metavar="BOOK.xlsx")
    upgrade.add_argument("-o", "--output", metavar="NY.xlsx", help="skriv hertil (den gamle fil røres ikke); uden: på stedet, med sikkerhedskopi")
    upgrade.add_argument("--refresh-parameters", action="store_true", help="beregn med dagens satser i stedet for bogens egne")
    upgrade.add_argument("--force", action="store_true", help="skriv oven i en eksisterende -o-fil (med sikkerhedskopi), eller trods en ejerfil fra Excel")
    upgrade.set_defaults(run=_upgrade)

    regenerate = commands.add_parser("regenerate", help="byg alle regneark under examples/ fra cases/*.toml")
    regenerate.add_argument("--check", action="store_true", help="sammenlign med de committede filer i stedet for at skrive")
    regenerate.add_argument("--root", help=argparse.SUPPRESS)
    regenerate.set_defaults(run=_regenerate)

    extract = commands.add_parser("extract", help="skriv et regnearks indtastninger som en case-fil (TOML), fx til versionsstyring")
    extract.add_argument("book", metavar="BOOK.xlsx")
    extract.add_argument("-o", "--output", required=True, metavar="CASE.toml")
    extract.add_argument("--force", action="store_true", help="overskriv en eksisterende case-fil")
    extract.set_defaults(run=_extract)
