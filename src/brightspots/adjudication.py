"""Settling disagreements between coders: the core of the workbench's disagreement walker.

`disagreements(store, coders)` lists the passages (segments, the units of agreement.py, over
the same documents) where the coders' codes differ, each with every coder's codes and the
spans of their codings there; with `code`, only the passages where that code is disputed.

`adjudicate(store, disagreement, choice, adjudicator)` settles one passage by recording
codings of the coder `consensus` (origin `adjudication`) on it:

- a coder's name, or a letter standing for a coder by position (`a` the first, `b` the
  second...; a coder's own name wins over a letter): that coder's codes;
- `both` (or `all`): every code any of the coders gave;
- `neither`: only the codes all of them gave (none, for one disputed code).

`accept_agreements(store, coders, adjudicator)` records the other half of a consensus: on
every passage of the documents all the coders coded, the codes every one of them gave
become consensus codings too (origin `agreement`), so that `consensus` holds the whole
agreed coding and not only the settled disputes.

Each consensus coding takes the span of the chosen coders' codings with that code,
clipped to the passage (their union when several coders are chosen), so sub-sentence
coding keeps its precision. Settling a passage again replaces the consensus codings made
inside it (for the disputed code only, when the disagreement is about one code).

The whole decision is ONE step in the adjudicator's history (`coding.adjudicate`, see
coding.py): `coding.undo(store, adjudicator)` takes it back, codings and all, and redo
replays it; the step's payload keeps the decision, so a settled passage (its step done,
not undone) is left out of the next listing. Decisions made in another file and merged in
are history there, not here: their consensus codings come along, but the passages they
settled without codings (`neither`) show as unsettled in the merged file."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from brightspots import coding
from brightspots.agreement import CodingTable, collect, merge_spans
from brightspots.coder_set import CONSENSUS
from brightspots.errors import InputError, NotFoundError
from brightspots.store import Store
from brightspots.store.rows import new_uid, now

CHOICES = ("a", "b", "both", "neither")
ORIGIN = "adjudication"
ACTION = "coding.adjudicate"
AGREED = "agreement"  # the origin of a consensus coding all the coders gave


@dataclass(frozen=True)
class Disagreement:
    """A passage where the coders' codes differ."""

    document: str  # name
    document_id: str  # uid
    segment: int  # the segment's index in its document
    start: int
    end: int
    text: str
    coders: tuple[str, ...]
    codes: Mapping[str, tuple[str, ...]]  # coder -> the codes they gave the passage
    disputed: tuple[str, ...]  # codes some but not all of the coders gave
    spans: Mapping[str, tuple[tuple[str, int, int], ...]]  # coder -> (code, start, end)
    code: str | None = None  # the one code asked about, else None (every code)
    settled: bool = False


def disagreements(
    store: Store,
    coders: Sequence[str],
    code: str | None = None,
    *,
    documents: Sequence[str] | None = None,
    filters: Mapping[str, str] | None = None,
    include_settled: bool = False,
) -> list[Disagreement]:
    """The disputed passages in document order (settled ones only if asked)."""
    if code is not None and store.get_code(code) is None:
        raise NotFoundError(f"no code {code!r} in the codebook")
    key = (store.get_code(code) or {}).get("key") if code else None
    table = collect(store, coders, documents=documents, filters=filters)
    settled = settled_passages(store)
    order = _order(table)
    found = []
    for i, unit in enumerate(table.units):
        given = {c: table.values[c][i] for c in table.coders}
        present = {c: v for c, v in given.items() if v is not None}
        if len(present) < 2:
            continue
        union = frozenset().union(*present.values())
        common = frozenset.intersection(*present.values())
        disputed = union - common
        if key is not None:
            disputed &= {key}
        if not disputed:
            continue
        done = settled.get((unit.document_id, unit.start, unit.end), set())
        is_settled = None in done or (disputed <= done)
        if is_settled and not include_settled:
            continue
        found.append(
            Disagreement(
                document=unit.document,
                document_id=unit.document_id,
                segment=unit.index,
                start=unit.start,
                end=unit.end,
                text=unit.text,
                coders=tuple(present),
                codes={c: tuple(sorted(v, key=order)) for c, v in present.items()},
                disputed=tuple(sorted(disputed, key=order)),
                spans={
                    c: _spans(table, unit.document, c, v, unit.start, unit.end)
                    for c, v in present.items()
                },
                code=key,
                settled=is_settled,
            )
        )
    return found


