"""Users, API tokens, web passwords and album collections: the domain, no web framework."""
