"""Shared pieces of the shell: the sync status, the command palette, dialogs."""
