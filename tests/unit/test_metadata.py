"""Metadata: sheets, precedence, vocabularies and the speaker alias table."""

from __future__ import annotations

from pathlib import Path

import pytest

from brightspots.errors import MetadataError
from brightspots.metadata import MetadataSheet, Origin, resolve, role_resolver
from brightspots.vocabulary import DEFAULT_ALIASES, ROLES, label_key
from tests.conftest import write

BASE = {"country": "ET", "school_id": "ET-S01"}


def resolved(values: dict[str, str]):  # type: ignore[no-untyped-def]
    return resolve([(values, Origin(Path("sheet.csv"), 4))], ROLES, "doc.txt")


def test_values_are_normalised() -> None:
    result = resolved(
        BASE
        | {
            "country": "Ethiopia",
            "school_group": "PD",
            "method": "KII",
            "respondent_role": "Head teacher",
            "language": "French",
            "region": "Amhara",
        }
    )
    meta = result.meta
    assert (meta.country, meta.school_group, meta.method) == ("ET", "pd", "kii")
    assert (meta.respondent_role, meta.language) == ("head_teacher", "fr")
    assert meta.attributes == {"region": "Amhara"}


@pytest.mark.parametrize(
    ("field", "value", "listed"),
    [
        ("school_group", "deviant", "pd, comparison, unknown"),
        ("method", "interview", "kii, fgd, classroom_observation"),
        ("respondent_role", "janitor", "head_teacher, deputy_head_teacher, teacher"),
        ("country", "Etiopia", "ISO 3166-1"),
        ("language", "klingon", "ISO 639-1"),
        ("date", "12/03/2025", "YYYY-MM-DD"),
    ],
)
def test_unknown_values_list_the_valid_ones(field: str, value: str, listed: str) -> None:
    with pytest.raises(MetadataError) as caught:
        resolved(BASE | {field: value})
    assert listed in caught.value.message
    assert caught.value.message.startswith("sheet.csv, line 4: ")


def test_country_suggestion() -> None:
    with pytest.raises(MetadataError, match=r"did you mean ET \(ethiopia\)"):
        resolved(BASE | {"country": "Etiopia"})


def test_missing_country_says_how_to_give_it() -> None:
    with pytest.raises(MetadataError, match="--set country="):
        resolve([({"school_id": "X"}, Origin(None))], ROLES, "doc.txt")


def test_front_matter_beats_sheet() -> None:
    layers = [
        ({"country": "TD", "school_id": "TD-S01", "method": "kii"}, Origin(Path("m.csv"), 2)),
        ({"method": "fgd"}, Origin(Path("doc.txt"), 1)),
    ]
    assert resolve(layers, ROLES, "doc.txt").meta.method == "fgd"


def test_territory_and_speakers_map() -> None:
    result = resolved(
        BASE
        | {
            "country": "TZ",
            "territory": "Zanzibar",
            "speakers": "SPEAKER_00=interviewer; SPEAKER_01=head_teacher",
        }
    )
    assert result.meta.territory == "Zanzibar"
    role_of = role_resolver(DEFAULT_ALIASES, result.speakers, "teacher")
    assert role_of("SPEAKER_01") == "head_teacher"
    assert role_of("SPEAKER_00") == "interviewer"
    with pytest.raises(MetadataError, match="unknown role 'boss'"):
        resolved(BASE | {"speakers": "SPEAKER_00=boss"})


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("HT", "head_teacher"),
        ("Directeur", "head_teacher"),
        ("Head teacher", "head_teacher"),
        ("Diretora", "head_teacher"),
        ("Enquêteur", "interviewer"),
        ("Teacher 2", "teacher"),
        ("Enseignante 1", "teacher"),
        ("Mãe 3", "parent"),
        ("P2", "parent"),
        ("Conseiller pédagogique", "local_official"),
        ("Président APE", "school_committee_member"),
        ("R", "teacher"),
        ("Respondent", "teacher"),
        ("Moderator", "interviewer"),
    ],
)
def test_speaker_labels_map_to_roles(label: str, role: str) -> None:
    # `R:` and `Respondent:` stand for the document's respondent (a teacher here).
    assert role_resolver(DEFAULT_ALIASES, {}, "teacher")(label) == role


def test_label_key() -> None:
    assert label_key("Enquêteur 2") == "enqueteur"
    assert label_key("T1") == "t"
    assert label_key("Chef d’établissement") == "chef d'etablissement"


def test_sheet_lookup_by_path_or_unique_name(tmp_path: Path) -> None:
    sheet = MetadataSheet(
        write(
            tmp_path / "m.csv",
            "file,country,school_id\nET/a.txt,ET,S1\nTD/b.txt,TD,S2\nTZ/b.txt,TZ,S3\n",
        )
    )
    assert sheet.lookup("ET/a.txt")[0]["country"] == "ET"  # type: ignore[index]
    assert sheet.lookup("a.txt")[1].line == 2  # type: ignore[index]
    assert sheet.lookup("b.txt") is None  # two candidates: never guess
    assert sheet.unused() == ["td/b.txt", "tz/b.txt"]


def test_sheet_errors(tmp_path: Path) -> None:
    with pytest.raises(MetadataError, match="needs a column naming each file"):
        MetadataSheet(write(tmp_path / "m.csv", "name,country\na,ET\n"))
    with pytest.raises(MetadataError, match=r"line 3: 'a.txt' is described twice"):
        MetadataSheet(write(tmp_path / "n.csv", "file,country\na.txt,ET\na.txt,TD\n"))
    with pytest.raises(MetadataError, match="column 'country' appears twice"):
        MetadataSheet(write(tmp_path / "o.csv", "file,country,country\na.txt,ET,TD\n"))


def test_xlsx_sheet_missing_file_column(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["country", "school_id"])
    book.active.append(["ET", "S1"])
    book.save(tmp_path / "m.xlsx")
    with pytest.raises(MetadataError, match=r"m.xlsx, line 1: the sheet needs a column"):
        MetadataSheet(tmp_path / "m.xlsx")
