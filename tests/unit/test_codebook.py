"""Framework and codebook loading: the shipped files, and errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from brightspots.codebook import load_codebook, load_framework
from brightspots.errors import CodebookError
from tests.conftest import CODEBOOKS, write

FOCUS_AREAS = [
    "Improving teachers' skills",
    "Adopting student-centred pedagogies",
    "Preserving available learning time",
    "Leveraging community support",
    "Strengthening collaboration through effective communication",
    "Cultivating a safe, supportive school environment",
]


def test_shipped_framework_has_six_published_focus_areas_and_fifteen_practices() -> None:
    framework = load_framework(CODEBOOKS / "dms-framework.yaml")
    assert [a.name for a in framework.focus_areas] == FOCUS_AREAS
    practices = framework.practices()
    assert len(practices) == 15
    assert {p.status for p in practices} == {"provisional"}


def test_shipped_codebook_maps_every_code_to_a_known_practice() -> None:
    framework = load_framework(CODEBOOKS / "dms-framework.yaml")
    codebook = load_codebook(CODEBOOKS / "dms-practices.yaml", framework)
    assert 25 <= len(codebook.codes) <= 40
    covered = {p for code in codebook.codes for p in code.practices}
    assert covered == {p.id for p in framework.practices()}
    for code in codebook.codes:
        assert code.definition and code.inclusion and code.exclusion and code.examples
    unmapped = [c.id for c in codebook.codes if not c.practices]
    assert all(c.startswith("context-") for c in unmapped)
    # The confirmed DMS examples are there: one-to-five mentoring, local oversight.
    text = " ".join(c.definition + c.inclusion for c in codebook.codes).casefold()
    assert "one-to-five" in text and "supervis" in text


FRAMEWORK = """kind: framework
id: tiny
name: Tiny
version: "1"
focus_areas:
  - id: fa1
    name: Area one
    practices:
      - id: p1
        name: Practice one
        status: provisional
"""


def codebook_text(codes: str) -> str:
    return f"kind: codebook\nid: cb\nname: Codes\nversion: '1'\nframework: tiny\ncodes:\n{codes}"


@pytest.mark.parametrize(
    ("codes", "line", "problem"),
    [
        (
            "  - {id: a, name: A, practices: [p1]}\n  - {id: a, name: B, practices: [p1]}\n",
            8,
            "duplicate code id 'a' (first on line 7)",
        ),
        ("  - {id: a, name: A, parent: zzz, practices: [p1]}\n", 7, "unknown parent 'zzz'"),
        ("  - {id: a, name: A, practices: [p9]}\n", 7, "maps to practice 'p9'"),
        ("  - {id: a, name: A, colour: red}\n", 7, "colour 'red'"),
        ("  - {id: Bad Id, name: A}\n", 7, "must be lowercase"),
        ("  - {id: a}\n", 7, "missing `name`"),
    ],
)
def test_codebook_errors_name_file_and_line(
    tmp_path: Path, codes: str, line: int, problem: str
) -> None:
    framework = load_framework(write(tmp_path / "f.yaml", FRAMEWORK))
    path = write(tmp_path / "c.yaml", codebook_text(codes))
    with pytest.raises(CodebookError) as caught:
        load_codebook(path, framework)
    assert caught.value.line == line
    assert str(path) in caught.value.message and problem in caught.value.message


def test_parent_cycle_is_reported(tmp_path: Path) -> None:
    codes = (
        "  - {id: a, name: A, parent: c}\n"
        "  - {id: b, name: B, parent: a}\n"
        "  - {id: c, name: C, parent: b}\n"
    )
    with pytest.raises(CodebookError, match=r"parent cycle: a -> c -> b -> a"):
        load_codebook(write(tmp_path / "c.yaml", codebook_text(codes)))


def test_all_problems_are_listed_together(tmp_path: Path) -> None:
    codes = "  - {id: a, name: A, colour: red}\n  - {id: a, name: B}\n"
    with pytest.raises(CodebookError, match="2 problems") as caught:
        load_codebook(write(tmp_path / "c.yaml", codebook_text(codes)))
    assert "line 7" in caught.value.message and "line 8" in caught.value.message


def test_invalid_yaml_gives_line(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", "kind: codebook\ncodes:\n  - id: a\n   name: [unclosed\n")
    with pytest.raises(CodebookError, match="not valid YAML") as caught:
        load_codebook(path)
    assert caught.value.line is not None


def test_wrong_kind_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="expected `kind: codebook`"):
        load_codebook(write(tmp_path / "f.yaml", FRAMEWORK))
    with pytest.raises(CodebookError, match="empty"):
        load_codebook(write(tmp_path / "e.yaml", ""))
    with pytest.raises(CodebookError, match="no such file"):
        load_codebook(tmp_path / "missing.yaml")


def test_framework_duplicate_practice_and_bad_status(tmp_path: Path) -> None:
    text = FRAMEWORK + "      - {id: p1, name: Again, status: maybe}\n"
    with pytest.raises(CodebookError) as caught:
        load_framework(write(tmp_path / "f.yaml", text))
    assert "duplicate practice id 'p1'" in caught.value.message
    assert "status 'maybe'" in caught.value.message
