"""The ``xlmodel`` command line.

``xlmodel report CASE.toml [CASE.toml ...] [--format table|json|csv]``
``xlmodel parameters [NAME] [--date YYYY-MM-DD] [--format table|json]``
``xlmodel portfolio CASES... [--generate N] [--draws N] [--seed S] [--format table|json|csv] [-o BOOK.xlsx] [--dask [ADDRESS]]``
``xlmodel serve [--host 127.0.0.1] [--port 8000] [--prod] [--ssl-keyfile K --ssl-certfile C]``
``xlmodel build CASE.toml -o BOOK.xlsx [--runtime officejs|com|native] [--lang da|en]``
``xlmodel new -o FILE.xlsx [--runtime ...] [--lang da|en] [--first-year Y] [--years N]``
``xlmodel recalc BOOK.xlsx [--force]``
``xlmodel summary CASE.toml -o SUMMARY.pdf|.png [--lang da|en]``
``xlmodel print BOOK.xlsx|CASE.toml -o FILE.pdf|.png [--sheet NAME ...] [--lang da|en]``
``xlmodel regenerate [--check]``

Bad input gives one clear message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

from xlmodel import __version__, validate
from xlmodel.casefile import load_case
from xlmodel.compute import compute_case
from xlmodel.errors import XlmodelError
from xlmodel.parameters import UNIT_TEXT, Parameters
from xlmodel.report import portfolio_text, report_csv, report_dict, report_table, to_json

EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT = 0, 1, 2


def _report(args: argparse.Namespace) -> int:
    results = [compute_case(load_case(path)) for path in args.cases]
    if args.format == "json":
        data = [report_dict(r) for r in results]
        print(to_json(data[0] if len(data) == 1 else data))
    elif args.format == "csv":
        texts = [report_csv(r) for r in results]
        print(texts[0] + "".join(t.split("\r\n", 1)[1] for t in texts[1:]), end="")
    else:
        print("\n".join(report_table(r) for r in results), end="")
    return EXIT_OK


def _parameters(args: argparse.Namespace) -> int:
    """List the shipped parameters: every value with its source, or the value on ``--date``."""
    parameters = Parameters()
    names = [args.name] if args.name else parameters.names
    on = None if args.date is None else validate.date("--date", args.date)
    out: list[dict[str, object]] = []
    for name in names:
        parameter = parameters.get(name, "NAME")
        entries = parameter.values if on is None else (parameters.value_at(name, on, "--date"),)
        out.append({
            "name": name, "description": parameter.description, "unit": parameter.unit,
            "values": [
                {"date": e.date.isoformat(), "value": e.value, "weeks": list(e.weeks) or None, "rates": list(e.rates) or None, "successor": e.successor,
                 "shown": e.shown, "reference": e.reference, "secondary": e.secondary, "assumption": e.assumption, "note": e.note, "added": e.added.isoformat()}
                for e in entries
            ],
        })
    if args.format == "json":
        print(to_json(out if not args.name else out[0]))
        return EXIT_OK
    for item in out:
        print(f"{item['name']} ({UNIT_TEXT.get(str(item['unit']), item['unit'])}): {item['description']}")
        for value in item["values"]:  # type: ignore[attr-defined]
            flags = ", ".join(flag for flag, on_ in (("sekundær kilde", value["secondary"]), ("antagelse", value["assumption"])) if on_)
            shown = value["shown"] or "(ingen værdi)"
            print(f"  fra {value['date']}: {shown}{f' [{flags}]' if flags else ''}")
            print(f"    kilde: {value['reference']}")
            if args.name:
                print(textwrap.fill(value["note"], width=110, initial_indent="    ", subsequent_indent="    "))
        print()
    return EXIT_OK


def _portfolio(args: argparse.Namespace) -> int:
    """Every case of a portfolio computed together (one process, or Dask), as a table, JSON or CSV, and a workbook."""
    from xlmodel.portfolio import run_portfolio, run_portfolio_dask, text_progress

    if not args.cases and not args.generate:
        raise XlmodelError("CASES", "angiv case-filer eller mapper, eller --generate N")
    options = {"generate": args.generate, "draws": args.draws, "seed": args.seed, "chunk": args.chunk}
    show = text_progress("xlmodel portfolio") if args.progress or args.dask is not None else None
    if args.dask is not None:
        result = run_portfolio_dask(args.cases, address=args.dask or None, workers=args.workers, progress=show, **options)
    else:
        result = run_portfolio(args.cases, progress=show, **options)
    if args.output:
        from workbooks.portfolio_book import write_portfolio_workbook

        write_portfolio_workbook(result, Path(args.output))
    print(portfolio_text(result, args.format), end="")
    for name, message in result.errors:
        print(f"xlmodel: fejl i {name}: {message}", file=sys.stderr)
    return EXIT_OK if result.cases else EXIT_BAD_INPUT


#: The Excel namespace of the functions under xlwings Server: =XLMODEL.SAVINGS(...).
FUNCTIONS_NAMESPACE = "XLMODEL"


def server_environment(*, prod: bool = False) -> dict[str, str]:
    """Environment for xlwings Server serving ``udfs``: set before xlwings is first imported.

    The licence defaults to the PolyForm Noncommercial key (covers public institutions); a
    municipality with a commercial key sets ``XLWINGS_LICENSE_KEY`` itself.
    """
    spec = importlib.util.find_spec("udfs")  # locate without importing (importing would load xlwings)
    if spec is None or not spec.submodule_search_locations:
        raise XlmodelError("udfs", "Excel-funktionerne (pakken udfs) er ikke installeret")
    project = Path(next(iter(spec.submodule_search_locations))) / "xlwings_project"
    return {
        "XLWINGS_ON_SERVER": "true",
        "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial"),
        "XLWINGS_PROJECT_DIR": str(project),
        "XLWINGS_FUNCTIONS_NAMESPACE": FUNCTIONS_NAMESPACE,
        "XLWINGS_ENVIRONMENT": "prod" if prod else "dev",
        "XLWINGS_ENABLE_EXAMPLES": "false",
        "XLWINGS_ENABLE_HOTRELOAD": "false",
    }


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _serve(args: argparse.Namespace) -> int:
    if "xlwings" in sys.modules:
        raise XlmodelError("serve", "xlwings er allerede importeret; start serveren i en ny proces")
    if (args.ssl_keyfile is None) != (args.ssl_certfile is None):
        raise XlmodelError("--ssl-keyfile/--ssl-certfile", "angiv begge eller ingen af dem")
    exposed = args.host not in LOOPBACK
    authenticated = bool(os.environ.get("XLWINGS_AUTH_PROVIDERS", "").strip("[] \"'"))
    if exposed and not authenticated and not args.auth_in_front:
        if args.prod:
            raise XlmodelError(
                "--host",
                f"{args.host} gør funktionerne tilgængelige for andre maskiner uden login. Slå Entra ID til "
                "(XLWINGS_AUTH_PROVIDERS='[\"entraid\"]' med XLWINGS_AUTH_ENTRAID_CLIENT_ID og XLWINGS_AUTH_ENTRAID_TENANT_ID), "
                "eller angiv --auth-in-front, hvis en proxy foran serveren kræver login",
            )
        print("xlmodel serve: ADVARSEL: serveren lytter på " + args.host + " uden login; alle på netværket kan kalde funktionerne. "
              "Brug kun dette til test.", file=sys.stderr)
    os.environ.update(server_environment(prod=args.prod))
    import uvicorn

    if args.ssl_keyfile is None:
        print("xlmodel serve: kører over HTTP. Excel (Office.js) kræver HTTPS: brug --ssl-keyfile/--ssl-certfile "
              "eller en HTTPS-proxy foran serveren.", file=sys.stderr)
    uvicorn.run(
        "udfs.server:main_app",
        host=args.host,
        port=args.port,
        ssl_keyfile=args.ssl_keyfile,
        ssl_certfile=args.ssl_certfile,
        log_level="warning" if args.prod else "info",
        workers=args.workers,
    )
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from workbooks.pipeline import build_file  # the workbook layer loads only when asked for

    build_file(Path(args.case), Path(args.output), runtime=args.runtime, lang=args.lang)
    print(f"xlmodel: skrev {args.output} ({args.runtime}, {args.lang})")
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
    if report.user_sheets:
        print(f"xlmodel: dine egne ark er taget med: {', '.join(report.user_sheets)}")
    print(f"xlmodel: genberegnede {report.path}; den forrige fil er gemt som {report.backup.name}")
    return EXIT_OK


def _summary(args: argparse.Namespace) -> int:
    from workbooks.files import check_output
    from workbooks.layout import SHEET_NAMES
    from workbooks.pipeline import render
    from workbooks.printing import OUTPUTS, print_book

    case_path = Path(args.case)
    check_output(Path(args.output), OUTPUTS)  # before the book is rendered: a wrong name fails at once
    data = render(load_case(case_path), runtime="native", lang=args.lang, source_name=case_path.name)
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
        data, lang = render(load_case(source), runtime="native", lang=args.lang, source_name=source.name), args.lang
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
    print("xlmodel: alle regneark svarer til case-filerne" if args.check else f"xlmodel: byggede regnearkene under {root / 'built'}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlmodel",
        description="Investeringscases for beskæftigelsesindsatser: beregn, rapportér og byg regneark.",
    )
    parser.add_argument("--version", action="version", version=f"xlmodel {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    report = commands.add_parser("report", help="beregn en eller flere cases og vis resultatet")
    report.add_argument("cases", nargs="+", metavar="CASE.toml", help="case-fil(er) i TOML")
    report.add_argument("--format", choices=("table", "json", "csv"), default="table", help="udskriftsformat (standard: table)")
    report.set_defaults(run=_report)

    params = commands.add_parser("parameters", help="vis satser og regler (refusion, ydelser) med værdier og kilder")
    params.add_argument("name", nargs="?", metavar="NAME", help="én parameter, fx kontanthjaelp.over_30_andre (alle værdier og noter)")
    params.add_argument("--date", metavar="YYYY-MM-DD", help="kun værdien på denne dato")
    params.add_argument("--format", choices=("table", "json"), default="table")
    params.set_defaults(run=_parameters)

    portfolio = commands.add_parser("portfolio", help="beregn en portefølje af cases samlet (pr. år og betaler, NPV, Monte Carlo), evt. på Dask")
    portfolio.add_argument("cases", nargs="*", metavar="CASES", help="case-filer og/eller mapper med *.toml")
    portfolio.add_argument("--generate", type=int, default=0, metavar="N", help="læg N syntetiske cases til (benchmark af en national portefølje)")
    portfolio.add_argument("--draws", type=int, default=1000, help="Monte Carlo-træk (standard: 1000)")
    portfolio.add_argument("--seed", type=int, default=20261124, help="porteføljens seed (standard: 20261124)")
    portfolio.add_argument("--format", choices=("table", "json", "csv"), default="table")
    portfolio.add_argument("-o", "--output", metavar="BOOK.xlsx", help="skriv også et porteføljeregneark med diagrammer")
    portfolio.add_argument("--dask", nargs="?", const="", metavar="ADDRESS", help="kør på Dask: uden adresse en LocalCluster her, ellers schedulerens adresse (tcp://...)")
    portfolio.add_argument("--workers", type=int, help="antal processer i LocalCluster (standard: antal kerner)")
    portfolio.add_argument("--chunk", type=int, default=250, help="cases pr. opgave (standard: 250)")
    portfolio.add_argument("--progress", action="store_true", help="vis en fremdriftslinje på stderr")
    portfolio.set_defaults(run=_portfolio)

    serve = commands.add_parser("serve", help="start xlwings Server med Excel-funktionerne (navnerum XLMODEL)")
    serve.add_argument("--host", default="127.0.0.1", help="adresse (standard: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (standard: 8000)")
    serve.add_argument("--prod", action="store_true", help="produktionsindstillinger (ingen fejldetaljer, mindre logning)")
    serve.add_argument("--ssl-keyfile", help="TLS-nøgle (Excel kræver HTTPS)")
    serve.add_argument("--ssl-certfile", help="TLS-certifikat")
    serve.add_argument("--workers", type=int, default=None, help="antal serverprocesser (standard: 1)")
    serve.add_argument("--auth-in-front", action="store_true", help="login håndteres af en proxy foran serveren (kræves med --prod og en ikke-lokal --host uden Entra ID)")
    serve.set_defaults(run=_serve)

    build = commands.add_parser("build", help="byg et budgetregneark for en case")
    build.add_argument("case", metavar="CASE.toml")
    build.add_argument("-o", "--output", required=True, metavar="BOOK.xlsx")
    build.add_argument("--runtime", choices=("officejs", "com", "native"), default="officejs", help="formler til xlwings Server (officejs), Windows-xlwings (com) eller kun indbyggede funktioner (native)")
    build.add_argument("--lang", choices=("da", "en"), default="da")
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
    summary.add_argument("case", metavar="CASE.toml")
    summary.add_argument("-o", "--output", required=True, metavar="FILE.pdf|FILE.png")
    summary.add_argument("--lang", choices=("da", "en"), default="da")
    summary.set_defaults(run=_summary)

    printing = commands.add_parser("print", help="skriv et regneark (eller udvalgte ark) som PDF eller PNG, som det ser ud på papir")
    printing.add_argument("source", metavar="BOOK.xlsx|CASE.toml")
    printing.add_argument("-o", "--output", required=True, metavar="FILE.pdf|FILE.png")
    printing.add_argument("--sheet", action="append", metavar="ARK", help="kun dette ark (kan gentages), fx --sheet Budget")
    printing.add_argument("--lang", choices=("da", "en"), default="da", help="sprog, når kilden er en case-fil")
    printing.set_defaults(run=_print)

    regenerate = commands.add_parser("regenerate", help="byg alle regneark under workbooks/ fra workbooks/cases/*.toml")
    regenerate.add_argument("--check", action="store_true", help="sammenlign med de committede filer i stedet for at skrive")
    regenerate.add_argument("--root", help=argparse.SUPPRESS)
    regenerate.set_defaults(run=_regenerate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except XlmodelError as exc:
        print(f"xlmodel: fejl: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. `xlmodel report ... | head`
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
