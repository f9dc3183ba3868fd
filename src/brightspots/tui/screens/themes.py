"""Candidate themes in the workbench: recurring ideas among the passages, with their
keywords, make-up by country and group, and the nearest existing code (a theme no code is
near is marked new), and every passage of the highlighted theme.

A researcher promotes a theme to a new code (its keywords become the draft definition),
merges it into an existing code, or dismisses it (and restores it). Nothing is coded by
that: the theme's passages stay listed, and `a` codes the highlighted one with the theme's
code once the researcher has read it (an ordinary coding, origin "theme", undoable), `a`
again removes it.

Finding themes embeds every passage in scope (minutes on a laptop the first time, then read
from the project's cache) and clusters them, so it runs in a worker thread with its own
connection to the project file, a progress bar, and escape to cancel. The last run is kept
in the project and shown again when the screen opens; the first visit runs it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, ProgressBar, Static
from textual.worker import Worker, get_current_worker

from brightspots.embedding import Embedder
from brightspots.models import DocumentInfo
from brightspots.project import Project
from brightspots.suggester import Passage
from brightspots.themes import Scope, Theme, ThemeResult
from brightspots.tui.actions import ReportsWorkerFailure, safely
from brightspots.tui.dialogs.code_picker import CodePickerDialog
from brightspots.tui.dialogs.text import AskDialog
from brightspots.tui.screens.review import attributes
from brightspots.tui.widgets.filter_bar import FilterBar, described
from brightspots.tui.widgets.table import RowTable

if TYPE_CHECKING:
    from brightspots.tui.app import WorkbenchApp

THEME_COLUMNS = ("#", "passages", "status", "keywords", "nearest code", "countries", "pd · comp")
PASSAGE_COLUMNS = ("", "where", "passage")
CODED = "✓"


def scope_words(scope: Scope) -> str:
    return "every passage" if scope == "all" else "uncoded passages"


def make_up(counts: Mapping[str, int], limit: int = 4) -> str:
    """`ET 12, TZ 5, +2`: the largest first."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{k} {v}" for k, v in ranked[:limit])
    return shown + (f", +{len(ranked) - limit}" if len(ranked) > limit else "")


def nearest(theme: Theme) -> str:
    if theme.nearest_code_name is None or theme.code_similarity is None:
        return "-"
    return f"{theme.nearest_code_name} {theme.code_similarity:.2f}"


def status(theme: Theme, code_names: Mapping[str, str]) -> str:
    if theme.status == "promoted" and theme.code:
        return f"→ {code_names.get(theme.code, theme.code)}"
    if theme.status == "dismissed":
        return "dismissed"
    return "new" if theme.new else "candidate"


def theme_row(theme: Theme, code_names: Mapping[str, str]) -> tuple[str, ...]:
    groups = theme.school_groups
    return (
        str(theme.id),
        str(theme.size),
        status(theme, code_names),
        ", ".join(k.word for k in theme.keywords[:5]),
        nearest(theme),
        make_up(theme.countries, 3),
        f"{groups.get('pd', 0)} · {groups.get('comparison', 0)}",
    )


def run_line(result: ThemeResult) -> str:
    """What the run covered: `12 themes · 2,431 uncoded passages · 3.1% outliers`."""
    scope = "uncoded passages" if result.scope == "uncoded" else "passages"
    parts = [
        f"{len(result.themes)} theme{'' if len(result.themes) == 1 else 's'}",
        f"{result.segments:,} {scope}"
        + (f" (sample of {result.population:,})" if result.sampled else ""),
        f"{result.outlier_share:.1%} in no theme",
    ]
    filters = described({k: ", ".join(v) for k, v in result.filters.items()})
    if filters:
        parts.append(filters)
    parts.append(f"run {result.created_at[:16].replace('T', ' ')}")
    return " · ".join(parts)


def theme_detail(theme: Theme, code_names: Mapping[str, str]) -> Text:
    """The highlighted theme: keywords per language, make-up, the nearest code, what to
    do with it."""
    text = Text.assemble((f"Theme {theme.id}", "bold"), f"  {theme.size} passages")
    text.append(f" ({theme.share:.1%})  ·  {status(theme, code_names)}")
    for language, words in sorted(theme.keywords_by_language.items()):
        text.append(f"\n{language}: ", "bold").append(", ".join(k.word for k in words[:10]))
    text.append("\ncountries ", "dim").append(make_up(theme.countries, 8))
    text.append("  ·  groups ", "dim").append(make_up(theme.school_groups))
    if theme.nearest_code_name is not None and theme.code_similarity is not None:
        closeness = "no code is near: a new idea" if theme.new else "near an existing code"
        text.append("\nnearest code ", "dim").append(theme.nearest_code_name, "bold")
        text.append(f" {theme.code_similarity:.2f} ({closeness})")
    return text


