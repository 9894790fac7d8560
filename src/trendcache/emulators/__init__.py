"""Local stand-ins for the external services trendcache talks to.

Nothing on a development machine or in CI may reach the real services, so each emulator is
a real HTTP server that behaves like its service does today; tests and the demo point the
application at it instead.
"""
