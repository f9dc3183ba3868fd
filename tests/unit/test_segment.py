"""Segmentation properties: segments cover the spoken text exactly, never overlap, and
`text[start:end]` is each segment."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brightspots.corpus.layout import lay_out
from brightspots.models import RawTurn
from brightspots.segment import SpacySegmenter

SEGMENTER = SpacySegmenter()
WORD = re.compile(r"\w")

words = st.text(alphabet="abcdéçãõ ABC.?!,:;-'\"()[]«»…\n\t0123", min_size=0, max_size=120)
notes = st.sampled_from(["", " [inaudible] ", " [crosstalk]", "(laughter)", " [rires] "])
turns = st.lists(
    st.builds(
        lambda text, note, speaker, kind: RawTurn(text + note, speaker, kind=kind),
        words,
        notes,
        st.sampled_from([None, "HT", "Interviewer", "Enseignant 2"]),
        st.sampled_from(["speech", "speech", "speech", "note", "prompt"]),
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(turns=turns, language=st.sampled_from(["en", "fr", "pt", "es", "sw"]))
def test_segments_cover_speech_exactly(turns: list[RawTurn], language: str) -> None:
    text, laid, annotations = lay_out(turns, lambda s: None)
    segments = SEGMENTER.segment(text, laid, annotations, language)
    speech = [(t.start, t.end) for t in laid if t.kind == "speech"]
    covered = [False] * len(text)
    previous_end = -1
    for index, segment in enumerate(segments):
        assert segment.index == index
        assert text[segment.start : segment.end] == segment.text
        assert segment.text == segment.text.strip() and segment.text
        assert segment.start >= previous_end, "segments overlap or are out of order"
        previous_end = segment.end
        turn = laid[segment.turn_index]
        assert turn.kind == "speech" and turn.start <= segment.start < segment.end <= turn.end
        for i in range(segment.start, segment.end):
            covered[i] = True
    for a in annotations:
        assert text[a.start : a.end].strip("[]()").strip() == a.label
        for i in range(a.start, a.end):
            covered[i] = True
    # Every letter or digit of speech is in a segment (or inside a note such as [inaudible]);
    # nothing outside speech turns is.
    for start, end in speech:
        for i in range(start, end):
            if WORD.match(text[i]):
                assert covered[i], f"speech character {text[i]!r} at {i} is in no segment"
    inside = {i for start, end in speech for i in range(start, end)}
    assert all(i in inside for s in segments for i in range(s.start, s.end))


def test_sentences_keep_their_notes() -> None:
    text, laid, annotations = lay_out(
        [RawTurn("Eleven years now. [inaudible] We started with six. [laughter]", "HT")],
        lambda s: "head_teacher",
    )
    segments = SEGMENTER.segment(text, laid, annotations, "en")
    assert [s.text for s in segments] == ["Eleven years now.", "[inaudible] We started with six."]
    assert {s.role for s in segments} == {"head_teacher"}


def test_french_and_portuguese_sentences() -> None:
    text, laid, annotations = lay_out(
        [
            RawTurn("Oui, le conseiller pédagogique vient. Il observe les leçons !", "Directeur"),
            RawTurn("A diretora faz a busca ativa. Os pais ajudam?", "Diretora"),
        ],
        lambda s: None,
    )
    segments = SEGMENTER.segment(text, laid, annotations, "fr")
    assert [s.text for s in segments][:2] == [
        "Oui, le conseiller pédagogique vient.",
        "Il observe les leçons !",
    ]
    assert len(SEGMENTER.segment(text, laid, annotations, "pt")) == 4
