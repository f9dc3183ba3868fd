"""Charts are PNGs of a sensible size, identical from run to run, with no stamp in them."""

from __future__ import annotations

import io

import pytest

from brightspots.report.charts import DPI, Bar, HeatmapCell, focus_area_png, heatmap_png
from tests.report_sample import bars, heatmap


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        chunks.append(data[at + 4 : at + 8])
        at += 12 + length
    return chunks


@pytest.mark.parametrize("draw", [heatmap, bars])
def test_charts_are_deterministic_pngs_without_a_stamp(draw: object) -> None:
    from PIL import Image

    assert callable(draw)
    first = draw()
    draw.cache_clear()  # type: ignore[attr-defined]
    assert draw() == first
    chunks = png_chunks(first)
    assert b"tEXt" not in chunks and b"tIME" not in chunks and b"iTXt" not in chunks
    image = Image.open(io.BytesIO(first))
    width, height = image.size
    assert 600 < width < 3000 and 300 < height < 3000
    assert image.info.get("dpi", (DPI, DPI))[0] == pytest.approx(DPI, abs=1)


def test_the_heat_map_grows_with_its_rows() -> None:
    from PIL import Image

    def height(rows: int) -> int:
        cells = [[HeatmapCell(1, 2)] * 2 for _ in range(rows)]
        data = heatmap_png([f"practice {i}" for i in range(rows)], ["A", "B"], cells, "t")
        return int(Image.open(io.BytesIO(data)).size[1])

    assert height(15) > 2 * height(3)


def test_empty_charts_are_refused() -> None:
    with pytest.raises(ValueError):
        heatmap_png([], ["A"], [], "t")
    with pytest.raises(ValueError):
        focus_area_png([], "t")


def test_a_heat_map_cell_knows_its_share() -> None:
    assert HeatmapCell(1, 4).share == 0.25
    assert HeatmapCell(0, 0).share is None
    assert Bar("a", 1, 2, 0, 0).comparison_schools == 0
