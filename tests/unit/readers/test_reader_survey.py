"""Survey sheets (.csv and .xlsx): one document per respondent."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl

from brightspots.models import RawTurn


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Responses"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


HELPS = "What helps pupils learn most at your school?"
CHALLENGE = "What is the biggest challenge?"


def test_csv_one_transcript_per_respondent(data_dir, read):
    source = read(data_dir / "survey_teachers_en.csv")
    assert source.format == "survey-csv"
    # ET-T03 answered nothing: no document.
    assert [t.part for t in source.transcripts] == ["ET-T01", "ET-T02"]
    first, second = source.transcripts
    assert first.turns == (
        RawTurn(HELPS, kind="prompt"),
        RawTurn("Teachers plan together; we share lesson ideas, every Friday.", "Respondent"),
        RawTurn(CHALLENGE, kind="prompt"),
        RawTurn('Books: we have too few, "really" too few.', "Respondent"),
    )
    # The empty answer to the second question is skipped, with its prompt.
    assert second.turns == (
        RawTurn(HELPS, kind="prompt"),
        RawTurn("The feeding programme keeps children in school.", "Respondent"),
    )


def test_csv_metadata_and_extra_columns_become_attributes(data_dir, read):
    first, second = read(data_dir / "survey_teachers_en.csv").transcripts
    assert first.attributes == {
        "country": "ET",
        "school_id": "ET-S01",
        "school_group": "pd",
        "respondent_role": "teacher",
    }  # the short row has no #enumerator value
    assert second.attributes == {
        "country": "ET",
        "school_id": "ET-S02",
        "school_group": "comparison",
        "respondent_role": "teacher",
        "enumerator": "E2",
    }
    for transcript in (first, second):
        assert transcript.front_matter == {}
        assert "respondent_id" not in transcript.attributes


def test_semicolon_csv_in_french(data_dir, read):
    source = read(data_dir / "survey_enseignants_fr.csv")
    assert [t.part for t in source.transcripts] == ["TD-R01", "TD-R02"]
    first, second = source.transcripts
    assert first.attributes == {
        "country": "TD",
        "school_id": "TD-S01",
        "language": "fr",
        "enquêtrice": "E1",
    }
    assert [(t.kind, t.text) for t in first.turns] == [
        ("prompt", "Qu'est-ce qui aide le plus les élèves ?"),
        ("speech", "Les enseignants arrivent tôt, ils préparent bien les leçons."),
        ("prompt", "Quel est le plus grand défi ?"),
        ("speech", "Le manque de livres, surtout en CP."),
    ]
    assert [(t.kind, t.speaker) for t in second.turns] == [
        ("prompt", None),
        ("speech", "Respondent"),
    ]
    assert second.turns[1].text == "La distance : les enfants marchent loin [rires]."


def test_csv_id_column_name_is_case_insensitive(tmp_path, read):
    path = write(
        tmp_path,
        "survey.csv",
        "Respondent,Country,Como os pais ajudam a escola?\nMZ-P01,MZ,Ajudamos na horta.\n",
    )
    (transcript,) = read(path).transcripts
    assert transcript.part == "MZ-P01"
    assert transcript.attributes == {"country": "MZ"}
    assert transcript.turns[1].text == "Ajudamos na horta."


def test_csv_with_utf8_bom_header(tmp_path, read):
    path = tmp_path / "survey.csv"
    path.write_bytes(
        "respondent_id,country,What helps?\nBR-R01,BR,Reforço escolar.\n".encode("utf-8-sig")
    )
    (transcript,) = read(path).transcripts
    assert transcript.part == "BR-R01"


def test_xlsx_survey(tmp_path, read):
    path = write_xlsx(
        tmp_path / "survey-mz.xlsx",
        [
            ["respondent_id", "country", "school_id", "date", HELPS, CHALLENGE, "#enumerator"],
            [101, "MZ", "MZ-S01", datetime.date(2024, 3, 12), "Os professores chegam cedo.",
             None, "E2"],
            ["MZ-R02", "MZ", "MZ-S02", None, "", "A distância [inaudível].", "E3"],
            ["MZ-R03", "MZ", "MZ-S02", None, None, None, "E3"],
        ],
    )  # fmt: skip
    source = read(path)
    assert source.format == "survey-xlsx"
    assert [t.part for t in source.transcripts] == ["101", "MZ-R02"]
    first, second = source.transcripts
    assert first.attributes == {
        "country": "MZ",
        "school_id": "MZ-S01",
        "date": "2024-03-12",
        "enumerator": "E2",
    }
    assert first.turns == (
        RawTurn(HELPS, kind="prompt"),
        RawTurn("Os professores chegam cedo.", "Respondent"),
    )
    assert second.turns == (
        RawTurn(CHALLENGE, kind="prompt"),
        RawTurn("A distância [inaudível].", "Respondent"),
    )
    assert second.attributes == {"country": "MZ", "school_id": "MZ-S02", "enumerator": "E3"}


def test_xlsx_missing_respondent_id_column(tmp_path, expect_error):
    path = write_xlsx(
        tmp_path / "survey.xlsx",
        [["country", "school_id", HELPS], ["ET", "ET-S01", "Mentoring."]],
    )
    error = expect_error(path, line=1)
    assert "respondent_id" in error.message


def test_csv_duplicated_respondent_id_reports_rows(data_dir, expect_error):
    error = expect_error(data_dir / "malformed" / "survey_duplicate.csv", line=4)
    assert "'MZ-R01'" in error.message
    assert "row 2" in error.message


def test_xlsx_duplicated_respondent_id(tmp_path, expect_error):
    path = write_xlsx(
        tmp_path / "survey.xlsx",
        [["id", HELPS], ["R1", "Books."], ["R2", "Time."], ["R1", "Chalk."]],
    )
    error = expect_error(path, line=4)
    assert "row 2" in error.message


def test_csv_empty_respondent_id(tmp_path, expect_error):
    path = write(tmp_path, "survey.csv", f"respondent_id,{HELPS}\nR1,Books.\n,Time.\n")
    expect_error(path, line=3)


def test_csv_without_question_columns(tmp_path, expect_error):
    path = write(tmp_path, "survey.csv", "respondent_id,country,school_id\nR1,ET,ET-S01\n")
    error = expect_error(path, line=1)
    assert "question" in error.message


def test_csv_where_nobody_answered(tmp_path, expect_error):
    path = write(tmp_path, "survey.csv", f"respondent_id,{HELPS}\nR1,\nR2,\n")
    error = expect_error(path)
    assert "no respondent answered" in error.message


def test_csv_duplicated_header(tmp_path, expect_error):
    path = write(tmp_path, "survey.csv", f"respondent_id,{HELPS},{HELPS}\nR1,a,b\n")
    expect_error(path, line=1)


def test_csv_in_windows_1252_needs_encoding(tmp_path, read, expect_error):
    path = tmp_path / "survey.csv"
    path.write_bytes(
        "respondent_id;Qu'est-ce qui aide les élèves ?\nTD-R01;Les maîtres.\n".encode("cp1252")
    )
    error = expect_error(path, line=1)
    assert "--encoding" in error.message
    (transcript,) = read(path, encoding="cp1252").transcripts
    assert transcript.turns[0].text == "Qu'est-ce qui aide les élèves ?"
    assert transcript.turns[1].text == "Les maîtres."


def test_csv_with_header_only(tmp_path, expect_error):
    path = write(tmp_path, "survey.csv", f"respondent_id,country,{HELPS}\n")
    error = expect_error(path)
    assert "respondent id column" not in error.message


def test_csv_row_numbers_with_multiline_answer(tmp_path, expect_error):
    path = write(
        tmp_path,
        "survey.csv",
        f'respondent_id,{HELPS}\nR1,"Teachers come early,\nand they stay late."\n'
        "R2,Books.\nR1,Chalk.\n",
    )
    error = expect_error(path)
    assert "(also row 2)" in error.message