@dataclass(frozen=True)
class ThemeJob:
    """What the worker needs, read on the UI thread before it starts."""

    path: Path
    embedder: Embedder
    scope: Scope
    coders: tuple[str, ...] | None
    filters: Mapping[str, str]


class ThemesScreen(ReportsWorkerFailure, Screen[None]):
    BINDINGS = [
        Binding("r", "run", "Find themes"),
        Binding("u", "scope", "Uncoded / all"),
        Binding("p", "promote", "Promote to code"),
        Binding("m", "merge", "Merge into code"),
        Binding("d", "set_aside", "Dismiss / restore"),
        Binding("a", "code_passage", "Code passage"),
        Binding("o", "open", "Open in transcript"),
        Binding("f", "focus_filters", "Filters", show=False),
        Binding("escape", "cancel_or_back", "Cancel / back"),
        Binding("q", "back", "Back", show=False),
    ]

    class Progressed(Message):
        """The worker's progress (a newer one replaces an older one still queued)."""

        def __init__(self, done: int, total: int, what: str) -> None:
            super().__init__()
            self.done, self.total, self.what = done, total, what

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ThemesScreen.Progressed)

    class Found(Message):
        def __init__(self, result: ThemeResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self) -> None:
        super().__init__()
        self.result: ThemeResult | None = None
        self.scope: Scope = "uncoded"
        self.job: Worker[None] | None = None
        self.status = ""
        self.documents: dict[str, DocumentInfo] = {}
        self.coded: dict[tuple[str, int, int], str] = {}  # passage -> coding uid, this visit

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="themes-title")
        with Horizontal(id="themes-progress"):
            yield Label(id="themes-progress-label")
            yield ProgressBar(id="themes-progress-bar", show_eta=False)
        yield FilterBar(self.workbench.project, id="themes-filters")
        yield RowTable(THEME_COLUMNS, id="themes-table")
        yield Static(id="themes-detail")
        yield RowTable(PASSAGE_COLUMNS, id="themes-passages")
        yield Footer()

    def on_mount(self) -> None:
        self.documents = {d.name: d for d in self.workbench.project.documents()}
        self.query_one("#themes-table", RowTable).focus()
        self.result = self.workbench.project.last_themes()
        if self.result is None:
            self.action_run()
        else:
            self.scope = self.result.scope
            self._draw()

    def on_screen_resume(self) -> None:
        """Back from a transcript or the codebook: codes may have been renamed or deleted."""
        if self.job is None or not self.job.is_running:
            self.result = self.workbench.project.last_themes() or self.result
        self._draw()

    # --- the work --------------------------------------------------------------------------

    def action_run(self) -> None:
        """Find themes with the scope and filters chosen now (the last run is replaced)."""
        if self.job is not None and self.job.is_running:
            self.notify("Themes are being found already; escape cancels.")
            return
        app = self.workbench
        job = ThemeJob(
            app.project.store.path,
            app.project.embedder,
            self.scope,
            (app.coder,) if app.blind else None,
            self.query_one(FilterBar).chosen(),
        )
        self.status = "Reading passages…"
        self.query_one("#themes-progress").add_class("-running")
        self.job = self._find(job)
        self._draw()

    @work(thread=True, exclusive=True, exit_on_error=False, group="themes")
    def _find(self, job: ThemeJob) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int, what: str) -> None:
            self.post_message(self.Progressed(done, total, what))

        with Project.open(job.path, embedder=job.embedder) as project:
            result = project.themes(
                job.scope,
                job.coders,
                job.filters or None,
                progress=progress,
                cancelled=lambda: worker.is_cancelled,
            )
        if not worker.is_cancelled:
            self.post_message(self.Found(result))

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        clustering = message.what.startswith("themes:")
        self.status = (
            f"Clustering: {message.what.removeprefix('themes:').strip()}…"
            if clustering
            else f"Embedding passages ({message.done:,} of {message.total:,})…"
        )
        self.query_one("#themes-progress-label", Label).update(self.status)
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)

    @on(Found)
    def _found(self, message: Found) -> None:
        self.result, self.status, self.coded = message.result, "", {}
        self._stopped()
        self.query_one("#themes-table", RowTable).cursor_row = 0
        self._draw()

    def failed(self, message: str) -> None:
        self._stopped()
        self.status = f"No themes: {message}"
        self._draw()
        self.notify(message, title="Themes", severity="error", markup=False)

    def _stopped(self) -> None:
        self.job = None
        self.query_one("#themes-progress").remove_class("-running")

    # --- actions on themes -----------------------------------------------------------------

    def current(self) -> Theme | None:
        table = self.query_one("#themes-table", RowTable)
        if self.result is None or not table.row_count:
            return None
        return self.result.theme(int(table.keys[table.cursor_row]))

    def action_scope(self) -> None:
        self.scope = "all" if self.scope == "uncoded" else "uncoded"
        self.notify(f"Next run: {scope_words(self.scope)} (r runs it).")
        self._draw()

    def action_promote(self) -> None:
        theme = self.current()
        if theme is None or not self._open_to_verdict(theme):
            return
        app = self.workbench

        def named(name: str | None) -> None:
            if name is None or not name.strip():
                return
            if safely(self, lambda: app.project.promote_theme(theme.id, app.coder, name.strip())):
                self._judged(
                    f"New code {name.strip()!r}, its definition drafted from the keywords."
                )

        self.app.push_screen(
            AskDialog(f"Name of the new code from theme {theme.id}:", theme.label.capitalize()),
            named,
        )

    def action_merge(self) -> None:
        theme = self.current()
        if theme is None or not self._open_to_verdict(theme):
            return
        app = self.workbench

        def chosen(code: str | None) -> None:
            if code is None:
                return
            names = self._code_names()
            if safely(self, lambda: app.project.merge_theme(theme.id, code, app.coder)):
                self._judged(f"Theme {theme.id} joins {names.get(code, code)!r}.")

        self.app.push_screen(CodePickerDialog(app.codes(), f"Merge theme {theme.id} into"), chosen)

    def action_set_aside(self) -> None:
        theme = self.current()
        if theme is None:
            return
        app = self.workbench
        if theme.status == "dismissed":
            if safely(self, lambda: app.project.restore_theme(theme.id, app.coder)):
                self._judged(f"Theme {theme.id} is a candidate again.", review=False)
        elif self._open_to_verdict(theme) and safely(
            self, lambda: app.project.dismiss_theme(theme.id, app.coder)
        ):
            self._judged(f"Theme {theme.id} set aside (d restores it).", review=False)

    def _open_to_verdict(self, theme: Theme) -> bool:
        if theme.status == "promoted":
            self.notify(
                f"Theme {theme.id} is already a code ({status(theme, self._code_names())})."
            )
            return False
        return True

    def _judged(self, said: str, review: bool = True) -> None:
        self.result = self.workbench.project.last_themes()
        if review:
            said += " Its passages are listed: a codes the highlighted one."
        self.notify(said)
        self._draw()

    # --- actions on passages ---------------------------------------------------------------

    def current_passage(self) -> Passage | None:
        theme = self.current()
        table = self.query_one("#themes-passages", RowTable)
        if theme is None or not table.row_count:
            return None
        return theme.members[table.cursor_row]

    def action_code_passage(self) -> None:
        """Code the highlighted passage with the theme's code (again: remove that coding)."""
        theme, passage = self.current(), self.current_passage()
        if theme is None or passage is None or passage.document is None:
            return
        if theme.status != "promoted" or theme.code is None:
            self.notify("Promote the theme (p) or merge it into a code (m) first.")
            return
        assert passage.start is not None and passage.end is not None
        app, where = self.workbench, (passage.document, passage.start, passage.end)
        code = theme.code
        uid = self.coded.get(where)
        if uid is not None:
            if safely(self, lambda: app.project.remove_coding(uid, app.coder)):
                del self.coded[where]
        else:

            def act() -> None:
                coding = app.project.apply_code(*where, code, app.coder, origin="theme")
                self.coded[where] = coding["uid"]

            if safely(self, act):
                app.remember(code)
                self.query_one("#themes-passages", RowTable).action_move(1)
        self._draw_passages(theme)

    def action_open(self) -> None:
        passage = self.current_passage()
        if passage is not None and passage.document is not None:
            assert passage.start is not None and passage.end is not None
            self.workbench.open_document(passage.document, (passage.start, passage.end))

    @on(RowTable.RowSelected, "#themes-passages")
    def _passage_selected(self) -> None:
        self.action_open()

    @on(RowTable.RowSelected, "#themes-table")
    def _theme_selected(self) -> None:
        self.query_one("#themes-passages", RowTable).focus()

    def action_focus_filters(self) -> None:
        self.query_one(FilterBar).focus_first()

    def action_cancel_or_back(self) -> None:
        if self.job is not None and self.job.is_running:
            self.job.cancel()
            self._stopped()
            self.status = "Cancelled" + (
                "; the last themes are still shown." if self.result else "."
            )
            self._draw()
        else:
            self.action_back()

    def action_back(self) -> None:
        self.app.pop_screen()

    # --- drawing ---------------------------------------------------------------------------

    def _code_names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.workbench.codes()}

    def _draw(self) -> None:
        result = self.result
        parts = ["Themes"]
        if result is not None:
            parts.append(run_line(result))
        if result is None or result.scope != self.scope:
            parts.append(f"next run: {scope_words(self.scope)}")
        if self.status and not self.query_one("#themes-progress").has_class("-running"):
            parts.append(self.status)
        elif result is None and not self.status:
            parts.append("r finds themes")
        self.query_one("#themes-title", Static).update(escape(" · ".join(parts)))
        self.query_one("#themes-progress-label", Label).update(self.status)
        names = self._code_names()
        themes = result.themes if result else ()
        table = self.query_one("#themes-table", RowTable)
        table.set_rows([theme_row(t, names) for t in themes], [str(t.id) for t in themes])
        self._show(self.current())

    @on(RowTable.RowHighlighted, "#themes-table")
    def _theme_highlighted(self) -> None:
        theme = self.current()
        self.query_one("#themes-passages", RowTable).cursor_row = 0
        self._show(theme)

    @on(RowTable.RowHighlighted, "#themes-passages")
    def _passage_highlighted(self) -> None:
        self._show_passage()

    def _show(self, theme: Theme | None) -> None:
        detail = self.query_one("#themes-detail", Static)
        if theme is None:
            detail.update(Text(self._empty_text(), "dim"))
            self.query_one("#themes-passages", RowTable).set_rows([], [])
            return
        detail.update(theme_detail(theme, self._code_names()))
        self._draw_passages(theme)

    def _empty_text(self) -> str:
        if self.result is None:
            return "No themes found yet."
        if not self.result.segments:
            return "No passage in scope: change the filters or the scope (u), then r."
        return (
            "No recurring idea among these passages: too few of them or too varied. "
            "Widen the filters or the scope (u), then r."
        )

    def _draw_passages(self, theme: Theme) -> None:
        rows = [self._passage_row(p) for p in theme.members]
        self.query_one("#themes-passages", RowTable).set_rows(
            rows, [str(i) for i in range(len(rows))]
        )

    def _passage_row(self, passage: Passage) -> tuple[str, ...]:
        where = (passage.document, passage.start, passage.end)
        mark = CODED if where in self.coded else ""
        info = self.documents.get(passage.document or "")
        place = ""
        if info is not None:
            role = (info.meta.respondent_role or "").replace("_", " ")
            place = f"{info.meta.country} {info.meta.school_id} {role}"
        return (mark, place, " ".join(passage.text.split()))

    def _show_passage(self) -> None:
        """With the passages focused, the detail shows the highlighted one in full."""
        passage = self.current_passage()
        if passage is None or not self.query_one("#themes-passages", RowTable).has_focus:
            return
        text = Text.assemble((passage.document or "", "bold"), "  ")
        text.append(attributes(self.documents.get(passage.document or "")), "dim")
        text.append("\n" + " ".join(passage.text.split()))
        self.query_one("#themes-detail", Static).update(text)

    def on_descendant_focus(self) -> None:
        if self.query_one("#themes-passages", RowTable).has_focus:
            self._show_passage()
        else:
            theme = self.current()
            if theme is not None:
                self.query_one("#themes-detail", Static).update(
                    theme_detail(theme, self._code_names())
                )


__all__ = ["ThemesScreen"]
