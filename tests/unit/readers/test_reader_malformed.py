"""Malformed input: every problem is a ReaderError (an InputError) naming the file, and
the line where one is known; never another exception type."""

from __future__ import annotations

import codecs
import random

import pytest

ALL_SUFFIXES = [".txt", ".md", ".vtt", ".srt", ".json", ".docx", ".csv", ".xlsx"]


# --- captions ---------------------------------------------------------------------------


def test_vtt_truncated_in_a_timing_line(data_dir, expect_error):
    path = data_dir / "malformed" / "truncated_timing.vtt"
    error = expect_error(path, line=8)
    assert "00:00:04.500 --> 00:00:0" in error.message
    assert "truncated" in error.message


def test_vtt_truncated_before_the_arrow(tmp_path, expect_error):
    path = tmp_path / "kii.vtt"
    path.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nInterviewer: Hello.\n\n2\n00:00:04.5",
        encoding="utf-8",
    )
    expect_error(path, line=7)


def test_vtt_final_cue_with_timing_but_no_text(data_dir, expect_error):
    error = expect_error(data_dir / "malformed" / "truncated_final_cue.vtt", line=8)
    assert "no text" in error.message


def test_vtt_without_header(data_dir, expect_error):
    error = expect_error(data_dir / "malformed" / "no_header.vtt", line=1)
    assert "WEBVTT" in error.message


def test_vtt_with_only_a_header(tmp_path, expect_error):
    path = tmp_path / "kii.vtt"
    path.write_text("WEBVTT\n\nNOTE nothing was said\n", encoding="utf-8")
    error = expect_error(path)
    assert "no cues" in error.message


def test_vtt_with_impossible_time(tmp_path, expect_error):
    path = tmp_path / "kii.vtt"
    path.write_text("WEBVTT\n\n00:00:75.000 --> 00:01:02.000\nI: Hello.\n", encoding="utf-8")
    expect_error(path, line=3)


def test_srt_with_broken_arrow(data_dir, expect_error):
    expect_error(data_dir / "malformed" / "broken_arrow.srt", line=5)


def test_srt_with_broken_timing_line(data_dir, expect_error):
    error = expect_error(data_dir / "malformed" / "broken_timing.srt", line=6)
    assert "00:00:09;000" in error.message


def test_srt_truncated_after_cue_number(tmp_path, expect_error):
    path = tmp_path / "kii.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:04,000\nEnquêteur : Bonjour.\n\n2\n", "utf-8")
    expect_error(path, line=5)


# --- JSON -------------------------------------------------------------------------------


def test_invalid_json_reports_the_line(data_dir, expect_error):
    error = expect_error(data_dir / "malformed" / "invalid.json", line=4)
    assert "not valid JSON" in error.message


def test_json_without_segments(data_dir, expect_error):
    error = expect_error(data_dir / "malformed" / "no_segments.json")
    assert "segments" in error.message


def test_deeply_nested_json(tmp_path, expect_error):
    path = tmp_path / "whisper.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    expect_error(path)


# --- empty, binary, encodings -----------------------------------------------------------


@pytest.mark.parametrize("suffix", ALL_SUFFIXES)
def test_empty_file(tmp_path, expect_error, suffix):
    path = tmp_path / f"interview{suffix}"
    path.write_bytes(b"")
    error = expect_error(path)
    assert "empty" in error.message


@pytest.mark.parametrize("suffix", ALL_SUFFIXES)
def test_whitespace_only_file(tmp_path, expect_error, suffix):
    path = tmp_path / f"interview{suffix}"
    path.write_bytes(b"  \n\n\t \r\n")
    expect_error(path)


@pytest.mark.parametrize("suffix", ALL_SUFFIXES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_binary_garbage(tmp_path, expect_error, suffix, seed):
    generator = random.Random(seed)
    data = bytearray(generator.randbytes(3000))
    for _ in range(20):
        data[generator.randrange(len(data))] = 0
    path = tmp_path / f"interview{suffix}"
    path.write_bytes(bytes(data))
    expect_error(path)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".vtt", ".srt", ".json", ".csv"])
def test_binary_file_is_called_binary(tmp_path, expect_error, suffix):
    path = tmp_path / f"interview{suffix}"
    path.write_bytes(b"\x00\x01\x02 PK\x03\x04 not text \x00\xff" * 10)
    error = expect_error(path)
    assert "binary" in error.message


@pytest.mark.parametrize("suffix", [".txt", ".md", ".srt"])
def test_windows_1252_needs_encoding(tmp_path, read, expect_error, suffix):
    text = (
        "Entretien TD-S01\n"
        "Enquêteur : Où est l'école ?\n"
        "Directrice : À côté du marché, à 200 mètres.\n"
    )
    if suffix == ".srt":
        text = "1\n00:00:01,000 --> 00:00:03,000\nEnquêteur : Où est l'école ?\n"
    path = tmp_path / f"entretien{suffix}"
    path.write_bytes(text.encode("cp1252"))
    error = expect_error(path, line=2 if suffix != ".srt" else 3)
    assert "--encoding" in error.message
    assert "cp1252" in error.message
    (transcript,) = read(path, encoding="cp1252").transcripts
    speakers = [t.speaker for t in transcript.turns if t.kind == "speech"]
    assert speakers[0] == "Enquêteur"
    assert any("Où est l'école ?" in t.text for t in transcript.turns)


def test_wrong_explicit_encoding(tmp_path, expect_error):
    path = tmp_path / "entretien.txt"
    path.write_bytes("Enquêteur : Où ?\n".encode("cp1252"))
    error = expect_error(path, encoding="utf-8")
    assert "utf-8" in error.message


def test_unknown_encoding_name(tmp_path, expect_error):
    path = tmp_path / "entretien.txt"
    path.write_text("Enquêteur : Où ?\n", encoding="utf-8")
    error = expect_error(path, encoding="no-such-codec")
    assert "no-such-codec" in error.message


def test_truncated_utf16_file(tmp_path, expect_error):
    path = tmp_path / "kii.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Interviewer: Good morning.".encode("utf-16-le")[:-1])
    expect_error(path)


# --- files, suffixes, sheets ------------------------------------------------------------


@pytest.mark.parametrize("name", ["interview.pdf", "interview.doc", "interview"])
def test_unsupported_suffix(tmp_path, expect_error, name):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.7 something")
    error = expect_error(path)
    assert "unsupported file type" in error.message
    assert ".txt" in error.message


def test_missing_file(tmp_path, expect_error):
    error = expect_error(tmp_path / "missing.txt")
    assert "no such file" in error.message


def test_text_with_only_headings(tmp_path, expect_error):
    path = tmp_path / "kii.md"
    path.write_text("---\ncountry: ET\n---\n# KII\n\n## Part 1\n", encoding="utf-8")
    error = expect_error(path)
    assert "no transcript text" in error.message


def test_text_with_only_time_codes(tmp_path, expect_error):
    path = tmp_path / "kii.txt"
    path.write_text("[00:00:01]\n\n[00:00:05]\n", encoding="utf-8")
    expect_error(path)


def test_xlsx_that_is_a_renamed_csv(tmp_path, expect_error):
    path = tmp_path / "survey.xlsx"
    path.write_text("respondent_id,What helps?\nR1,Books.\n", encoding="utf-8")
    error = expect_error(path)
    assert ".xlsx" in error.message
