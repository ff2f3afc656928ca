"""Loaded by pytest before anything else: the tests run xlwings in its Office.js (server) mode.

xlwings picks its decorators when it is first imported (``XLWINGS_ON_SERVER``); set it later and
the server silently registers nothing. The plain-Python mode is tested in a subprocess.
"""

import os

from xlmodel_cli.serve_command import server_environment

for _key, _value in server_environment().items():
    os.environ.setdefault(_key, _value)

#: Runs under LibreOffice's own Python (it imports ``uno``); the tests drive it as a subprocess.
collect_ignore = ["workbooks/lo_uno.py"]
