"""Pseudonymisation: every name replaced everywhere (documents, snippets, memos, the history,
the file's bytes), the same name by the same pseudonym, codings still on their words, undo
still working, and the key only in its own file."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from brightspots.cli import main
from brightspots.errors import InputError, ProjectError
from brightspots.project import Project
from brightspots.pseudonym import OffsetMap, Replacer
from brightspots.pseudonym.replacing import replace_spans
from brightspots.segment import SpacySegmenter
from tests.conftest import write

CODE = "context-policy-system"
NAMES = ("abebe", "girma", "tigist", "alemu", "gulit", "kebede")

HEAD = """---
country: ET
school_id: ET-S01
school_group: pd
respondent_role: head_teacher
method: kii
language: en
school_name: Gulit Meda Primary
---
Interviewer: Good morning, Ato Abebe Girma. How do you support new teachers?
Abebe Girma: Each strong teacher takes five others. Mrs Tigist Alemu leads the first \
group at Gulit Meda Primary.
Interviewer: And the parents?
Abebe Girma: They come on Fridays. Tigist calls them. ABEBE GIRMA signs the register.
"""
PARENTS = """---
country: ET
school_id: ET-S01
school_group: pd
respondent_role: parent
method: fgd
language: en
---
Facilitator: What does the school do well?
Parent: Abebe's teachers visit us. Kebede walks the children home from Gulit Meda.
"""


def spans(text: str, quote: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


@pytest.fixture
def named(tmp_path: Path, segmenter: SpacySegmenter) -> Path:
    """A project full of names, in every place a name can hide."""
    path = tmp_path / "study.bsp"
    with Project.create(path, segmenter=segmenter) as project:
        project.import_files(
            [
                write(tmp_path / "in" / "ht.txt", HEAD),
                write(tmp_path / "in" / "parents.txt", PARENTS),
            ]
        )
        text = project.document("ht.txt").text
        project.apply_code("ht.txt", *spans(text, "Ato Abebe Girma"), CODE, "ana")
        whole = project.apply_code("ht.txt", *spans(text, "Abebe Girma", 1), CODE, "ana")
        part = project.apply_code("ht.txt", *spans(text, "Girma", 1), CODE, "ana")  # joins whole
        project.add_memo("coding", "Girma is the head.", "ana", coding=part["uid"])
        project.apply_code("ht.txt", *spans(text, "Mrs Tigist Alemu leads"), CODE, "bo")
        project.apply_code("ht.txt", *spans(text, "They come on Fridays."), CODE, "bo")
        gone = project.apply_code("ht.txt", *spans(text, "Tigist calls them."), CODE, "ana")
        project.remove_coding(gone["uid"], "ana")  # its snippet lives on in the history
        project.add_memo(
            "document", "Ask Tigist Alemu about the register.", "bo", document="ht.txt"
        )
        project.add_memo(
            "segment",
            "Abebe again",
            "bo",
            document="ht.txt",
            start=whole["start"],
            end=whole["end"],
        )
        project.add_alias("Kebede", "parent")  # a name taught as a speaker label
        parents = project.document("parents.txt").text
        project.apply_code(
            "parents.txt", *spans(parents, "Kebede walks the children home"), CODE, "bo"
        )
        store = project.store
        num = store.get_document("ht.txt")[0]
        code = store.code_numbers()[CODE]
        start, end = spans(text, "Tigist calls them.")
        with store.transaction():
            store.add_feedback(
                num,
                start,
                end,
                "Tigist calls them.",
                code,
                store.ensure_coder("bo"),
                "rejected",
                0.4,
            )
            result = {
                "themes": [
                    {
                        "keywords": [["abebe", 0.5], ["register", 0.2]],
                        "quotes": [["Tigist calls them.", "ht.txt", start, end]],
                    }
                ]
            }
            store.save_theme_run("run-1", "fake", json.dumps(result))
        assert len(project.codings("ht.txt")) == 5
    return path


def everything(path: Path) -> str:
    """Every value in the project, as SQL text (full-text index blobs are hex)."""
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def raw_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_names_are_replaced_everywhere_and_codings_stay_on_their_words(
    named: Path, tmp_path: Path
) -> None:
    private = tmp_path / "private"
    private.mkdir()
    names = write(private / "names.txt", "Tigist Alemu\nplace: Gulit Meda\nKebede\n")
    key = private / "key.csv"
    before = everything(named).casefold()
    assert all(n in before for n in NAMES)
    with Project.open(named) as project:
        report = project.pseudonymise(key, [names])
        text = project.document("ht.txt").text
        codings = project.codings("ht.txt")
        assert project.check().ok
        assert not project.search("Abebe") and not project.search("Tigist")
        assert project.search("Person")
        memos = project.memos()
        turns = project.document("ht.txt").turns
    assert report.documents == 2 and report.codings_joined == 1 and report.events > 0
    assert {"speaker", "attribute", "names"} <= set(report.sources)
    # Not one name anywhere: tables, history, full-text index, the file's bytes.
    after = everything(named).casefold()
    for name in NAMES:
        assert name not in after, name
        assert name.encode() not in raw_bytes(named).lower(), name
    # The key: its own file, the owner's only, the originals and their pseudonyms.
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    rows = key.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "original,pseudonym,kind,source"
    pseudonyms = {row.split(",")[0]: row.split(",")[1] for row in rows[1:]}
    abebe, tigist = pseudonyms["Abebe Girma"], pseudonyms["Tigist Alemu"]
    assert f"Abebe Girma,{abebe},person,speaker" in rows
    assert f"Tigist Alemu,{tigist},person,names file" in rows
    assert pseudonyms["Gulit Meda Primary"].startswith("Place")
    assert pseudonyms["Abebe"] == pseudonyms["Girma"] == abebe  # parts of a name
    # The same name, the same pseudonym, in every document and every column.
    assert text.startswith(f"Interviewer: Good morning, Ato {abebe}. How do you")
    assert f"{abebe}: Each strong teacher" in text
    assert f"{abebe} signs the register" in text  # the upper-case spelling too
    assert f"at {pseudonyms['Gulit Meda Primary']}." in text
    assert {t.speaker for t in turns} == {"Interviewer", abebe}
    # Codings still hold their words; the one on a part of a name grew to the pseudonym
    # and, being now the same as the one on the whole name, was joined to it.
    assert all(text[c["start"] : c["end"]] == c["snippet"] for c in codings)
    assert [c["snippet"] for c in codings] == [
        f"Ato {abebe}",
        abebe,
        f"Mrs {tigist} leads",
        "They come on Fridays.",
    ]
    by_text = {m["text"]: m for m in memos}
    assert f"{abebe} is the head." in by_text  # followed the coding it was on
    assert by_text[f"{abebe} is the head."]["coding"] == codings[1]["uid"]
    assert f"Ask {tigist} about the register." in by_text
    segment_memo = by_text[f"{abebe} again"]
    assert text[segment_memo["start"] : segment_memo["end"]] == abebe
    # The copy taken before lies with the key, not beside the project.
    assert report.backup is not None and Path(report.backup).parent == private
    assert "abebe" in everything(Path(report.backup)).casefold()
    assert report.old_backups == ()


def test_undo_still_works_after_pseudonymisation(named: Path, tmp_path: Path) -> None:
    with Project.open(named) as project:
        project.pseudonymise(tmp_path / "key.csv", [write(tmp_path / "n.txt", "Tigist Alemu\n")])
        removed = project.undo("ana")  # brings back "Tigist calls them." (now pseudonymised)
        assert removed is not None and removed.action == "coding.remove"
        text = project.document("ht.txt").text
        back = [c for c in project.codings("ht.txt") if c["uid"] == removed.payload["uid"]]
        assert back and text[back[0]["start"] : back[0]["end"]] == back[0]["snippet"]
        assert back[0]["snippet"].endswith(" calls them.")
        assert back[0]["snippet"].startswith("Person ")
        assert project.check().ok
        project.redo("ana")


def test_the_same_key_gives_the_same_pseudonyms_and_a_second_run_changes_nothing(
    named: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.bsp"
    with Project.open(named) as project:
        project.backup(copy)
        first = project.pseudonymise(tmp_path / "key.csv")
        again = project.pseudonymise(tmp_path / "key.csv")
        text = project.document("ht.txt").text
    assert first.replacements > 0 and again.replacements == 0 and again.documents == 0
    with Project.open(copy) as other:
        other.pseudonymise(tmp_path / "key.csv")
        assert other.document("ht.txt").text == text


def test_a_dry_run_changes_nothing_and_writes_no_key(named: Path, tmp_path: Path) -> None:
    before = everything(named)
    key = tmp_path / "key.csv"
    with Project.open(named) as project:
        report = project.pseudonymise(key, dry_run=True)
    assert report.dry_run and report.replacements > 0 and report.backup is None
    plan = {row[0]: row for row in report.plan}
    assert plan["Abebe Girma"][1].startswith("Person ") and plan["Abebe Girma"][4] >= 3
    assert not key.exists() and everything(named) == before


def test_patterns_find_names_through_spacy_entity_ruler(named: Path, tmp_path: Path) -> None:
    patterns = write(
        tmp_path / "patterns.jsonl",
        '{"label": "PERSON", "pattern": [{"LOWER": "mrs"}, {"IS_TITLE": true}, '
        '{"IS_TITLE": true}]}\n'
        '{"label": "GPE", "pattern": "Gulit Meda"}\n',
    )
    with Project.open(named) as project:
        report = project.pseudonymise(tmp_path / "key.csv", patterns=patterns, speakers=False)
        text = project.document("ht.txt").text
    assert report.sources.get("pattern") == 2
    assert "Tigist" not in text and "Gulit Meda" not in text
    assert "Abebe Girma" in text  # speakers were left out, and no pattern names him


def test_bad_inputs_are_refused_before_anything_changes(named: Path, tmp_path: Path) -> None:
    before = everything(named)
    bad = write(tmp_path / "bad.jsonl", '{"label": "PERSON"}\n')
    with Project.open(named) as project:
        with pytest.raises(ProjectError, match="is the project itself"):
            project.pseudonymise(named.with_suffix(".csv").with_name("study.bsp"))
        with pytest.raises(ProjectError, match=r"KEY\.csv"):
            project.pseudonymise(tmp_path / "key.bsp")
        with pytest.raises(InputError, match=r"bad\.jsonl, line 1"):
            project.pseudonymise(tmp_path / "key.csv", patterns=bad)
        with pytest.raises(InputError, match="`name` column"):
            project.pseudonymise(tmp_path / "key.csv", [write(tmp_path / "n.csv", "who\nAbebe\n")])
    assert everything(named) == before and not (tmp_path / "key.csv").exists()


def test_the_cli_pseudonymises_and_reports_and_exports_hold_no_names(
    named: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    key = str(tmp_path / "key.csv")
    dry = runner.invoke(main, ["pseudonymise", str(named), "--key", key, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Abebe Girma" in dry.output and "Nothing was changed" in dry.output
    with Project.open(named) as project:
        project.backup()  # an older backup beside the project: it holds the names
    done = runner.invoke(
        main,
        [
            "pseudonymise",
            str(named),
            "--key",
            key,
            "--names",
            str(write(tmp_path / "n.txt", "Tigist Alemu\nKebede\nplace: Gulit Meda\n")),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "older backup(s)" in done.output
    outputs = [
        runner.invoke(main, ["show", str(named), "ht.txt"]).output,
        runner.invoke(main, ["documents", str(named), "--json"]).output,
        runner.invoke(main, ["search", str(named), "register"]).output,
        runner.invoke(main, ["status", str(named)]).output,
    ]
    for output in outputs:
        assert output and not any(name in output.casefold() for name in NAMES), output


# --- the offsets, as a property ------------------------------------------------------------

WORDS = st.sampled_from(["Abebe", "Girma", "Abebe Girma", "the", "school", "Tigist", "x", ".", " "])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    pieces=st.lists(WORDS, min_size=1, max_size=30),
    cuts=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 40)), max_size=8),
)
def test_spans_map_onto_the_same_words(pieces: list[str], cuts: list[tuple[int, int]]) -> None:
    """Any span of the old text maps onto the new text exactly where its words went, the
    names in it replaced; a span that cuts into a name grows to its whole pseudonym."""
    text = " ".join(pieces)
    replacer = Replacer(
        {"Abebe Girma": "Person 1", "Abebe": "Person 1", "Girma": "Person 1", "Tigist": "P2"}
    )
    found = replacer.spans(text)
    new = replace_spans(text, found)
    assert new == replacer.text(text)
    moved = OffsetMap(found)
    assert moved(0) == 0 and moved(len(text)) == len(new)
    for start, length in cuts:
        start = min(start, len(text))
        end = min(start + length, len(text))
        a, b = moved(start), moved(end, "right")
        # Widen the old span to whole replaced names, as the mapping does.
        wide_start = min([s for s, e, _ in found if s < start < e] or [start])
        wide_end = max([e for s, e, _ in found if s < end < e] or [end])
        inside = [
            (s - wide_start, e - wide_start, n)
            for s, e, n in found
            if wide_start <= s and e <= wide_end
        ]
        assert new[a:b] == replace_spans(text[wide_start:wide_end], inside)
