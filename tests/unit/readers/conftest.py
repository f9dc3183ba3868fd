"""Shared fixtures for the reader tests: the fixture folder, the default label table, and
helpers that read a file and check the error a malformed one must give."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from brightspots.corpus import Source, read_source
from brightspots.errors import InputError
from brightspots.models import Transcript
from brightspots.vocabulary import DEFAULT_ALIASES, label_key

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def known() -> frozenset[str]:
    """What the importer passes as `known_labels`: the keys of the alias table."""
    return frozenset(DEFAULT_ALIASES)


@pytest.fixture(scope="session")
def role_of() -> Callable[[str | None], str | None]:
    def role(speaker: str | None) -> str | None:
        return DEFAULT_ALIASES.get(label_key(speaker)) if speaker else None

    return role


@pytest.fixture
def read(known: frozenset[str]) -> Callable[..., Source]:
    def read_file(path: Path, encoding: str | None = None) -> Source:
        return read_source(path, known, encoding)

    return read_file


@pytest.fixture
def read_one(read: Callable[..., Source]) -> Callable[..., Transcript]:
    """Read a single-document file and return its one transcript."""

    def read_transcript(path: Path, encoding: str | None = None) -> Transcript:
        source = read(path, encoding)
        assert len(source.transcripts) == 1
        return source.transcripts[0]

    return read_transcript


@pytest.fixture
def expect_error(known: frozenset[str]) -> Callable[..., InputError]:
    """Read `path` and check that it fails with an InputError naming the file (and the
    line, when `line` is given). Any other exception type escapes and fails the test."""

    def check(path: Path, line: int | None = None, encoding: str | None = None) -> InputError:
        with pytest.raises(InputError) as caught:
            read_source(path, known, encoding)
        error = caught.value
        assert error.path == str(path)
        assert str(error).startswith(str(path))
        if line is not None:
            assert error.line == line, str(error)
            assert f"{path}, line {line}: " in str(error)
        return error

    return check
