"""``xlmodel serve``: the Excel functions (the ``udfs`` package) over xlwings Server, for Excel on the web and Office.js."""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
from pathlib import Path

from xlmodel.errors import XlmodelError
from xlmodel_cli.common import EXIT_OK, Subcommands, whole_number

#: The Excel namespace of the functions under xlwings Server: =XLMODEL.SAVINGS(...).
FUNCTIONS_NAMESPACE = "XLMODEL"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


#: A public address as the add-in's manifest needs it: a host name or address, optionally with a port.
_ADDRESS = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")


def public_address(given: str | None, host: str, port: int, *, prod: bool) -> str:
    """The address the add-in's manifest points Excel to (``https://ADDRESS/...``): ``--public-address``, else
    ``localhost:PORT`` for a server on this machine. Never the Host header of a request, which anyone can set.

    >>> public_address(None, "127.0.0.1", 8000, prod=False)
    'localhost:8000'
    >>> public_address("xlmodel.kommune.dk", "0.0.0.0", 8000, prod=True)
    'xlmodel.kommune.dk'
    """
    if given is not None:
        if not _ADDRESS.match(given):
            raise XlmodelError("--public-address", "skriv værtsnavnet (og evt. port) uden https:// og uden sti, fx xlmodel.kommune.dk eller xlmodel.kommune.dk:8443", value=given)
        return given
    if host in LOOPBACK:
        return f"localhost:{port}"
    if prod:
        raise XlmodelError("--public-address", f"serveren lytter på {host}; angiv den adresse, brugerne når den på (fx xlmodel.kommune.dk), så tilføjelsesprogrammets manifest peger dertil")
    print(f"xlmodel serve: ADVARSEL: ingen --public-address; manifestet peger på {host}:{port}", file=sys.stderr)
    return f"{host}:{port}"


def server_environment(*, prod: bool = False, address: str | None = None) -> dict[str, str]:
    """Environment for xlwings Server serving ``udfs``: set before xlwings is first imported; ``address``: the
    public address the manifest names (``XLWINGS_HOSTNAME``).

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
    } | ({"XLWINGS_HOSTNAME": address} if address else {})


def _serve(args: argparse.Namespace) -> int:
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
    address = public_address(args.public_address, args.host, args.port, prod=args.prod)
    if "xlwings" in sys.modules:
        raise XlmodelError("serve", "xlwings er allerede importeret; start serveren i en ny proces")
    os.environ.update(server_environment(prod=args.prod, address=address))
    if args.processes is not None:
        os.environ["XLMODEL_SERVER_PROCESSES"] = str(args.processes)
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



def register(commands: Subcommands) -> None:
    """Add ``serve``."""
    serve = commands.add_parser("serve", help="start xlwings Server med Excel-funktionerne (navnerum XLMODEL)")
    serve.add_argument("--host", default="127.0.0.1", help="adresse (standard: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (standard: 8000)")
    serve.add_argument("--prod", action="store_true", help="produktionsindstillinger (ingen fejldetaljer, mindre logning)")
    serve.add_argument("--ssl-keyfile", help="TLS-nøgle (Excel kræver HTTPS)")
    serve.add_argument("--ssl-certfile", help="TLS-certifikat")
    serve.add_argument("--public-address", help="adressen brugerne når serveren på (fx xlmodel.kommune.dk); tilføjelsesprogrammets manifest peger dertil (standard: localhost:PORT)")
    serve.add_argument("--processes", type=whole_number(1, 64), help="processer, der regner de store kald, så små kald fra kolleger aldrig venter (standard: CPU'er − 1)")
    serve.add_argument("--workers", type=int, default=None, help="antal serverprocesser (standard: 1)")
    serve.add_argument("--auth-in-front", action="store_true", help="login håndteres af en proxy foran serveren (kræves med --prod og en ikke-lokal --host uden Entra ID)")
    serve.set_defaults(run=_serve)
