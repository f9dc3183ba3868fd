"""Coding actions and their history.

Every action a coder takes (apply or remove a code, write a memo, edit the codebook, settle a
disagreement between coders) is one transaction that changes the tables and appends one
event whose payload holds everything needed to replay it forwards or backwards. Undo and
redo are themselves events naming the action they reverse, so each coder's undo stack is
recomputed from the log and survives a restart: nothing lives only in memory."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from brightspots.codebook import COLOUR_PATTERN, ID_PATTERN, SHORTCUT_PATTERN
from brightspots.errors import InputError, NotFoundError
from brightspots.store import Store
from brightspots.store.rows import new_uid, now

MEMO_TARGETS = ("project", "document", "segment", "code", "coding")


@dataclass(frozen=True)
class Step:
    """One entry of a coder's history: what undo or redo would reverse or replay."""

    seq: int
    action: str
    payload: Mapping[str, Any]

    def describe(self) -> str:
        return describe(self.action, self.payload)


# --- codings -------------------------------------------------------------------------


def apply_code(
    store: Store, document: str, start: int, end: int, code: str, coder: str, origin: str = "manual"
) -> dict[str, Any]:
    """Code `text[start:end]` of a document (spaces at either end are left out). Applying
    the same code to the same span twice changes nothing and returns the first coding."""
    try:
        num, info, text = store.get_document(document)
    except KeyError:
        raise NotFoundError(f"no document named {document!r}") from None
    if not 0 <= start < end <= len(text):
        raise InputError(f"span {start}-{end} is outside {info.name!r} ({len(text)} characters)")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise InputError("the selection holds only spaces; select some words to code")
    found = _code(store, code)
    # The look-up and the insert under one write lock: two programs applying the same code
    # to the same span at once then make one coding, not two.
    with store.transaction():
        coder_num = store.ensure_coder(coder)
        existing = store.find_coding(num, start, end, found["num"], coder_num)
        if existing is not None:
            return store.get_coding(existing) or {}
        coding = {
            "uid": new_uid(),
            "document": info.id,
            "start": start,
            "end": end,
            "code_uid": found["uid"],
            "code": found["key"],
            "coder": coder,
            "snippet": text[start:end],
            "origin": origin,
            "status": "ok",
            "created_at": now(),
        }
        _do(store, "coding.add", coding, coder)
    return coding


def remove_coding(store: Store, uid: str, coder: str) -> dict[str, Any]:
    coding = store.get_coding(uid)
    if coding is None:
        raise NotFoundError(f"no coding {uid!r}")
    _do(store, "coding.remove", coding, coder)
    return coding


def record_adjudication(
    store: Store,
    decision: Mapping[str, Any],
    added: Sequence[Mapping[str, Any]],
    removed: Sequence[Mapping[str, Any]],
    adjudicator: str,
) -> None:
    """Settle a disputed passage as ONE undoable step of the adjudicator: consensus codings
    `added` (full coding records, coder `consensus`), earlier consensus codings `removed`
    from the passage, and the `decision` (passage, coders, choice) kept in the payload so
    that the disagreement walker knows the passage is settled (see adjudication.py)."""
    payload = {
        "decision": dict(decision),
        "codings": [dict(c) for c in added],
        "removed": [dict(c) for c in removed],
    }
    _do(store, "coding.adjudicate", payload, adjudicator)


def record_agreements(
    store: Store, coders: Sequence[str], added: Sequence[Mapping[str, Any]], adjudicator: str
) -> None:
    """The codes all `coders` gave, recorded as consensus codings `added`: ONE undoable
    step of the adjudicator (see adjudication.accept_agreements)."""
    payload = {"coders": list(coders), "codings": [dict(c) for c in added], "removed": []}
    _do(store, "coding.accept_agreements", payload, adjudicator)


# --- memos ---------------------------------------------------------------------------


