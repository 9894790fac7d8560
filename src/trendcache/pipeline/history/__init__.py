"""History: what was trending when, and the summaries the statistics read.

`recording` writes a sync's snapshots and appearances; `charting` and `rollups` (with
their rules in `rollup_rules`) keep the per-album summaries and the aligned-block rollups
current; `backfill` builds the history from data stored before it existed;
`album_history` reads one album's story.
"""
