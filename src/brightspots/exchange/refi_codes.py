"""REFI-QDA codes onto a project's codebook (for `.qdpx` and `.qdc` imports alike).

A code matches by GUID (our code uid), else by name ignoring case (the project's code is
kept as it is); otherwise it is added with the GUID as its uid, its parent, its colour and
the description unpacked into definition, inclusion, exclusion, examples, practices and id
(qdc.py). Practices the project's framework lacks are left out and reported; an id already
taken, or none, gives a slug of the name. Two codes of one name in the file (under other
parents) are told apart by their parent's name, never folded together."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from brightspots.codebook import ID_PATTERN
from brightspots.exchange.qdc import RefiCode, unpack_description
from brightspots.exchange.reports import ExchangeImportReport
from brightspots.store import Store


@dataclass
class CodePlan:
    """REFI codes onto the project's codebook."""

    store: Store
    report: ExchangeImportReport
    target: dict[str, str] = field(default_factory=dict)  # REFI guid -> our code uid
    new: list[dict[str, Any]] = field(default_factory=list)  # insert_code records

    def plan(self, codes: Sequence[RefiCode]) -> None:
        existing = self.store.code_records_by_uid()  # uid -> (num, key, name)
        by_name = {name.casefold(): uid for uid, (_, _, name) in existing.items()}
        keys = {key for _, key, _ in existing.values()}
        claimed: set[str] = set()  # names (folded) this file's codes already stand for
        practices = self.store.practice_keys()
        names = {c.guid: c.name for c in codes}
        for code in codes:
            if code.guid in self.target:
                continue  # the same GUID twice in one file: the first one counts
            if code.guid in existing:
                self.target[code.guid] = code.guid
                self.report.codes_matched.append(existing[code.guid][2])
                continue
            name = code.name or f"Code {code.guid[:8]}"
            folded = name.casefold()
            if folded in claimed:  # two codes of one name in the file, under other parents
                name = _fresh(f"{name} ({names.get(code.parent or '', 'top')})", set(by_name))
            elif folded in by_name:
                self.target[code.guid] = by_name[folded]
                self.report.codes_matched.append(name)
                claimed.add(folded)
                continue
            texts = unpack_description(code.description)
            unknown = [p for p in texts.practices if p not in practices]
            if unknown:
                self.report.notes.append(
                    f"code {name!r}: practice(s) {', '.join(unknown)} are not in this "
                    "project's framework and were left out"
                )
            key = texts.key if texts.key and texts.key not in keys else _slug(name, keys)
            uid = code.guid
            self.new.append(
                {
                    "uid": uid,
                    "key": key,
                    "name": name,
                    "definition": texts.definition,
                    "inclusion": texts.inclusion,
                    "exclusion": texts.exclusion,
                    "examples": list(texts.examples),
                    "colour": code.colour,
                    "practices": [p for p in texts.practices if p in practices],
                    "parent": self.target.get(code.parent) if code.parent else None,
                }
            )
            self.target[code.guid] = uid
            keys.add(key)
            by_name[name.casefold()] = uid
            claimed.update({folded, name.casefold()})
            self.report.codes_added.append(name)

    def write(self) -> None:
        for record in self.new:  # parents come first (the file's order)
            self.store.insert_code(record)


def _slug(name: str, taken: set[str]) -> str:
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    base = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:48] or "code"
    if not ID_PATTERN.match(base):
        base = "code"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _fresh(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate.casefold() in taken:
        candidate, n = f"{name} {n}", n + 1
    return candidate
