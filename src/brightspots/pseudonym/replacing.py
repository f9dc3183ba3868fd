"""Finding names as whole words (one trie-shaped regular expression for all of them),
replacing them, and moving offsets into a text whose words changed length."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# --- replacing ----------------------------------------------------------------------------


def trie_pattern(words: Iterable[str]) -> str:
    """One regular expression for many words, as a trie: it tries each letter once per
    position instead of every word, and prefers the longest word."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            body = f"(?:{body})?"
        return body

    return build(trie)


class Replacer:
    """Finds and replaces the key's spellings as whole words."""

    def __init__(self, spellings: Mapping[str, str]) -> None:
        self.spellings = dict(spellings)
        self.folded = {k.lower(): v for k, v in self.spellings.items()}
        body = trie_pattern(self.spellings) if self.spellings else r"(?!x)x"
        self.regex = re.compile(rf"(?<!\w)(?:{body})(?!\w)")
        folded = trie_pattern(self.folded) if self.folded else r"(?!x)x"
        self.folded_regex = re.compile(rf"(?<!\w)(?:{folded})(?!\w)", re.IGNORECASE)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), self.spellings[m.group()]) for m in self.regex.finditer(text)]

    def text(self, text: str) -> str:
        return self.regex.sub(lambda m: self.spellings[m.group()], text)

    def token(self, text: str) -> str:
        """Case ignored: for file names, paths, speaker-label keys and single words (theme
        keywords), where a name is often lower-cased."""
        return self.folded_regex.sub(lambda m: self.folded.get(m.group().lower(), m.group()), text)

    def any(self, text: str) -> str:
        """A string of unknown kind (in an event payload, an attribute): a single word as
        `token`; in a sentence, paths and file names as `token`, the rest as `text`."""
        if not any(c.isspace() for c in text):
            return self.token(text)
        return self.text(_PATH.sub(lambda m: self.token(m.group()), text))


# A path or a file name inside a sentence (an import's message about a file, say).
_PATH = re.compile(
    r"\S*[/\\]\S*|\S+\.(?:txt|md|docx|vtt|srt|json|csv|tsv|xlsx|qdpx|qdc|bsp)\b", re.IGNORECASE
)


class OffsetMap:
    """Old offsets -> new offsets for a text whose spans (start, end) became `new` strings.
    A position inside a replaced span goes to its start (`side="left"`) or end."""

    def __init__(self, spans: Sequence[tuple[int, int, str]]) -> None:
        self.starts = [s for s, _, _ in spans]
        self.spans = [(s, e, len(new)) for s, e, new in spans]
        self.before: list[int] = []
        shift = 0
        for start, end, length in self.spans:
            self.before.append(shift)
            shift += length - (end - start)

    def __call__(self, position: int, side: str = "left") -> int:
        i = bisect.bisect_right(self.starts, position) - 1
        if i < 0:
            return position
        start, end, length = self.spans[i]
        new_start = start + self.before[i]
        if position >= end:
            return new_start + length + (position - end)
        if position == start or side == "left":
            return new_start
        return new_start + length


def replace_spans(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    pieces, last = [], 0
    for start, end, new in spans:
        pieces += [text[last:start], new]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
