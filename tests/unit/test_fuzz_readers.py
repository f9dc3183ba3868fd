"""Hostile input, fuzzed with Hypothesis: whatever a file holds, every reader returns its
result or raises brightspots' own error (naming the file), and a failed import, codebook,
codings sheet or REFI-QDA file leaves the project exactly as it was. Very large inputs are
refused before they are read.

`tests/unit/readers/test_reader_fuzz.py` already throws arbitrary text and bytes at
`read_source` for every transcript suffix; this file goes further: Word documents and
workbooks that are well-formed containers with arbitrary content (and damaged parts),
codebook and framework YAML, metadata and codings sheets, REFI-QDA `.qdc` and `.qdpx`
files, and the whole import path on a project."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brightspots.codebook import load_codebook, load_framework
from brightspots.corpus import read_source
from brightspots.errors import BrightspotsError, InputError
from brightspots.importer import ImportOptions
from brightspots.metadata import MetadataSheet
from brightspots.project import Project
from brightspots.segment import SpacySegmenter
from brightspots.vocabulary import DEFAULT_ALIASES

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
KNOWN = frozenset(DEFAULT_ALIASES)
# Text python-docx and openpyxl accept (XML forbids most control characters).
XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=120,
)
LABELS = st.sampled_from(["Interviewer", "HT", "Enquêteur", "Teacher 2", "R", "Abebe", ""])


def read_or_refuse(path: Path) -> None:
    try:
        source = read_source(path, KNOWN)
    except InputError as error:
        assert error.path == str(path) and str(error).startswith(str(path))
        return
    assert source.transcripts and all(t.turns for t in source.transcripts)


# --- containers with arbitrary content ------------------------------------------------------


@FUZZ
@given(
    paragraphs=st.lists(st.tuples(LABELS, st.booleans(), XML_TEXT), max_size=12),
    rows=st.lists(st.lists(XML_TEXT, min_size=1, max_size=3), max_size=5),
)
def test_word_documents_with_arbitrary_paragraphs_and_tables(
    tmp_path: Path, paragraphs: list[tuple[str, bool, str]], rows: list[list[str]]
) -> None:
    document = docx.Document()
    for label, bold, text in paragraphs:
        paragraph = document.add_paragraph()
        if label:
            paragraph.add_run(f"{label}:").bold = bold
        paragraph.add_run(f" {text}")
    if rows:
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                table.cell(i, j).text = cell
    path = tmp_path / "interview.docx"
    document.save(str(path))
    read_or_refuse(path)


CELL = st.one_of(
    XML_TEXT,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.dates(),
    st.booleans(),
    st.none(),
    st.sampled_from(["=1/0", "=A1", "#REF!", "respondent_id"]),
)


@FUZZ
@given(
    header=st.lists(st.one_of(st.just("respondent_id"), st.just("country"), XML_TEXT), max_size=5),
    rows=st.lists(st.lists(CELL, max_size=5), max_size=6),
)
def test_workbooks_with_arbitrary_cells(
    tmp_path: Path, header: list[str], rows: list[list[Any]]
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append(row)
    path = tmp_path / "survey.xlsx"
    book.save(path)
    read_or_refuse(path)


def zip_with(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def damaged(container: bytes, part: str) -> Callable[[bytes, int], bytes]:
    """Replace one part of a valid container by a mutation of its own bytes."""
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}

    def mutate(noise: bytes, cut: int) -> bytes:
        original = members[part]
        at = cut % max(1, len(original))
        return zip_with({**members, part: original[:at] + noise + original[at + len(noise) :]})

    return mutate


def sample_docx() -> bytes:
    document = docx.Document()
    for label, text in (("Interviewer", "How do you help?"), ("HT", "We meet weekly.")):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}:").bold = True
        paragraph.add_run(f" {text}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def sample_xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["respondent_id", "country", "What helps?"])
    book.active.append(["R1", "ET", "The teachers meet."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("suffix", "part"),
    [
        (".docx", "word/document.xml"),
        (".docx", "[Content_Types].xml"),
        (".xlsx", "xl/worksheets/sheet1.xml"),
        (".xlsx", "xl/workbook.xml"),
    ],
)
def test_containers_with_a_damaged_part(tmp_path: Path, suffix: str, part: str) -> None:
    mutate = damaged(sample_docx() if suffix == ".docx" else sample_xlsx(), part)

    @FUZZ
    @given(noise=st.binary(min_size=1, max_size=64), cut=st.integers(0, 10**6))
    def check(noise: bytes, cut: int) -> None:
        path = tmp_path / f"file{suffix}"
        path.write_bytes(mutate(noise, cut))
        read_or_refuse(path)

    check()


# --- codebooks, frameworks, sheets ------------------------------------------------------------


YAML_KEYS = st.sampled_from(
    ["kind", "id", "name", "version", "codes", "focus_areas", "practices", "parent",
     "definition", "examples", "colour", "shortcut", "practice", "status", "x"]
)  # fmt: skip
YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), XML_TEXT,
              st.sampled_from(["codebook", "framework", "#ff0000", "a", "provisional"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(YAML_KEYS, inner, max_size=5)),
    max_leaves=25,
)  # fmt: skip


def refused_by_codebook_loaders(path: Path) -> None:
    for load in (load_framework, load_codebook):
        try:
            load(path)
        except InputError as error:
            assert error.path == str(path)


@FUZZ
@given(data=st.dictionaries(YAML_KEYS, YAML_VALUES, max_size=6))
def test_codebook_yaml_with_arbitrary_structure(tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    refused_by_codebook_loaders(path)


@FUZZ
@given(text=st.text(max_size=300))
def test_codebook_yaml_with_arbitrary_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text("kind: codebook\nid: x\n" + text, encoding="utf-8")
    refused_by_codebook_loaders(path)


@FUZZ
@given(data=st.binary(max_size=300))
def test_codebook_yaml_with_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_bytes(data)
    refused_by_codebook_loaders(path)


ALIAS_BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n"
        for a, b in zip("abcdefg", "bcdefgh", strict=True)
    )
    + "kind: codebook\ncodes: *h\n"
)


def run_in_child(work: Callable[[], None], timeout: float) -> str:
    """`work()` in a forked child; its outcome as text, or `timeout`."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            work()
            outcome = "ok"
        except BrightspotsError as error:
            outcome = f"refused: {error.message}"
        except BaseException as error:
            outcome = f"escaped: {type(error).__name__}"
        os.write(write, outcome.encode()[:4000])
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(read)
        return "timeout"
    result = os.read(read, 4096).decode()
    os.close(read)
    return result


