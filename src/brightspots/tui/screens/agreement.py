"""Inter-coder agreement in the workbench: per code, how far the chosen coders applied it
alike (units, percent agreement, Cohen's kappa, Krippendorff's alpha, their bands), codes
with too few units flagged with the reason, and the figures across codes. `c` chooses the
coders (two or more; at first the first two other than `consensus`), menus narrow the
documents; enter walks the highlighted code's disagreements, `w` every code's; `a` makes
what the coders agreed on consensus codings (the walker settles the rest).

The figures come from `Project.agreement` (see agreement.py for how units are formed). It
reads every coding of the documents in scope and loads scikit-learn, statsmodels and
krippendorff, which takes seconds on a large project, so it runs in a worker thread with
its own connection to the project file (SQLite connections stay in their thread)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Select, Static
from textual.worker import get_current_worker

from brightspots.agreement import MIN_UNITS, AgreementReport, CodeAgreement
from brightspots.coder_set import CONSENSUS
from brightspots.project import Project
from brightspots.tui.actions import ReportsWorkerFailure, safely
from brightspots.tui.dialogs.coders import CodersDialog
from brightspots.tui.screens.disagreements import DisagreementScreen
from brightspots.tui.widgets.filter_bar import FilterBar, described
from brightspots.tui.widgets.table import RowTable

if TYPE_CHECKING:
    from brightspots.tui.app import WorkbenchApp

COLUMNS = ("code", "units", "coded", "% agree", "kappa", "alpha", "band (kappa · alpha)")


def default_coders(coders: Sequence[str]) -> tuple[str, ...]:
    """The first two coders who are not the consensus of an adjudication."""
    return tuple(c for c in coders if c != CONSENSUS)[:2]


def figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def row(code: CodeAgreement) -> tuple[str, ...]:
    """A code's cells; a flagged code has no figures, only its reason (in the band's place,
    so that it is seen without scrolling)."""
    if code.flag:
        band = f"flagged: {code.flag}"
    else:
        band = " · ".join(b or "-" for b in (code.kappa_band, code.alpha_band))
    return (
        code.name,
        str(code.units),
        str(code.coded_units),
        share(code.percent_agreement),
        figure(code.kappa),
        figure(code.alpha),
        band,
    )


def overall_line(report: AgreementReport) -> str:
    o = report.overall
    plural = "" if o.codes_compared == 1 else "s"
    kappa = (
        f"mean kappa over {o.codes_compared} code{plural} {figure(o.mean_kappa)} "
        f"({o.kappa_band or '-'})"
        if o.codes_compared
        else "no code carried by enough units for kappa"
    )
    return (
        f"Overall (each unit's set of codes): {share(o.percent_agreement)} agreement · "
        f"alpha {figure(o.alpha)} ({o.alpha_band or '-'}) · {kappa}"
    )


def code_detail(code: CodeAgreement) -> Text:
    """The highlighted code: why it is flagged, or its figures pair by pair."""
    text = Text(code.name, "bold")
    if code.flag:
        return text.append(f"  flagged, no figures: {code.flag}", "yellow")
    text.append(
        f"  Fleiss' kappa {figure(code.fleiss_kappa)} · characters (as NVivo compares): "
        f"{share(code.char_agreement)} agreement, kappa {figure(code.char_kappa)}"
    )
    for pair in code.pairs:
        text.append(
            f"\n  {' – '.join(pair.coders)}: {share(pair.percent_agreement)} of {pair.units} "
            f"units · kappa {figure(pair.kappa)} · characters {share(pair.char_agreement)}, "
            f"kappa {figure(pair.char_kappa)}",
            "dim",
        )
    return text


class AgreementScreen(ReportsWorkerFailure, Screen[None]):
    BINDINGS = [
        Binding("c", "choose_coders", "Coders"),
        Binding("f", "focus_filters", "Filters"),
        Binding("w", "walk", "Walk every disagreement"),
        Binding("a", "accept_agreed", "Agreed → consensus"),
        Binding("r", "compute", "Recompute"),
        Binding("q,escape", "back", "Back"),
    ]

    class Computed(Message):
        def __init__(self, report: AgreementReport) -> None:
            super().__init__()
            self.report = report

    def __init__(self, coders: Sequence[str] = (), min_units: int = MIN_UNITS) -> None:
        """`min_units`: codes fewer units carry are flagged, without figures."""
        super().__init__()
        self.coders = tuple(coders)
        self.min_units = min_units
        self.report: AgreementReport | None = None
        self.status = ""
        self.stale = False  # the walker may have settled passages since

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="agreement-title")
        yield FilterBar(self.workbench.project, id="agreement-filters")
        yield RowTable(COLUMNS, id="agreement-table")
        yield Static(id="agreement-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()
        if not self.coders:
            self.coders = default_coders(self.workbench.project.store.list_coders())
        self.action_compute()

    def on_screen_resume(self) -> None:
        if self.stale:
            self.stale = False
            self.action_compute()

    def filters(self) -> dict[str, str]:
        return self.query_one(FilterBar).chosen()

    @on(Select.Changed)
    def _filtered(self) -> None:
        self.action_compute()

    # --- the work --------------------------------------------------------------------------

    def action_compute(self) -> None:
        self.report = None
        if len(self.coders) < 2:
            known = [c for c in self.workbench.project.store.list_coders() if c != CONSENSUS]
            self.status = (
                "Agreement compares two or more coders; this project has "
                + (", ".join(known) if known else "no coder yet")
                + ". Merge the coders' project files first (brightspots merge)."
            )
        else:
            self.status = "Computing agreement…"
            path = self.workbench.project.store.path
            self._compute(path, self.coders, self.filters(), self.min_units)
        self._draw()

    @work(thread=True, exclusive=True, exit_on_error=False, group="agreement")
    def _compute(
        self, path: Path, coders: tuple[str, ...], filters: Mapping[str, str], min_units: int
    ) -> None:
        worker = get_current_worker()
        with Project.open(path) as project:
            report = project.agreement(coders, filters or None, min_units=min_units)
        if not worker.is_cancelled:
            self.post_message(self.Computed(report))

    @on(Computed)
    def _computed(self, message: Computed) -> None:
        self.report, self.status = message.report, ""
        self._draw()

    def failed(self, message: str) -> None:
        self.status = f"No agreement: {message}"
        self._draw()
        self.notify(message, title="Agreement", severity="error", markup=False)

    # --- actions ---------------------------------------------------------------------------

    def action_choose_coders(self) -> None:
        def chosen(coders: tuple[str, ...] | None) -> None:
            if coders:
                self.coders = coders
                self.action_compute()

        known = self.workbench.project.store.list_coders()
        self.app.push_screen(CodersDialog(known, self.coders), chosen)

    def action_focus_filters(self) -> None:
        self.query_one(FilterBar).focus_first()

    def action_accept_agreed(self) -> None:
        """The codes all the compared coders gave a passage become consensus codings (one
        undo step of yours), so the consensus holds the agreed coding as well as the
        settled disputes."""
        if len(self.coders) < 2:
            return
        app, added = self.workbench, []

        def act() -> None:
            added.extend(app.project.accept_agreements(self.coders, app.coder, self.filters()))

        if safely(self, act):
            plural = "" if len(added) == 1 else "s"
            said = f"{len(added)} consensus coding{plural} added where {', '.join(self.coders)}"
            self.notify(said + " agreed." if added else said + " agreed: nothing new.")

    @on(RowTable.RowSelected, "#agreement-table")
    def _selected(self, event: RowTable.RowSelected) -> None:
        self._walk(event.key)

    def action_walk(self) -> None:
        self._walk(None)

    def _walk(self, code: str | None) -> None:
        if len(self.coders) < 2:
            return
        self.stale = True
        self.app.push_screen(DisagreementScreen(self.coders, code, self.filters()))

    def action_back(self) -> None:
        self.app.pop_screen()

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self) -> None:
        report = self.report
        parts = ["Agreement", ", ".join(self.coders) or "no coders"]
        if report is not None:
            documents = len(report.documents)
            parts += [f"{documents} document{'' if documents == 1 else 's'}"]
            parts += [f"{report.units:,} units (segments)"]
        parts += [described(self.filters()), self.status]
        if report is not None and report.codes:
            parts.append("enter walks a code's disagreements")
        title = " · ".join(p for p in parts if p)
        self.query_one("#agreement-title", Static).update(escape(title))
        codes = report.codes if report else ()
        table = self.query_one(RowTable)
        table.set_rows([row(c) for c in codes], [c.code for c in codes])
        self._show_detail(table.cursor_row if codes else None)

    @on(RowTable.RowHighlighted, "#agreement-table")
    def _highlighted(self, event: RowTable.RowHighlighted) -> None:
        self._show_detail(event.row)

    def _show_detail(self, index: int | None) -> None:
        detail = self.query_one("#agreement-detail", Static)
        report = self.report
        if report is None:
            detail.update("")
            return
        text = Text(overall_line(report), "bold")
        for note in report.notes:
            text.append(f"\n{note}", "yellow")
        if index is not None and 0 <= index < len(report.codes):
            text.append("\n").append_text(code_detail(report.codes[index]))
        detail.update(text)
