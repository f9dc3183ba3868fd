"""Cell shading for the report's tables, matching the charts.

Shares are shaded on matplotlib's YlGnBu scale (the heat maps' scale), interpolated here
from its nine anchor colours so that tables need no matplotlib. Differences between PD and
comparison schools get a diverging scale: blue where PD schools are ahead, orange where
comparison schools are, white at no difference; it saturates at 50 percentage points."""

from __future__ import annotations

from collections.abc import Sequence

# matplotlib's YlGnBu (ColorBrewer, 9 classes), evenly spaced from 0 to 1.
YLGNBU = (
    "#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4",
    "#1d91c0", "#225ea8", "#253494", "#081d58",
)  # fmt: skip
# From comparison ahead (-) through white to PD ahead (+): ColorBrewer PuOr, recoloured to
# the charts' orange and blue ends.
DIVERGING = ("#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#c6dbef", "#6baed6", "#08519c")
DIFFERENCE_SATURATES = 0.5


def share_shade(share: float | None) -> str | None:
    """The YlGnBu colour of a share from 0 to 1 (None: no shading)."""
    if share is None:
        return None
    return _interpolate(YLGNBU, min(max(share, 0.0), 1.0))


def difference_shade(difference: float | None) -> str | None:
    """The diverging colour of a difference of shares (None: no shading)."""
    if difference is None:
        return None
    position = (min(max(difference / DIFFERENCE_SATURATES, -1.0), 1.0) + 1) / 2
    return _interpolate(DIVERGING, position)


def _interpolate(anchors: Sequence[str], position: float) -> str:
    scaled = position * (len(anchors) - 1)
    low = min(int(scaled), len(anchors) - 2)
    fraction = scaled - low
    first, second = _rgb(anchors[low]), _rgb(anchors[low + 1])
    mixed = (round(a + (b - a) * fraction) for a, b in zip(first, second, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
