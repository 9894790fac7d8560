"""Feeds for feed readers: the new releases as Atom."""
