"""Build and check tooling (bootstrap, the import-linter contract types of pyproject)."""
