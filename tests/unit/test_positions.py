"""Offsets at the REFI-QDA boundary: code points <-> UTF-16 units <-> CRLF as one, and the
alignment of a source file's text with the laid-out document text."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from brightspots.exchange.alignment import TextAlignment
from brightspots.exchange.positions import COUNTINGS, UTF16, Counting, PositionMap
from brightspots.exchange.qde import RefiSelection
from brightspots.exchange.source_text import choose_counting, quote_matches

PIECES = ["a", "b", " ", "é", "e\u0301", "😀", "𝑥", "\r\n", "\n", "\r", "\u200d", "中"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def reference(text: str, position: int, counting: Counting) -> int:
    """What a file's own counting says: the length of the text before `position`."""
    before = text[:position]
    if counting.crlf_as_one:
        before = before.replace("\r\n", "\n")
    return len(before.encode("utf-16-le")) // 2 if counting.utf16 else len(before)


@given(texts)
def test_units_match_the_reference_counting(text: str) -> None:
    for counting in COUNTINGS:
        positions = PositionMap(text, counting)
        assert positions.units == reference(text, len(text), counting)
        for p in range(len(text) + 1):
            assert positions.to_units(p) == reference(text, p, counting)


@given(texts)
def test_code_points_survive_a_trip_through_units(text: str) -> None:
    for counting in COUNTINGS:
        positions = PositionMap(text, counting)
        for p in range(len(text) + 1):
            back = positions.to_code_points(positions.to_units(p))
            inside_crlf = counting.crlf_as_one and text[p - 1 : p + 1] == "\r\n"
            assert back == (p + 1 if inside_crlf else p)


@given(texts)
def test_every_unit_offset_lands_on_a_whole_character(text: str) -> None:
    for counting in COUNTINGS:
        positions = PositionMap(text, counting)
        for units in range(positions.units + 1):
            start = positions.to_code_points(units)
            end = positions.to_code_points(units, end=True)
            assert positions.to_units(start) <= units <= positions.to_units(end)
            assert end - start <= 1  # only inside a surrogate pair do they differ


def test_nvivo_counts_a_character_above_the_bmp_twice() -> None:
    text = "ok 😀 then"
    assert PositionMap(text, UTF16).to_units(text.index("then")) == 6
    assert PositionMap(text, UTF16).to_code_points(6) == 5
    # An offset between the two halves of the emoji keeps it whole.
    assert PositionMap(text, UTF16).to_code_points(4) == 3
    assert PositionMap(text, UTF16).to_code_points(4, end=True) == 4


def words_and_separators() -> st.SearchStrategy[tuple[list[str], list[str]]]:
    word = st.text(alphabet="abcdéèxyz😀:[]", min_size=1, max_size=8)
    gap = st.sampled_from([" ", "  ", "\t", "\r\n", "\n", "\r\n\r\n", " \u00a0 "])
    return st.integers(1, 25).flatmap(
        lambda n: st.tuples(
            st.lists(word, min_size=n, max_size=n), st.lists(gap, min_size=n, max_size=n)
        )
    )


@given(words_and_separators())
def test_each_word_of_the_source_is_found_in_the_laid_out_text(
    parts: tuple[list[str], list[str]],
) -> None:
    words, gaps = parts
    source = "".join(w + g for w, g in zip(words, gaps, strict=True))
    target = " ".join(words)  # what layout does to whitespace, roughly
    alignment = TextAlignment(source, target)
    position = target_position = 0
    for word, gap in zip(words, gaps, strict=True):
        span = alignment.span(position, position + len(word))
        assert span is not None and target[span[0] : span[1]] == word
        assert span == (target_position, target_position + len(word))
        position += len(word) + len(gap)
        target_position += len(word) + 1


def test_decomposed_accents_align_with_their_composed_form() -> None:
    source = unicodedata.normalize("NFD", "Les élèves reviennent le samedi.\r\n")
    target = "Les élèves reviennent le samedi."
    alignment = TextAlignment(source, target)
    start = source.index("e\u0301le")
    end = start + len(unicodedata.normalize("NFD", "élèves"))
    assert alignment.span(start, end) == (4, 10)
    assert alignment.span(0, len(source)) == (0, len(target))


def test_text_that_layout_removed_has_no_span() -> None:
    source = "[00:01:40] Enquêteur : Qui les anime ?"
    target = "Enquêteur: Qui les anime ?"
    alignment = TextAlignment(source, target)
    assert alignment.span(0, 10) is None
    assert alignment.span(11, 20) == (0, 9)
    start = source.index("Qui")
    assert alignment.span(start, len(source)) == (target.index("Qui"), len(target))


def selection(start: int, end: int, name: str) -> RefiSelection:
    return RefiSelection("g", name, start, end, None, None)


def test_counting_is_chosen_by_the_quotes_selections_carry() -> None:
    text = "A: 😀 one\r\nB: two words here\r\nA: three more words"
    quote = "three more words"
    cp = text.index(quote)
    as_nvivo = PositionMap(text, UTF16)
    one = PositionMap(text, Counting(crlf_as_one=True))
    cases = {
        Counting(): (cp, cp + len(quote)),
        UTF16: (as_nvivo.to_units(cp), as_nvivo.to_units(cp + len(quote))),
        Counting(crlf_as_one=True): (one.to_units(cp), one.to_units(cp + len(quote))),
    }
    for expected, (start, end) in cases.items():
        chosen, mattered = choose_counting(text, [selection(start, end, quote)], "MAXQDA")
        assert mattered and chosen == expected
    # No quotes: NVivo files count UTF-16 units, others code points.
    assert choose_counting(text, [selection(0, 3, "")], "NVivo 14")[0] == UTF16
    assert choose_counting(text, [selection(0, 3, "")], "QualCoder")[0] == Counting()
    assert choose_counting("plain", [], "NVivo") == (UTF16, False)


def test_a_truncated_quote_still_matches() -> None:
    assert quote_matches("I'm a single mum with an 8 month old", "I'm a single mum…")
    assert not quote_matches("something else", "I'm a single mum…")
    assert not quote_matches("anything", "Quotation 6:1")
