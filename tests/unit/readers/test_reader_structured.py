"""Whisper / WhisperX JSON and Word (.docx) transcripts."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx
import pytest


def write_json(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


# --- Whisper / WhisperX -----------------------------------------------------------------


def test_whisperx_segments_merge_by_speaker(data_dir, read):
    source = read(data_dir / "whisperx_pt.json")
    assert source.format == "whisper-json"
    (transcript,) = source.transcripts
    assert [(t.speaker, t.time_start, t.time_end) for t in transcript.turns] == [
        ("SPEAKER_00", 0.0, 4.2),
        ("SPEAKER_01", 4.6, 13.4),  # two segments merged: first start, last end
        ("SPEAKER_00", 13.9, 17.0),
        ("SPEAKER_01", 17.5, 23.1),
    ]
    assert transcript.turns[1].text == (
        "Bom dia. É um prazer. A escola tem quinhentos alunos e doze professores."
    )
    # Whisper's leading space is not kept.
    assert transcript.turns[0].text == "Bom dia, obrigado por nos receber."
    assert all(t.kind == "speech" for t in transcript.turns)


def test_whisper_language_becomes_an_attribute(data_dir, read_one):
    assert read_one(data_dir / "whisperx_pt.json").attributes == {"language": "pt"}
    assert read_one(data_dir / "whisper_plain.json").attributes == {"language": "en"}


def test_plain_whisper_output_without_speakers(data_dir, read_one):
    transcript = read_one(data_dir / "whisper_plain.json")
    assert all(t.speaker is None for t in transcript.turns)
    assert all(t.kind == "speech" for t in transcript.turns)
    assert " ".join(t.text for t in transcript.turns) == (
        "The teacher writes the date on the board. The pupils copy it into their books."
    )
    assert transcript.turns[0].time_start == 0.0
    assert transcript.turns[-1].time_end == 7.0


def test_whisper_without_language_has_no_attributes(tmp_path, read_one):
    path = write_json(
        tmp_path, "kii.json", {"segments": [{"start": 1, "end": 2, "text": " Hello."}]}
    )
    transcript = read_one(path)
    assert transcript.attributes == {}
    assert transcript.turns[0].time_start == 1


def test_whisper_top_level_segment_list(tmp_path, read_one):
    path = write_json(
        tmp_path,
        "kii.json",
        [
            {"start": 0.0, "end": 2.0, "text": " Bonjour.", "speaker": "SPEAKER_00"},
            {"start": 2.5, "end": 4.0, "text": " Bonjour madame.", "speaker": "SPEAKER_01"},
        ],
    )
    assert [t.speaker for t in read_one(path).turns] == ["SPEAKER_00", "SPEAKER_01"]


def test_whisper_blank_segments_are_skipped(tmp_path, read_one):
    path = write_json(
        tmp_path,
        "kii.json",
        {
            "language": "en",
            "segments": [
                {"start": 0.0, "end": 1.0, "text": "   ", "speaker": "SPEAKER_00"},
                {"start": 1.0, "end": 3.0, "text": " Good morning.", "speaker": "SPEAKER_01"},
            ],
        },
    )
    (turn,) = read_one(path).turns
    assert (turn.speaker, turn.text, turn.time_start) == ("SPEAKER_01", "Good morning.", 1.0)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"segments": [{"start": 0, "end": 1}]}, "segment 1 has no `text`"),
        ({"segments": [{"text": " a"}, "just a string"]}, "segment 2 has no `text`"),
        ({"segments": [{"start": "0:01", "end": 2, "text": " a"}]}, "not a number"),
        ({"segments": []}, "no segments with text"),
        ({"segments": [{"text": "  "}]}, "no segments with text"),
        ({"segments": {"0": {"text": "a"}}}, "`segments` list"),
        ("just a string", "`segments` list"),
        (None, "`segments` list"),
    ],
)
def test_whisper_structure_errors(tmp_path, expect_error, data, words):
    error = expect_error(write_json(tmp_path, "kii.json", data))
    assert words in error.message


# --- Word -------------------------------------------------------------------------------


def bold_paragraph(document, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(label).bold = True
    paragraph.add_run(text)


def kii_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("KII – head teacher, TZ-S04", level=1)
    bold_paragraph(document, "Interviewer:", " How do you support new teachers?")
    bold_paragraph(document, "HT:", " The rule is this: nobody teaches alone in the first term.")
    document.add_paragraph("A mentor visits each new teacher once a week.")
    bold_paragraph(document, "Chair (SMC):", " The committee pays for the chalk [inaudible].")
    document.add_paragraph("The problem is this: the roof leaks in the rainy season.")
    table = document.add_table(rows=0, cols=2)
    for speaker, words in [
        ("Interviewer", "And the parents?"),
        ("HT:", "They come to the meetings. [laughter]"),
    ]:
        cells = table.add_row().cells
        cells[0].text = speaker
        cells[1].text = words
    document.save(str(path))
    return path


def test_docx_bold_labels_title_and_table(tmp_path, read):
    source = read(kii_docx(tmp_path / "tz-s04-kii-ht.docx"))
    assert source.format == "docx"
    (transcript,) = source.transcripts
    assert [(t.kind, t.speaker) for t in transcript.turns] == [
        ("note", None),
        ("speech", "Interviewer"),
        ("speech", "HT"),
        ("speech", "Chair (SMC)"),
        ("speech", "Interviewer"),
        ("speech", "HT"),
    ]
    turns = transcript.turns
    assert turns[0].text == "KII – head teacher, TZ-S04"
    assert turns[1].text == "How do you support new teachers?"
    # A non-bold paragraph continues the speaker; the colon sentence is not a label.
    assert turns[2].text.startswith("The rule is this: nobody teaches alone")
    assert turns[2].text.endswith("A mentor visits each new teacher once a week.")
    assert turns[3].text.endswith("The problem is this: the roof leaks in the rainy season.")
    assert turns[4].text == "And the parents?"
    assert turns[5].text == "They come to the meetings. [laughter]"


def test_docx_bold_label_is_accepted_even_if_unknown_and_used_once(tmp_path, read_one):
    transcript = read_one(kii_docx(tmp_path / "kii.docx"))
    assert "Chair (SMC)" in {t.speaker for t in transcript.turns}


def test_docx_label_split_over_several_bold_runs(tmp_path, read_one):
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Conseillère").bold = True
    paragraph.add_run(" pédagogique :").bold = True
    paragraph.add_run(" Je passe dans chaque classe.")
    path = tmp_path / "cp.docx"
    document.save(str(path))
    (turn,) = read_one(path).turns
    assert (turn.speaker, turn.text) == ("Conseillère pédagogique", "Je passe dans chaque classe.")


def test_docx_without_labels_reads_paragraphs(tmp_path, read_one):
    document = docx.Document()
    document.add_paragraph("08:10 – The teacher greets the class.")
    document.add_paragraph("Pupils work in pairs on the reading card.")
    path = tmp_path / "obs.docx"
    document.save(str(path))
    transcript = read_one(path)
    assert [t.speaker for t in transcript.turns] == [None, None]
    assert transcript.turns[1].text == "Pupils work in pairs on the reading card."


def test_docx_with_only_empty_paragraphs(tmp_path, expect_error):
    document = docx.Document()
    document.add_paragraph("")
    path = tmp_path / "empty.docx"
    document.save(str(path))
    expect_error(path)


def test_docx_table_header_row_is_not_speech(tmp_path, read_one):
    document = docx.Document()
    table = document.add_table(rows=0, cols=2)
    for speaker, words in [
        ("Speaker", "Text"),
        ("Interviewer", "How many pupils are there?"),
        ("Head Teacher", "About six hundred."),
    ]:
        cells = table.add_row().cells
        cells[0].text = speaker
        cells[1].text = words
    path = tmp_path / "kii.docx"
    document.save(str(path))
    speech = [t for t in read_one(path).turns if t.kind == "speech"]
    assert [t.speaker for t in speech] == ["Interviewer", "Head Teacher"]


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_zip_of_garbage(tmp_path, expect_error, suffix):
    path = tmp_path / f"interview{suffix}"
    path.write_bytes(zip_bytes({"junk.bin": bytes(range(256)) * 4, "notes.txt": b"hello"}))
    expect_error(path)


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_zip_with_garbage_content_types(tmp_path, expect_error, suffix):
    path = tmp_path / f"interview{suffix}"
    path.write_bytes(
        zip_bytes({"[Content_Types].xml": b"\x89garbage", "word/document.xml": b"junk"})
    )
    expect_error(path)
