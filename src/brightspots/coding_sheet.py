"""Codings made elsewhere, from a CSV sheet: one row per coding with the document, the
coder, the code, and either the exact `quote` (with an optional `occurrence`) or the
`start`/`end` code-point offsets. Every row is checked (file and line in each error)
before anything is written."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from brightspots.corpus.source import decode, read_bytes
from brightspots.errors import CodebookError, InputError
from brightspots.store import Store


def read_codings(
    store: Store, path: Path, codes: Mapping[str, int], documents: dict[str, tuple[int, str]]
) -> list[dict[str, Any]]:
    text = decode(read_bytes(path), path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = set(reader.fieldnames or [])
    if not {"document", "coder", "code"} <= columns or not (
        "quote" in columns or {"start", "end"} <= columns
    ):
        raise InputError(
            "the codings sheet needs columns document, coder, code and "
            "either quote or start and end",
            path,
            1,
        )
    rows = []
    for row in reader:
        line = reader.line_num
        name = (row["document"] or "").strip()
        if name not in documents:
            try:
                num, _, body = store.get_document(name)
            except KeyError:
                raise InputError(f"no document named {name!r} in the project", path, line) from None
            documents[name] = (num, body)
        num, body = documents[name]
        code = (row["code"] or "").strip()
        if code not in codes:
            raise CodebookError(
                f"unknown code {code!r}; load the codebook that defines it", path, line
            )
        start, end = span(row, body, path, line)
        coder = (row["coder"] or "").strip()
        if not coder:
            raise InputError("the coder is empty", path, line)
        rows.append(
            {
                "doc": num,
                "start": start,
                "end": end,
                "code": codes[code],
                "coder": coder,
                "snippet": body[start:end],
                "origin": "import",
            }
        )
    return rows


def span(row: Mapping[str, str], body: str, path: Path, line: int) -> tuple[int, int]:
    if row.get("quote"):
        quote = unicodedata.normalize("NFC", " ".join(row["quote"].split()))
        occurrence = int(row.get("occurrence") or 1)
        start = -1
        for _ in range(occurrence):
            start = body.find(quote, start + 1)
            if start == -1:
                raise InputError(
                    f"the quote {quote[:60]!r} is not in document "
                    f"{row['document']!r} (occurrence {occurrence})",
                    path,
                    line,
                )
        return start, start + len(quote)
    try:
        start, end = int(row["start"]), int(row["end"])
    except (TypeError, ValueError):
        raise InputError("start and end must be whole numbers", path, line) from None
    if not 0 <= start < end <= len(body):
        raise InputError(
            f"span {start}-{end} is outside the document ({len(body)} characters)", path, line
        )
    return start, end
