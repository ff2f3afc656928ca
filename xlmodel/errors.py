"""One error hierarchy for everything xlmodel rejects on purpose.

Every error names the field (and the cohort or year where it matters), the value received and
what is allowed, so a finance person can fix the input without reading code. The subclasses are
also ``ValueError`` / ``TypeError`` so callers that only know the builtins still catch them.

>>> err = InvalidValueError("share", "en andel ligger mellem 0 og 1 — mente du 0.25?", value=25)
>>> str(err)
'share: en andel ligger mellem 0 og 1 — mente du 0.25? (fik 25)'
>>> str(err.within('outcomes[0] "job"'))
'outcomes[0] "job".share: en andel ligger mellem 0 og 1 — mente du 0.25? (fik 25)'
"""

from __future__ import annotations

from typing import Any, Self

_MISSING: Any = object()
#: A value shown in a message is cut after this many characters (a 10,000-digit number, a whole file).
MAX_SHOWN = 80


class XlmodelError(Exception):
    """Base class: a named field received a value that is not allowed.

    ``field`` is the dotted path of the field (``cohorts[2] "Hold 3".outcomes.job.deadweight``),
    ``problem`` says what is allowed, ``value`` is what was received (if any).
    """

    def __init__(self, field: str, problem: str, *, value: Any = _MISSING) -> None:
        self.field = field
        self.problem = problem
        self.value = value
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.field}: {self.problem}" if self.field else self.problem
        if self.value is not _MISSING:
            shown = repr(self.value)
            text += f" (fik {shown if len(shown) <= MAX_SHOWN else shown[:MAX_SHOWN] + '…'})"
        return text

    def within(self, prefix: str) -> Self:
        """The same error with ``prefix`` put in front of the field path."""
        field = f"{prefix}.{self.field}" if self.field else prefix
        return type(self)(field, self.problem, value=self.value)

    def __reduce__(self) -> tuple[Any, ...]:  # keep pickling working with keyword-only value
        return (_rebuild, (type(self), self.field, self.problem, self.value))


def _rebuild(cls: type[XlmodelError], field: str, problem: str, value: Any) -> XlmodelError:
    return cls(field, problem, value=value)


class InvalidValueError(XlmodelError, ValueError):
    """A value of the right kind but outside what is allowed (negative count, share above 1, ...)."""


class InvalidTypeError(XlmodelError, TypeError):
    """A value of the wrong kind (text where a number belongs, a list where a number belongs, ...)."""


class CaseFileError(XlmodelError, ValueError):
    """A case file that cannot be read or does not follow the case-file schema."""