def add_memo(
    store: Store,
    target: str,
    text: str,
    coder: str,
    *,
    document: str | None = None,
    start: int | None = None,
    end: int | None = None,
    code: str | None = None,
    coding: str | None = None,
) -> dict[str, Any]:
    """A memo on the project, a document, a segment (a span), a code or a coding."""
    if target not in MEMO_TARGETS:
        raise InputError(f"a memo is on one of {', '.join(MEMO_TARGETS)}, not {target!r}")
    if not text.strip():
        raise InputError("a memo needs some text")
    memo: dict[str, Any] = {
        "uid": new_uid(),
        "target": target,
        "coder": coder,
        "text": unicodedata.normalize("NFC", text.strip()),
        "created_at": now(),
        "updated_at": now(),
    }
    if target in ("document", "segment"):
        try:
            _, info, body = store.get_document(document or "")
        except KeyError:
            raise NotFoundError(f"no document named {document!r}") from None
        memo["document"] = info.id
        if target == "segment":
            if start is None or end is None or not 0 <= start < end <= len(body):
                raise InputError("a segment memo needs a span inside its document")
            memo |= {"start": start, "end": end}
    elif target == "code":
        memo["code_uid"] = _code(store, code or "")["uid"]
    elif target == "coding":
        if coding is None or store.get_coding(coding) is None:
            raise NotFoundError(f"no coding {coding!r}")
        memo["coding"] = coding
    store.ensure_coder(coder)
    _do(store, "memo.add", memo, coder)
    return memo


def edit_memo(store: Store, uid: str, text: str, coder: str) -> None:
    memo = _memo(store, uid)
    if not text.strip():
        raise InputError("a memo needs some text; remove it instead")
    new = unicodedata.normalize("NFC", text.strip())
    if new != memo["text"]:
        _do(store, "memo.edit", {"uid": uid, "before": memo["text"], "after": new}, coder)


def remove_memo(store: Store, uid: str, coder: str) -> None:
    _do(store, "memo.remove", _memo(store, uid), coder)


# --- the codebook ----------------------------------------------------------------------

CODE_FIELDS = (
    "name",
    "definition",
    "inclusion",
    "exclusion",
    "examples",
    "colour",
    "shortcut",
    "parent",
    "practices",
)


def add_code(store: Store, name: str, coder: str, **fields: Any) -> dict[str, Any]:
    """A new code; `key` defaults to a slug of the name. Other fields as in CODE_FIELDS."""
    key = fields.pop("key", None) or _slug(name, {c.id for c in _codes(store)})
    code: dict[str, Any] = {
        "uid": new_uid(),
        "key": key,
        "name": name.strip(),
        "created_at": now(),
        "examples": [],
        "practices": [],
        "parent": None,
    } | _normalised(store, fields)
    _check_code(store, code, None)
    _do(store, "code.add", code, coder)
    return code


def edit_code(store: Store, ref: str, coder: str, **changes: Any) -> None:
    """Rename, move (`parent`), or change definitions, examples, colour, shortcut, practices."""
    code = _code(store, ref)
    unknown = set(changes) - set(CODE_FIELDS)
    if unknown:
        raise InputError(f"a code has no field {', '.join(sorted(unknown))}")
    changes = _normalised(store, changes)
    changed = {k: v for k, v in changes.items() if code.get(k) != v}
    if not changed:
        return
    _check_code(store, code | changed, code)
    before = {k: code.get(k) for k in changed}
    _do(
        store,
        "code.edit",
        {"uid": code["uid"], "name": code["name"], "before": before, "after": changed},
        coder,
    )


