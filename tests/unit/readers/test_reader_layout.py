"""Laying out turns as the document text: normalisation, offsets and annotations."""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brightspots.corpus.layout import TURN_SEPARATOR, clean, lay_out
from brightspots.models import RawTurn

FIXTURES = [
    "kii_head_teacher.txt",
    "entretien_directrice.txt",
    "observacao_sala.txt",
    "fgd_parents.md",
    "otter_kii.txt",
    "zoom_kii.vtt",
    "teams_fgd.vtt",
    "entretien_conseiller.srt",
    "whisperx_pt.json",
    "whisper_plain.json",
    "survey_teachers_en.csv",
    "survey_enseignants_fr.csv",
]


def check_layout(text, turns, annotations, raw_turns) -> None:
    """The invariants every laid-out document keeps."""
    assert unicodedata.is_normalized("NFC", text)
    kept = [raw for raw in raw_turns if clean(raw.text)]
    assert len(turns) == len(kept)
    assert [t.index for t in turns] == list(range(len(turns)))
    previous_end = 0
    for turn, raw in zip(turns, kept, strict=True):
        assert text[turn.start : turn.end] == clean(raw.text)
        assert turn.kind == raw.kind
        assert (turn.time_start, turn.time_end) == (raw.time_start, raw.time_end)
        prefix = f"{turn.speaker}: " if turn.speaker else ""
        assert text[turn.start - len(prefix) : turn.start] == prefix
        separator = TURN_SEPARATOR if turn.index else ""
        assert text[previous_end : turn.start - len(prefix)] == separator
        previous_end = turn.end
    assert previous_end == len(text)
    for annotation in annotations:
        span = text[annotation.start : annotation.end]
        assert span[0] in "[(" and span[-1] in "])"
        assert annotation.label == span[1:-1].strip()
        assert any(t.start <= annotation.start < annotation.end <= t.end for t in turns)


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_layout_invariants(data_dir, read, role_of, name):
    for transcript in read(data_dir / name).transcripts:
        check_layout(*lay_out(transcript.turns, role_of), transcript.turns)


def test_english_kii_layout(data_dir, read_one, role_of):
    transcript = read_one(data_dir / "kii_head_teacher.txt")
    text, turns, annotations = lay_out(transcript.turns, role_of)
    paragraphs = text.split(TURN_SEPARATOR)
    assert paragraphs[0].startswith("Transcript – KII head teacher")
    assert paragraphs[1].startswith("Interviewer: Good morning, and thank you")
    assert paragraphs[2].startswith("HT: Yes. We have around 640 pupils")
    assert paragraphs[-1] == "HT: That is right. (laughter)"
    # Time codes go to the turns, never into the text.
    for time_code in ("00:00:05", "00:12", "00:01:23"):
        assert time_code not in text
    assert [a.label for a in annotations] == ["inaudible", "crosstalk", "laughter"]
    assert [text[a.start : a.end] for a in annotations] == [
        "[inaudible]",
        "[crosstalk]",
        "(laughter)",
    ]
    assert [(t.speaker, t.role) for t in turns] == [
        (None, None),
        ("Interviewer", "interviewer"),
        ("HT", "head_teacher"),
        ("I", "interviewer"),
        ("R", "respondent"),
        ("Teacher 1", "teacher"),
        ("HT", "head_teacher"),
    ]


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        ("entretien_directrice.txt", ["rires", "inaudible"]),
        ("observacao_sala.txt", ["inaudível", "risos"]),
        ("fgd_parents.md", ["rires"]),
        ("teams_fgd.vtt", ["laughter"]),
        ("entretien_conseiller.srt", ["rires"]),
        ("whisperx_pt.json", ["inaudível"]),
    ],
)
def test_annotations_in_each_language(data_dir, read_one, role_of, name, labels):
    text, _, annotations = lay_out(read_one(data_dir / name).turns, role_of)
    assert [a.label for a in annotations] == labels
    for annotation in annotations:
        assert text[annotation.start : annotation.end] in (
            f"[{annotation.label}]",
            f"({annotation.label})",
        )


def test_notes_and_prompts_have_no_role(data_dir, read, role_of):
    survey = read(data_dir / "survey_teachers_en.csv").transcripts[0]
    _, turns, _ = lay_out(survey.turns, role_of)
    assert [(t.kind, t.role) for t in turns] == [
        ("prompt", None),
        ("speech", "respondent"),
        ("prompt", None),
        ("speech", "respondent"),
    ]
    assert turns[0].speaker is None


def test_decomposed_accents_are_composed(role_of):
    raw = [
        RawTurn("Bonjour, parlons de l'e\u0301cole.", "Enque\u0302teur"),
        RawTurn("Oui, les e\u0301le\u0300ves arrivent tôt.", "Directrice"),
    ]
    text, turns, _ = lay_out(raw, role_of)
    assert text == (
        "Enquêteur: Bonjour, parlons de l'école.\n\nDirectrice: Oui, les élèves arrivent tôt."
    )
    assert turns[0].speaker == "Enquêteur"
    assert turns[0].role == "interviewer"
    assert text[turns[1].start : turns[1].end] == "Oui, les élèves arrivent tôt."


def test_decomposed_text_in_a_file_is_composed(tmp_path, read_one, role_of):
    path = tmp_path / "kii.txt"
    path.write_text(
        unicodedata.normalize("NFD", "I: Où est l'école ?\nHT: À côté du marché. [rires]\n"),
        encoding="utf-8",
    )
    text, turns, annotations = lay_out(read_one(path).turns, role_of)
    assert text == "I: Où est l'école ?\n\nHT: À côté du marché. [rires]"
    assert [t.role for t in turns] == ["interviewer", "head_teacher"]
    assert text[annotations[0].start : annotations[0].end] == "[rires]"


