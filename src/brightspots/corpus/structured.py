"""Structured sources: Whisper/WhisperX JSON, Word documents and survey sheets."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from collections.abc import Collection
from pathlib import Path

from brightspots.corpus.table import read_table
from brightspots.corpus.text import read_text_transcript
from brightspots.errors import ReaderError
from brightspots.models import META_FIELDS, RawTurn, Transcript
from brightspots.vocabulary import label_key

# Survey columns that are metadata rather than questions (see docs in corpora/README.md).
SURVEY_ID_COLUMNS = ("respondent_id", "respondent", "participant_id", "id")
SURVEY_RESPONDENT = "Respondent"


def read_whisper(text: str, path: Path) -> Transcript:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReaderError(f"not valid JSON ({error.msg})", path, error.lineno) from None
    except RecursionError:
        raise ReaderError("not Whisper output: the JSON is nested too deeply", path) from None
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list):
        raise ReaderError("expected Whisper output: an object with a `segments` list", path)
    turns: list[RawTurn] = []
    for number, segment in enumerate(segments, start=1):
        if not isinstance(segment, dict) or not isinstance(segment.get("text"), str):
            raise ReaderError(f"segment {number} has no `text`", path)
        speaker = segment.get("speaker")
        times = [segment.get(k) for k in ("start", "end")]
        if any(t is not None and not isinstance(t, int | float) for t in times):
            raise ReaderError(f"segment {number} has a `start` or `end` that is not a number", path)
        words = " ".join(segment["text"].split())
        if not words:
            continue
        speaker = str(speaker) if speaker is not None else None
        previous = turns[-1] if turns else None
        if previous is not None and previous.speaker == speaker:
            end = times[1] if times[1] is not None else previous.time_end
            turns[-1] = RawTurn(f"{previous.text} {words}", speaker, previous.time_start, end)
        else:
            turns.append(RawTurn(words, speaker, times[0], times[1]))
    if not turns:
        raise ReaderError("the JSON has no segments with text", path)
    language = data.get("language") if isinstance(data, dict) else None
    attributes = {"language": language} if isinstance(language, str) and language else {}
    return Transcript(turns=tuple(turns), attributes=attributes)


def read_docx(path: Path, known_labels: Collection[str]) -> Transcript:
    """Paragraphs (a leading bold run ending in ':' is a speaker label) and two-column
    speaker | text tables, in document order."""
    import docx  # python-docx, only here
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ReaderError(f"not a readable .docx file ({error})", path) from None
    lines: list[str] = []
    bold_labels: set[str] = set()
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            label = _bold_label(paragraph)
            if label:
                bold_labels.add(label_key(label))
            lines.extend([unicodedata.normalize("NFC", paragraph.text), ""])
        elif tag == "tbl":
            table = Table(child, document)
            for number, row in enumerate(table.rows):
                cells = [unicodedata.normalize("NFC", c.text.strip()) for c in row.cells]
                if number == 0 and _is_table_header(cells):
                    continue
                if len(cells) >= 2 and cells[0] and any(cells[1:]):
                    label = cells[0].rstrip(":").strip()
                    bold_labels.add(label_key(label))
                    lines.extend([f"{label}: {' '.join(c for c in cells[1:] if c)}", ""])
                elif any(cells):
                    lines.extend([" ".join(c for c in cells if c), ""])
    return read_text_transcript("\n".join(lines), path, {*known_labels, *bold_labels})


_SPEAKER_HEADERS = {
    "speaker",
    "name",
    "who",
    "respondent",
    "orateur",
    "locuteur",
    "intervenant",
    "falante",
    "locutor",
    "interlocutor",
    "interlocuteur",
    "participant",
}
_TEXT_HEADERS = {
    "text",
    "transcript",
    "speech",
    "words",
    "texte",
    "transcription",
    "texto",
    "fala",
    "transcrição",
    "transcricao",
}


def _is_table_header(cells: list[str]) -> bool:
    """`Speaker | Text` as a transcript table's first row is a header, not a turn."""
    if len(cells) < 2:
        return False
    first, second = (c.casefold().rstrip(":").strip() for c in cells[:2])
    return first in _SPEAKER_HEADERS and second in _TEXT_HEADERS


def _bold_label(paragraph: object) -> str | None:
    runs = getattr(paragraph, "runs", [])
    label = ""
    for run in runs:
        if not run.text.strip() and label:
            continue
        if not run.bold:
            break
        label += run.text
        if ":" in run.text:
            break
    label = label.strip()
    if label.endswith(":") and 0 < len(label) <= 42:
        return label[:-1].strip()
    return None


def read_survey(path: Path, encoding: str | None = None) -> list[Transcript]:
    """One document per respondent; each answered question becomes a prompt and an answer."""
    columns, rows = read_table(path, ReaderError, encoding)
    lowered = {c.casefold(): c for c in columns}
    id_column = next((lowered[c] for c in SURVEY_ID_COLUMNS if c in lowered), None)
    if id_column is None:
        raise ReaderError(
            "a survey sheet needs a respondent id column, one of: " + ", ".join(SURVEY_ID_COLUMNS),
            path,
            1,
        )
    meta = {lowered[c]: c for c in META_FIELDS if c in lowered}
    questions = [c for c in columns if c != id_column and c not in meta and not c.startswith("#")]
    if not questions:
        raise ReaderError("the survey sheet has no question columns", path, 1)
    if not rows:
        raise ReaderError("the survey sheet has a header but no respondents", path)
    transcripts: list[Transcript] = []
    seen: dict[str, int] = {}
    for row in rows:
        respondent = row.values[id_column]
        if not respondent:
            raise ReaderError(f"respondent id is empty in column {id_column!r}", path, row.line)
        if respondent in seen:
            raise ReaderError(
                f"respondent {respondent!r} appears twice (also row {seen[respondent]})",
                path,
                row.line,
            )
        seen[respondent] = row.line
        turns: list[RawTurn] = []
        for question in questions:
            answer = row.values.get(question, "")
            if answer:
                turns += [RawTurn(question, kind="prompt"), RawTurn(answer, SURVEY_RESPONDENT)]
        if not turns:
            continue  # nothing to code from someone who answered nothing
        attributes = {meta[c]: row.values[c] for c in meta if row.values.get(c)}
        attributes |= {c[1:]: row.values[c] for c in columns if c.startswith("#") and row.values[c]}
        transcripts.append(Transcript(turns=tuple(turns), part=respondent, attributes=attributes))
    if not transcripts:
        raise ReaderError("no respondent answered any question", path)
    return transcripts
