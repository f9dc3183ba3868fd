"""What every screen does the same way: run a change and show the core's error if it is
refused, and write, edit or delete one of the coder's memos."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from brightspots.errors import BrightspotsError
from brightspots.tui.dialogs.text import MemoDialog
from brightspots.tui.suggestion_job import failure

if TYPE_CHECKING:
    from brightspots.tui.app import WorkbenchApp


def safely(node: Widget | App[Any], act: Callable[[], object]) -> bool:
    """Run a change; the core's error, if any, is shown and the change is not made."""
    try:
        act()
    except BrightspotsError as error:
        node.notify(error.message, title=error.title, severity="error", markup=False)
        return False
    return True


def write_memo(
    app: WorkbenchApp,
    heading: str,
    existing: Mapping[str, Any] | None,
    add: Callable[[str], object],
    done: Callable[[], None],
) -> None:
    """Open the memo dialog on the coder's memo (or a blank one). Saving empty text deletes
    the memo; `add(text)` creates a new one; `done()` runs after any change."""

    def saved(text: str | None) -> None:
        if text is None:
            return
        project, coder = app.project, app.coder
        if existing is not None and not text.strip():
            safely(app, lambda: project.remove_memo(existing["uid"], coder))
        elif existing is not None:
            safely(app, lambda: project.edit_memo(existing["uid"], text, coder))
        elif text.strip():
            safely(app, lambda: add(text))
        done()

    app.push_screen(MemoDialog(heading, existing["text"] if existing else ""), saved)


def mine(memos: list[dict[str, Any]], coder: str, **where: Any) -> dict[str, Any] | None:
    """The coder's memo among `memos` whose fields match `where`."""
    return next(
        (
            m
            for m in memos
            if m["coder"] == coder and all(m.get(key) == value for key, value in where.items())
        ),
        None,
    )


class ReportsWorkerFailure:
    """For a widget or screen running thread workers: a worker that fails (not one that
    is cancelled) is reported once, through `failed(message)`."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            said = failure(event.worker.error)
            if said is not None:
                self.failed(said)

    def failed(self, message: str) -> None:
        raise NotImplementedError
