"""Use cases (import, search, tag, curate, export): the only layer the shells call."""
