"""Merging coders' project files into one (`brightspots merge TARGET SOURCE...`).

Each coder works offline in their own file; a synthesis lead brings the files together.
A merge reconciles *state* by identity (it does not replay other files' events: their
codes and documents may carry other uids). What matches what:

- **documents** by the sha256 of their text (same text, same document, whatever its name).
  A document with no such twin but with the name of one here whose text differs is a
  conflict: it is added as ``NAME [SOURCE]`` so that none of its codings is lost, and
  reported. Otherwise it is added, with its uid.
- **codes** by uid, then by name (ignoring case). Same uid, another name: the same code,
  renamed in one file; this file's name is kept and the rename reported. Same name, another
  uid (files started from the same codebook get their own uids): mapped onto this file's
  code and listed as *matched by name*; it is a conflict when their definition, inclusion,
  exclusion or practices differ (this file's are kept). A new code whose id is taken by a
  differently named code here is added under a fresh id and reported: two codes are never
  merged on an id alone (`merge_codes` joins them when they are the same).
- **framework items** (focus areas, practices) by key; **coders** by name.
- **codings** by uid, or by (document, span, code, coder): one already here is left alone,
  so merging the same file twice changes nothing. Every coding keeps its coder.
- **memos** and suggestion verdicts by uid; **roles and speaker aliases** by name (an
  alias that maps to another role here is reported; this file's is kept).
- **events** by uid, appended as ``merged.<action>`` with the payload
  ``{"from": source project uid, "seq": its number there, "payload": the original}``:
  the audit trail keeps every coder's steps, but undo in the merged file never replays a
  step made in another file (undo stacks are per file).

Safety: sources are opened read-only and all checked before anything is written; the
target is copied with SQLite's online backup API to
``NAME.backup-YYYYmmdd-HHMMSS-before-merge.bsp`` beside it (`store/backup.py`, which
rotates older backups once the merge is kept); the whole merge is one transaction, so a
failure leaves the target as it was.
When nothing was new, nothing is written (not even an event) and the backup is removed."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from brightspots.errors import ProjectError
from brightspots.models import Progress
from brightspots.store import Store
from brightspots.store.backup import keeping_backup
from brightspots.store.merging import open_read_only
from brightspots.store.rows import new_uid

MERGED_PREFIX = "merged."
COMPARED_FIELDS = ("definition", "inclusion", "exclusion", "practices")


@dataclass(frozen=True)
class Conflict:
    """Something a merge could not reconcile silently; what it did is in `detail`."""

    source: str
    kind: str  # document text differs | code renamed | code differs | code id taken | ...
    subject: str
    detail: str


@dataclass(frozen=True)
class SourceReport:
    path: str
    project: str  # the source's project uid
    documents_added: int = 0
    documents_matched: int = 0
    codes_added: int = 0
    codes_matched: int = 0
    codes_matched_by_name: tuple[str, ...] = ()
    codings_added: int = 0
    codings_present: int = 0
    memos_added: int = 0
    events_added: int = 0
    others_added: int = 0  # framework items, coders, verdicts, roles, aliases
    coders: tuple[str, ...] = ()  # whose codings the source holds
    conflicts: tuple[Conflict, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(
            self.documents_added
            or self.codes_added
            or self.codings_added
            or self.memos_added
            or self.events_added
            or self.others_added
        )


@dataclass(frozen=True)
class MergeReport:
    target: str
    backup: str | None  # None when nothing changed (the backup was removed)
    sources: tuple[SourceReport, ...]

    @property
    def changed(self) -> bool:
        return any(s.changed for s in self.sources)

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        return tuple(c for s in self.sources for c in s.conflicts)

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "backup": self.backup,
            "changed": self.changed,
            "sources": [asdict(s) | {"changed": s.changed} for s in self.sources],
        }


def merge_projects(
    target: Store, sources: Sequence[Path], progress: Progress | None = None
) -> MergeReport:
    """Merge every source project file into `target` (see the module's docstring)."""
    if not sources:
        raise ProjectError("name at least one project file to merge")
    here = target.path.resolve()
    opened: list[Store] = []
    try:
        for path in sources:
            if path.resolve() == here:
                raise ProjectError(f"{path} is the target itself; name other project files")
            opened.append(open_read_only(path))

        def merge_all() -> tuple[SourceReport, ...]:
            reports = []
            with target.transaction():
                for i, source in enumerate(opened):
                    if progress:
                        progress(i, len(opened), source.path.name)
                    reports.append(_Merger(target, source).run())
            if progress:
                progress(len(opened), len(opened), "")
            return tuple(reports)

        # The backup is kept only if the merge changed something.
        reports, backup = keeping_backup(
            target.db.conn,
            target.path,
            "before-merge",
            merge_all,
            lambda found: any(r.changed for r in found),
        )
    finally:
        for store in opened:
            store.close()
    if backup is not None:
        target.refresh_coverage()
    return MergeReport(str(target.path), str(backup) if backup else None, reports)


@dataclass
class _Merger:
    """One source merged into the target, inside the caller's transaction."""

    target: Store
    source: Store
    counts: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    by_name: list[str] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)  # source code uid -> target uid
    documents: dict[str, tuple[int, str]] = field(default_factory=dict)  # uid -> (num, uid)
    coders: set[str] = field(default_factory=set)

    def run(self) -> SourceReport:
        self._framework()
        self._coders()
        self._codes()
        self._documents()
        self._codings()
        self._memos()
        self._feedback()
        self._vocabularies()
        self._events()
        report = SourceReport(
            path=str(self.source.path),
            project=self.source.get_meta("project_uid") or "",
            documents_added=self.counts.get("documents_added", 0),
            documents_matched=self.counts.get("documents_matched", 0),
            codes_added=self.counts.get("codes_added", 0),
            codes_matched=self.counts.get("codes_matched", 0),
            codes_matched_by_name=tuple(self.by_name),
            codings_added=self.counts.get("codings_added", 0),
            codings_present=self.counts.get("codings_present", 0),
            memos_added=self.counts.get("memos_added", 0),
            events_added=self.counts.get("events_added", 0),
            others_added=self.counts.get("others_added", 0),
            coders=tuple(sorted(self.coders)),
            conflicts=tuple(self.conflicts),
        )
        if report.changed:
            self.target.add_event(
                "project.merge",
                {
                    "source": report.path,
                    "project": report.project,
                    "documents_added": report.documents_added,
                    "codes_added": report.codes_added,
                    "codings_added": report.codings_added,
                    "conflicts": len(report.conflicts),
                },
            )
        return report

    def _add(self, counter: str, n: int = 1) -> None:
        self.counts[counter] = self.counts.get(counter, 0) + n

    def _conflict(self, kind: str, subject: str, detail: str) -> None:
        self.conflicts.append(Conflict(self.source.path.name, kind, subject, detail))

    # --- the codebook and who coded ------------------------------------------------------

    def _framework(self) -> None:
        known = {item["key"] for item in self.target.framework_records()}
        for item in self.source.framework_records():  # focus areas come first
            if item["key"] not in known:
                self.target.add_framework_record(item)
                known.add(item["key"])
                self._add("others_added")
        for key in ("framework", "codebook"):
            value = self.source.get_meta(key)
            if value is not None and self.target.get_meta(key) is None:
                self.target.set_meta(key, value)

    def _coders(self) -> None:
        for coder in self.source.coder_records():
            if self.target.add_coder_record(coder["uid"], coder["name"], coder["created_at"]):
                self._add("others_added")

    def _codes(self) -> None:
        here = {uid: self.target.get_code(uid) or {} for uid in self.target.code_uids()}
        names = {code["name"].casefold(): code for code in here.values()}
        keys = {code["key"] for code in here.values()}
        practices = self.target.practice_keys()
        added: list[dict[str, Any]] = []
        for uid in self.source.code_uids():
            code = self.source.get_code(uid) or {}
            mine = here.get(uid)
            if mine is not None:
                self.codes[uid] = uid
                self._add("codes_matched")
                if mine["name"] != code["name"]:
                    self._conflict(
                        "code renamed",
                        mine["name"],
                        f"the same code is called {code['name']!r} there; the name "
                        f"{mine['name']!r} is kept",
                    )
                elif _differences(code, mine):
                    self._conflict(
                        "code differs",
                        mine["name"],
                        f"its {', '.join(_differences(code, mine))} differ there; "
                        "this project's are kept",
                    )
                continue
            twin = names.get(code["name"].casefold())
            if twin is not None:
                self.codes[uid] = twin["uid"]
                self._add("codes_matched")
                self.by_name.append(twin["name"])
                if _differences(code, twin):
                    self._conflict(
                        "code matched by name",
                        twin["name"],
                        f"same name, another code (uid {uid[:8]}); its "
                        f"{', '.join(_differences(code, twin))} differ there: mapped onto "
                        "this project's code, whose texts are kept",
                    )
                continue
            record = {k: v for k, v in code.items() if k not in ("num", "position", "parent")}
            if record["key"] in keys:
                fresh = _fresh_key(record["key"], keys)
                self._conflict(
                    "code id taken",
                    code["name"],
                    f"id {record['key']!r} belongs to another code here; added as {fresh!r}",
                )
                record["key"] = fresh
            missing = [p for p in record.get("practices") or [] if p not in practices]
            if missing:
                self._conflict(
                    "practice missing",
                    code["name"],
                    f"mapped there to {', '.join(missing)}, which this framework lacks",
                )
                record["practices"] = [p for p in record["practices"] if p in practices]
            self.target.insert_code(record)
            self.codes[uid] = uid
            keys.add(record["key"])
            names[code["name"].casefold()] = record
            added.append(code)
            self._add("codes_added")
        for code in added:  # parents once every code is here
            if code.get("parent"):
                self.target.update_code(code["uid"], {"parent": self.codes.get(code["parent"])})

    # --- documents and what is on them ------------------------------------------------

    def _documents(self) -> None:
        headers = self.target.document_headers()
        by_hash = {h["text_hash"]: h for h in reversed(headers)}  # the first name wins
        names = {h["name"] for h in headers}
        stem = self.source.path.stem
        for header in self.source.document_headers():
            twin = by_hash.get(header["text_hash"])
            if twin is not None:
                self.documents[header["uid"]] = (twin["num"], twin["uid"])
                self._add("documents_matched")
                continue
            name = header["name"]
            if name in names:
                name = _fresh_name(f"{header['name']} [{stem}]", names)
                self._conflict(
                    "document text differs",
                    header["name"],
                    f"a document of that name here has another text; added as {name!r}",
                )
            uid = header["uid"]
            if self.target.uid_taken("documents", uid):
                uid = new_uid()
            record = self.source.document_record(header["num"])
            num = self.target.copy_document(record, uid, name)
            self.documents[header["uid"]] = (num, uid)
            by_hash[header["text_hash"]] = {"num": num, "uid": uid, "name": name}
            names.add(name)
            self._add("documents_added")

    def _codings(self) -> None:
        coders = self.target.coder_numbers()
        codes = self.target.code_records_by_uid()

        def rows() -> Iterator[tuple[Any, ...]]:
            for c in self.source.iter_coding_records():
                self.coders.add(c["coder"])
                yield (
                    c["uid"],
                    self.documents[c["document"]][0],
                    c["start"],
                    c["end"],
                    codes[self.codes[c["code_uid"]]][0],
                    coders[c["coder"]],
                    c["snippet"],
                    c["origin"],
                    c["status"],
                    c["created_at"],
                )

        added, present = self.target.add_coding_records(rows())
        self._add("codings_added", added)
        self._add("codings_present", present)

    def _memos(self) -> None:
        for memo in self.source.list_memos():
            if self.target.get_memo(memo["uid"]) is not None:
                continue
            mapped = dict(memo)
            if memo["document"]:
                mapped["document"] = self.documents[memo["document"]][1]
            if memo["code_uid"]:
                mapped["code_uid"] = self.codes[memo["code_uid"]]
            if memo["coding"]:
                mapped["coding"] = self._coding_here(memo["coding"])
            self.target.insert_memo(mapped)
            self._add("memos_added")

    def _coding_here(self, uid: str) -> str | None:
        """The uid of a source coding in the target: its own, or that of the coding that
        was already here on the same span."""
        coding = self.source.get_coding(uid)
        if coding is None:
            return None
        return self.target.coding_uid_at(
            self.documents[coding["document"]][1],
            coding["start"],
            coding["end"],
            self.codes[coding["code_uid"]],
            coding["coder"],
        )

    def _feedback(self) -> None:
        if not self.target.has_table("suggestion_feedback"):
            return
        for row in self.source.feedback_records():
            mapped = dict(row)
            mapped["document"] = self.documents[row["document"]][1]
            mapped["code_uid"] = self.codes[row["code_uid"]]
            if self.target.add_feedback_record(mapped):
                self._add("others_added")

    def _vocabularies(self) -> None:
        for name, _ in self.source.role_records():
            if self.target.add_role(name):
                self._add("others_added")
        here = self.target.aliases()
        for label, role, _ in self.source.alias_records():
            if label not in here:
                self.target.add_alias_record(label, role)
                self._add("others_added")
            elif here[label] != role:
                self._conflict(
                    "alias differs",
                    label,
                    f"speakers labelled {label!r} are {role} there and {here[label]} here; "
                    "this project's role is kept",
                )

    def _events(self) -> None:
        origin = self.source.get_meta("project_uid") or str(self.source.path)
        for event in self.source.iter_event_records():
            action, payload = event["action"], event["payload"]
            if not action.startswith(MERGED_PREFIX):
                action = MERGED_PREFIX + action
                payload = json.dumps(
                    {"from": origin, "seq": event["seq"], "payload": json.loads(payload)},
                    ensure_ascii=False,
                )
            if self.target.add_event_record(event | {"action": action, "payload": payload}):
                self._add("events_added")


def _differences(code: Mapping[str, Any], other: Mapping[str, Any]) -> list[str]:
    return [
        name
        for name in COMPARED_FIELDS
        if _comparable(code.get(name)) != _comparable(other.get(name))
    ]


def _comparable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return sorted(value)
    return (value or "").strip() if isinstance(value, str) or value is None else value


def _fresh_key(key: str, taken: set[str]) -> str:
    n = 2
    while f"{key}-{n}" in taken:
        n += 1
    return f"{key}-{n}"


def _fresh_name(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} {n}", n + 1
    return candidate
