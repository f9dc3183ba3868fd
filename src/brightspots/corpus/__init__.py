"""Readers: every supported source format -> `Transcript`s (turns with speakers and times).

`read_source` chooses the reader by file suffix (and sniffs Otter.ai inside .txt)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from brightspots.corpus.captions import read_srt, read_vtt
from brightspots.corpus.source import check_archive, decode, read_bytes
from brightspots.corpus.structured import read_docx, read_survey, read_whisper
from brightspots.corpus.text import read_text_transcript, text_format
from brightspots.errors import InputError, ReaderError
from brightspots.models import Transcript

TRANSCRIPT_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt", ".json")
SURVEY_SUFFIXES = (".csv", ".xlsx")
SUPPORTED_SUFFIXES = TRANSCRIPT_SUFFIXES + SURVEY_SUFFIXES


@dataclass(frozen=True)
class Source:
    """What one file held: its format, raw bytes (for the content hash) and transcripts."""

    format: str
    data: bytes
    transcripts: tuple[Transcript, ...]


def read_source(path: Path, known_labels: Collection[str], encoding: str | None = None) -> Source:
    """Read one file. Only `InputError`s escape: a parsing library that fails on a damaged
    or hostile file (lxml on a broken .docx, say) is reported as that file's problem."""
    try:
        return _read(path, known_labels, encoding)
    except InputError:
        raise
    except (Exception, RecursionError) as error:
        raise ReaderError(f"could not be read ({type(error).__name__}: {error})", path) from error


def _read(path: Path, known_labels: Collection[str], encoding: str | None) -> Source:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReaderError(
            f"unsupported file type {suffix or '(none)'}; brightspots reads "
            + ", ".join(SUPPORTED_SUFFIXES),
            path,
        )
    data = read_bytes(path)
    if suffix == ".docx":
        check_archive(path)  # sheets check theirs in table.py
        return Source("docx", data, (read_docx(path, known_labels),))
    if suffix in SURVEY_SUFFIXES:
        return Source(f"survey-{suffix[1:]}", data, tuple(read_survey(path, encoding)))
    text = decode(data, path, encoding)
    if suffix == ".vtt":
        return Source("vtt", data, (read_vtt(text, path, known_labels),))
    if suffix == ".srt":
        return Source("srt", data, (read_srt(text, path, known_labels),))
    if suffix == ".json":
        return Source("whisper-json", data, (read_whisper(text, path),))
    markdown = suffix == ".md"
    transcript = read_text_transcript(text, path, known_labels, markdown=markdown)
    name = "markdown" if markdown else text_format(text)
    return Source(name, data, (transcript,))
