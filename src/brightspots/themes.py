"""Candidate themes on a project (inductive): recurring ideas among the segments, with
their keywords, quotes, make-up by country and group, and the nearest existing code, so
that ideas the codebook does not name yet stand out.

`find_themes` clusters a project's segments (uncoded or all; filtered by document
metadata or the speaker's role; interviewers' turns left out by default) with the
clusterer of `clusterer.py`, whose `cluster_texts` works on any corpus. Themes are
suggestions only: nothing is coded. The last run is kept in the project (schema v4) so
the workbench can show it again (`load_themes`); a researcher can promote a theme to a
new code (its keywords as a draft definition; its passages are coded only as the
researcher reviews them) or dismiss it. Verdicts carry over to the matching themes of the
next run (most of a new theme's passages were in the theme judged before)."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np

from brightspots import coding as coding_actions
from brightspots.clusterer import (
    ThemeClusterer,
    ThemeSettings,
    cluster_texts,
    min_cluster_size_for,
    normalise,
)
from brightspots.embedding import CachedEmbedder, Embedder
from brightspots.errors import InputError, NotFoundError
from brightspots.keywords import Keyword, merge_keywords
from brightspots.models import Cancelled, Progress
from brightspots.store import Store
from brightspots.store.themes import THEME_FILTERS, SegmentRow
from brightspots.suggester import Passage, description_parts

Scope = Literal["uncoded", "all"]
THEME_SCOPES: tuple[Scope, ...] = ("uncoded", "all")
ThemeStatus = Literal["candidate", "promoted", "dismissed"]
DEFAULT_SKIP_ROLES = ("interviewer",)  # their questions would make themes of their own
CARRY_OVERLAP = 0.5  # share of a new theme's passages a judged theme must hold
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Theme:
    """A candidate theme: what it is about, where it comes from, how near the codebook."""

    id: int  # 1 = the largest theme of its run
    size: int  # passages
    share: float  # of the passages clustered
    keywords: tuple[Keyword, ...]  # all languages merged, best first
    keywords_by_language: Mapping[str, tuple[Keyword, ...]]
    quotes: tuple[Passage, ...]  # typical passages, spread over countries and documents
    members: tuple[Passage, ...]  # every passage, most typical first
    countries: Mapping[str, int]
    school_groups: Mapping[str, int]  # pd | comparison | unknown
    languages: Mapping[str, int]
    nearest_code: str | None = None  # the code's id
    nearest_code_name: str | None = None
    code_similarity: float | None = None  # cosine of centroid and code description
    new: bool = True  # no code is near (or there is no codebook)
    status: ThemeStatus = "candidate"
    code: str | None = None  # the code a promoted theme became

    @property
    def label(self) -> str:
        """A short name: its first three keywords."""
        return ", ".join(k.word for k in self.keywords[:3]) or f"theme {self.id}"


@dataclass(frozen=True)
class ThemeResult:
    themes: tuple[Theme, ...]
    segments: int  # passages clustered
    outliers: int  # of those, in no theme
    population: int  # segments in scope (before sampling and leaving out short ones)
    skipped: int  # of the sampled, too short to cluster (`min_words`)
    model: str  # the embedding model's name
    settings: ThemeSettings  # as used (min_cluster_size resolved)
    scope: Scope = "uncoded"
    coders: tuple[str, ...] | None = None
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    skip_roles: tuple[str, ...] = DEFAULT_SKIP_ROLES
    created_at: str = ""
    uid: str = ""  # the run's id
    seconds: float = 0.0

    @property
    def outlier_share(self) -> float:
        return self.outliers / self.segments if self.segments else 0.0

    @property
    def sampled(self) -> bool:
        return self.population > self.segments + self.skipped

    def theme(self, theme_id: int) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise NotFoundError(f"no theme {theme_id} in this run (1 to {len(self.themes)})")


def find_themes(
    store: Store,
    embedder: Embedder,
    *,
    scope: Scope = "uncoded",
    coders: Sequence[str] | None = None,
    filters: Mapping[str, str | Sequence[str]] | None = None,
    skip_roles: Sequence[str] = DEFAULT_SKIP_ROLES,
    settings: ThemeSettings | None = None,
    save: bool = True,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ThemeResult:
    """Candidate themes among the project's segments: `scope` "uncoded" (not coded by
    anyone, or by none of `coders`) or "all"; documents matching `filters` (country,
    school_group, respondent_role, method, language, ...: a value or a list; `role` is the
    speaker's); turns of `skip_roles` left out. Beyond `settings.max_segments` a seeded
    sample is clustered. Embeddings go through the project's cache. With `save`, the
    result becomes the project's themes (`load_themes`); no code or coding is written."""
    started = time.perf_counter()
    settings = settings or ThemeSettings()
    if scope not in THEME_SCOPES:
        raise InputError(f"scope must be one of {', '.join(THEME_SCOPES)}, not {scope!r}")
    chosen = {k: _values(v) for k, v in (filters or {}).items()}
    unknown = sorted(set(chosen) - set(THEME_FILTERS))
    if unknown:
        raise InputError(
            f"cannot filter themes by {', '.join(unknown)}; use {', '.join(THEME_FILTERS)}"
        )
    rows = store.theme_segments(scope == "uncoded", coders, chosen, skip_roles)
    population = len(rows)
    if len(rows) > settings.max_segments:
        picked = np.random.default_rng(settings.seed).choice(
            len(rows), settings.max_segments, replace=False
        )
        rows = [rows[i] for i in sorted(picked.tolist())]
    texts = store.segment_texts([row[0] for row in rows])
    kept = [i for i, text in enumerate(texts) if len(_WORDS.findall(text)) >= settings.min_words]
    skipped = len(rows) - len(kept)
    rows, texts = [rows[i] for i in kept], [texts[i] for i in kept]

    cached = embedder if isinstance(embedder, CachedEmbedder) else CachedEmbedder(store, embedder)
    vectors = cached.encode(texts, progress, cancelled)
    resolved = replace(
        settings, min_cluster_size=settings.min_cluster_size or min_cluster_size_for(len(rows))
    )
    model = cluster_texts(
        texts,
        vectors,
        [row[4] for row in rows],
        resolved,
        groups=[(row[5], row[1]) for row in rows],
        progress=progress,
        cancelled=cancelled,
    )
    nearest = _nearest_codes(store, cached, model.centroids_)
    themes = tuple(
        _theme(model, number, rows, texts, nearest[number], resolved)
        for number in range(model.n_themes_)
    )
    result = ThemeResult(
        themes=themes,
        segments=len(rows),
        outliers=model.outliers_,
        population=population,
        skipped=skipped,
        model=cached.name,
        settings=resolved,
        scope=scope,
        coders=tuple(coders) if coders is not None else None,
        filters=chosen,
        skip_roles=tuple(skip_roles),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        uid=str(uuid.uuid4()),
        seconds=round(time.perf_counter() - started, 2),
    )
    if save:
        result = _save(store, result)
    return result


def load_themes(store: Store) -> ThemeResult | None:
    """The project's last saved themes with the verdicts on them, or None. A theme
    promoted to a code that has since been deleted is a candidate again."""
    run = store.last_theme_run()
    if run is None:
        return None
    result = result_from_json(run["result"])
    verdicts = store.theme_verdicts(run["num"])
    themes = []
    for theme in result.themes:
        verdict, code = verdicts.get(theme.id, ("candidate", None))
        status: ThemeStatus = "dismissed" if verdict == "dismissed" else "candidate"
        if verdict == "promoted" and code is not None and store.get_code(code) is not None:
            status = "promoted"
        themes.append(replace(theme, status=status, code=code if status == "promoted" else None))
    return replace(result, themes=tuple(themes))


def promote_theme(
    store: Store,
    theme_id: int,
    coder: str,
    name: str | None = None,
    definition: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Make a theme of the project's last run a new code (an ordinary, undoable
    `code.add`): named `name` (default: its label), with `definition` (default: a draft
    from its keywords) and any other code fields. Its passages are not coded: the
    researcher reviews them. Returns the code."""
    run, theme = _saved_theme(store, theme_id)
    with store.transaction():
        code = coding_actions.add_code(
            store,
            name or theme.label.capitalize(),
            coder,
            definition=definition if definition is not None else draft_definition(theme),
            **fields,
        )
        store.set_theme_verdict(run, theme_id, "promoted", code["key"], store.ensure_coder(coder))
    return code


def merge_theme(store: Store, theme_id: int, code: str, coder: str) -> dict[str, Any]:
    """Fold a theme of the project's last run into an existing code (by id or uid): the
    theme is marked as joined to that code (matching themes of later runs show it too),
    recorded as the event `theme.merge`. Nothing is coded: the researcher reviews the
    theme's passages and codes those that belong. Returns the code."""
    run, theme = _saved_theme(store, theme_id)
    found = store.get_code(code)
    if found is None:
        raise NotFoundError(f"no code {code!r} to merge theme {theme_id} into")
    with store.transaction():
        store.set_theme_verdict(run, theme_id, "promoted", found["key"], store.ensure_coder(coder))
        store.record(
            "theme.merge",
            {"theme": theme_id, "label": theme.label, "size": theme.size, "code": found["key"]},
            coder,
        )
    return found


def dismiss_theme(store: Store, theme_id: int, coder: str) -> None:
    """Set a theme of the project's last run aside (recorded as the event
    `theme.dismiss`); matching themes of later runs come back dismissed."""
    run, theme = _saved_theme(store, theme_id)
    with store.transaction():
        store.set_theme_verdict(run, theme_id, "dismissed", None, store.ensure_coder(coder))
        store.record(
            "theme.dismiss",
            {"theme": theme_id, "label": theme.label, "size": theme.size},
            coder,
        )


def restore_theme(store: Store, theme_id: int, coder: str) -> None:
    """Undo a dismissal: the theme is a candidate again (event `theme.restore`)."""
    run, theme = _saved_theme(store, theme_id)
    with store.transaction():
        store.delete_theme_verdict(run, theme_id)
        store.record("theme.restore", {"theme": theme_id, "label": theme.label}, coder)


def draft_definition(theme: Theme) -> str:
    """A draft definition for a promoted theme: its keywords, for the researcher to
    rewrite."""
    words = ", ".join(k.word for k in theme.keywords)
    return f"Draft from candidate theme {theme.id} ({theme.size} passages): {words}."


# --- building a result --------------------------------------------------------------------


def _values(value: str | Sequence[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _theme(
    model: ThemeClusterer,
    number: int,
    rows: Sequence[SegmentRow],
    texts: Sequence[str],
    nearest: tuple[str, str, float] | None,
    settings: ThemeSettings,
) -> Theme:
    members = model.members_[number].tolist()

    def passage(i: int) -> Passage:
        return Passage(texts[i], rows[i][1], rows[i][2], rows[i][3])

    languages = Counter(rows[i][4] for i in members)
    by_language = model.keywords_[number]
    similarity = nearest[2] if nearest else None
    return Theme(
        id=number + 1,
        size=len(members),
        share=round(len(members) / len(rows), 4) if rows else 0.0,
        keywords=merge_keywords(by_language, languages, settings.keywords),
        keywords_by_language=dict(by_language),
        quotes=tuple(passage(i) for i in model.representatives_[number].tolist()),
        members=tuple(passage(i) for i in members),
        countries=_counts(rows[i][5] for i in members),
        school_groups=_counts(rows[i][6] for i in members),
        languages=dict(languages.most_common()),
        nearest_code=nearest[0] if nearest else None,
        nearest_code_name=nearest[1] if nearest else None,
        code_similarity=similarity,
        new=similarity is None or similarity < settings.new_below,
    )


def _counts(values: Any) -> dict[str, int]:
    return dict(Counter(str(v) for v in values).most_common())


def _nearest_codes(
    store: Store, embedder: Embedder, centroids: np.ndarray[Any, Any]
) -> list[tuple[str, str, float] | None]:
    """For each centroid, (code id, name, cosine) of the code whose description (name,
    definition, inclusion, as the suggester builds it) is nearest; None without codes."""
    codebook = store.load_codebook()
    if codebook is None or not codebook.codes or not len(centroids):
        return [None] * len(centroids)
    parts = [description_parts(code) for code in codebook.codes]
    flat = [text for texts in parts for text in texts]
    vectors = embedder.encode(flat)
    sums = np.zeros((len(parts), vectors.shape[1]), np.float32)
    row = 0
    for index, texts in enumerate(parts):
        sums[index] = vectors[row : row + len(texts)].sum(axis=0)
        row += len(texts)
    similarity = centroids @ normalise(sums).T
    best = similarity.argmax(axis=1)
    return [
        (codebook.codes[b].id, codebook.codes[b].name, round(float(similarity[i, b]), 4))
        for i, b in enumerate(best.tolist())
    ]


# --- keeping the last run -----------------------------------------------------------------


def _save(store: Store, result: ThemeResult) -> ThemeResult:
    """Keep `result` as the project's themes, with the verdicts of the previous run
    carried to the themes that match the judged ones."""
    previous = load_themes(store)
    carried = _carry(previous, result) if previous is not None else {}
    themes = tuple(
        replace(t, status=carried[t.id][0], code=carried[t.id][1]) if t.id in carried else t
        for t in result.themes
    )
    result = replace(result, themes=themes)
    with store.transaction():
        run = store.save_theme_run(result.uid, result.model, result_to_json(result))
        for theme_id, (verdict, code) in carried.items():
            store.set_theme_verdict(run, theme_id, verdict, code, None)
    return result


def _carry(previous: ThemeResult, result: ThemeResult) -> dict[int, tuple[ThemeStatus, str | None]]:
    judged = [t for t in previous.themes if t.status != "candidate"]
    if not judged:
        return {}
    owner: dict[tuple[str | None, int | None, int | None], int] = {}
    for index, theme in enumerate(judged):
        for p in theme.members:
            owner[(p.document, p.start, p.end)] = index
    carried: dict[int, tuple[ThemeStatus, str | None]] = {}
    for theme in result.themes:
        votes = Counter(
            owner[key] for p in theme.members if (key := (p.document, p.start, p.end)) in owner
        )
        if votes:
            index, count = votes.most_common(1)[0]
            if count >= CARRY_OVERLAP * theme.size:
                carried[theme.id] = (judged[index].status, judged[index].code)
    return carried


def result_to_json(result: ThemeResult) -> str:
    """A result as JSON (passages as [text, document, start, end], keywords as [word,
    weight]), for the project file."""

    def passages(items: Sequence[Passage]) -> list[list[Any]]:
        return [[p.text, p.document, p.start, p.end] for p in items]

    def words(items: Sequence[Keyword]) -> list[list[Any]]:
        return [[k.word, k.weight] for k in items]

    body = asdict(replace(result, themes=()))
    body["themes"] = [
        {
            **{k: v for k, v in asdict(t).items() if k not in ("keywords", "quotes", "members")},
            "keywords": words(t.keywords),
            "keywords_by_language": {
                lang: words(items) for lang, items in t.keywords_by_language.items()
            },
            "quotes": passages(t.quotes),
            "members": passages(t.members),
        }
        for t in result.themes
    ]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def result_from_json(text: str) -> ThemeResult:
    body = json.loads(text)

    def passages(items: list[list[Any]]) -> tuple[Passage, ...]:
        return tuple(Passage(*item) for item in items)

    def words(items: list[list[Any]]) -> tuple[Keyword, ...]:
        return tuple(Keyword(word, weight) for word, weight in items)

    themes = tuple(
        Theme(
            **{
                **t,
                "keywords": words(t["keywords"]),
                "keywords_by_language": {
                    lang: words(items) for lang, items in t["keywords_by_language"].items()
                },
                "quotes": passages(t["quotes"]),
                "members": passages(t["members"]),
            }
        )
        for t in body.pop("themes")
    )
    coders = body.pop("coders")
    return ThemeResult(
        themes=themes,
        settings=ThemeSettings(**body.pop("settings")),
        coders=tuple(coders) if coders is not None else None,
        filters={k: tuple(v) for k, v in body.pop("filters").items()},
        skip_roles=tuple(body.pop("skip_roles")),
        **body,
    )


def _saved_theme(store: Store, theme_id: int) -> tuple[int, Theme]:
    run = store.last_theme_run()
    if run is None:
        raise NotFoundError("this project has no themes yet; find them first")
    return int(run["num"]), result_from_json(run["result"]).theme(theme_id)


__all__ = [
    "DEFAULT_SKIP_ROLES",
    "THEME_FILTERS",
    "THEME_SCOPES",
    "Keyword",
    "Passage",
    "Scope",
    "Theme",
    "ThemeClusterer",
    "ThemeResult",
    "ThemeSettings",
    "ThemeStatus",
    "cluster_texts",
    "dismiss_theme",
    "draft_definition",
    "find_themes",
    "load_themes",
    "merge_theme",
    "promote_theme",
    "restore_theme",
]
