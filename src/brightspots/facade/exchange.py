"""Exchange with other tools: REFI-QDA projects and codebooks, tabular exports."""

from __future__ import annotations

from brightspots.facade.base import ProjectPart


class Exchange(ProjectPart):
    """Methods are added here as the job grows; `Project` inherits them."""
