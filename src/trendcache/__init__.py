"""trendcache: a self-hosted, always-fast cache of new and trending music."""

__version__ = "0.1.0"