def adjudicate(
    store: Store, disagreement: Disagreement, choice: str, adjudicator: str
) -> list[dict[str, object]]:
    """Settle a disputed passage (see the module's docstring); returns the consensus
    codings added. One undoable step of `adjudicator`."""
    name = adjudicator.strip()
    if not name or name == CONSENSUS:
        raise InputError("adjudicate under your own name; the codings go to 'consensus'")
    chosen = _chosen(disagreement, choice)
    codes = _decided_codes(disagreement, chosen, choice)
    try:
        num, _, text = store.get_document(disagreement.document_id)
    except KeyError:
        raise NotFoundError(f"no document {disagreement.document!r} in this project") from None
    wanted: dict[tuple[str, int, int], None] = {}
    for code in codes:
        spans = [
            (start, end)
            for coder in chosen
            for c, start, end in disagreement.spans.get(coder, ())
            if c == code
        ]
        for start, end in merge_spans(spans):
            start, end = _trimmed(text, start, end)
            if start < end:
                wanted[(code, start, end)] = None
    scope = {disagreement.code} if disagreement.code else None
    existing = [
        c
        for c in store.codings_of_document(num)
        if c["coder"] == CONSENSUS
        and disagreement.start <= c["start"]
        and c["end"] <= disagreement.end
        and (scope is None or c["code"] in scope)
    ]
    kept = {(c["code"], c["start"], c["end"]) for c in existing}
    removed = [
        store.get_coding(c["uid"]) or {}
        for c in existing
        if (c["code"], c["start"], c["end"]) not in wanted
    ]
    added = []
    for code, start, end in wanted:
        if (code, start, end) in kept:
            continue
        found = store.get_code(code) or {}
        added.append(
            {
                "uid": new_uid(),
                "document": disagreement.document_id,
                "start": start,
                "end": end,
                "code_uid": found["uid"],
                "code": code,
                "coder": CONSENSUS,
                "snippet": text[start:end],
                "origin": ORIGIN,
                "status": "ok",
                "created_at": now(),
            }
        )
    decision = {
        "document": disagreement.document_id,
        "start": disagreement.start,
        "end": disagreement.end,
        "text": disagreement.text,
        "code": disagreement.code,
        "coders": list(disagreement.coders),
        "choice": choice if choice in ("both", "all", "neither") else ", ".join(chosen),
        "codes": sorted(codes),
    }
    store.ensure_coder(CONSENSUS)
    coding.record_adjudication(store, decision, added, removed, name)
    return added


