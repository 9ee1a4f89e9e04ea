"""Runs external work in child processes: FFmpeg, text-to-speech, sandboxed PDF parsing."""
