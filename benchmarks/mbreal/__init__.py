"""A measuring instrument for matching on real MusicBrainz data (issue 8).

`catalogue` holds real release lookups and renders them the way ws/2 shows a release in
each kind of answer; `query` reads the Lucene subset the matcher sends; `standin` serves
them over real HTTP on 127.0.0.1; `cases` derives Spotify-shaped albums and their ground
truth. Nothing here imports the app: `benchmarks/enrichment_real.py` drives the real
pipeline against it.
"""
