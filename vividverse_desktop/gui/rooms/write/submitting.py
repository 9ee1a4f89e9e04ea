"""Submitting from the Write room: the signed-in session, a script (or a new version of
it) into the outbox, the writer's scripts in the My scripts tab, and opening one of them
to revise. The store is read and written on the database lane (``studio.writing``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vividverse_desktop.studio import writing
from vividverse_desktop.studio.errors import explain

if TYPE_CHECKING:
    from vividverse_desktop.gui.rooms.write.room import WriteRoom


def set_session(room: WriteRoom, session: Any) -> None:
    """The signed-in session (None when signed out): submitting and My scripts use it."""
    room.session = session
    room.reviews.reload()
    room.submit_button.setEnabled(session is not None)
    room.submit_button.setToolTip(
        "Submit this script for scoring (Ctrl+Return)"
        if session is not None
        else "Sign in to submit scripts"
    )
    refresh_my_scripts(room)


def refresh_my_scripts(room: WriteRoom) -> None:
    """Read the writer's scripts from the store (database lane)."""
    session = room.session
    if session is None or room.runner.closed:
        room.my_scripts.show_scripts(())
        return
    room.runner.run_db(
        writing.my_scripts,
        store=session.store,
        author_id=session.user_id,
        owner=room,
        on_done=room.my_scripts.show_scripts,
        on_error=lambda error: room.state.setText(f"My scripts: {error}"),
    )


def submit(room: WriteRoom) -> None:
    """Submit the text: a new script, or a new version of the one it came from."""
    session = room.session
    if session is None:
        room.state.setText("Sign in to submit: the outbox belongs to an account.")
        return
    revision = room.script_id
    room.state.setText("Submitting…")

    def done(submitted: Any) -> None:
        room.script_id = submitted.script_id
        if room.hub is not None:
            room.hub.publish(submitted.changes)
        what = "A new version is" if revision else "The script is"
        room.state.setText(f"{what} in the outbox; it is sent on the next sync.")
        show_submit_label(room)

    room.runner.run_db(
        writing.submit_draft,
        store=session.store,
        user_id=session.user_id,
        text=room.editor.toPlainText(),
        script_id=revision,
        owner=room,
        on_done=done,
        on_error=lambda error: room.state.setText(explain(error)),
    )


def show_submit_label(room: WriteRoom) -> None:
    """Name the submit button for what it does: a new script or a new version."""
    label = "Submit new version" if room.script_id else "Submit for scoring"
    room.submit_button.setText(label)
    room.submit_button.setAccessibleName(label)


def open_submitted(room: WriteRoom, script: Any) -> None:
    """Open the latest version of a submitted script, to read or revise."""
    session = room.session
    if session is None or not room.may_discard():
        return

    def opened(text: str) -> None:
        room.load_text(text, path=None)
        room.script_id = script.id
        show_submit_label(room)
        room.display_name = f"{script.title} (version {script.versions})"
        room.show_title()
        room.state.setText("Edit and submit a new version; earlier versions stay as they are.")

    room.runner.run_db(
        writing.version_text,
        store=session.store,
        version_id=script.latest_version_id,
        owner=room,
        on_done=opened,
        on_error=lambda error: room.state.setText(explain(error)),
    )
