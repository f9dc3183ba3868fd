"""The transcript being coded: a segment cursor, a selection that can span segments or be
narrowed word by word, coded spans in their codes' colours and a margin naming them.

It draws only the visible lines (Textual's line API), so a 300,000-character transcript
opens as fast as a short one."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from rich.segment import Segment as Cell
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from brightspots.project import DocumentView
from brightspots.tui.lines import Layout, Line, lay_out_lines

GUTTER = 2
MARGIN = 24
_WORD = re.compile(r"\S+")

BASE = Style(color="grey82")
HEADER = Style(color="cyan", bold=True)
NOTE = Style(color="grey50", italic=True)
CURSOR_MARK = Style(color="yellow", bold=True)
SELECTED = Style(reverse=True)
MARGIN_STYLE = Style(color="grey62")


class TranscriptView(ScrollView, can_focus=True):
    """Segments of one document; the screen asks it for the selection."""

    BINDINGS = [
        Binding("j,down", "cursor(1)", "Next", show=False),
        Binding("k,up", "cursor(-1)", "Previous", show=False),
        Binding("J,shift+down", "extend(1)", "Extend", show=False),
        Binding("K,shift+up", "extend(-1)", "Shrink", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("g,home", "edge(0)", "Top", show=False),
        Binding("G,end", "edge(1)", "Bottom", show=False),
        Binding("right_square_bracket", "narrow('end', 1)", "End +word", show=False),
        Binding("left_square_bracket", "narrow('end', -1)", "End -word", show=False),
        Binding("right_curly_bracket", "narrow('start', 1)", "Start +word", show=False),
        Binding("left_curly_bracket", "narrow('start', -1)", "Start -word", show=False),
        Binding("escape", "collapse", "Collapse selection", show=False),
    ]

    class CursorMoved(Message):
        """The cursor or the selection changed."""

        def __init__(self, segment: int) -> None:
            super().__init__()
            self.segment = segment

    def __init__(self, view: DocumentView, colours: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view = view
        self.colours = colours
        self.cursor = 0
        self.extent_from: int | None = None
        self.narrowed: tuple[int, int] | None = None
        self._layout: Layout | None = None
        self._drawn = False
        self._ends = [segment.end for segment in view.segments]
        self._codings: Sequence[Mapping[str, Any]] = ()
        self._by_segment: dict[int, list[Mapping[str, Any]]] = {}
        self._index(view.codings)
        self._memos: list[tuple[int, int]] = []

    def _index(self, codings: Sequence[Mapping[str, Any]]) -> None:
        """Codings by the segments they touch, so drawing a line looks at its own only."""
        self._codings = codings
        self._by_segment = {}
        segments = self.view.segments
        for coding in codings:
            i = bisect.bisect_right(self._ends, coding["start"])
            while i < len(segments) and segments[i].start < coding["end"]:
                self._by_segment.setdefault(i, []).append(coding)
                i += 1

    # --- data ---------------------------------------------------------------------

    def set_codings(self, codings: Sequence[Mapping[str, Any]]) -> None:
        """New codings (after a change): redraw only the lines they touch."""
        changed = {(c["start"], c["end"]) for c in codings} ^ {
            (c["start"], c["end"]) for c in self._codings
        }
        self._index(codings)
        if self._layout is None:
            return
        first, last = self.scroll_offset.y, self.scroll_offset.y + self.size.height
        touched = [
            y
            for y in range(first, min(last, len(self._layout.lines)))
            if any(_overlaps(self._layout.lines[y], a, b) for a, b in changed)
            or self._layout.lines[y].first
        ]
        if touched:
            self.refresh_lines(min(touched) - first, max(touched) - min(touched) + 1)

    def set_memos(self, spans: list[tuple[int, int]]) -> None:
        self._memos = spans
        self.refresh()

    @property
    def codings(self) -> Sequence[Mapping[str, Any]]:
        return self._codings

    def selection(self) -> tuple[int, int]:
        """The (start, end) code-point span the next code applies to."""
        if self.narrowed is not None:
            return self.narrowed
        segments = self.view.segments
        if not segments:
            return (0, 0)
        low, high = sorted(
            (self.cursor, self.extent_from if self.extent_from is not None else self.cursor)
        )
        return segments[low].start, segments[high].end

    def codings_in_selection(self) -> list[Mapping[str, Any]]:
        start, end = self.selection()
        return [c for c in self._codings if c["start"] < end and c["end"] > start]

    def is_coded(self, segment: int) -> bool:
        return bool(self._by_segment.get(segment))

    # --- layout and drawing -----------------------------------------------------------

    def _margin_width(self) -> int:
        """The code margin gives way on narrow terminals (the colours still show codes)."""
        return 0 if self.size.width < 60 else min(MARGIN, self.size.width // 4)

    def _text_width(self) -> int:
        return max(10, self.size.width - GUTTER - self._margin_width() - 1)

    def on_resize(self) -> None:
        self._relayout()

    def _relayout(self) -> None:
        layout = lay_out_lines(
            self.view.text, self.view.turns, self.view.segments, self._text_width()
        )
        self._layout = layout
        self.virtual_size = Size(self.size.width, len(layout.lines))
        self.refresh()
        self._scroll_to_cursor()

    @property
    def drawn(self) -> bool:
        """Whether the transcript has been laid out and drawn (benchmarks wait for it)."""
        return self._layout is not None and self._drawn

    def render_line(self, y: int) -> Strip:
        self._drawn = True
        layout = self._layout
        index = self.scroll_offset.y + y
        if layout is None or index >= len(layout.lines):
            return Strip.blank(self.size.width)
        line = layout.lines[index]
        if line.kind == "blank":
            return Strip.blank(self.size.width)
        if line.kind == "header":
            return Strip([Cell(" " * GUTTER), Cell(line.label, HEADER)]).crop(0, self.size.width)
        if line.kind == "note":
            return Strip([Cell(" " * GUTTER), Cell(self.view.text[line.start : line.end], NOTE)])
        return self._text_line(line)

    def _text_line(self, line: Line) -> Strip:
        text = self.view.text
        selection = self.selection()
        mark = "▌ " if line.segment == self.cursor else "  "
        cells = [Cell(mark, CURSOR_MARK)]
        cuts = {line.start, line.end}
        here = self._by_segment.get(line.segment, []) if line.segment is not None else []
        spans = [(c["start"], c["end"]) for c in here]
        for a, b in [*spans, selection]:
            cuts.update(p for p in (a, b) if line.start < p < line.end)
        points = sorted(cuts)
        for a, b in itertools.pairwise(points):
            style = BASE
            covering = [c for c in here if c["start"] <= a and c["end"] >= b]
            if covering:
                style = style + Style(
                    bgcolor=_dim(self.colours.get(covering[-1]["code"], "#555555"))
                )
            if selection[0] <= a and b <= selection[1]:
                style = style + SELECTED
            cells.append(Cell(text[a:b], style))
        used = GUTTER + (line.end - line.start)
        margin = self._margin_width()
        if margin and line.first and line.segment is not None:
            names = self._margin(line.segment)
            if names:
                pad = max(1, self.size.width - margin - used)
                cells += [Cell(" " * pad), Cell(names[: margin - 1], MARGIN_STYLE)]
        return Strip(cells).crop(0, self.size.width)

    def _margin(self, segment: int) -> str:
        s = self.view.segments[segment]
        codes = sorted({c["code"] for c in self._by_segment.get(segment, [])})
        memo = any(a < s.end and b > s.start for a, b in self._memos)
        return ("✎ " if memo else "") + " ".join(codes)

    # --- movement ----------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        self.extent_from = None
        self._move_to(self.cursor + delta)

    def action_extend(self, delta: int) -> None:
        if self.extent_from is None:
            self.extent_from = self.cursor
        self._move_to(self.cursor + delta, keep_anchor=True)

    def action_page(self, direction: int) -> None:
        layout = self._layout
        if layout is None:
            return
        target_line = layout.first_line[self.cursor] + direction * max(1, self.size.height - 2)
        segment = _segment_at(layout, target_line)
        self.extent_from = None
        self._move_to(segment)

    def action_edge(self, end: int) -> None:
        self.extent_from = None
        self._move_to(len(self.view.segments) - 1 if end else 0)

    def select_span(self, start: int, end: int) -> None:
        """Select exactly text[start:end] (a passage opened from retrieval or find), with the
        cursor on its first segment."""
        segments = self.view.segments
        if not segments:
            return
        first = min(bisect.bisect_right(self._ends, start), len(segments) - 1)
        last = max(first, min(bisect.bisect_left(self._ends, end), len(segments) - 1))
        self._move_to(first)
        self.extent_from = last if last != first else None
        self.narrowed = (start, end)
        self.refresh()

    def move_to_segment(self, segment: int) -> None:
        self.extent_from = None
        self._move_to(segment)

    def action_collapse(self) -> None:
        self.extent_from = None
        self.narrowed = None
        self.refresh()
        self.post_message(self.CursorMoved(self.cursor))

    def action_narrow(self, edge: str, delta: int) -> None:
        """Move the selection's start or end by one word (sub-sentence coding)."""
        start, end = self.selection()
        words = [(m.start(), m.end()) for m in _WORD.finditer(self.view.text, start, end)]
        if edge == "end":
            if delta < 0 and len(words) > 1:
                end = words[-2][1]
            elif delta > 0:
                following = _WORD.search(self.view.text, end, self._segment_end())
                end = following.end() if following else end
        elif delta > 0 and len(words) > 1:
            start = words[1][0]
        elif delta < 0:
            before = [
                m.start() for m in _WORD.finditer(self.view.text, self._segment_start(), start)
            ]
            start = before[-1] if before else start
        self.narrowed = (start, end)
        self.refresh()
        self.post_message(self.CursorMoved(self.cursor))

    def _segment_start(self) -> int:
        low = min(self.cursor, self.extent_from if self.extent_from is not None else self.cursor)
        return self.view.segments[low].start

    def _segment_end(self) -> int:
        high = max(self.cursor, self.extent_from if self.extent_from is not None else self.cursor)
        return self.view.segments[high].end

    def _move_to(self, segment: int, keep_anchor: bool = False) -> None:
        if not self.view.segments:
            return
        self.cursor = max(0, min(segment, len(self.view.segments) - 1))
        if not keep_anchor:
            self.extent_from = None
        self.narrowed = None
        self.refresh()
        self._scroll_to_cursor()
        self.post_message(self.CursorMoved(self.cursor))

    def _scroll_to_cursor(self) -> None:
        if self._layout is None or not self.view.segments:
            return
        y = self._layout.first_line[self.cursor]
        self.scroll_to_region(Region(0, y, 1, 1), animate=False, spacing=None, immediate=True)


def _segment_at(layout: Layout, y: int) -> int:
    """The segment shown on line y, or the nearest one after (before, at the end)."""
    y = max(0, min(y, len(layout.lines) - 1))
    for line in layout.lines[y:]:
        if line.segment is not None:
            return line.segment
    for line in reversed(layout.lines[:y]):
        if line.segment is not None:
            return line.segment
    return 0


def _overlaps(line: Line, start: int, end: int) -> bool:
    return line.kind == "text" and line.start < end and line.end > start


def _dim(colour: str) -> str:
    """A code colour darkened to a background that keeps light text readable."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        return "#444444"
    r, g, b = (int(colour[i : i + 2], 16) // 3 for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"
