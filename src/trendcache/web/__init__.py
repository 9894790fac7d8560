"""The JSON API and the browse page, served from the cache (never from Spotify)."""
