"""xlmodel's Excel functions (xlwings): =SAVINGS(), =PERSON_YEARS(), =DEADWEIGHT() and friends.

Serves classic COM UDFs (``UDF_MODULES=udfs``), xlwings Server (Office.js) and xlwings Lite from
one module. Import it only after ``XLWINGS_ON_SERVER`` is set where that runtime is wanted: xlwings
picks its decorators when it is first imported.
"""

import importlib.util
import sys

import xlwings.utils


def _never_jsnull(value: object) -> bool:
    """Outside Pyodide nothing is Pyodide's JsNull: what xlwings.utils.is_jsnull returns there."""
    return False


# Speed: xlwings (pinned 0.37.8) checks every input cell with xlwings.utils.is_jsnull, which tries
# `from pyodide.ffi import JsNull` each time. Outside Pyodide that import fails, Python does not
# cache failed imports, and each cell costs ~15 µs (45 ms for a 1,000-cohort call). Where Pyodide
# is absent the answer is always False, so the same answer is given without the import. xlwings
# Lite (Pyodide) keeps the original.
if sys.platform != "emscripten" and importlib.util.find_spec("pyodide") is None:
    xlwings.utils.is_jsnull = _never_jsnull

from udfs.functions import (  # noqa: E402
    FUNCTIONS,
    benefit_rate,
    break_even_factor,
    cumulative_net,
    deadweight,
    discounted_net,
    net_gain,
    net_result,
    payback_probability,
    payback_year,
    person_years,
    realisation,
    refusion_rate,
    revised_forecast,
    savings,
    savings_by_payer,
    savings_cost_ratio,
    staff_cost,
    staff_cost_hours,
    status,
    switching_value,
    tax_gain,
    write_down,
)

__all__ = [
    "FUNCTIONS",
    "benefit_rate",
    "break_even_factor",
    "cumulative_net",
    "deadweight",
    "discounted_net",
    "net_gain",
    "net_result",
    "payback_probability",
    "payback_year",
    "person_years",
    "realisation",
    "refusion_rate",
    "revised_forecast",
    "savings",
    "savings_by_payer",
    "savings_cost_ratio",
    "staff_cost",
    "staff_cost_hours",
    "status",
    "switching_value",
    "tax_gain",
    "write_down",
]
