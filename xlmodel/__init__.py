"""xlmodel: investment cases (investeringscases) for Danish municipal employment programmes.

The core (this package) is pure Python + numpy/pandas and knows nothing of Excel; the Excel
functions live in ``udfs``, the workbooks in ``workbooks`` and the command line in ``xlmodel_cli``.
The bundled example cases are found through :func:`xlmodel.bundled.bundled`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("xlmodel")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"

from xlmodel.casefile import load_case, loads_case, parse_case
from xlmodel.compute import CaseResult, compute_case, payback_year, savings_cost_ratio
from xlmodel.errors import CaseFileError, InvalidTypeError, InvalidValueError, XlmodelError
from xlmodel.model import Case, Cohort, CohortOutcome, CostItem, Fallback, Outcome, SavingsLine, StaffCost, Target
from xlmodel.published import PublishedFigure, compare
from xlmodel.rounding import excel_round

__all__ = [
    "Case",
    "CaseFileError",
    "CaseResult",
    "Cohort",
    "CohortOutcome",
    "CostItem",
    "Fallback",
    "InvalidTypeError",
    "InvalidValueError",
    "Outcome",
    "PublishedFigure",
    "SavingsLine",
    "StaffCost",
    "Target",
    "XlmodelError",
    "__version__",
    "compare",
    "compute_case",
    "excel_round",
    "load_case",
    "loads_case",
    "parse_case",
    "payback_year",
    "savings_cost_ratio",
]
