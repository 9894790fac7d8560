"""`python -m trendcache` is the `trendcache` command."""

from trendcache.cli import main

main()
