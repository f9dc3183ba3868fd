"""Property: whatever a file holds, read_source returns transcripts or raises an
InputError; no other exception escapes to the importer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brightspots.corpus import Source, read_source
from brightspots.errors import InputError

TEXT_SUFFIXES = [".txt", ".md", ".vtt", ".srt", ".json", ".csv"]
FUZZ = settings(max_examples=60, deadline=None, derandomize=True)


def read_or_refuse(path, known) -> Source | None:
    try:
        source = read_source(path, known)
    except InputError as error:
        assert error.path == str(path)
        assert str(error).startswith(str(path))
        return None
    assert source.transcripts
    for transcript in source.transcripts:
        assert transcript.turns
    return source


@pytest.mark.parametrize("suffix", TEXT_SUFFIXES)
def test_arbitrary_text(tmp_path_factory, known, suffix):
    folder = tmp_path_factory.mktemp("fuzz-text")

    @FUZZ
    @given(text=st.text())
    def check(text: str) -> None:
        path = folder / f"interview{suffix}"
        path.write_text(text, encoding="utf-8")
        read_or_refuse(path, known)

    check()


# Text that looks a little like each format, so the fuzzing reaches past the first check.
PREFIXES = {
    ".txt": "Interviewer: Good morning.\n",
    ".md": "---\ncountry: ET\n---\n**HT:** ",
    ".vtt": "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n",
    ".srt": "1\n00:00:01,000 --> 00:00:02,000\n",
    ".json": '{"language": "fr", "segments": [{"start": 0, "end": 1, "text": ',
    ".csv": "respondent_id;country;Qu'est-ce qui aide ?\nTD-R01;TD;",
}


@pytest.mark.parametrize("suffix", TEXT_SUFFIXES)
def test_arbitrary_text_after_a_plausible_start(tmp_path_factory, known, suffix):
    folder = tmp_path_factory.mktemp("fuzz-prefixed")

    @FUZZ
    @given(text=st.text())
    def check(text: str) -> None:
        path = folder / f"interview{suffix}"
        path.write_text(PREFIXES[suffix] + text, encoding="utf-8")
        read_or_refuse(path, known)

    check()


@pytest.mark.parametrize("suffix", [*TEXT_SUFFIXES, ".docx", ".xlsx"])
def test_arbitrary_bytes(tmp_path_factory, known, suffix):
    folder = tmp_path_factory.mktemp("fuzz-bytes")

    @FUZZ
    @given(data=st.binary(max_size=2000))
    def check(data: bytes) -> None:
        path = folder / f"interview{suffix}"
        path.write_bytes(data)
        read_or_refuse(path, known)

    check()
