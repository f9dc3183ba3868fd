"""Plain-text (.txt) and Markdown (.md) transcripts, Otter.ai exports and front matter."""

from __future__ import annotations

from pathlib import Path

from brightspots.corpus import read_source
from brightspots.models import RawTurn, Transcript
from brightspots.vocabulary import DEFAULT_ALIASES


def speech(transcript: Transcript) -> list[RawTurn]:
    return [turn for turn in transcript.turns if turn.kind == "speech"]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- plain text -----------------------------------------------------------------------


def test_english_kii_speakers_in_order(data_dir, read):
    source = read(data_dir / "kii_head_teacher.txt")
    assert source.format == "text"
    (transcript,) = source.transcripts
    assert [t.speaker for t in speech(transcript)] == [
        "Interviewer",
        "HT",
        "I",
        "R",
        "Teacher 1",
        "HT",
    ]
    assert transcript.front_matter == {}
    assert transcript.part is None


def test_header_lines_before_first_label_become_one_note(data_dir, read_one):
    transcript = read_one(data_dir / "kii_head_teacher.txt")
    first = transcript.turns[0]
    assert first.kind == "note"
    assert first.speaker is None
    assert first.text.startswith("Transcript – KII head teacher")
    # `School:` and `Date:` occur once and are not known labels: header, not speakers.
    assert "School: ET-S01" in first.text
    assert "Date: 2024-03-12" in first.text
    assert [t.kind for t in transcript.turns[1:]] == ["speech"] * 6


def test_timestamps_before_and_after_label_become_time_start(data_dir, read_one):
    turns = speech(read_one(data_dir / "kii_head_teacher.txt"))
    # `[00:00:05] Interviewer:`, `HT: (00:12)`, `R: [00:01:23]`
    assert [t.time_start for t in turns] == [5.0, 12.0, None, 83.0, None, None]
    assert all(t.time_end is None for t in turns)
    for turn in turns:
        assert "00:00:05" not in turn.text
        assert "(00:12)" not in turn.text
        assert "00:01:23" not in turn.text


def test_continuation_lines_belong_to_previous_speaker(data_dir, read_one):
    interviewer, head = speech(read_one(data_dir / "kii_head_teacher.txt"))[:2]
    assert interviewer.text == (
        "Good morning, and thank you for making time for us today. "
        "Could you start by telling me about the school?"
    )
    assert head.text.startswith("Yes. We have around 640 pupils")
    assert head.text.endswith("Most children walk from the villages around the school.")


def test_sentence_with_colon_is_not_a_speaker(data_dir, read_one):
    turns = speech(read_one(data_dir / "kii_head_teacher.txt"))
    respondent = turns[3]
    assert respondent.speaker == "R"
    assert respondent.text.startswith("The problem is this: many children arrived")
    assert "The problem is this" not in {t.speaker for t in turns}


def test_annotation_between_turns_stays_in_the_text(data_dir, read_one):
    turns = speech(read_one(data_dir / "kii_head_teacher.txt"))
    assert "[inaudible]" in turns[3].text
    assert "[crosstalk]" in turns[3].text
    assert turns[5].text == "That is right. (laughter)"


def test_french_labels_with_space_before_colon(data_dir, read):
    source = read(data_dir / "entretien_directrice.txt")
    assert source.format == "text"
    (transcript,) = source.transcripts
    assert transcript.turns[0] == RawTurn(
        "Entretien – directrice d'école, TD-S02", None, kind="note"
    )
    turns = speech(transcript)
    assert [t.speaker for t in turns] == ["Enquêteur", "Directrice"] * 3
    assert turns[0].text == "Bonjour Madame, merci de nous recevoir."
    # A French sentence with ` : ` inside is not a label, and the next line continues it.
    assert turns[3].text == (
        "La difficulté est la suivante : les élèves de CP arrivent sans fournitures. "
        "[rires] Nous avons donc créé une petite réserve avec l'APE."
    )


