"""Keeping a project safe: backups, checks and pseudonymisation."""

from __future__ import annotations

from brightspots.facade.base import ProjectPart


class Safekeeping(ProjectPart):
    """Methods are added here as the job grows; `Project` inherits them."""
