"""Statistics over a window of the history: movements, runs, artists, overlap, coverage.

`window` parses and aligns the window asked for; `compute` assembles the statistics from
`queries` (snapshot comparisons), `days` and `totals` (per-day and whole-history counts)
and `mirror` (each album's enrichment status and credits, kept in memory); `cache` serves
them until new data lands; `results` holds the typed results.
"""
