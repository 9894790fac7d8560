"""Sync: fetching trending listings from a source within its budget and storing them.

`syncer` runs a sync under the source's lease; `fetch` and `hydrate` ask Spotify for the
listings and the full albums; `store` writes everything of one sync in one transaction;
`trending` builds the views the read path serves; `status` says what syncing is doing.
"""
