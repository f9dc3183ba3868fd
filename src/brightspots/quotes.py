"""Exemplar quotes of a practice or focus area, for the report and the workbench's
synthesis screen: passages that show the practice as respondents told it, from as many
countries, schools and kinds of respondent as there are.

**Candidates** (SQL, `store/synthesis.py`): the codings of the codes mapped to the item,
by the chosen coders, in documents matching the filters (detached codings left out); per
document the passage of the most readable length (`READABLE_MIN` to `max_chars`
characters, else the nearest to it; then the first), and per school and respondent role
of the document the best of those. So at most one candidate per school and role.

**Choice** (deterministic greedy): each next quote is the candidate that adds the most
that is new, in this order: a new country, a new school, a new role, a new method, a new
school group; among equals, the most readable, then by document and position. A passage
that is an interviewer's words only is nobody's testimony: it is passed over.

**Text.** The passage as coded, without the speaker labels of the turns it runs over (a
passage over several turns is joined with " … "); whitespace collapsed; when longer than
`max_chars`, cut at the last sentence end in its second half, else at a word boundary,
with an ellipsis. **Attribution**: country, school group, role, method and the document's
name; the role is the speaker's (the role of the turn, never the speaker's label, which
can be a person's name), or the document's respondent role when the turn has none.

A quote carries what the workbench needs to open the transcript at the passage: document
name, start and end (code-point offsets of the whole coded span in the document's text)
and the coding's uid."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pycountry

from brightspots.errors import InputError, NotFoundError
from brightspots.store import Store
from brightspots.store.synthesis import Dimension, Filters, coder_numbers, normalise_filters

DEFAULT_LIMIT = 5
MAX_CHARS = 320
READABLE_MIN = 60
"""Passages shorter than this read as fragments ("Yes, every week.")."""
JOIN = " … "
ELLIPSIS = "…"

_COLUMNS: dict[str, str] = {
    "country": "country",
    "respondent_role": "respondent_role",
    "method": "method",
}
# A sentence ends at . ! ? (and a closing quote or bracket after one) before a space; not
# at "…", which also joins the turns of one passage.
_SENTENCE_END = re.compile(r"[.!?][»\"”)]?(?=\s)")
_METHOD_LABELS = {
    "kii": "KII",
    "fgd": "FGD",
    "classroom_observation": "classroom observation",
    "school_observation": "school observation",
    "survey": "survey",
}
_GROUP_LABELS = {"pd": "PD school", "comparison": "comparison school"}


@dataclass(frozen=True)
class Quote:
    text: str  # trimmed for reading; speaker labels removed
    trimmed: bool  # the text is shorter than the coded passage
    item: str  # the practice or focus area the quote was chosen for
    code: str  # the code of the coding
    coding: str  # the coding's uid
    document: str  # the document's name
    start: int  # code-point offsets of the coded passage in the document's text
    end: int
    country: str
    school: str  # school id
    school_group: str  # pd | comparison | unknown
    role: str | None  # the speaker's role, else the document's respondent role
    method: str | None

    def attribution(self) -> str:
        """`Ethiopia · PD school · head teacher · KII · ET/et-s01-kii-head-teacher.txt`."""
        parts = [
            country_name(self.country),
            _GROUP_LABELS.get(self.school_group, "school of unknown group"),
            (self.role or "unknown role").replace("_", " "),
            _METHOD_LABELS.get(
                self.method or "", (self.method or "unknown method").replace("_", " ")
            ),
            self.document,
        ]
        return " · ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "trimmed": self.trimmed,
            "item": self.item,
            "code": self.code,
            "coding": self.coding,
            "document": self.document,
            "start": self.start,
            "end": self.end,
            "country": self.country,
            "school": self.school,
            "school_group": self.school_group,
            "role": self.role,
            "method": self.method,
            "attribution": self.attribution(),
        }


def quotes(
    store: Store,
    item: str,
    coders: tuple[str, ...] | None = None,
    filters: Filters | None = None,
    limit: int = DEFAULT_LIMIT,
    max_chars: int = MAX_CHARS,
) -> list[Quote]:
    """Up to `limit` exemplar quotes of a practice or focus area (by key), chosen for
    diversity (see the module's docstring); `coders` as `CoderSet.coders()` gives them."""
    if limit < 1:
        raise InputError("ask for at least one quote")
    if max_chars < READABLE_MIN:
        raise InputError(f"quotes need at least {READABLE_MIN} characters to be readable")
    if store.framework_item_kind(item) is None:
        raise NotFoundError(
            f"no practice or focus area {item!r} in this project's framework "
            "(`brightspots codebook show PROJECT` lists them)"
        )
    numbers = coder_numbers(store, coders)
    candidates = store.quote_candidates(
        item, numbers, normalise_filters(filters), (READABLE_MIN, max_chars)
    )
    made: list[Quote] = []

    def testimony(row: Mapping[str, Any]) -> bool:
        """Build the quote; refuse it when the passage is an interviewer's words only."""
        quote = _quote(store, item, numbers, row, max_chars)
        if quote.role == "interviewer":
            return False
        made.append(quote)
        return True

    choose(candidates, limit, testimony)
    return made


def cell_quotes(
    store: Store,
    item: str,
    column: str,
    dimension: Dimension = "country",
    group: str | None = None,
    coders: tuple[str, ...] | None = None,
    filters: Filters | None = None,
    limit: int = DEFAULT_LIMIT,
    max_chars: int = MAX_CHARS,
) -> list[Quote]:
    """Quotes of one cell of a synthesis matrix: the item in one column (a country, a
    respondent role or a method, as `dimension` says), for one school group (`pd`,
    `comparison`) or both (None), within the synthesis's own filters."""
    if dimension not in _COLUMNS:
        raise InputError(f"no matrix by {dimension!r}; use one of {', '.join(_COLUMNS)}")
    cell = dict(filters or {})
    cell[_COLUMNS[dimension]] = column
    if group is not None:
        cell["school_group"] = group
    return quotes(store, item, coders, cell, limit, max_chars)


def quotes_by_practice(
    store: Store,
    coders: tuple[str, ...] | None = None,
    filters: Filters | None = None,
    limit: int = DEFAULT_LIMIT,
    max_chars: int = MAX_CHARS,
) -> dict[str, list[Quote]]:
    """Practice key -> its quotes, for every practice of the framework (in its order)."""
    practices = [row.key for row in store.synthesis_framework() if row.kind == "practice"]
    return {key: quotes(store, key, coders, filters, limit, max_chars) for key in practices}


def choose(
    candidates: Sequence[Mapping[str, Any]],
    limit: int,
    accept: Callable[[Mapping[str, Any]], bool] | None = None,
) -> list[Mapping[str, Any]]:
    """Greedy, deterministic: each next pick adds a new country, else a new school, else a
    new role, method or group, in that order; among equals the earliest candidate (the
    candidates come most readable first). A pick that `accept` refuses is dropped and
    the choice goes on without it."""
    seen: dict[str, set[Any]] = {
        key: set() for key in ("country", "school", "role", "method", "group")
    }
    remaining = list(candidates)
    chosen: list[Mapping[str, Any]] = []
    while remaining and len(chosen) < limit:

        def novelty(index: int) -> tuple[bool, bool, bool, bool, bool, int]:
            row = remaining[index]
            return (
                row["country"] not in seen["country"],
                (row["country"], row["school_id"]) not in seen["school"],
                row["role"] not in seen["role"],
                row["method"] not in seen["method"],
                row["school_group"] not in seen["group"],
                -index,
            )

        best = max(range(len(remaining)), key=novelty)
        row = remaining.pop(best)
        if accept is not None and not accept(row):
            continue
        chosen.append(row)
        seen["country"].add(row["country"])
        seen["school"].add((row["country"], row["school_id"]))
        seen["role"].add(row["role"])
        seen["method"].add(row["method"])
        seen["group"].add(row["school_group"])
    return chosen


def _quote(
    store: Store,
    item: str,
    coders: Sequence[int] | None,
    row: Mapping[str, Any],
    max_chars: int,
) -> Quote:
    doc, start, end = int(row["doc"]), int(row["start"]), int(row["end"])
    coding, code = store.quote_coding(doc, start, end, item, coders)
    raw, turns = store.passage_parts(doc, start, end)
    pieces = [
        raw[max(turn_start, start) - start : min(turn_end, end) - start]
        for turn_start, turn_end, _, _ in turns
    ]
    spoken = [piece.strip() for piece in pieces if piece.strip()] or [raw]
    text, trimmed = trim(JOIN.join(spoken), max_chars)
    roles = [role for _, _, role, _ in turns if role]
    speaker_role = next((r for r in roles if r != "interviewer"), roles[0] if roles else None)
    return Quote(
        text=text,
        trimmed=trimmed,
        item=item,
        code=code,
        coding=coding,
        document=str(row["document"]),
        start=start,
        end=end,
        country=str(row["country"]),
        school=str(row["school_id"]),
        school_group=str(row["school_group"]),
        role=speaker_role or row["role"],
        method=row["method"],
    )


def trim(text: str, max_chars: int) -> tuple[str, bool]:
    """(text with whitespace collapsed, cut to at most `max_chars` characters at the last
    sentence end in its second half, else at a word boundary, with an ellipsis; whether it
    was cut)."""
    flat = " ".join(text.split())
    if len(flat) <= max_chars:
        return flat, False
    room = flat[: max_chars - len(ELLIPSIS) - 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(room + " ")]
    if ends and ends[-1] >= max_chars // 2:
        return room[: ends[-1]] + " " + ELLIPSIS, True
    space = room.rfind(" ")
    cut = room[:space] if space > 0 else room
    return cut.rstrip(",;:-–—… ") + ELLIPSIS, True


def country_name(code: str) -> str:
    """`ET` -> `Ethiopia`, `TZ` -> `Tanzania` (the common name where ISO's is long);
    the code itself when unknown."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


__all__ = [
    "DEFAULT_LIMIT",
    "MAX_CHARS",
    "Quote",
    "cell_quotes",
    "choose",
    "country_name",
    "quotes",
    "quotes_by_practice",
    "trim",
]
