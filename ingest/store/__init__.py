"""The store: SQLAlchemy Core on SQLite (default) or PostgreSQL."""