def accept_agreements(
    store: Store,
    coders: Sequence[str],
    adjudicator: str,
    *,
    documents: Sequence[str] | None = None,
    filters: Mapping[str, str] | None = None,
) -> list[dict[str, object]]:
    """Make the codes every one of `coders` gave a passage consensus codings (the union of
    their spans with that code, clipped to the passage), over the documents all of them
    coded. Codes the consensus already has there are left alone, so running it again adds
    nothing. ONE undoable step of `adjudicator`; returns the codings added."""
    name = adjudicator.strip()
    if not name or name == CONSENSUS:
        raise InputError("accept agreements under your own name; the codings go to 'consensus'")
    if CONSENSUS in coders:
        raise InputError("compare the coders themselves, not the consensus")
    table = collect(store, coders, documents=documents, filters=filters)
    texts: dict[str, tuple[str, str, set[tuple[str, int, int]]]] = {}
    added: list[dict[str, object]] = []
    code_uids: dict[str, str] = {}
    for i, unit in enumerate(table.units):
        given = [table.values[c][i] for c in table.coders]
        if len(given) < 2 or any(v is None for v in given):
            continue
        common = frozenset.intersection(*(v for v in given if v is not None))
        if not common:
            continue
        if unit.document_id not in texts:
            num, _, text = store.get_document(unit.document_id)
            held = {
                (c["code"], c["start"], c["end"])
                for c in store.codings_of_document(num)
                if c["coder"] == CONSENSUS
            }
            texts[unit.document_id] = (text, unit.document, held)
        text, _, held = texts[unit.document_id]
        for code in sorted(common):
            if any(c == code and s < unit.end and e > unit.start for c, s, e in held):
                continue
            spans = [
                (start, end)
                for coder in table.coders
                for _, start, end in _spans(
                    table, unit.document, coder, frozenset({code}), unit.start, unit.end
                )
            ]
            for start, end in merge_spans(spans):
                start, end = _trimmed(text, start, end)
                if start >= end:
                    continue
                if code not in code_uids:
                    code_uids[code] = (store.get_code(code) or {})["uid"]
                held.add((code, start, end))
                added.append(
                    {
                        "uid": new_uid(),
                        "document": unit.document_id,
                        "start": start,
                        "end": end,
                        "code_uid": code_uids[code],
                        "code": code,
                        "coder": CONSENSUS,
                        "snippet": text[start:end],
                        "origin": AGREED,
                        "status": "ok",
                        "created_at": now(),
                    }
                )
    if added:
        store.ensure_coder(CONSENSUS)
        coding.record_agreements(store, list(coders), added, name)
    return added


def settled_passages(store: Store) -> dict[tuple[str, int, int], set[str | None]]:
    """(document uid, start, end) -> the codes settled there (None: every code), from the
    adjudication steps now done (an undone one no longer counts)."""
    settled: dict[tuple[str, int, int], set[str | None]] = {}
    adjudicators = {coder for _, coder, _ in store.event_payloads(ACTION) if coder}
    for adjudicator in adjudicators:
        done, _ = coding.history(store, adjudicator)
        for step in done:
            if step.action != ACTION:
                continue
            d = step.payload["decision"]
            settled.setdefault((d["document"], d["start"], d["end"]), set()).add(d["code"])
    return settled


def _chosen(disagreement: Disagreement, choice: str) -> tuple[str, ...]:
    coders = disagreement.coders
    if choice in ("both", "all", "neither"):
        return coders
    if choice in coders:
        return (choice,)
    letter = choice.strip().casefold()
    if len(letter) == 1 and "a" <= letter < chr(ord("a") + len(coders)):
        return (coders[ord(letter) - ord("a")],)
    raise InputError(
        f"choose one of {', '.join(CHOICES)} or a coder ({', '.join(coders)}), not {choice!r}"
    )


def _decided_codes(disagreement: Disagreement, chosen: Sequence[str], choice: str) -> set[str]:
    sets = [set(disagreement.codes.get(c, ())) for c in disagreement.coders]
    if choice == "neither":
        codes = set.intersection(*sets) if sets else set()
    else:
        codes = set().union(*(disagreement.codes.get(c, ()) for c in chosen))
    if disagreement.code is not None:
        codes &= {disagreement.code}
    return codes


def _spans(
    table: CodingTable, document: str, coder: str, codes: frozenset[str], start: int, end: int
) -> tuple[tuple[str, int, int], ...]:
    """A coder's codings on the passage, clipped to it."""
    found = []
    for code in codes:
        for low, high in table.spans.get((document, coder, code), ()):
            if low < end and high > start:
                found.append((code, max(low, start), min(high, end)))
    return tuple(sorted(found, key=lambda s: (s[1], s[2], s[0])))


def _order(table: CodingTable) -> Callable[[str], tuple[int, str]]:
    positions = {key: i for i, key in enumerate(table.code_names)}
    return lambda key: (positions.get(key, len(positions)), key)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
