"""Positions at the REFI-QDA boundary: code points <-> UTF-16 code units <-> CRLF as one.

Inside brightspots a position is a code-point offset (a Python string index). REFI-QDA
counts "characters" of a plain-text source, and vendors disagree on what one is: most count
code points, NVivo counts UTF-16 code units (a character above U+FFFF counts twice), and
some exporters count a CRLF line break as one character. A `Counting` names one of these
conventions; a `PositionMap` converts offsets into one text between code points and it."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Counting:
    """How a file counts positions: UTF-16 units or code points; CRLF as one or two."""

    utf16: bool = False
    crlf_as_one: bool = False

    @property
    def label(self) -> str:
        unit = "UTF-16 units" if self.utf16 else "code points"
        return unit + (", CRLF as one" if self.crlf_as_one else "")


CODE_POINTS = Counting()
UTF16 = Counting(utf16=True)
COUNTINGS = (CODE_POINTS, UTF16, Counting(crlf_as_one=True), Counting(utf16=True, crlf_as_one=True))
_CRLF = re.compile("\r\n")


class PositionMap:
    """Offsets into one text, converted between code points and a `Counting`.

    units(p) = p + (characters above U+FFFF before p) - (CRLF pairs wholly before p, when
    they count as one). Only the positions of those characters are kept, so a map costs
    memory in proportion to them, not to the text."""

    def __init__(self, text: str, counting: Counting) -> None:
        self.counting = counting
        self.length = len(text)
        self._astral = (
            [i for i, c in enumerate(text) if ord(c) > 0xFFFF]
            if counting.utf16 and not text.isascii()
            else []
        )
        self._crlf = [m.start() for m in _CRLF.finditer(text)] if counting.crlf_as_one else []
        self.units = self.to_units(self.length)

    def to_units(self, position: int) -> int:
        """A code-point offset (0..len(text)) in this counting."""
        if not 0 <= position <= self.length:
            raise ValueError(f"position {position} is outside the text (0..{self.length})")
        extra = bisect.bisect_left(self._astral, position)
        # A CR at c (followed by LF) makes the pair one unit for every position after the LF.
        fewer = bisect.bisect_left(self._crlf, position - 1)
        return position + extra - fewer

    def to_code_points(self, units: int, end: bool = False) -> int:
        """An offset in this counting as a code-point offset.

        An offset that falls inside a character (between the two halves of a surrogate
        pair) is rounded outwards: down for a start, up for an `end`, so the character is
        kept whole. An offset right after a CRLF counted as one goes after the LF."""
        if not 0 <= units <= self.units:
            raise ValueError(f"offset {units} is outside the text (0..{self.units})")
        low, high = 0, self.length
        while low < high:  # the largest p with to_units(p) <= units
            middle = (low + high + 1) // 2
            if self.to_units(middle) <= units:
                low = middle
            else:
                high = middle - 1
        if self.to_units(low) == units or not end:
            return low
        return low + 1


def to_units(text: str, position: int, counting: Counting) -> int:
    return PositionMap(text, counting).to_units(position)


def to_code_points(text: str, units: int, counting: Counting, end: bool = False) -> int:
    return PositionMap(text, counting).to_code_points(units, end)
