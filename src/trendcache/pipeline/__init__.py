"""The domain, in rooms: `sync`, `history`, `stats` and `enrichment`, over a small shared
core (`keys`, `state`, `budget`, `moments`, `views`, `cache_reads`). No HTTP framework in here.

Rooms depend downwards only: sync and stats above history, history above enrichment,
everything above the core (checked by the import contracts in pyproject.toml).
"""
