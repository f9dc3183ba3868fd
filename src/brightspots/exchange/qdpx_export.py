"""A project as a REFI-QDA project file (`.qdpx`): a zip of `project.qde` (valid against the
QDA-XML 1.0 Project.xsd) and one plain-text file per document under `sources/`.

What goes where:
- coders -> `<User>` (guid = the coder's uid); codes -> `<Code>`, nested under their parents,
  with colour and the packed description (see qdc.py);
- documents -> `<TextSource>` (guid = the document's uid). The plain text written is the
  document's stored text, the normalised layout the codings point into, so positions need
  no alignment: they are code points (or UTF-16 units, for NVivo) of exactly that text;
- codings -> one `<PlainTextSelection>` per coded span, holding a `<Coding>` per coding
  (guid = the coding's uid, creatingUser = its coder). Detached codings (their text changed
  under them) are left out and counted;
- metadata -> `<Variables>`; one `<Case>` per school (country + school id) carrying the
  school's values and referring to its documents; the other values (role, method,
  language, date, speakers with their roles, custom attributes) on each `<TextSource>`;
- memos -> `<Note>`s, referred to by `<NoteRef>` from what they are about: the project, a
  document, a code, a coding, or a span (a selection of its own when nothing coded it).

The file is written to a temporary sibling and moved into place at the end, and the XML is
streamed, so exporting a large project holds one document in memory at a time."""

from __future__ import annotations

import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from brightspots import __version__
from brightspots.exchange import qdaxml
from brightspots.exchange.positions import CODE_POINTS, Counting, PositionMap
from brightspots.exchange.qdaxml import XmlWriter, derived_guid
from brightspots.exchange.qdc import code_uids, write_codes
from brightspots.exchange.reports import ExportReport
from brightspots.models import Progress
from brightspots.store import Store
from brightspots.store.rows import now

ORIGIN = f"brightspots {__version__}"
SOURCES_FOLDER = "sources"
CASE_FIELDS = ("country", "territory", "school_id", "school_group")
SOURCE_FIELDS = ("respondent_role", "method", "language", "date")
SPEAKERS = "speakers"
SELECTION_NAME_CHARS = 100
NOTE_NAME_CHARS = 60
_UNSAFE_IN_SPEAKERS = set(";|=")


def export_project(
    store: Store, path: Path, counting: Counting = CODE_POINTS, progress: Progress | None = None
) -> ExportReport:
    exporter = _Exporter(store, counting)
    with qdaxml.atomic_output(path) as temporary:
        exporter.write(temporary, progress)
    return exporter.report(path)