def merge_codes(store: Store, source: str, target: str, coder: str) -> int:
    """Move every coding (and memo and child code) of `source` to `target`, then delete
    `source`. A coding the target already has on the same span is dropped, not doubled.
    Returns how many codings moved."""
    src, dst = _code(store, source), _code(store, target)
    if src["uid"] == dst["uid"]:
        raise InputError("a code cannot be merged into itself")
    if _is_ancestor(store, src["uid"], dst["uid"]):
        raise InputError(f"{dst['name']!r} sits under {src['name']!r}; move it out first")
    target_spans = {
        (c["document"], c["start"], c["end"], c["coder"]) for c in store.codings_of_code(dst["uid"])
    }
    moved: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for coding in store.codings_of_code(src["uid"]):
        span = (coding["document"], coding["start"], coding["end"], coding["coder"])
        (dropped if span in target_spans else moved).append(coding)
    payload = {
        "source": _code_record(src),
        "target": dst["uid"],
        "target_name": dst["name"],
        "moved": [c["uid"] for c in moved],
        "dropped": dropped,
        "children": store.children_of(src["uid"]),
        "memos": [m["uid"] for m in store.list_memos(code_uid=src["uid"])],
    }
    _do(store, "code.merge", payload, coder)
    return len(moved)


def remove_code(store: Store, ref: str, coder: str, force: bool = False) -> int:
    """Delete a code. Refused while it has codings unless `force` (then they go too, and
    undo brings them back). Child codes move up to its parent. Returns codings removed."""
    code = _code(store, ref)
    codings = store.codings_of_code(code["uid"])
    if codings and not force:
        raise InputError(
            f"{code['name']!r} has {len(codings)} coding(s): merge it into another "
            "code, or confirm that they should be deleted too"
        )
    payload = {
        "source": _code_record(code),
        "codings": codings,
        "children": store.children_of(code["uid"]),
        "memos": store.list_memos(code_uid=code["uid"]),
    }
    _do(store, "code.remove", payload, coder)
    return len(codings)


# --- undo and redo -----------------------------------------------------------------------


def undo(store: Store, coder: str) -> Step | None:
    """Reverse the coder's latest action not yet undone; None when there is none."""
    done, _ = _stacks(store, coder)
    if not done:
        return None
    step = done[-1]
    with store.refusing_conflicts(_cannot(step, "undo")), store.transaction():
        _run(store, step.action, step.payload, forward=False)
        store.record("undo", {"target": step.seq, "action": step.action}, coder)
    return step


def redo(store: Store, coder: str) -> Step | None:
    """Replay the coder's latest undone action, if nothing new was done since."""
    _, undone = _stacks(store, coder)
    if not undone:
        return None
    step = undone[-1]
    with store.refusing_conflicts(_cannot(step, "redo")), store.transaction():
        _run(store, step.action, step.payload, forward=True)
        store.record("redo", {"target": step.seq, "action": step.action}, coder)
    return step


def _cannot(step: Step, verb: str) -> str:
    """Others may have built on what a coder did (coded with a code they added, taken a
    name they gave up): then the step cannot be replayed, and nothing is changed."""
    return (
        f"cannot {verb} “{step.describe()}”: the project has changed since in a way that "
        "depends on it (another coder's work, or a name now in use)"
    )


def history(store: Store, coder: str) -> tuple[list[Step], list[Step]]:
    """(what undo would reverse, oldest first; what redo would replay, next last)."""
    return _stacks(store, coder)


def _stacks(store: Store, coder: str) -> tuple[list[Step], list[Step]]:
    steps: dict[int, Step] = {}
    done: list[Step] = []
    undone: list[Step] = []
    for seq, action, payload in store.history(coder, [*_ACTIONS, "undo", "redo"]):
        if action in _ACTIONS:
            steps[seq] = Step(seq, action, payload)
            done.append(steps[seq])
            undone.clear()
        elif action == "undo" and done and done[-1].seq == payload["target"]:
            undone.append(done.pop())
        elif action == "redo" and undone and undone[-1].seq == payload["target"]:
            done.append(undone.pop())
    return done, undone


# --- running actions forwards and backwards ------------------------------------------------


def _do(store: Store, action: str, payload: Mapping[str, Any], coder: str) -> None:
    with store.transaction():
        _run(store, action, payload, forward=True)
        store.record(action, payload, coder)


def _run(store: Store, action: str, payload: Mapping[str, Any], forward: bool) -> None:
    _ACTIONS[action](store, payload, forward)


