"""Where the names to replace come from (an earlier key, names files, speaker labels,
document attributes, the researcher's EntityRuler patterns), and the key that gives each
name its one pseudonym, written to a file of its own."""

from __future__ import annotations

import csv
import io
import json
import os
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brightspots.corpus.source import decode, read_bytes
from brightspots.corpus.table import read_table
from brightspots.errors import InputError, ProjectError
from brightspots.vocabulary import SEGMENT_LANGUAGES, label_key

# Document attributes (metadata sheet columns) that hold names of places or people.
NAME_ATTRIBUTES = {
    "school_name": "place",
    "school": "place",
    "village": "place",
    "town": "place",
    "city": "place",
    "community": "place",
    "commune": "place",
    "nom_ecole": "place",
    "ecole": "place",
    "escola": "place",
    "nome_escola": "place",
    "aldeia": "place",
    "cidade": "place",
    "respondent_name": "person",
    "interviewee": "person",
    "participant_name": "person",
    "teacher_name": "person",
    "head_teacher_name": "person",
}
PERSON_LABELS = {"PERSON", "PER"}
PLACE_LABELS = {"GPE", "LOC", "PLACE", "FAC", "SCHOOL"}
# Words that may precede a name and are not part of it.
TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "madam", "madame", "mme",
    "mlle", "monsieur", "m", "sr", "sra", "srta", "senhor", "senhora", "dona", "dom", "don",
    "doña", "ato", "w/ro", "mwalimu", "mama", "baba", "teacher", "pastor", "father", "sister",
    "brother", "the", "de", "da", "do", "dos", "das", "du", "des", "la", "le", "van", "von",
}  # fmt: skip
MIN_PART = 3
KEY_COLUMNS = ("original", "pseudonym", "kind", "source")


@dataclass(frozen=True)
class Name:
    original: str
    kind: str  # person | place | another EntityRuler label, lower-cased
    source: str  # key | names file | speaker | attribute KEY | pattern LABEL
    pseudonym: str | None = None  # chosen in a names file or an earlier key


# --- names ------------------------------------------------------------------------------


def read_key(path: Path) -> list[Name]:
    if not path.exists():
        return []
    columns, rows = read_table(path, InputError)
    missing = [c for c in ("original", "pseudonym") if c not in columns]
    if missing:
        raise InputError(f"a pseudonym key needs the columns {', '.join(KEY_COLUMNS)}", path, 1)
    return [
        Name(r.values["original"], r.values.get("kind") or "person", "key", r.values["pseudonym"])
        for r in rows
        if r.values["original"] and r.values["pseudonym"]
    ]


def read_names(path: Path) -> list[Name]:
    """A names file: a sheet (name, kind, pseudonym) or a text file, one name a line."""
    if path.suffix.lower() in (".csv", ".tsv", ".xlsx"):
        columns, rows = read_table(path, InputError)
        if "name" not in columns:
            raise InputError(
                "a names sheet needs a `name` column (and may have kind, pseudonym)", path, 1
            )
        return [
            Name(
                r.values["name"],
                _kind(r.values.get("kind")),
                "names file",
                r.values.get("pseudonym") or None,
            )
            for r in rows
            if r.values["name"]
        ]
    names = []
    for line in decode(read_bytes(path), path).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, sep, rest = line.partition(":")
        if sep and kind.strip().casefold() in ("person", "place") and rest.strip():
            names.append(Name(rest.strip(), kind.strip().casefold(), "names file"))
        else:
            names.append(Name(line, "person", "names file"))
    return names


def _kind(value: str | None) -> str:
    value = (value or "person").strip().casefold()
    return value or "person"


def speaker_names(speakers: Iterable[str], known_labels: Iterable[str]) -> list[Name]:
    """Speaker labels that name someone: not a role or alias the project knows (label keys
    such as `head teacher`), and no digit."""
    known = set(known_labels)
    return [
        Name(label, "person", "speaker")
        for label in sorted(set(speakers))
        if label_key(label) not in known
        and not any(c.isdigit() for c in label)
        and any(c.isalpha() for c in label)
    ]


def attribute_names(values: Iterable[tuple[str, str]], extra: Sequence[str] = ()) -> list[Name]:
    wanted = {**NAME_ATTRIBUTES, **{k.casefold(): "place" for k in extra}}
    found: dict[str, Name] = {}
    for key, value in values:
        kind = wanted.get(key.casefold())
        if kind and value.strip():
            found.setdefault(value.strip(), Name(value.strip(), kind, f"attribute {key}"))
    return list(found.values())


