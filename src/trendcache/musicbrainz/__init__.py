"""Talking to MusicBrainz ws/2 (identified, paced, patient) and matching albums to it."""