def _coding_add(store: Store, p: Mapping[str, Any], forward: bool) -> None:
    if forward:
        if store.get_coding(p["uid"]) is None:
            store.insert_coding(p)
    else:
        store.delete_coding(p["uid"])


def _coding_remove(store: Store, p: Mapping[str, Any], forward: bool) -> None:
    _coding_add(store, p, not forward)


def _coding_adjudicate(store: Store, p: Mapping[str, Any], forward: bool) -> None:
    gone, back = (p["removed"], p["codings"]) if forward else (p["codings"], p["removed"])
    for coding in gone:
        store.delete_coding(coding["uid"])
    for coding in back:
        if store.get_coding(coding["uid"]) is None:
            store.insert_coding(coding)


def _memo_add(store: Store, p: Mapping[str, Any], forward: bool) -> None:
    if forward:
        if store.get_memo(p["uid"]) is None:
            store.insert_memo(p)
    else:
        store.delete_memo(p["uid"])


def _memo_remove(store: Store, p: Mapping[str, Any], forward: bool) -> None:
    _memo_add(store, p, not forward)


def _memo_edit(store: Store, p: Mapping[str, Any], forward: bool) -> None:
    store.set_memo_text(p["uid"], p["after"] if forward else p["before"])


def _code_add(store: Store, p: Mapping[str, Any], forward: bool) -> None:
    if forward:
        store.insert_code(p)
    else:
        store.delete_code(p["uid"])


def _code_edit(store: Store, p: Mapping[str, Any], forward: bool) -> None:
    store.update_code(p["uid"], p["after"] if forward else p["before"])


def _code_merge(store: Store, p: Mapping[str, Any], forward: bool) -> None:
    source, target = p["source"], p["target"]
    if not forward:
        store.insert_code(source)
    for uid in p["moved"]:
        store.recode(uid, target if forward else source["uid"])
    for coding in p["dropped"]:
        if forward:
            store.delete_coding(coding["uid"])
        else:
            store.insert_coding(coding)
    for uid in p["children"]:
        store.update_code(uid, {"parent": target if forward else source["uid"]})
    for uid in p["memos"]:
        store.set_memo_code(uid, target if forward else source["uid"])
    if forward:
        store.delete_code(source["uid"])


def _code_remove(store: Store, p: Mapping[str, Any], forward: bool) -> None:
    source = p["source"]
    if forward:
        for coding in p["codings"]:
            store.delete_coding(coding["uid"])
        for uid in p["children"]:
            store.update_code(uid, {"parent": source["parent"]})
        store.delete_code(source["uid"])  # its memos go with it (they are in the payload)
        return
    store.insert_code(source)
    for coding in p["codings"]:
        store.insert_coding(coding)
    for uid in p["children"]:
        store.update_code(uid, {"parent": source["uid"]})
    for memo in p["memos"]:
        store.insert_memo(memo)


_ACTIONS: dict[str, Callable[[Store, Mapping[str, Any], bool], None]] = {
    "coding.add": _coding_add,
    "coding.remove": _coding_remove,
    "coding.adjudicate": _coding_adjudicate,
    "coding.accept_agreements": _coding_adjudicate,  # the same: consensus codings in, out
    "memo.add": _memo_add,
    "memo.edit": _memo_edit,
    "memo.remove": _memo_remove,
    "code.add": _code_add,
    "code.edit": _code_edit,
    "code.merge": _code_merge,
    "code.remove": _code_remove,
}


def describe(action: str, p: Mapping[str, Any]) -> str:
    """A line for a researcher: what an action did."""
    if action == "coding.adjudicate":
        decision = p["decision"]
        return f"settled “{_short(decision.get('text', ''))}”: {decision.get('choice', '')}"
    if action == "coding.accept_agreements":
        agreed, coders = len(p["codings"]), " and ".join(p["coders"])
        return f"accepted {agreed} coding{'' if agreed == 1 else 's'} {coders} agreed on"
    if action.startswith("coding."):
        verb = "coded" if action == "coding.add" else "uncoded"
        return f"{verb} “{_short(p['snippet'])}” as {p['code']}"
    if action.startswith("memo."):
        return {
            "memo.add": "wrote a memo",
            "memo.edit": "edited a memo",
            "memo.remove": "removed a memo",
        }[action]
    if action == "code.add":
        return f"added code {p['name']!r}"
    if action == "code.edit":
        return f"changed {', '.join(p['after'])} of code {p['name']!r}"
    if action == "code.merge":
        return f"merged {p['source']['name']!r} into {p['target_name']!r}"
    return f"deleted code {p['source']['name']!r}"


