"""Cross-country synthesis and reports on a project."""

from __future__ import annotations

from brightspots.facade.base import ProjectPart


class Synthesis(ProjectPart):
    """Methods are added here as the job grows; `Project` inherits them."""
