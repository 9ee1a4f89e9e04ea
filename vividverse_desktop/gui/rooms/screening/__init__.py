"""The Screening Room: a frame-exact player, its timeline, the film's scenes and notes."""

from __future__ import annotations

from vividverse_desktop.gui.rooms.screening.room import ScreeningRoom

__all__ = ["ScreeningRoom"]