# --- helpers -------------------------------------------------------------------------------


def code_uid(store: Store, ref: str) -> str:
    return str(_code(store, ref)["uid"])


def _code(store: Store, ref: str) -> dict[str, Any]:
    code = store.get_code(ref)
    if code is None:
        raise NotFoundError(f"no code {ref!r} in the codebook")
    return code


def _code_record(code: Mapping[str, Any]) -> dict[str, Any]:
    """What it takes to re-create a code exactly (same uid, so codings find it again)."""
    return {k: v for k, v in code.items() if k != "num"}


def _codes(store: Store) -> list[Any]:
    codebook = store.load_codebook()
    return list(codebook.codes) if codebook else []


def _memo(store: Store, uid: str) -> dict[str, Any]:
    memo = store.get_memo(uid)
    if memo is None:
        raise NotFoundError(f"no memo {uid!r}")
    return memo


def _is_ancestor(store: Store, ancestor: str, uid: str | None) -> bool:
    seen: set[str] = set()
    while uid is not None and uid not in seen:
        if uid == ancestor:
            return True
        seen.add(uid)
        code = store.get_code(uid)
        uid = code["parent"] if code else None
    return False


def _normalised(store: Store, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Fields as the store keeps them: a parent by uid (given by key or uid), lists not
    tuples, names without surrounding spaces."""
    out = dict(fields)
    if out.get("parent") is not None:
        out["parent"] = _code(store, out["parent"])["uid"]
    for key in ("examples", "practices"):
        if key in out and out[key] is not None:
            out[key] = list(out[key])
    if isinstance(out.get("name"), str):
        out["name"] = out["name"].strip()
    return out


def _check_code(store: Store, code: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
    """The same rules as a codebook file (see codebook.py), applied to one code."""
    others = [c for c in _codes(store) if old is None or c.id != old["key"]]
    name = str(code.get("name") or "").strip()
    if not name:
        raise InputError("a code needs a name")
    if any(c.name.casefold() == name.casefold() for c in others):
        raise InputError(f"there is already a code named {name!r}")
    if old is None and not ID_PATTERN.match(code["key"]):
        raise InputError(f"code id {code['key']!r} must be lowercase letters, digits, '-', '_'")
    if old is None and any(c.id == code["key"] for c in others):
        raise InputError(f"there is already a code with id {code['key']!r}")
    colour = code.get("colour")
    if colour and not COLOUR_PATTERN.match(colour):
        raise InputError(f"colour {colour!r} must look like #1f77b4")
    shortcut = code.get("shortcut")
    if shortcut and not SHORTCUT_PATTERN.fullmatch(shortcut):
        raise InputError(
            f"shortcut {shortcut!r} must be one lowercase letter (capitals and digits are the "
            "workbench's own keys)"
        )
    if shortcut and any(c.key == shortcut for c in others):
        raise InputError(f"shortcut {shortcut!r} is already used by another code")
    unknown = set(code.get("practices") or []) - store.practice_keys()
    if unknown:
        raise InputError(f"no practice {', '.join(sorted(unknown))} in the framework")
    parent = code.get("parent")
    if parent is not None:
        if store.get_code(parent) is None:
            raise NotFoundError(f"no parent code {parent!r}")
        if old is not None and _is_ancestor(store, old["uid"], parent):
            raise InputError(f"{name!r} cannot move under its own descendant")


def _slug(name: str, taken: set[str]) -> str:
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    base = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:48] or "code"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
