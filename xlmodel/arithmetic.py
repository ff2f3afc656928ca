"""The cohort arithmetic of ``docs/method/domain.md``, vectorised over cohorts × years.

Time runs in months: a month index is ``year * 12 + month - 1``. A group of ``net_persons`` has
its effect from the first day of month ``s`` (``effect_start``). For calendar year Y the group is
off benefits for::

    active(Y)       = overlap([s, ∞), [Y, Y+1))                       in years
    fallen_i(Y)     = overlap([max(f_i, s), ∞), [Y, Y+1))             in years
    person_years(Y) = net_persons * (active(Y) - Σ_i share_i * fallen_i(Y))
    savings(Y)      = unit_saving(Y) * person_years(Y)

Fall-back times ``f_i`` follow one of two conventions:

* exact (``fallback_month is None``): ``f_i = s + after_years_i``;
* fixed month: ``f_i = year(cohort_start) + after_years_i + (fallback_month - 1) / 12``.

``max(f_i, s)`` only matters when a fixed-month fall-back would come before the effect starts;
then nobody can fall back before they left benefits, so the fall-back starts with the effect.
Nothing is rounded here.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def fallback_months(
    effect_start: npt.ArrayLike,
    after_years: npt.ArrayLike,
    *,
    fallback_month: int | None = None,
    cohort_start: npt.ArrayLike | None = None,
) -> FloatArray:
    """Month index at which each fall-back happens, shape ``(n, k)``.

    ``effect_start`` and ``cohort_start`` have shape ``(n,)``; ``after_years`` ``(k,)`` or ``(n, k)``.

    >>> fallback_months([24255], [2, 4]).tolist()                     # exact: April 2021 + 2 and 4 years
    [[24279.0, 24303.0]]
    >>> fallback_months([24264], [2], fallback_month=4, cohort_start=[24261]).tolist()  # Jan 2022 effect, Oct 2021 course
    [[24279.0]]
    """
    start = np.asarray(effect_start, dtype=np.float64)[:, None]
    after = np.asarray(after_years, dtype=np.float64) * 12.0
    if after.ndim == 1:
        after = after[None, :]
    if fallback_month is None:
        return start + after
    anchor = start if cohort_start is None else np.asarray(cohort_start, dtype=np.float64)[:, None]
    anchor_year_start = np.floor(anchor / 12.0) * 12.0
    return anchor_year_start + after + (fallback_month - 1)


def person_years(
    net_persons: npt.ArrayLike,
    effect_start: npt.ArrayLike,
    years: npt.ArrayLike,
    fallback_shares: npt.ArrayLike | None = None,
    fallback_after_years: npt.ArrayLike | None = None,
    *,
    fallback_month: int | None = None,
    cohort_start: npt.ArrayLike | None = None,
    end: npt.ArrayLike | None = None,
) -> FloatArray:
    """Full-year persons off benefits (helårspersoner), shape ``(n cohorts, n years)``.

    ``end`` (month index per cohort, None = never): from then on nobody counts, stayer or not (the
    folkepension age ends an avoided førtidspension): each ``[from, ∞)`` becomes ``[from, max(from, end))``.

    ``net_persons``, ``effect_start`` (month index) and ``cohort_start`` are per cohort ``(n,)``;
    ``years`` is ``(Y,)``; ``fallback_shares`` and ``fallback_after_years`` are ``(k,)`` shared by
    all cohorts or ``(n, k)`` per cohort (pad with share 0).

    Ishøj, Hold 1: 3 net persons from April 2021, 10 % back after 2 and 4 years in April:

    >>> py = person_years([3], [2021 * 12 + 3], [2021, 2022, 2023, 2024, 2025, 2026],
    ...                   [0.1, 0.1], [2, 4], fallback_month=4, cohort_start=[2021 * 12])
    >>> py.round(6).tolist()
    [[2.25, 3.0, 2.775, 2.7, 2.475, 2.4]]
    """
    net = np.asarray(net_persons, dtype=np.float64)
    start = np.asarray(effect_start, dtype=np.float64)
    year_start = np.asarray(years, dtype=np.float64) * 12.0
    year_end = year_start + 12.0
    stop = np.full(start.shape, np.inf) if end is None else np.asarray(end, dtype=np.float64)
    active = _between_months(start[:, None], stop[:, None], year_start[None, :], year_end[None, :])

    fallbacks = fallback_times(net.shape[0], start, fallback_shares, fallback_after_years, fallback_month=fallback_month, cohort_start=cohort_start)
    if fallbacks is not None:
        shares, falls = fallbacks
        fallen = _between_months(falls[:, :, None], stop[:, None, None], year_start[None, None, :], year_end[None, None, :])
        # one fall-back after the other, as the workbook's formula does: the same last bit for one cohort
        # or a thousand (a matrix product may add in another order, or fused, depending on the shapes)
        for i in range(shares.shape[1]):
            active = active - shares[:, i, None] * fallen[:, i, :]
    return net[:, None] * active / 12.0


def fallback_times(
    n_cohorts: int,
    effect_start: npt.ArrayLike,
    fallback_shares: npt.ArrayLike | None,
    fallback_after_years: npt.ArrayLike | None,
    *,
    fallback_month: int | None = None,
    cohort_start: npt.ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray] | None:
    """The fall-back shares per cohort ``(n, k)`` and the month each happens ``(n, k)``, never before the
    effect starts (nobody falls back before leaving benefits); None without fall-backs.

    >>> shares, months = fallback_times(1, [24255], [0.1], [2])
    >>> shares.tolist(), months.tolist()
    ([[0.1]], [[24279.0]])
    """
    if fallback_shares is None or fallback_after_years is None:
        return None
    shares = np.asarray(fallback_shares, dtype=np.float64)
    if shares.ndim == 1:
        shares = np.broadcast_to(shares[None, :], (n_cohorts, shares.shape[0]))
    if not shares.shape[-1]:
        return None
    start = np.asarray(effect_start, dtype=np.float64)
    falls = fallback_months(start, fallback_after_years, fallback_month=fallback_month, cohort_start=cohort_start)
    return shares, np.maximum(falls, start[:, None])


def _between_months(from_month: FloatArray, end_month: FloatArray, year_start: FloatArray, year_end: FloatArray) -> FloatArray:
    """Months of ``[from_month, max(from_month, end_month))`` inside ``[year_start, year_end)``, broadcast
    (``end_month`` ∞: every month from ``from_month`` on)."""
    return np.clip(np.minimum(year_end, end_month) - np.maximum(year_start, from_month), 0.0, 12.0)