@pytest.mark.skipif(not hasattr(os, "fork"), reason="run in a forked child, with a time limit")
def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    outcome = run_in_child(lambda: load_codebook(path), timeout=3)
    assert outcome.startswith("refused"), outcome


@FUZZ
@given(
    header=st.lists(st.sampled_from(["file", "country", "school_id", "school_group", "speakers",
                                     "language", "date", "x"]), min_size=1, max_size=6),
    rows=st.lists(st.lists(st.text(max_size=20), max_size=7), max_size=6),
    separator=st.sampled_from([",", ";", "\t"]),
)  # fmt: skip
def test_metadata_sheets_with_arbitrary_rows(
    tmp_path: Path, header: list[str], rows: list[list[str]], separator: str
) -> None:
    path = tmp_path / "metadata.csv"
    lines = [separator.join(header), *(separator.join(r) for r in rows)]
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        sheet = MetadataSheet(path)
        sheet.lookup("interview.txt")
    except InputError as error:
        assert error.path == str(path)


# --- the whole path, on a project: a failure changes nothing ------------------------------------


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory, segmenter: SpacySegmenter) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("fuzz-project")
    path = folder / "study.bsp"
    source = folder / "ht.txt"
    source.write_text(
        "Interviewer: How do you help new teachers?\nHT: We meet every week.\n", encoding="utf-8"
    )
    with Project.create(path, segmenter=segmenter) as project:
        project.import_files([source], ImportOptions(defaults={"country": "ET", "school_id": "S1"}))
        yield project


def fingerprint(project: Project) -> tuple[int, ...]:
    """Changes this connection made, and what every table holds."""
    conn: sqlite3.Connection = project.store.db.conn
    counts = [
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("documents", "segments", "codings", "codes", "events", "memos")
    ]
    return (conn.total_changes, *counts)


def unchanged_after_failure(project: Project, action: Callable[[], object]) -> None:
    before = fingerprint(project)
    try:
        action()
    except BrightspotsError:
        assert fingerprint(project) == before
    # Anything else escaping fails the test.


@pytest.mark.parametrize(
    "suffix", [".txt", ".md", ".vtt", ".srt", ".json", ".csv", ".docx", ".xlsx"]
)
def test_a_failed_import_changes_nothing(
    study: Project, tmp_path_factory: pytest.TempPathFactory, suffix: str
) -> None:
    folder = tmp_path_factory.mktemp("fuzz-import")

    @FUZZ
    @given(data=st.binary(max_size=400))
    def check(data: bytes) -> None:
        path = folder / f"interview{suffix}"
        path.write_bytes(data)
        unchanged_after_failure(study, lambda: study.import_files([path]))

    check()


@FUZZ
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["ht.txt", "nope.txt", ""]), st.text(max_size=8),
                  st.sampled_from(["context-policy-system", "nope", ""]), st.text(max_size=30),
                  st.text(max_size=6), st.text(max_size=6)),
        max_size=5,
    ),
    header=st.sampled_from(["document,coder,code,quote,start,end", "document,coder,code",
                            "document,coder,code,start,end", "x"]),
)  # fmt: skip
def test_a_failed_codings_sheet_changes_nothing(
    study: Project, tmp_path: Path, rows: list[tuple[str, ...]], header: str
) -> None:
    path = tmp_path / "codings.csv"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header.split(","))
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    unchanged_after_failure(study, lambda: study.load_codings([path]))


