"""The local SQLite store: repositories returning core dataclasses, and the outbox."""
