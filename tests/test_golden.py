"""Golden tests from the seed documents (see docs/method/domain.md, "Figures in the seed documents").

Expected values are either worked out here from the stated assumptions (the cohort arithmetic by
hand) or are the published figures themselves; where the two disagree, the model must follow the
assumptions and the comparison must list the disagreement.
"""

from __future__ import annotations

import pytest

from xlmodel import CaseResult, compare, excel_round

JOB, FLEX = 146_000, 45_000


def _ishoej_job_by_hand(net: int, effect: float, start_year: int, year: int) -> float:
    """domain.md by hand: active(Y) minus 10 % falling back in April of start_year+2 and start_year+4."""
    active = max(0.0, year + 1 - max(year, effect))
    fallen = sum(0.1 * max(0.0, year + 1 - max(year, f)) for f in (start_year + 2 + 3 / 12, start_year + 4 + 3 / 12))
    return net * (active - fallen) * JOB


@pytest.mark.parametrize(
    ("cohort", "net", "effect", "start_year"),
    [
        ("Hold 1", 3, 2021 + 3 / 12, 2021),
        ("Hold 2", 2, 2021 + 6 / 12, 2021),
        ("Hold 3", 3, 2021 + 9 / 12, 2021),
        ("Hold 4", 2, 2022.0, 2021),
        ("Hold 5", 3, 2022 + 3 / 12, 2022),
        ("Hold 8", 2, 2023.0, 2022),
    ],
)
def test_ishoej_job_savings_follow_the_arithmetic(ishoej: CaseResult, cohort: str, net: int, effect: float, start_year: int) -> None:
    model = ishoej.cohort_figure(cohort, "job")
    expected = [_ishoej_job_by_hand(net, effect, start_year, y) for y in range(2021, 2027)]
    assert model == pytest.approx(expected, abs=1e-6)


def test_ishoej_known_values(ishoej: CaseResult) -> None:
    # Hold 1 job 2021: 3 persons × 9/12 × 146,000 = 328,500 → 329 in 1,000 kr. (Excel), not 328 (Python).
    assert ishoej.cohort_figure("Hold 1", "job")[0] == pytest.approx(328_500)
    assert excel_round(328_500 / 1000) == 329
    # Hold 3 flexjob 2021: 1 person × 3/12 × 45,000 = 11,250.
    assert ishoej.cohort_figure("Hold 3", "flexjob")[0] == pytest.approx(11_250)
    # Steady state: (3+2+3+2) net × 0.8 × 146,000 + 4 × 45,000 per year of cohorts, two years of cohorts.
    assert ishoej.steady_state_saving == pytest.approx(2 * (10 * 0.8 * JOB + 4 * FLEX))


def test_ishoej_every_cohort_figure_2021_to_2025_is_as_printed(ishoej: CaseResult) -> None:
    cohort_figures = [f for f in ishoej.case.published if f.figure == "cohort_savings"]
    assert len(cohort_figures) == 16
    deviations = compare(ishoej, tuple(cohort_figures)).deviations
    assert all(d.where.endswith("2026") for d in deviations), deviations
    # and the printed totals for 2021-2025 too
    totals = [f for f in ishoej.case.published if f.figure == "savings"]
    assert all(d.where.endswith("2026") for d in compare(ishoej, tuple(totals)).deviations)


def test_ishoej_deviations_are_reported_cell_by_cell(ishoej: CaseResult) -> None:
    deviations = {d.where: d for d in compare(ishoej).deviations}
    hold1 = deviations["Besparelse, 1.000 kr. · Hold 1 · job · 2026"]
    assert (hold1.published, hold1.model, hold1.difference) == (263, 350, 87)
    assert hold1.model_exact == pytest.approx(3 * 0.8 * JOB / 1000)
    assert "Besparelse, 1.000 kr. · Hold 3 · job · 2026" in deviations
    assert deviations["Besparelse i alt, 1.000 kr. · 2026"].model == 2733
    claim = deviations["Besparelse de næste 4 år efter endt indsats, mio. kr. · 2023–2026"]
    assert (claim.published, claim.model) == (11.6, 11.8)
    assert len(deviations) == 4


def test_ishoej_key_figures(ishoej: CaseResult) -> None:
    project = next(p for p in ishoej.periods if p.name == "projektperiode")
    assert project.savings == pytest.approx(2_943_000)  # ≈ 2.94 mio. kr.
    assert project.costs == pytest.approx(2 * 520_000 * 2 + 100_000)  # 2.18 mio. kr.
    assert ishoej.payback_year == 2022  # the second project year
    assert excel_round(ishoej.steady_state_saving / 1e6, 1) == 2.7


def test_ballerup_net_and_payback(ballerup: CaseResult) -> None:
    assert (ballerup.yearly["net"] / 1e6).round(6).tolist() == [-4.1, 4.9, 5.2, 4.6]
    assert ballerup.payback_year == 2018
    comparison = compare(ballerup)
    assert comparison.checked == 12 and comparison.deviations == ()


def test_silkeborg_totals_and_reported_difference(silkeborg: CaseResult) -> None:
    assert silkeborg.total("costs") == pytest.approx(5_845_000)
    assert silkeborg.total("savings") == pytest.approx(11_270_000)
    assert silkeborg.net_gain == pytest.approx(5_425_000)
    (deviation,) = compare(silkeborg).deviations
    assert (deviation.where, deviation.published, deviation.model, deviation.difference) == ("Provenu", 5_430_000, 5_425_000, -5_000)


def test_silkeborg_staff_costs_from_hours_and_months(silkeborg: CaseResult) -> None:
    lead = silkeborg.cost_lines[0]
    # 25/37 fte × 452,880 kr.: 5 months of 2015, 2016, 2017, 1 month of 2018.
    per_year = 25 / 37 * 452_880
    assert lead[:4] == pytest.approx([per_year * 5 / 12, per_year, per_year, per_year / 12])
    assert silkeborg.line_total("Projektleder 25 timer/uge i 2,5 år") == pytest.approx(765_000)
