"""The fault suite: what an operator and an attacker do to a running trendcache.

Each module takes one family of faults (hostile upstream data, dependency loss, killed
processes, abusive clients, bad configuration) to real processes and real services, on both
databases and with Redis, and checks that nothing is lost and every error is clear.
"""
