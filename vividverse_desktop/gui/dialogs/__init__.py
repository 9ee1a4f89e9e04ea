"""The shell's dialogs: About, Settings, Keyboard shortcuts."""
