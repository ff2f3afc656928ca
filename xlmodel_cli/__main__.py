"""``python -m xlmodel_cli ...``: the same as the ``xlmodel`` command."""

import sys

from xlmodel_cli import main

sys.exit(main())