def pattern_names(path: Path, texts: Iterable[tuple[str, str]]) -> list[Name]:
    """What the researcher's EntityRuler patterns match in `texts` ((language, text))."""
    patterns = read_patterns(path)
    import spacy  # only here: patterns are optional and spaCy takes seconds to load

    pipelines: dict[str, Any] = {}
    found: dict[str, Name] = {}
    for language, text in texts:
        lang = language if language in SEGMENT_LANGUAGES else "xx"
        nlp = pipelines.get(lang)
        if nlp is None:
            nlp = spacy.blank(lang)
            ruler: Any = nlp.add_pipe("entity_ruler", config={"validate": True})
            try:
                ruler.add_patterns(patterns)
            except (ValueError, TypeError, KeyError) as error:
                raise InputError(f"spaCy refuses these patterns ({error})", path) from None
            pipelines[lang] = nlp
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        nlp.max_length = max(nlp.max_length, *(len(p) + 1 for p in paragraphs), 1)
        for doc in nlp.pipe(paragraphs):
            for entity in doc.ents:
                surface = entity.text.strip()
                if surface and surface not in found:
                    label = entity.label_
                    kind = (
                        "person" if label in PERSON_LABELS
                        else "place" if label in PLACE_LABELS
                        else label.casefold()
                    )  # fmt: skip
                    found[surface] = Name(surface, kind, f"pattern {label}")
    return list(found.values())


def read_patterns(path: Path) -> list[dict[str, Any]]:
    patterns = []
    for number, line in enumerate(decode(read_bytes(path), path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            pattern = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"not a JSON object ({error.msg})", path, number) from None
        if (
            not isinstance(pattern, dict)
            or not isinstance(pattern.get("label"), str)
            or not isinstance(pattern.get("pattern"), str | list)
        ):
            raise InputError(
                'each line must look like {"label": "PERSON", "pattern": "Abebe Girma"} or '
                '{"label": "PERSON", "pattern": [{"LOWER": "mr"}, {"IS_TITLE": true}]}',
                path,
                number,
            )
        patterns.append(pattern)
    if not patterns:
        raise InputError("the patterns file holds no pattern", path)
    return patterns


# --- the key: which pseudonym for which spelling -----------------------------------------


class Key:
    """Original -> pseudonym, consistent: an original gets one pseudonym, ever."""

    def __init__(self) -> None:
        self.entries: dict[str, Name] = {}  # original -> Name with its pseudonym
        self.spellings: dict[str, str] = {}  # every spelling replaced -> pseudonym
        self._numbers: Counter[str] = Counter()
        self._taken: set[str] = set()

    def add(self, name: Name, parts: bool) -> None:
        original = unicodedata.normalize("NFC", " ".join(name.original.split()))
        if len(original) < 2 or original in self.spellings or original in self._taken:
            return  # too short, known, or a pseudonym already (a second run)
        pseudonym = name.pseudonym or self._next(name.kind)
        self._taken.add(pseudonym)
        self.entries[original] = Name(original, name.kind, name.source, pseudonym)
        self._spell(original, pseudonym)
        if parts and name.kind == "person":
            for part in original.split():
                if _is_name_part(part) and part not in self.spellings:
                    self.entries[part] = Name(part, name.kind, f"{name.source} (part)", pseudonym)
                    self._spell(part, pseudonym)

    def _spell(self, original: str, pseudonym: str) -> None:
        self.spellings.setdefault(original, pseudonym)
        upper = original.upper()
        if upper != original:
            self.spellings.setdefault(upper, pseudonym)

    def _next(self, kind: str) -> str:
        prefix = kind.capitalize() if kind else "Name"
        while True:
            self._numbers[prefix] += 1
            candidate = f"{prefix} {self._numbers[prefix]}"
            if candidate not in self._taken:
                return candidate

    def rows(self) -> list[tuple[str, str, str, str]]:
        return [(o, n.pseudonym or "", n.kind, n.source) for o, n in self.entries.items()]


def _is_name_part(part: str) -> bool:
    letters = part.strip(".,;:'’\"()")
    return (
        len(letters) >= MIN_PART
        and letters[:1].isupper()
        and letters.casefold() not in TITLES
        and letters == part
    )


def write_key(path: Path, key: Key) -> None:
    """Write the key atomically, readable by its owner only."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KEY_COLUMNS)
    writer.writerows(key.rows())
    partial = path.with_name(path.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(out.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ProjectError(f"could not write the key {path} ({error}).") from error