DECOMPOSED = {
    ".txt": "Enquêteur : Où est l'école ?\nDirectrice : À côté du marché.\n",
    ".srt": "1\n00:00:01,000 --> 00:00:02,000\nEnquêteur : Où est l'école ?\n\n"
    "2\n00:00:02,500 --> 00:00:04,000\nDirectrice : À côté du marché.\n",
    ".vtt": "WEBVTT\n\n00:01.000 --> 00:02.000\nEnquêteur : Où est l'école ?\n\n"
    "00:02.500 --> 00:04.000\nDirectrice : À côté du marché.\n",
}


@pytest.mark.parametrize("suffix", sorted(DECOMPOSED))
def test_decomposed_accented_label_is_recognised(tmp_path, read_one, role_of, suffix):
    path = tmp_path / f"entretien{suffix}"
    path.write_text(unicodedata.normalize("NFD", DECOMPOSED[suffix]), encoding="utf-8")
    text, turns, _ = lay_out(read_one(path).turns, role_of)
    assert text == "Enquêteur: Où est l'école ?\n\nDirectrice: À côté du marché."
    assert [t.role for t in turns] == ["interviewer", "head_teacher"]


def test_utf8_bom_is_stripped(tmp_path, read_one, role_of):
    path = tmp_path / "kii.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Entrevistador: Olá.\nDiretora: Bom dia.\n".encode())
    transcript = read_one(path)
    assert transcript.turns[0].speaker == "Entrevistador"
    text, _, _ = lay_out(transcript.turns, role_of)
    assert text == "Entrevistador: Olá.\n\nDiretora: Bom dia."
    assert "\ufeff" not in text


def test_utf8_bom_before_front_matter(tmp_path, read_one):
    path = tmp_path / "kii.md"
    path.write_bytes(codecs.BOM_UTF8 + b"---\ncountry: ET\n---\n**HT:** Hello.\n")
    transcript = read_one(path)
    assert transcript.front_matter == {"country": "ET"}
    assert transcript.turns[0].speaker == "HT"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
@pytest.mark.parametrize("suffix", [".txt", ".vtt", ".srt"])
def test_utf16_with_bom(tmp_path, read_one, role_of, bom, codec, suffix):
    body = {
        ".txt": "Entrevistador: Olá.\r\nDiretora: Olá [inaudível].\r\n",
        ".vtt": "WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nEntrevistador: Olá.\r\n\r\n"
        "00:02.500 --> 00:04.000\r\nDiretora: Olá [inaudível].\r\n",
        ".srt": "1\r\n00:00:01,000 --> 00:00:02,000\r\nEntrevistador: Olá.\r\n\r\n"
        "2\r\n00:00:02,500 --> 00:00:04,000\r\nDiretora: Olá [inaudível].\r\n",
    }[suffix]
    path = tmp_path / f"kii{suffix}"
    path.write_bytes(bom + body.encode(codec))
    text, turns, annotations = lay_out(read_one(path).turns, role_of)
    assert text == "Entrevistador: Olá.\n\nDiretora: Olá [inaudível]."
    assert [t.role for t in turns] == ["interviewer", "head_teacher"]
    assert [a.label for a in annotations] == ["inaudível"]


def test_clean_whitespace_and_control_characters():
    assert clean("  Bom\tdia,\u00a0professora.  \r\n\r\n\x07Tudo bem?\x00 ") == (
        "Bom dia, professora.\nTudo bem?"
    )
    assert clean("a\u202fb\u3000c") == "a b c"
    assert clean("\ufeffstart") == "start"
    # Format characters (ZWNJ) are kept: some scripts need them.
    assert clean("a\u200cb") == "a\u200cb"


def test_empty_turns_are_dropped_and_indices_stay_contiguous(role_of):
    raw = [
        RawTurn("Title", kind="note"),
        RawTurn("  \n ", "Interviewer"),
        RawTurn("Hello.", "Interviewer"),
    ]
    text, turns, _ = lay_out(raw, role_of)
    assert text == "Title\n\nInterviewer: Hello."
    assert [(t.index, t.kind) for t in turns] == [(0, "note"), (1, "speech")]


def test_multi_paragraph_turn_keeps_its_line_break(role_of):
    text, turns, _ = lay_out([RawTurn("First part.\n\n\nSecond part.", "R")], role_of)
    assert text == "R: First part.\nSecond part."
    assert TURN_SEPARATOR not in text[turns[0].start : turns[0].end]


@pytest.mark.parametrize("hidden", ["\x07", "\ufeff"])
def test_clean_is_nfc_even_after_removing_control_characters(hidden):
    assert unicodedata.is_normalized("NFC", clean(f"l'e{hidden}\u0301cole"))


speakers = st.one_of(st.none(), st.sampled_from(["Interviewer", "HT", "Enquêteur", "R", "P1"]))
raw_turns = st.lists(
    st.builds(
        RawTurn,
        text=st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=80)
        | st.sampled_from(["[inaudible] yes", "(rires) oui", "sim [inaudível]", "  "]),
        speaker=speakers,
        time_start=st.none() | st.floats(0, 7200),
        kind=st.sampled_from(["speech", "speech", "note", "prompt"]),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(raw_turns)
def test_layout_invariants_for_arbitrary_turns(raw):
    role = {"Interviewer": "interviewer", "HT": "head_teacher"}.get
    check_layout(*lay_out(raw, lambda s: role(s) if s else None), raw)
