"""Sync: fetching trending listings from a source within its budget and storing them.

`source` is the seam every trending source implements (`ListingSource`); `syncer` runs a
source's sync under its own lease, with its own runs, backoff and pause; `spotify_source`
puts Spotify behind the seam, `fetch` and `hydrate` asking it for the listings and the full
albums; `store` writes everything of one sync in one transaction; `trending` builds the
views the read path serves; `status` says what a source's syncing is doing.
"""
