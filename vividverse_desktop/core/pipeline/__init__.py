"""Render planning and FFmpeg command lines built as data."""
