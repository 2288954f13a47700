"""Persistence: SQLAlchemy models, engine set-up, migrations and search backends."""
