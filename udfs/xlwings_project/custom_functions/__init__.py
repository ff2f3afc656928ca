"""xlwings Server imports this package from its project directory; it serves xlmodel's functions."""

from udfs import *  # noqa: F403
from udfs import __all__  # noqa: F401
