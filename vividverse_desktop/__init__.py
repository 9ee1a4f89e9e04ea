"""Vividverse: a desktop studio for screenplays, from draft to scored script to film."""

__version__ = "0.1.0"
