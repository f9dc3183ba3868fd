"""Fuzzy matching in the code picker."""

from __future__ import annotations

from brightspots.tui.dialogs.code_picker import fuzzy_score


def test_words_match_in_any_order() -> None:
    text = "New-teacher induction mentoring-new-teachers"
    assert fuzzy_score("mentor new", text) is not None
    assert fuzzy_score("new mentor", text) is not None
    assert fuzzy_score("xyz", text) is None


def test_whole_words_and_early_matches_rank_first() -> None:
    assert fuzzy_score("one", "One-to-five mentoring") > fuzzy_score("one", "Phone tree")  # type: ignore[operator]
    assert fuzzy_score("otf", "one-to-five") is not None
    assert fuzzy_score("", "anything") == 0