def test_portuguese_labels(tmp_path, read_one):
    path = write(
        tmp_path,
        "kii-diretora.txt",
        "Entrevistadora: Bom dia. Como começa o dia na escola?\n"
        "Diretora: Os professores chegam às sete.\n"
        "Reunimo-nos dez minutos antes das aulas.\n"
        "Entrevistadora: E os pais? [risos]\n",
    )
    turns = speech(read_one(path))
    assert [(t.speaker, t.text) for t in turns] == [
        ("Entrevistadora", "Bom dia. Como começa o dia na escola?"),
        ("Diretora", "Os professores chegam às sete. Reunimo-nos dez minutos antes das aulas."),
        ("Entrevistadora", "E os pais? [risos]"),
    ]


def test_time_code_on_its_own_line_goes_to_the_next_turn(tmp_path, read_one):
    path = write(
        tmp_path,
        "kii.txt",
        "I: How many teachers are there?\n\n[00:02:10]\nHT: Fourteen, and two volunteers.\n",
    )
    turns = speech(read_one(path))
    assert [(t.speaker, t.time_start) for t in turns] == [("I", None), ("HT", 130.0)]
    assert turns[1].text == "Fourteen, and two volunteers."


def test_label_alone_on_its_line_takes_the_following_lines(tmp_path, read_one):
    path = write(
        tmp_path,
        "kii.txt",
        "Interviewer:\nWhat do parents do?\n\nParent 2:\nWe help with the garden.\n",
    )
    turns = speech(read_one(path))
    assert [(t.speaker, t.text) for t in turns] == [
        ("Interviewer", "What do parents do?"),
        ("Parent 2", "We help with the garden."),
    ]


def test_unknown_label_counts_when_it_repeats(tmp_path, read_one):
    path = write(
        tmp_path,
        "fgd.txt",
        "Moderator: Who wants to start?\n"
        "Mama Halima: I will. The school is close to us.\n"
        "Moderator: Thank you.\n"
        "Mama Halima: We also cook for the pupils.\n",
    )
    turns = speech(read_one(path))
    assert [t.speaker for t in turns] == ["Moderator", "Mama Halima"] * 2


def test_observation_notes_without_labels_are_speakerless_paragraphs(data_dir, read_one):
    transcript = read_one(data_dir / "observacao_sala.txt")
    turns = transcript.turns
    assert [t.kind for t in turns] == ["speech"] * 4
    assert all(t.speaker is None for t in turns)
    assert [t.time_start for t in turns] == [490.0, None, 505.0, None]
    assert turns[0].text.startswith("A professora cumprimenta os alunos")
    assert "[08:10]" not in turns[0].text
    # The colon sentence does not make the notes "labelled"; lines of a paragraph join.
    assert turns[1].text == (
        "Os alunos sentam-se em grupos de quatro. O problema é este: só há dois livros "
        "por grupo. A professora circula entre os grupos."
    )
    assert turns[2].text.endswith("[inaudível].")


def test_crlf_line_endings(tmp_path, read_one):
    path = tmp_path / "kii.txt"
    path.write_bytes(b"I: Good morning.\r\nR: Good morning to you.\r\nWe can start.\r\n")
    turns = speech(read_one(path))
    assert [(t.speaker, t.text) for t in turns] == [
        ("I", "Good morning."),
        ("R", "Good morning to you. We can start."),
    ]


# --- front matter -----------------------------------------------------------------------


def test_front_matter_in_text_file(tmp_path, read_one):
    path = write(
        tmp_path,
        "et-s01-kii-ht.txt",
        "---\n"
        "country: ET\n"
        "school_id: ET-S01\n"
        "school_group: pd\n"
        "respondent_role: head_teacher\n"
        "method: kii\n"
        "language: en\n"
        "---\n"
        "I: Good morning.\n"
        "HT: Good morning.\n",
    )
    transcript = read_one(path)
    assert transcript.front_matter == {
        "country": "ET",
        "school_id": "ET-S01",
        "school_group": "pd",
        "respondent_role": "head_teacher",
        "method": "kii",
        "language": "en",
    }
    assert [t.speaker for t in transcript.turns] == ["I", "HT"]


def test_broken_front_matter_reports_its_line(data_dir, expect_error):
    error = expect_error(data_dir / "malformed" / "broken_front_matter.md", line=4)
    assert "front matter" in error.message


def test_unclosed_front_matter(data_dir, expect_error):
    error = expect_error(data_dir / "malformed" / "unclosed_front_matter.md", line=1)
    assert "`---`" in error.message