@FUZZ
@given(data=st.dictionaries(YAML_KEYS, YAML_VALUES, max_size=6))
def test_a_failed_codebook_load_changes_nothing(
    study: Project, tmp_path: Path, data: dict[str, Any]
) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump({"kind": "codebook", **data}), encoding="utf-8")
    unchanged_after_failure(study, lambda: study.load_codebook(path))


# --- REFI-QDA files (src/brightspots/exchange/) ---------------------------------------------------

QDC = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="fuzz"><Codes>'
    '<Code guid="c4b1a7b2-0f67-4a3c-9d2b-000000000001" name="Peer mentoring" isCodable="true">'
    "<Description>Teachers coach each other.</Description></Code></Codes></CodeBook>"
)


@pytest.mark.parametrize("suffix", [".qdc", ".qdpx"])
def test_a_failed_refi_import_changes_nothing(
    study: Project, tmp_path_factory: pytest.TempPathFactory, suffix: str
) -> None:
    folder = tmp_path_factory.mktemp("fuzz-refi")
    valid = QDC.encode() if suffix == ".qdc" else zip_with({"project.qde": QDC.encode()})

    @FUZZ
    @given(noise=st.binary(max_size=80), cut=st.integers(0, 10**4), raw=st.booleans())
    def check(noise: bytes, cut: int, raw: bool) -> None:
        at = cut % len(valid)
        data = noise if raw else valid[:at] + noise + valid[at + len(noise) :]
        path = folder / f"project{suffix}"
        path.write_bytes(data)
        unchanged_after_failure(study, lambda: study.import_exchange(path))

    check()


@FUZZ
@given(
    text=XML_TEXT, guid=st.sampled_from(["", "not-a-guid", "c4b1a7b2-0f67-4a3c-9d2b-000000000002"])
)
def test_qdc_codebooks_with_arbitrary_content(
    study: Project, tmp_path: Path, text: str, guid: str
) -> None:
    from xml.sax.saxutils import quoteattr

    body = QDC.replace('name="Peer mentoring"', f"name={quoteattr(text)}").replace(
        "c4b1a7b2-0f67-4a3c-9d2b-000000000001", guid
    )
    path = tmp_path / "codes.qdc"
    path.write_text(body, encoding="utf-8")
    unchanged_after_failure(study, lambda: study.import_exchange(path))


# --- very large inputs -------------------------------------------------------------------------

HUGE = 300 * 2**20


@pytest.mark.parametrize(
    "suffix", [".txt", ".md", ".vtt", ".srt", ".json", ".csv", ".docx", ".xlsx"]
)
def test_a_file_of_hundreds_of_megabytes_is_refused_unread(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"huge{suffix}"
    with path.open("wb") as handle:  # sparse: costs no disk, reads as 300 MB
        handle.truncate(HUGE)
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(InputError, match=r"300 MB; files over 64 MB are refused"):
        read_source(path, KNOWN)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.monotonic() - started < 2 and peak < 10 * 2**20


def test_the_import_of_a_huge_file_says_which_and_changes_nothing(
    study: Project, tmp_path: Path
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(HUGE)
    before = fingerprint(study)
    with pytest.raises(BrightspotsError, match=r"huge\.txt: the file is 300 MB"):
        study.import_files([path])
    assert fingerprint(study) == before


def test_a_huge_codings_sheet_and_a_huge_names_file_are_refused(
    study: Project, tmp_path: Path
) -> None:
    path = tmp_path / "codings.csv"
    with path.open("wb") as handle:
        handle.truncate(HUGE)
    with pytest.raises(InputError, match="300 MB"):
        study.load_codings([path])
    with pytest.raises(InputError, match="300 MB"):
        study.pseudonymise(tmp_path / "key.csv", [path], dry_run=True)


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_a_zip_bomb_is_refused(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small container that would unpack to far more than the limit (lowered here to
    1 MB, so the bomb is only 5 MB of zeros)."""
    monkeypatch.setenv("BRIGHTSPOTS_MAX_INPUT_MB", "1")
    part = "word/document.xml" if suffix == ".docx" else "xl/sharedStrings.xml"
    container = sample_docx() if suffix == ".docx" else sample_xlsx()
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr(part + ".pad", b"\0" * (5 * 2**20))
    path = tmp_path / f"bomb{suffix}"
    path.write_bytes(out.getvalue())
    assert path.stat().st_size < 2**20
    with pytest.raises(InputError, match=r"would unpack to [56] MB in \d+ parts; over 4 MB"):
        read_source(path, KNOWN)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_pipe_or_a_device_is_refused_not_read_forever(tmp_path: Path) -> None:
    pipe = tmp_path / "transcript.txt"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match="not a regular file"):
        read_source(pipe, KNOWN)
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(InputError, match="not a regular file"):
        read_source(folder, KNOWN)
