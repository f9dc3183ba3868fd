"""Shared fixtures. Tests never touch the network: the offline flags are set first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from brightspots.config import set_offline_environment
from brightspots.project import Project
from brightspots.segment import SpacySegmenter

set_offline_environment()

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "sample"
CODEBOOKS = ROOT / "codebooks"


@pytest.fixture(scope="session")
def segmenter() -> SpacySegmenter:
    """One segmenter for the session: spaCy pipelines are cached inside it."""
    return SpacySegmenter()


@pytest.fixture
def project(tmp_path: Path, segmenter: SpacySegmenter) -> Iterator[Project]:
    with Project.create(tmp_path / "study.bsp", segmenter=segmenter) as created:
        yield created


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


HEAD_TEACHER = """---
country: ET
school_id: ET-S01
school_group: pd
respondent_role: head_teacher
method: kii
language: en
---
Interviewer: How do you support new teachers?
HT: Each strong teacher takes five others, we call it one-to-five. [inaudible] It works.
Interviewer: And the parents?
HT: They come on Fridays. Some of them, not all.
"""
