"""The sync client: httpx, JWT refresh, token storage in the OS keyring."""
