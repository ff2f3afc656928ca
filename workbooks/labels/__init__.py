"""Every text the workbooks show, in Danish (default) and English: ``da.toml`` and ``en.toml`` beside this
module (text as data: a translator edits them without touching code). Sheet names and the follow-up's
measure words are not here: books are read by them, so they belong to the layout (``workbooks.layout``,
``workbooks.followup_lines``)."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from xlmodel.rounding import danish_separators, format_kr, grouped

#: The languages a book can be written in: one TOML file each beside this module, with the same keys.
LANGUAGES = ("da", "en")


def _load(lang: str) -> dict[str, str]:
    return tomllib.loads(resources.files(__name__).joinpath(f"{lang}.toml").read_text(encoding="utf-8"))


LABELS: dict[str, dict[str, str]] = {lang: _load(lang) for lang in LANGUAGES}


def label(lang: str, key: str, **kwargs: Any) -> str:
    """The text ``key`` in ``lang``, formatted with ``kwargs``."""
    return LABELS[lang][key].format(**kwargs)


def format_amount(value: float, lang: str) -> str:
    """An amount in kr. the way the language writes it, rounded like Excel: ``1.090.000`` / ``1,090,000``.

    >>> format_amount(1090000.5, "da"), format_amount(-438500, "en")
    ('1.090.001', '-438,500')
    """
    return format_kr(value) if lang == "da" else grouped(value)


def format_percent(value: float, lang: str) -> str:
    """A probability as text the way the language writes it: ``97,3 %`` / ``97.3 %``.

    >>> format_percent(0.9734, "da"), format_percent(0.9734, "en")
    ('97,3 %', '97.3 %')
    """
    text = f"{100 * value:.1f} %"
    return danish_separators(text) if lang == "da" else text
