"""The rooms of the studio, who sees each, and what each is for (until its issue lands)."""

from __future__ import annotations

from dataclasses import dataclass

from vividverse_desktop.core.capabilities import Action, Capabilities
from vividverse_desktop.core.workflow import Role


@dataclass(frozen=True, slots=True)
class RoomInfo:
    """A room: key, sidebar title, icon, the actions that open it, and its empty state.

    An account sees a room when the capability table (the one the server enforces)
    grants any of its ``actions`` to one of the account's roles.
    """

    key: str
    title: str
    icon: str
    actions: frozenset[Action]
    empty: str  # the placeholder's first line: what the room is for (no claim about data)
    purpose: str  # what the room will hold
    first_action: str  # the action the empty state offers (an action's objectName)
    action_label: str  # the words on its button


ROOMS: tuple[RoomInfo, ...] = (
    RoomInfo(
        "write",
        "Write",
        "mdi6.fountain-pen-tip",
        frozenset({Action.SUBMIT_SCRIPT}),
        "No scripts yet.",
        "Write in Fountain with the formatted page beside you; import Fountain, Final Draft, "
        "PDF or plain text; see pages, scenes and runtime; submit for scoring, offline too.",
        "actionOpenFile",
        "Import a script…",
    ),
    RoomInfo(
        "review",
        "Review",
        "mdi6.clipboard-check-outline",
        frozenset({Action.SCORE_SCRIPT}),
        "Score scripts blind, offline too.",
        "Scripts to score arrive here blind: read the formatted page beside the scorecard, "
        "score each criterion from the keyboard, and sync later without losing a score.",
        "actionSyncNow",
        "Sync now to fetch scripts",
    ),
    RoomInfo(
        "scores",
        "Scores",
        "mdi6.chart-bar",
        frozenset({Action.READ_OWN_SCORES, Action.VIEW_LEADERBOARD}),
        "See how every script scores.",
        "Aggregated scores of submitted scripts, the leaderboard, and how closely the "
        "validators agree.",
        "actionSyncNow",
        "Sync now",
    ),
    RoomInfo(
        "render",
        "Render",
        "mdi6.movie-open-cog-outline",
        frozenset({Action.START_RENDER}),
        "From the chosen script to a film.",
        "Turn the selected script into a film: edit its scene plan, choose providers, and "
        "watch every scene render with its cost and a time to finish.",
        "actionSettings",
        "Set render defaults…",
    ),
    RoomInfo(
        "screening",
        "Screening Room",
        "mdi6.movie-open-play-outline",
        frozenset({Action.WATCH_MOVIE}),
        "No films yet.",
        "Watch a finished film, step frame by frame, jump by scene, leave timecoded notes "
        "and approve it or ask for changes.",
        "actionOpenFile",
        "Open a film…",
    ),
    RoomInfo(
        "admin",
        "Admin",
        "mdi6.shield-account-outline",
        frozenset({Action.MANAGE_USERS}),
        "People, roles and the script to produce.",
        "Add people and give them roles, see every score and the agreement between "
        "validators, and select the script to produce.",
        "actionSyncNow",
        "Sync now",
    ),
)

ROOMS_BY_KEY = {room.key: room for room in ROOMS}


def rooms_for(roles: frozenset[Role]) -> tuple[RoomInfo, ...]:
    """The rooms an account holding ``roles`` sees, in sidebar order."""
    able = Capabilities.of(roles) if roles else None
    return tuple(room for room in ROOMS if able is not None and able.can_any(*room.actions))