def test_front_matter_that_is_not_a_mapping(tmp_path, expect_error):
    path = write(tmp_path, "kii.md", "---\n- ET\n- ET-S01\n---\n**HT:** Hello.\n")
    expect_error(path, line=2)


def test_impossible_date_in_front_matter_is_a_reader_error(tmp_path, expect_error):
    path = write(
        tmp_path,
        "kii.md",
        "---\ncountry: ET\nschool_id: ET-S01\ndate: 2024-13-01\n---\n**HT:** Hello.\n",
    )
    error = expect_error(path)
    assert "front matter" in error.message


# --- Markdown ---------------------------------------------------------------------------


def test_markdown_bold_labels_and_headings(data_dir, read):
    source = read(data_dir / "fgd_parents.md")
    assert source.format == "markdown"
    (transcript,) = source.transcripts
    assert transcript.front_matter["method"] == "fgd"
    assert transcript.front_matter["country"] == "BF"
    assert [(t.kind, t.speaker) for t in transcript.turns] == [
        ("note", None),
        ("speech", "Animatrice"),
        ("speech", "Parent 1"),  # `**Parent 1**: ...`
        ("speech", "Parent 2"),  # `**Parent 2:** ...`
        ("note", None),
        ("speech", "Animatrice"),
        ("speech", "Parent 1"),
    ]
    assert transcript.turns[0].text == "Focus group – parents d'élèves"
    assert transcript.turns[4].text == "Deuxième partie"
    for turn in transcript.turns:
        assert "**" not in turn.text
        assert not turn.text.startswith(("#", ":"))
    assert transcript.turns[2].text == "Je regarde les cahiers chaque soir."


def test_markdown_heading_in_txt_is_not_a_note(tmp_path, read_one):
    """Headings are Markdown syntax: in a .txt file `#` is just text."""
    path = write(tmp_path, "obs.txt", "# Lesson 3\n\nThe teacher reads a story aloud.\n")
    turns = read_one(path).turns
    assert [t.kind for t in turns] == ["speech", "speech"]
    assert turns[0].text == "# Lesson 3"


# --- Otter.ai ---------------------------------------------------------------------------


def test_otter_export_detected_inside_txt(data_dir, read):
    source = read(data_dir / "otter_kii.txt")
    assert source.format == "otter"
    (transcript,) = source.transcripts
    assert [(t.speaker, t.time_start) for t in transcript.turns] == [
        ("Interviewer", 3.0),
        ("Head Teacher", 41.0),
        ("Interviewer", 3725.0),  # 1:02:05
    ]
    assert transcript.turns[1].text == (
        "Sure. Lessons start at eight. Before that the teachers meet for ten minutes. "
        "We check who is absent and why."
    )
    assert all(t.kind == "speech" for t in transcript.turns)


def test_labelled_txt_is_not_taken_for_otter(data_dir, read):
    assert read(data_dir / "kii_head_teacher.txt").format == "text"


def test_otter_export_with_front_matter_is_reported_as_otter(data_dir, tmp_path, read):
    body = (data_dir / "otter_kii.txt").read_text(encoding="utf-8")
    path = write(tmp_path, "tz-s02-kii.txt", "---\ncountry: TZ\nmethod: kii\n---\n" + body)
    source = read(path)
    (transcript,) = source.transcripts
    assert transcript.front_matter == {"country": "TZ", "method": "kii"}
    assert [t.speaker for t in transcript.turns] == ["Interviewer", "Head Teacher", "Interviewer"]
    assert source.format == "otter"


def test_long_label_known_to_the_alias_table_is_a_speaker(tmp_path: Path) -> None:
    # Five words, over the limit for unknown labels, but the alias table knows it.
    path = tmp_path / "conselho.txt"
    path.write_text(
        "Moderador: Como funciona o conselho?\n"
        "Membro do conselho escolar 1: Reunimos uma vez por mês.\n",
        encoding="utf-8",
    )
    turns = read_source(path, DEFAULT_ALIASES.keys()).transcripts[0].turns
    assert [t.speaker for t in turns] == ["Moderador", "Membro do conselho escolar 1"]
