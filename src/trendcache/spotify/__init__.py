"""Talking to the Spotify Web API: auth, paging, retries, rate limits and the 2026 access tiers."""
