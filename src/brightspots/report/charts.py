"""The report's charts as PNG bytes: practice x country heat maps and the focus-area bars.

matplotlib is imported only here, inside the functions (it costs a second at start-up),
and used through `Figure` objects rather than pyplot, so there is no global state and no
GUI backend: charts can be drawn in a worker thread. Output is deterministic: the default
style whatever the user's matplotlibrc says, a fixed size and resolution, and no software
or date stamp in the PNG, so the same synthesis gives byte-identical pictures.

The functions take plain numbers (not the synthesis' classes): what to draw is decided in
`compose.py`."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from brightspots.report.document import ink

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 150
PD_COLOUR = "#0b5394"  # Okabe-Ito-like blue and orange: readable to colour-blind readers
COMPARISON_COLOUR = "#e69f00"
EMPTY_COLOUR = "#eeeeee"
COLOUR_MAP = "YlGnBu"


@dataclass(frozen=True)
class HeatmapCell:
    """Schools with the practice (`present`) out of the schools of that country and group
    (`schools`); `small` marks counts too small to read much into."""

    present: int
    schools: int
    small: bool = False

    @property
    def share(self) -> float | None:
        return self.present / self.schools if self.schools else None


@dataclass(frozen=True)
class Bar:
    """One focus area: PD and comparison schools with any of its practices."""

    label: str
    pd_present: int
    pd_schools: int
    comparison_present: int
    comparison_schools: int


def heatmap_png(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[HeatmapCell]],
    title: str,
    groups: Sequence[str] | None = None,
    small_mark: str = "*",
) -> bytes:
    """A heat map of shares (0 to 1 on one fixed scale, so two maps compare), each cell
    annotated `present/schools`, with `small_mark` after small counts; cells without
    schools are grey and say so. `groups` (one label per row, e.g. the focus area) draws
    a line where the group changes."""
    import matplotlib as mpl
    import matplotlib.style
    import numpy as np

    if not rows or not columns:
        raise ValueError("a heat map needs at least one row and one column")
    shares = np.array(
        [[np.nan if c.share is None else c.share for c in row] for row in cells], dtype=float
    )
    labels = [textwrap.fill(r, 42) for r in rows]
    line_count = sum(label.count("\n") + 1 for label in labels)
    width = (
        2.6
        + 0.62 * len(columns)
        + max(len(line) for r in labels for line in r.splitlines()) * 0.065
    )
    height = 1.3 + max(line_count * 0.2, len(rows) * 0.36)
    with mpl.style.context("default"):
        figure = _figure(width, height)
        axes = figure.subplots()
        colour_map = mpl.colormaps[COLOUR_MAP].with_extremes(bad=EMPTY_COLOUR)
        image = axes.imshow(
            np.ma.masked_invalid(shares), cmap=colour_map, vmin=0, vmax=1, aspect="auto"
        )
        for r, row in enumerate(cells):
            for c, cell in enumerate(row):
                if not cell.schools:
                    axes.text(
                        c, r, "no\nschools", ha="center", va="center", fontsize=6, color="#666666"
                    )
                    continue
                shade = mpl.colors.to_hex(colour_map(float(shares[r, c])))
                text = f"{cell.present}/{cell.schools}" + (small_mark if cell.small else "")
                axes.text(c, r, text, ha="center", va="center", fontsize=7, color=ink(shade))
        axes.set_xticks(range(len(columns)), list(columns), fontsize=8)
        axes.set_yticks(range(len(rows)), labels, fontsize=7.5)
        axes.xaxis.tick_top()
        axes.tick_params(length=0)
        axes.set_xticks(np.arange(-0.5, len(columns)), minor=True)
        axes.set_yticks(np.arange(-0.5, len(rows)), minor=True)
        axes.grid(which="minor", color="white", linewidth=1.5)
        axes.tick_params(which="minor", length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        if groups:
            for r in range(1, len(rows)):
                if groups[r] != groups[r - 1]:
                    axes.axhline(r - 0.5, color="#333333", linewidth=1.2)
        bar = figure.colorbar(image, ax=axes, fraction=0.04, pad=0.02, format=_percent())
        bar.set_label("share of schools", fontsize=8)
        bar.ax.tick_params(labelsize=7)
        axes.set_title(title, fontsize=10, loc="left", pad=10)
        return _png(figure)


def focus_area_png(bars: Sequence[Bar], title: str) -> bytes:
    """Grouped horizontal bars: for each focus area, the share of PD and of comparison
    schools with any of its practices, annotated with the share and the counts."""
    import matplotlib as mpl
    import matplotlib.style
    import numpy as np

    if not bars:
        raise ValueError("a focus-area chart needs at least one focus area")
    labels = [textwrap.fill(b.label, 32) for b in bars]
    height = 1.4 + 0.75 * len(bars)
    with mpl.style.context("default"):
        figure = _figure(7.5, height)
        axes = figure.subplots()
        positions = np.arange(len(bars))
        thickness = 0.38
        series = [
            ("PD schools", PD_COLOUR, [(b.pd_present, b.pd_schools) for b in bars], -thickness / 2),
            (
                "Comparison schools",
                COMPARISON_COLOUR,
                [(b.comparison_present, b.comparison_schools) for b in bars],
                thickness / 2,
            ),
        ]
        for name, colour, counts, offset in series:
            shares = [p / s if s else 0.0 for p, s in counts]
            axes.barh(positions + offset, shares, height=thickness, color=colour, label=name)
            for y, share, (present, schools) in zip(
                positions + offset, shares, counts, strict=True
            ):
                text = f"{share:.0%} ({present}/{schools})" if schools else "no schools"
                axes.text(share + 0.01, y, text, va="center", fontsize=7)
        axes.set_yticks(positions, labels, fontsize=8)
        axes.invert_yaxis()
        axes.set_xlim(0, 1.18)
        axes.set_xticks(np.linspace(0, 1, 6))
        axes.xaxis.set_major_formatter(_percent())
        axes.tick_params(labelsize=8)
        axes.set_xlabel("share of schools with any practice of the focus area", fontsize=8)
        axes.grid(axis="x", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        # Above the bars, under the title: bars of 100% would run under a legend inside.
        axes.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False)
        axes.set_title(title, fontsize=10, loc="left", pad=22)
        return _png(figure)


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1, decimals=0)


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    # No "Software" text chunk: nothing in the file depends on the matplotlib version.
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()
