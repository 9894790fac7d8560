"""ListenBrainz: fresh releases and listeners' charts, MusicBrainz ids on every item."""
