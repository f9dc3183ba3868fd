"""Caption files: WebVTT (Zoom and Teams styles) and SubRip."""

from __future__ import annotations

from pathlib import Path

from brightspots.corpus import read_source
from brightspots.errors import InputError


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- WebVTT -----------------------------------------------------------------------------


def test_zoom_vtt_labels_and_merged_cues(data_dir, read):
    source = read(data_dir / "zoom_kii.vtt")
    assert source.format == "vtt"
    (transcript,) = source.transcripts
    turns = transcript.turns
    assert [(t.speaker, t.time_start, t.time_end) for t in turns] == [
        ("Interviewer", 1.0, 6.5),
        ("Head Teacher", 6.9, 15.25),  # cues 2 and 3: start of the first, end of the last
        ("Interviewer", 15.8, 19.0),
        ("Head Teacher", 19.4, 28.6),  # cue 6 has no label: continues the head teacher
    ]
    assert (
        turns[1].text
        == "Thank you. We have a staff meeting at four, so I have about forty minutes."
    )
    assert turns[3].text == (
        "Each new teacher is paired with a mentor. They observe each other once a week [inaudible]."
    )
    assert all(t.kind == "speech" for t in turns)


def test_vtt_note_block_is_ignored(data_dir, read_one):
    transcript = read_one(data_dir / "zoom_kii.vtt")
    assert not any("Exported from Zoom" in t.text for t in transcript.turns)
    assert not any("NOTE" in t.text for t in transcript.turns)


def test_labels_do_not_stay_in_the_text(data_dir, read_one):
    for turn in read_one(data_dir / "zoom_kii.vtt").turns:
        assert "Interviewer:" not in turn.text
        assert "Head Teacher:" not in turn.text


def test_teams_voice_tags_without_hours(data_dir, read_one):
    turns = read_one(data_dir / "teams_fgd.vtt").turns
    assert [(t.speaker, t.time_start, t.time_end) for t in turns] == [
        ("Facilitator", 3.12, 7.48),
        ("Teacher 2", 8.0, 15.9),
        ("Teacher 1", 62.5, 65.0),  # 01:02.500 --> 01:05.000
    ]
    assert turns[1].text == (
        "I teach grade three. I have been here for six years. Before that I was in a rural school."
    )
    for turn in turns:
        assert "<v" not in turn.text
        assert "</v>" not in turn.text
    assert turns[2].text == "Grade one, mostly reading. [laughter]"


def test_vtt_cue_settings_style_block_and_crlf(tmp_path, read_one):
    path = tmp_path / "kii.vtt"
    path.write_bytes(
        b"WEBVTT\r\n\r\n"
        b"STYLE\r\n::cue { color: yellow }\r\n\r\n"
        b"00:00:01.000 --> 00:00:03.000 align:start position:10%\r\n"
        b"Interviewer: <i>Good morning.</i>\r\n\r\n"
        b"00:00:03.500 --> 00:00:05.000 line:0\r\n"
        b"HT: Good morning, welcome.\r\n"
    )
    turns = read_one(path).turns
    assert [(t.speaker, t.text, t.time_start) for t in turns] == [
        ("Interviewer", "Good morning.", 1.0),
        ("HT", "Good morning, welcome.", 3.5),
    ]


def test_vtt_first_cue_without_label_has_no_speaker(tmp_path, read_one):
    path = write(
        tmp_path,
        "kii.vtt",
        "WEBVTT\n\n"
        "00:01.000 --> 00:03.000\n[inaudible] the recording starts here.\n\n"
        "00:03.500 --> 00:06.000\nInterviewer: Can you hear me?\n\n"
        "00:06.500 --> 00:08.000\nHead Teacher: Yes, clearly.\n",
    )
    turns = read_one(path).turns
    assert [t.speaker for t in turns] == [None, "Interviewer", "Head Teacher"]
    assert turns[0].text == "[inaudible] the recording starts here."


def test_vtt_multiline_cue_text_is_joined(tmp_path, read_one):
    path = write(
        tmp_path,
        "kii.vtt",
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:05.000\n"
        "Interviewer: How do you\nsupport new teachers?\n",
    )
    (turn,) = read_one(path).turns
    assert turn.text == "How do you support new teachers?"


def test_vtt_title_after_webvtt_on_first_line(tmp_path, read_one):
    path = write(
        tmp_path,
        "kii.vtt",
        "WEBVTT - KII head teacher\n\n00:00:01.000 --> 00:00:03.000\nInterviewer: Hello.\n",
    )
    assert [t.speaker for t in read_one(path).turns] == ["Interviewer"]


def test_vtt_header_metadata_lines(tmp_path, read_one):
    path = write(
        tmp_path,
        "kii.vtt",
        "WEBVTT\nKind: captions\nLanguage: en\n\n"
        "00:00:01.000 --> 00:00:03.000\nInterviewer: Good morning.\n\n"
        "00:00:03.500 --> 00:00:06.000\nHead Teacher: Good morning, come in.\n",
    )
    turns = read_one(path).turns
    assert [t.speaker for t in turns] == ["Interviewer", "Head Teacher"]


# --- SubRip -----------------------------------------------------------------------------


def test_srt_french_labels_and_merge(data_dir, read):
    source = read(data_dir / "entretien_conseiller.srt")
    assert source.format == "srt"
    (transcript,) = source.transcripts
    turns = transcript.turns
    assert [(t.speaker, t.time_start, t.time_end) for t in turns] == [
        ("Enquêteur", 1.0, 4.0),
        ("Conseiller pédagogique", 4.5, 13.75),
        ("Enquêteur", 14.0, 17.0),
        ("Conseiller pédagogique", 17.3, 21.0),
    ]
    assert turns[0].text == "Bonjour, pouvez-vous vous présenter ?"
    assert turns[1].text == (
        "Je suis conseiller pédagogique depuis huit ans. "
        "Je visite les écoles du secteur chaque mois."
    )
    assert turns[3].text.endswith("[rires]")


def test_srt_formatting_tags_are_removed(tmp_path, read_one):
    path = write(
        tmp_path,
        "kii.srt",
        "1\n00:00:01,000 --> 00:00:03,500\n{\\an8}Entrevistador: <i>Bom dia.</i>\n\n"
        "2\n00:00:04,000 --> 00:00:07,000\nDiretora: <b>Bom dia</b>, entre.\n",
    )
    turns = read_one(path).turns
    assert [(t.speaker, t.text) for t in turns] == [
        ("Entrevistador", "Bom dia."),
        ("Diretora", "Bom dia, entre."),
    ]


def test_srt_without_cue_numbers(tmp_path, read_one):
    path = write(
        tmp_path,
        "kii.srt",
        "00:00:01,000 --> 00:00:03,500\nI: Hello.\n\n00:00:04,000 --> 00:00:07,000\nR: Hi.\n",
    )
    assert [t.speaker for t in read_one(path).turns] == ["I", "R"]


def test_srt_missing_blank_line_does_not_put_timings_into_the_text(tmp_path, known):
    path = write(
        tmp_path,
        "kii.srt",
        "1\n00:00:01,000 --> 00:00:04,000\nEnquêteur : Bonjour.\n"
        "2\n00:00:04,500 --> 00:00:09,000\nDirecteur : Bonjour, entrez.\n",
    )
    try:
        source = read_source(path, known)
    except InputError:
        return  # refusing the file is fine too
    for turn in source.transcripts[0].turns:
        assert "-->" not in turn.text
