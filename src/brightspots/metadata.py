"""Document metadata: from a CSV/XLSX sheet, YAML front matter, or values in the file.

Precedence, highest first: front matter, values inside the file (survey columns, a
Whisper language), the sheet's row, defaults given on the command line. Every value is
checked against its vocabulary; an unknown one is an error that lists the valid values."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from brightspots.corpus.table import read_table
from brightspots.errors import MetadataError
from brightspots.models import META_FIELDS, DocumentMeta
from brightspots.vocabulary import (
    METHODS,
    RESPONDENT,
    SCHOOL_GROUPS,
    country_code,
    country_codes,
    label_key,
    language_code,
)

FILE_COLUMNS = ("file", "filename", "file_name", "path", "document")
STANDARD = (*META_FIELDS, "speakers")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_GROUP_SYNONYMS = {
    "positive deviant": "pd",
    "positive_deviant": "pd",
    "positive-deviant": "pd",
    "control": "comparison",
}


@dataclass(frozen=True)
class Origin:
    """Where a set of values came from, for error messages."""

    path: Path | None
    line: int | None = None


@dataclass(frozen=True)
class Resolved:
    meta: DocumentMeta
    speakers: Mapping[str, str]  # label key -> role, from the `speakers` column


class MetadataSheet:
    """Rows keyed by the file they describe (relative path, or bare name when unique)."""

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        self.path = path
        names, rows = read_table(path, MetadataError, encoding)
        columns = {c.casefold(): c for c in names}
        file_column = next((columns[c] for c in FILE_COLUMNS if c in columns), None)
        if file_column is None:
            raise MetadataError(
                "the sheet needs a column naming each file: one of " + ", ".join(FILE_COLUMNS),
                path,
                1,
            )
        self.rows: dict[str, tuple[dict[str, str], int]] = {}
        by_name: dict[str, list[str]] = {}
        for row in rows:
            key = _normalise_key(row.values[file_column])
            if not key:
                raise MetadataError(f"the {file_column!r} cell is empty", path, row.line)
            if key in self.rows:
                raise MetadataError(
                    f"{key!r} is described twice (also row {self.rows[key][1]})", path, row.line
                )
            values = {k.casefold(): v for k, v in row.values.items() if k != file_column}
            self.rows[key] = (values, row.line)
            by_name.setdefault(PurePosixPath(key).name, []).append(key)
        self._unique_names = {name: keys[0] for name, keys in by_name.items() if len(keys) == 1}
        self.used: set[str] = set()

    def lookup(self, relative: str) -> tuple[dict[str, str], Origin] | None:
        key = _normalise_key(relative)
        if key not in self.rows:
            key = self._unique_names.get(PurePosixPath(key).name, "")
        if key not in self.rows:
            return None
        self.used.add(key)
        values, line = self.rows[key]
        return values, Origin(self.path, line)

    def unused(self) -> list[str]:
        return sorted(set(self.rows) - self.used)


def _normalise_key(value: str) -> str:
    return str(PurePosixPath(value.strip().replace("\\", "/"))).removeprefix("./").casefold()


def resolve(
    layers: list[tuple[Mapping[str, object], Origin]],
    roles: Collection[str],
    what: str,
) -> Resolved:
    """Merge metadata layers (lowest precedence first) and validate the result."""
    merged: dict[str, tuple[str, Origin]] = {}
    for values, origin in layers:
        for key, value in values.items():
            text = "" if value is None else str(value).strip()
            if text:
                merged[str(key).casefold().strip()] = (text, origin)

    def fail(key: str, message: str) -> MetadataError:
        origin = merged[key][1] if key in merged else Origin(None)
        return MetadataError(message, origin.path or what, origin.line)

    def get(key: str) -> str | None:
        return merged[key][0] if key in merged else None

    missing = [k for k in ("country", "school_id") if k not in merged]
    if missing:
        raise MetadataError(
            "no " + " or ".join(missing) + " for this document: add a row to the metadata "
            "sheet (--metadata), YAML front matter, or --set " + missing[0] + "=...",
            what,
        )
    country = _country(merged["country"][0], fail)
    group = merged.get("school_group", ("unknown", Origin(None)))[0].casefold()
    group = _GROUP_SYNONYMS.get(group, group)
    _check(group, SCHOOL_GROUPS, "school_group", fail)
    role = _word(get("respondent_role"))
    if role is not None:
        _check(role, roles, "respondent_role", fail)
    method = _word(get("method"))
    if method is not None:
        _check(method, METHODS, "method", fail)
    language = "xx"
    if "language" in merged:
        found = language_code(merged["language"][0])
        if found is None:
            raise fail(
                "language",
                f"unknown language {merged['language'][0]!r}: use an "
                "ISO 639-1 code such as en, fr, pt, es (or xx for other)",
            )
        language = found
    date = get("date")
    if date is not None and not _DATE.match(date):
        raise fail("date", f"date {date!r} must be written YYYY-MM-DD (or YYYY-MM, YYYY)")
    speakers = _speakers(get("speakers"), roles, lambda m: fail("speakers", m))
    attributes = {k: v for k, (v, _) in merged.items() if k not in STANDARD}
    meta = DocumentMeta(
        country=country,
        territory=get("territory"),
        school_id=merged["school_id"][0],
        school_group=group,
        respondent_role=role,
        method=method,
        language=language,
        date=date,
        attributes=attributes,
    )
    return Resolved(meta, speakers)


def _word(value: str | None) -> str | None:
    if value is None:
        return None
    return re.sub(r"[\s-]+", "_", value.strip().casefold())


def _check(
    value: str, valid: Collection[str], field: str, fail: Callable[[str, str], MetadataError]
) -> None:
    if value not in valid:
        raise fail(field, f"unknown {field} {value!r}; valid values: {', '.join(valid)}")


def _country(value: str, fail: Callable[[str, str], MetadataError]) -> str:
    code = country_code(value)
    if code is not None:
        return code
    close = difflib.get_close_matches(value.casefold(), list(country_codes()), n=3, cutoff=0.6)
    hint = ", ".join(f"{country_codes()[c]} ({c})" for c in close)
    raise fail(
        "country",
        f"unknown country {value!r}; valid values are ISO 3166-1 codes "
        f"(such as ET, TD, BF, BR, MZ, TZ) or English country names"
        + (f"; did you mean {hint}?" if hint else ""),
    )


def _speakers(
    value: str | None, roles: Collection[str], fail: Callable[[str], MetadataError]
) -> dict[str, str]:
    """`SPEAKER_00=interviewer; SPEAKER_01=head_teacher` -> {label key: role}."""
    if not value:
        return {}
    mapping: dict[str, str] = {}
    for part in re.split(r"[;|]", value):
        if not part.strip():
            continue
        label, sep, role = part.partition("=")
        role = _word(role) or ""
        if not sep or not label.strip():
            raise fail(
                f"speakers must look like `SPEAKER_00=interviewer; SPEAKER_01=teacher`, "
                f"not {part.strip()!r}"
            )
        if role not in roles and role != RESPONDENT:
            raise fail(
                f"unknown role {role!r} for speaker {label.strip()!r}; valid values: "
                + ", ".join(roles)
            )
        mapping[speaker_key(label)] = role
    return mapping


def speaker_key(label: str) -> str:
    """Keys for the per-document `speakers` map keep numbers (`SPEAKER_00` != `SPEAKER_01`)."""
    return " ".join(label.casefold().split())


def role_resolver(
    aliases: Mapping[str, str], speakers: Mapping[str, str], respondent_role: str | None
) -> Callable[[str | None], str | None]:
    """Speaker label -> role: the document's own map first, then the alias table."""

    def role_of(label: str | None) -> str | None:
        if label is None:
            return None
        role = speakers.get(speaker_key(label)) or aliases.get(label_key(label))
        return respondent_role if role == RESPONDENT else role

    return role_of
