"""Pseudonymisation: replace the names of people and places everywhere in a project, the
same name by the same pseudonym, with every coding kept on its words.

**Where the names come from** (`collect_names`), first source first when two disagree:
1. the key of an earlier run (``--key``, when the file exists), so that the country
   teams' files pseudonymised with one key say the same thing, and merge;
2. names files the researcher gives (``--names``): a CSV/XLSX sheet with a `name` column
   and optional `kind` (person, place, ...) and `pseudonym` columns, or a .txt file with
   one name per line (``place: Kombolcha`` for a place);
3. the speakers of the transcripts: every speaker label that is not a role the project
   knows (its alias table) and holds no digit (``SPEAKER_00``, ``P3`` are not names);
4. document attributes that hold names (`NAME_ATTRIBUTES`, and those given with
   ``--attribute``): the school's name, the village...;
5. the researcher's patterns (``--patterns``): spaCy EntityRuler patterns (JSONL, one
   ``{"label": ..., "pattern": ...}`` per line), run on a blank pipeline of each document's
   language over the documents and memos; what they match becomes a name.
The parts of a person's name (``Girma`` of ``Abebe Girma``; titles and role words aside)
are replaced too, by the same pseudonym, and upper-case spellings as well.

**What is replaced**, matched as whole words: documents' text, names, source paths and
attributes; speaker labels; codings' and suggestion verdicts' snippets; memos; the
codebook's texts; the last theme run; and the events log's payloads. Offsets move with
the text: turns, segments (and the full-text index), annotations, codings, span memos,
verdicts, and the spans inside event payloads and theme runs. A coding on part of a name
grows to the whole pseudonym. Two codings that become the same coding are joined (their
memos follow the one kept; the event lists the other). Cached embeddings of replaced
texts are deleted.

**The events log** is append-only, but a log that keeps the names would defeat the point:
its payloads are rewritten in the same transaction (names replaced, spans moved, so undo
still works), and a `pseudonymise` event records what was done, never the key.

**The key** (original, pseudonym, kind, source) is written to its own CSV file, outside
the project, before the project changes. The project is backed up first, next to the key
(that copy holds the names, like the key, so it is not rotated beside the project).
Afterwards the file is rewritten without free pages or WAL (VACUUM), so no replaced text
survives in it; backups made earlier beside the project still hold the names and are
listed in the report."""

from brightspots.pseudonym.names import Key, Name
from brightspots.pseudonym.replacing import OffsetMap, Replacer
from brightspots.pseudonym.rewrite import PseudonymOptions, PseudonymReport, pseudonymise

__all__ = [
    "Key",
    "Name",
    "OffsetMap",
    "PseudonymOptions",
    "PseudonymReport",
    "Replacer",
    "pseudonymise",
]
