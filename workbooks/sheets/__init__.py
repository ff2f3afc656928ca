"""One module per sheet, each a function ``write(w)`` from a laid-out case (the :class:`workbooks.writer.Writer`,
with the case, its layout and its results) to that sheet's cells. :data:`workbooks.build.SHEETS` lists them
in the order they are written.

=============  ==========================  ===========================================================
module         sheet (da / en)             what it holds
=============  ==========================  ===========================================================
cover          Forside / Cover             title, source, version, key figures, guide, notes
summary        Resumé / Summary            the one page for the udvalg
inputs         Forudsætninger / Inputs     outcomes, fall-backs, costs, direct savings, periods
params         Parametre / Parameters      the dated satser and rules the case uses, with sources
cohorts        Holdplan / Cohorts          one row per cohort: dates, participants, persons, deadweight
calculation    Beregning / Calculation     full-year persons per cohort × outcome × year
refusion       Refusion                    the staircase: the kommune's and the stat's part
savings        Besparelser / Savings       savings per cohort × outcome × year
budget         Budget                      per year: costs, savings, net, cumulative, payback, payers
sensitivity    Følsomhed / Sensitivity     NPV, break-even, switching values, tornado, Monte Carlo
followup       Opfølgning / Follow-up      targets, actuals, realisation, revised forecast
checks         Kontrol / Checks            the checks, tolerances, deviations from the source
=============  ==========================  ===========================================================

``pairs`` holds the cohort × outcome rows that calculation, refusion and savings share.
"""
