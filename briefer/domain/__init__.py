"""Plain data and pure operations shared by every layer (no I/O, no Qt, no SQL)."""
