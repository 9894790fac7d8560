"""The domain: sync from Spotify, trending views, history. No HTTP framework in here."""