class _Exporter:
    def __init__(self, store: Store, counting: Counting) -> None:
        self.store = store
        self.counting = counting
        self.project_uid = store.get_meta("project_uid") or derived_guid(store.path.name)
        self.documents = store.exchange_documents()
        codebook = store.load_codebook()
        self.codes = codebook.codes if codebook else ()
        self.code_uids = code_uids(store)
        self.coders = {c["name"]: c["uid"] for c in store.coder_records()}
        self.memos = store.list_memos()
        self.refs = self._memo_targets()
        self.speakers = {d["uid"]: self._speakers(d) for d in self.documents}
        self.per_source: set[tuple[str, str]] = set()  # (document uid, field) kept per source
        self.counts: dict[str, int] = defaultdict(int)
        self.notes: list[str] = []
        self.exported_codings: set[str] = set()

    # --- the file ------------------------------------------------------------------------

    def write(self, target: Path, progress: Progress | None) -> None:
        with (
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive,
            tempfile.TemporaryFile("w+", encoding="utf-8") as qde,
        ):
            writer = XmlWriter(qde)
            writer.start(
                "Project",
                {
                    "xmlns": qdaxml.PROJECT_NS,
                    "name": self.store.path.stem,
                    "origin": ORIGIN,
                    "creationDateTime": qdaxml.date_time(self.store.get_meta("created_at")),
                    "modifiedDateTime": qdaxml.date_time(now()),
                },
            )
            self._users(writer)
            if self.codes:
                writer.start("CodeBook")
                write_codes(writer, self.codes, self.code_uids, self._memo_refs("code"))
                writer.end("CodeBook")
            variables = self._variables(writer)
            self._cases(writer, variables)
            if self.documents:
                writer.start("Sources")
                for number, document in enumerate(self.documents):
                    if progress is not None:
                        progress(number, len(self.documents), document["name"])
                    self._source(writer, archive, document, variables)
                writer.end("Sources")
            self._notes(writer)
            writer.leaves("NoteRef", ({"targetGUID": m} for m in self._memo_refs("project")[""]))
            writer.end("Project")
            qde.seek(0)
            with archive.open("project.qde", "w", force_zip64=True) as member:
                while chunk := qde.read(1 << 20):
                    member.write(chunk.encode("utf-8"))
        if progress is not None:
            progress(len(self.documents), len(self.documents), "")

    def report(self, path: Path) -> ExportReport:
        detached = self.counts["detached"]
        notes = list(self.notes)
        if detached:
            notes.append(
                f"{detached} detached coding(s) left out: their text changed since they were "
                "made (review them in brightspots first)"
            )
        return ExportReport(
            str(path),
            "qdpx",
            documents=len(self.documents),
            codes=len(self.codes),
            codings=self.counts["codings"],
            memos=self.counts["memos"],
            coders=len(self.coders),
            cases=self.counts["cases"],
            positions=self.counting.label,
            notes=tuple(notes),
        )

    # --- parts ---------------------------------------------------------------------------

    def _users(self, writer: XmlWriter) -> None:
        if self.coders:
            writer.start("Users")
            writer.leaves("User", ({"guid": u, "name": n} for n, u in sorted(self.coders.items())))
            writer.end("Users")

    def _variables(self, writer: XmlWriter) -> dict[str, str]:
        """Declares the variables some document has a value for; name -> guid."""
        names: list[str] = [
            f for f in (*CASE_FIELDS, *SOURCE_FIELDS) if any(d[f] for d in self.documents)
        ]
        names += sorted(
            {k for d in self.documents for k, v in d["attributes"].items() if v} - set(names)
        )
        if any(self.speakers.values()):
            names.append(SPEAKERS)
        variables = {name: derived_guid(self.project_uid, "variable", name) for name in names}
        if variables:
            writer.start("Variables")
            for name, uid in variables.items():
                writer.leaf("Variable", {"guid": uid, "name": name, "typeOfVariable": "Text"})
            writer.end("Variables")
        return variables

    def _cases(self, writer: XmlWriter, variables: Mapping[str, str]) -> None:
        """One case per school; a value all its documents share is the case's, any other
        stays on each document (`self.per_source`)."""
        schools: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for document in self.documents:
            schools[(document["country"], document["school_id"])].append(document)
        if not schools:
            return
        writer.start("Cases")
        for (country, school), members in schools.items():
            values: dict[str, str] = {}
            for name in CASE_FIELDS:
                found = {d[name] for d in members}
                if len(found) == 1:
                    value = found.pop()
                    if value:
                        values[name] = value
                else:
                    self.per_source.update((d["uid"], name) for d in members)
            writer.start(
                "Case",
                {
                    "guid": derived_guid(self.project_uid, "case", country, school),
                    "name": school or country,
                },
            )
            self._values(writer, values, variables)
            writer.leaves("SourceRef", ({"targetGUID": d["uid"]} for d in members))
            writer.end("Case")
            self.counts["cases"] += 1
        writer.end("Cases")

    def _values(
        self, writer: XmlWriter, values: Mapping[str, str], variables: Mapping[str, str]
    ) -> None:
        for name, value in values.items():
            if value and name in variables:
                writer.start("VariableValue")
                writer.leaf("VariableRef", {"targetGUID": variables[name]})
                writer.leaf("TextValue", text=str(value))
                writer.end("VariableValue")

    def _speakers(self, document: Mapping[str, Any]) -> str:
        """`label=role; ...` for the document's speakers whose role is known."""
        pairs: dict[str, str] = {}
        for turn in self.store.list_turns(document["num"]):
            label = turn.speaker
            if label and turn.role and not set(label) & _UNSAFE_IN_SPEAKERS:
                pairs.setdefault(label, turn.role)
        return "; ".join(f"{label}={role}" for label, role in pairs.items())

    def _source(
        self,
        writer: XmlWriter,
        archive: zipfile.ZipFile,
        document: Mapping[str, Any],
        variables: Mapping[str, str],
    ) -> None:
        uid = document["uid"]
        text = self.store.document_text(document["num"])
        archive.writestr(f"{SOURCES_FOLDER}/{uid}.txt", text.encode("utf-8"))
        positions = PositionMap(text, self.counting)
        writer.start(
            "TextSource",
            {
                "guid": uid,
                "name": document["name"],
                "plainTextPath": f"internal://{uid}.txt",
            },
        )
        spans = self._spans(document, text)
        for (start, end), (codings, memos) in sorted(spans.items()):
            snippet = " ".join(text[start:end].split())
            if len(snippet) > SELECTION_NAME_CHARS:
                snippet = snippet[:SELECTION_NAME_CHARS].rstrip() + "…"
            first = codings[0] if codings else None
            writer.start(
                "PlainTextSelection",
                {
                    "guid": derived_guid(uid, "selection", start, end),
                    "name": snippet,
                    "startPosition": positions.to_units(start),
                    "endPosition": positions.to_units(end),
                    "creatingUser": first["coder_uid"] if first else None,
                    "creationDateTime": qdaxml.date_time(first["created_at"]) if first else None,
                },
            )
            for coding in codings:
                self._coding(writer, coding)
            writer.leaves("NoteRef", ({"targetGUID": m} for m in memos))
            writer.end("PlainTextSelection")
        writer.leaves("NoteRef", ({"targetGUID": m} for m in self._memo_refs("document")[uid]))
        values = {f: document[f] for f in SOURCE_FIELDS}
        values |= {f: document[f] for f in CASE_FIELDS if (uid, f) in self.per_source}
        values |= {k: v for k, v in sorted(document["attributes"].items()) if k not in values}
        if SPEAKERS in variables:
            values[SPEAKERS] = self.speakers[uid]
        self._values(writer, values, variables)
        writer.end("TextSource")

    def _spans(
        self, document: Mapping[str, Any], text: str
    ) -> dict[tuple[int, int], tuple[list[dict[str, Any]], list[str]]]:
        """(start, end) -> (codings, segment memo uids) of one document."""
        spans: dict[tuple[int, int], tuple[list[dict[str, Any]], list[str]]] = {}
        for coding in self.store.exchange_codings(document["num"]):
            if coding["status"] != "ok" or not 0 <= coding["start"] < coding["end"] <= len(text):
                self.counts["detached"] += 1
                continue
            spans.setdefault((coding["start"], coding["end"]), ([], []))[0].append(coding)
            self.exported_codings.add(coding["uid"])
            self.counts["codings"] += 1
        for memo in self.memos:
            if memo["target"] == "segment" and memo["document"] == document["uid"]:
                start, end = memo["start"], memo["end"]
                if start is not None and end is not None and 0 <= start < end <= len(text):
                    spans.setdefault((start, end), ([], []))[1].append(memo["uid"])
        return spans

    def _coding(self, writer: XmlWriter, coding: Mapping[str, Any]) -> None:
        writer.start(
            "Coding",
            {
                "guid": coding["uid"],
                "creatingUser": coding["coder_uid"],
                "creationDateTime": qdaxml.date_time(coding["created_at"]),
            },
        )
        writer.leaf("CodeRef", {"targetGUID": coding["code_uid"]})
        writer.leaves(
            "NoteRef", ({"targetGUID": m} for m in self._memo_refs("coding")[coding["uid"]])
        )
        writer.end("Coding")

    # --- memos ---------------------------------------------------------------------------

    def _memo_targets(self) -> dict[str, defaultdict[str, list[str]]]:
        """Memo uids by what they are on: code uid, document uid, coding uid ('' for the
        project); segment memos are found per document (`_spans`)."""
        refs: dict[str, defaultdict[str, list[str]]] = {
            t: defaultdict(list) for t in ("project", "document", "code", "coding")
        }
        codes = set(self.code_uids.values())
        for memo in self.memos:
            kind = memo["target"]
            if kind == "code" and memo["code_uid"] in codes:
                refs["code"][memo["code_uid"]].append(memo["uid"])
            elif kind == "coding" and memo["coding"]:
                refs["coding"][memo["coding"]].append(memo["uid"])
            elif kind == "document" and memo["document"]:
                refs["document"][memo["document"]].append(memo["uid"])
            elif kind != "segment":
                refs["project"][""].append(memo["uid"])
        return refs

    def _memo_refs(self, target: str) -> defaultdict[str, list[str]]:
        return self.refs[target]

    def _notes(self, writer: XmlWriter) -> None:
        # A memo on a coding left out (detached) is kept, referred to from the project.
        lost = [
            m
            for coding, memos in self._memo_refs("coding").items()
            if coding not in self.exported_codings
            for m in memos
        ]
        self._memo_refs("project")[""].extend(lost)
        if not self.memos:
            return
        writer.start("Notes")
        for memo in self.memos:
            first_line = memo["text"].strip().split("\n", 1)[0]
            name = first_line[:NOTE_NAME_CHARS].rstrip()
            coder = self.coders.get(memo["coder"])
            writer.start(
                "Note",
                {
                    "guid": memo["uid"],
                    "name": name + ("…" if len(first_line) > NOTE_NAME_CHARS else ""),
                    "creatingUser": coder,
                    "creationDateTime": qdaxml.date_time(memo["created_at"]),
                    "modifyingUser": coder,
                    "modifiedDateTime": qdaxml.date_time(memo["updated_at"]),
                },
            )
            writer.leaf("PlainTextContent", text=memo["text"])
            writer.end("Note")
            self.counts["memos"] += 1
        writer.end("Notes")
