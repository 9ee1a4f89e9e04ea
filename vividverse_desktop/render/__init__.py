"""The render engine: job database, asset cache, scheduling and resume. No Qt."""
