"""Enrichment: matching every album to MusicBrainz in the background, never too fast.

`claims` hands batches of due albums to workers; `enricher` runs a batch through the
matcher (`trendcache.musicbrainz`) with `facts` (what Spotify says of each album) and the
`response_cache`; `store` writes the decisions; `status` counts where enrichment is.
"""
