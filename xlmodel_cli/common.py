"""What every command shares: the exit codes and the type of the sub-command table."""

from __future__ import annotations

import argparse
from typing import TypeAlias

#: 0: done; 1: ``regenerate --check`` found differences; 2: bad input (one line on stderr, no traceback).
EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT = 0, 1, 2

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
