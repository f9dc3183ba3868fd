"""Candidate themes: the clusterer on synthetic vectors (blobs found, few outliers, the same
themes every run, the refinement finding groups hidden under shared noise, shared wording
drawing passages together, languages centred apart), keywords without stop words per
language, quotes spread over documents, and themes on a small project (make-up, nearest
code, nothing coded, the last run kept, promoted and dismissed)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from brightspots.clusterer import (
    ThemeClusterer,
    ThemeSettings,
    cluster_texts,
    min_cluster_size_for,
    wording_neighbours,
)
from brightspots.errors import InputError, NotFoundError
from brightspots.keywords import class_keywords, merge_keywords, words
from brightspots.project import Project
from brightspots.propagation import nearest
from brightspots.segment import SpacySegmenter
from brightspots.store.migrations import SCHEMA_VERSION
from brightspots.themes import (
    Theme,
    ThemeResult,
    dismiss_theme,
    find_themes,
    load_themes,
    merge_theme,
    promote_theme,
    restore_theme,
)
from tests.conftest import write
from tests.fakes import FakeEmbedder


def blobs(
    sizes: tuple[int, ...] = (60, 50, 40, 30), noise: int = 6, seed: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors around well-separated centres (plus a few scattered ones, label -1)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((len(sizes), 48))
    rows, labels = [], []
    for label, size in enumerate(sizes):
        rows.append(centres[label] + 0.35 * rng.standard_normal((size, 48)))
        labels += [label] * size
    rows.append(rng.standard_normal((noise, 48)) * 1.5)
    labels += [-1] * noise
    vectors = np.vstack(rows)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), np.array(labels)


def test_well_separated_blobs_are_found_with_few_outliers() -> None:
    from sklearn.metrics import adjusted_rand_score

    vectors, truth = blobs()
    model = cluster_texts(["x"] * len(vectors), vectors, settings=ThemeSettings())
    assert model.n_themes_ == 4
    assert model.outliers_ <= 0.05 * len(vectors)
    kept = truth >= 0
    assert adjusted_rand_score(truth[kept], model.labels_[kept]) > 0.95
    sizes = [int((model.labels_ == t).sum()) for t in range(model.n_themes_)]
    assert sizes == sorted(sizes, reverse=True)  # theme 0 is the largest
    assert model.centroids_.shape == (4, 48)


def test_the_same_input_and_seed_give_the_same_themes() -> None:
    vectors, _ = blobs((40, 40, 40), seed=3)
    texts = [f"word{i % 7} talk{i % 3}" for i in range(len(vectors))]
    for reduction in ("pca", "svd", "none"):
        settings = ThemeSettings(seed=5, reduction=reduction)
        first = cluster_texts(texts, vectors, settings=settings)
        second = cluster_texts(texts, vectors.copy(), settings=settings)
        assert np.array_equal(first.labels_, second.labels_)
        assert first.keywords_ == second.keywords_
        assert [r.tolist() for r in first.representatives_] == [
            r.tolist() for r in second.representatives_
        ]


def hidden(
    noise: float, seed: int, groups: int = 8, size: int = 40
) -> tuple[np.ndarray, np.ndarray]:
    """Groups that differ in 8 dimensions only, under 40 dimensions of noise that every
    group shares: cosine similarity is mostly noise, as with real sentence embeddings."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((groups, 8))
    rows = [
        np.hstack(
            [centre + 0.3 * rng.standard_normal((size, 8)), noise * rng.standard_normal((size, 40))]
        )
        for centre in centres
    ]
    vectors = np.vstack(rows)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), np.repeat(np.arange(groups), size)


def test_refining_finds_groups_hidden_under_shared_noise() -> None:
    from sklearn.metrics import adjusted_rand_score

    gains = []
    for seed in range(3):
        vectors, truth = hidden(noise=0.5, seed=seed)
        once = cluster_texts(["x"] * len(vectors), vectors, settings=ThemeSettings(refine=0))
        refined = cluster_texts(["x"] * len(vectors), vectors)
        gains.append(
            adjusted_rand_score(truth, refined.labels_) - adjusted_rand_score(truth, once.labels_)
        )
    assert min(gains) > 0 and sum(gains) / len(gains) > 0.1, gains


FILLER = ("we", "they", "said", "school", "then", "also", "very", "often", "there", "here")
TOPICS = ("canteen meals", "teacher absence", "reading club", "exam results")
TOPICS += ("parent meetings", "school fees", "rainy season", "head teacher")


def test_shared_wording_draws_passages_together() -> None:
    """Groups whose vectors say little (as in `hidden`, under more noise) but whose
    passages each name their topic among common words: the nearest in wording help. As
    ever with HDBSCAN, one seed can go either way; on average they help a lot."""
    from sklearn.metrics import adjusted_rand_score

    gains = []
    for seed in range(8):
        vectors, truth = hidden(noise=0.8, seed=seed)
        rng = np.random.default_rng(seed)
        texts = []
        for group in truth:
            words = [str(w) for w in rng.choice(FILLER, 5)]
            texts.append(" ".join([*words[:2], TOPICS[group], *words[2:]]))
        meaning = cluster_texts(texts, vectors, settings=ThemeSettings(wording=0))
        both = cluster_texts(texts, vectors)
        gains.append(
            adjusted_rand_score(truth, both.labels_) - adjusted_rand_score(truth, meaning.labels_)
        )
    assert min(gains) > -0.05 and sum(gains) / len(gains) > 0.1, gains


def test_wording_neighbours_share_words_not_transcriber_notes() -> None:
    texts = [
        "The canteen meals came late [inaudible].",
        "Canteen meals, every day (laughs).",
        "Our reading club [inaudible] meets here.",
        "The reading club (laughs) is new.",
        "Nothing (laughs) in common [inaudible].",
    ]
    near, shared = wording_neighbours(texts, 2)
    assert near.shape == shared.shape == (5, 2)
    best = {i: int(near[i][np.argmax(shared[i])]) for i in range(4)}
    assert best == {0: 1, 1: 0, 2: 3, 3: 2}
    assert shared[4].max() == 0  # only notes in common with the others: nothing shared
    assert wording_neighbours(["one two", "three four"], 1) is None  # no word used twice


def test_nearest_takes_sparse_rows_as_dense_ones() -> None:
    from scipy import sparse

    rng = np.random.default_rng(0)
    dense = rng.standard_normal((30, 6)).astype(np.float32)
    dense[dense < 0.5] = 0
    dense /= np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-9)
    rows = sparse.csr_matrix(dense)
    for k in (1, 4):
        _, sims = nearest(dense, dense, k, exclude_self=True)
        index, sparse_sims = nearest(rows, rows, k, exclude_self=True)
        assert np.allclose(np.sort(sims, axis=1), np.sort(sparse_sims, axis=1), atol=1e-6)
        assert np.allclose(np.einsum("nd,nkd->nk", dense, dense[index]), sparse_sims, atol=1e-6)
        assert not (index == np.arange(len(dense))[:, None]).any()


def two_languages(seed: int, per: int = 40) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Three topics, each said in French and in Portuguese; each language adds its own
    strong direction (an "accent"), as a model does. (vectors, topic, language)"""
    rng = np.random.default_rng(seed)
    topics, accents = rng.standard_normal((3, 48)), 3 * rng.standard_normal((2, 48))
    rows, topic, language = [], [], []
    for number, centre in enumerate(topics):
        for accent, name in zip(accents, ("fr", "pt"), strict=True):
            rows.append(centre + accent + 0.35 * rng.standard_normal((per, 48)))
            topic += [number] * per
            language += [name] * per
    vectors = np.vstack(rows)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), np.array(topic), language


def test_languages_centred_apart_give_themes_across_languages() -> None:
    from sklearn.metrics import adjusted_rand_score

    vectors, topic, language = two_languages(seed=0)
    texts = ["x"] * len(vectors)
    model = cluster_texts(texts, vectors, language)
    assert model.n_themes_ == 3 and model.outliers_ == 0
    assert adjusted_rand_score(topic, model.labels_) == 1.0
    for theme in range(3):
        assert {language[i] for i in np.flatnonzero(model.labels_ == theme)} == {"fr", "pt"}
    # Centred on one mean, the same passages split by language: topic x language.
    mixed = cluster_texts(texts, vectors, language, ThemeSettings(centre_by_language=False))
    assert mixed.n_themes_ == 6
    assert all(
        len({language[i] for i in np.flatnonzero(mixed.labels_ == theme)}) == 1
        for theme in range(6)
    )
    # A language with too few passages to have a mean of its own joins the overall one.
    few = [*language[:-5], *["en"] * 5]
    assert cluster_texts(texts, vectors, few).n_themes_ == 3


def test_progress_covers_both_passes_and_cancel_stops_the_refined_one() -> None:
    from brightspots.embedding import EmbeddingCancelled

    vectors, _ = blobs()
    seen: list[str] = []
    cluster_texts(["x"] * len(vectors), vectors, progress=lambda i, n, what: seen.append(what))
    assert seen[0] == "themes: comparing wording" and seen[1] == "themes: neighbours"
    assert seen[-1] == "themes: keywords"
    assert "themes: refining" in seen and "themes: refined clustering" in seen
    with pytest.raises(EmbeddingCancelled):
        cluster_texts(
            ["x"] * len(vectors),
            vectors,
            progress=lambda i, n, what: seen.append(what),
            cancelled=lambda: seen[-1] == "themes: refined smoothing",
        )
    assert seen[-1] == "themes: refined smoothing"
    with pytest.raises(ValueError, match="refine is a weight from 0 to 1"):
        ThemeSettings(refine=1.5)
    with pytest.raises(ValueError, match="wording is a weight of 0 or more"):
        ThemeSettings(wording=-1)
    seen.clear()
    cluster_texts(["x"] * len(vectors), vectors, progress=lambda i, n, what: seen.append(what))
    without = ThemeClusterer(ThemeSettings(wording=0))
    without.fit(vectors, progress=lambda i, n, what: seen.append(what))
    assert seen.count("themes: comparing wording") == 1  # no texts, or wording 0: no such step


def test_a_corpus_too_small_has_no_themes() -> None:
    vectors, _ = blobs((4,), noise=0)
    model = cluster_texts(["a b c"] * 4, vectors)
    assert model.n_themes_ == 0 and model.outliers_ == 4


def test_min_cluster_size_grows_with_the_corpus() -> None:
    assert min_cluster_size_for(50) == 5
    assert min_cluster_size_for(3080) == 12
    assert min_cluster_size_for(10_000) == 28
    assert min_cluster_size_for(1000) < min_cluster_size_for(5000)


def test_keywords_leave_out_stop_words_per_language() -> None:
    english = words(["The mothers help with the homework, every evening at 7 [inaudible]."], "en")
    assert english == [{"mothers", "help", "homework", "evening"}]
    french = words(["Les mères aident les enfants avec les devoirs de l'école (rires)."], "fr")
    assert french == [{"mères", "aident", "enfants", "devoirs", "école"}]

    texts = [
        "The mothers help with the homework.",
        "Fathers check the homework every evening.",
        "Our parents help with homework at home.",
        "The lessons start on time.",
        "Les mères aident avec les devoirs.",
        "Les pères regardent les devoirs le soir.",
    ]
    labels = np.array([0, 0, 0, 1, 0, 0])
    languages = ["en", "en", "en", "en", "fr", "fr"]
    found = class_keywords(texts, labels, languages, top=3)
    assert set(found[0]) == {"en", "fr"}
    assert found[0]["en"][0].word == "homework"
    assert found[0]["fr"][0].word == "devoirs"
    assert all(k.word not in {"the", "with", "les", "le"} for k in found[0]["en"] + found[0]["fr"])
    assert set(found[1]) == {"en"} and found[1]["en"][0].word == "lessons"
    merged = merge_keywords(found[0], {"en": 3, "fr": 2}, top=3)
    assert merged[0].word == "homework" and "devoirs" in [k.word for k in merged]


def test_quotes_spread_over_countries_then_documents() -> None:
    vectors, _ = blobs((30,), noise=0, seed=4)
    groups = [("ET", "a.txt")] * 20 + [("ET", "b.txt")] * 5 + [("BF", "c.txt")] * 5
    model = cluster_texts(["x"] * 30, vectors, settings=ThemeSettings(quotes=3), groups=groups)
    picked = [groups[i] for i in model.representatives_[0].tolist()]
    assert len(picked) == 3
    assert {g[0] for g in picked} == {"ET", "BF"}
    assert len({g[1] for g in picked}) == 3


# --- on a project ------------------------------------------------------------------------

THEMES = {
    "homework": [
        "Parents help the children with homework at home.",
        "Parents help with the homework every evening.",
        "Mothers and parents help with homework after school.",
        "Parents help with homework on Sundays.",
    ],
    "time": [
        "Lessons start on time every single morning.",
        "Teachers arrive on time for the first lessons.",
        "The lessons start on time and teachers are present.",
        "Teachers are present on time for lessons.",
    ],
    "football": [
        "Pupils play football on the dusty playground.",
        "The football team plays on the playground at noon.",
        "Children play football on the playground daily.",
        "Boys and girls play football during the playground break.",
    ],
}
DOCUMENTS = [("ET", "pd"), ("ET", "comparison"), ("UG", "pd"), ("UG", "comparison")]


def transcript(index: int, country: str, group: str) -> str:
    lines = [
        "---",
        f"country: {country}",
        f"school_id: {country}-S{index}",
        f"school_group: {group}",
        "respondent_role: head_teacher",
        "method: kii",
        "language: en",
        "---",
    ]
    for theme, sentences in THEMES.items():
        lines.append(f"Interviewer: Please tell me about {theme} in your school today.")
        lines.append(f"HT: {sentences[index]} {sentences[(index + 1) % 4]}")
    return "\n".join(lines) + "\n"


# The fake embedder's similarities run lower than a real model's: "new" below 0.4 here.
SMALL = ThemeSettings(min_cluster_size=4, min_samples=3, quotes=3, new_below=0.4)


@pytest.fixture
def study(tmp_path: Path, segmenter: SpacySegmenter) -> Iterator[Project]:
    path = tmp_path / "study.bsp"
    with Project.create(path, empty=True, segmenter=segmenter) as project:
        files = [
            write(tmp_path / "files" / f"{country}-{i}.txt", transcript(i, country, group))
            for i, (country, group) in enumerate(DOCUMENTS)
        ]
        project.import_files(files)
        project.add_code("Parent involvement", "ana", definition="parents help with homework")
    with Project.open(path, segmenter=segmenter, embedder=FakeEmbedder()) as project:
        yield project


def about(result: ThemeResult, word: str) -> Theme:
    """The theme with `word` among its first three keywords."""
    return next(t for t in result.themes if word in [k.word for k in t.keywords[:3]])


def counts(project: Project) -> tuple[int, int]:
    one = project.store.db.execute
    return (
        one("SELECT count(*) FROM codes").fetchone()[0],
        one("SELECT count(*) FROM codings").fetchone()[0],
    )


def test_themes_on_a_project(study: Project) -> None:
    store, fake = study.store, FakeEmbedder()
    before = counts(study)
    result = find_themes(store, fake, settings=SMALL)
    assert counts(study) == before  # suggestions only: nothing coded
    assert result.segments == 24 and result.population == 24  # interviewers left out
    assert result.outliers <= 2 and result.settings.min_cluster_size == 4
    assert len(result.themes) == 3
    homework = about(result, "homework")
    assert homework.size == sum(homework.countries.values()) == len(homework.members)
    assert homework.countries == {"ET": 4, "UG": 4}
    assert homework.school_groups == {"pd": 4, "comparison": 4}
    assert homework.languages == {"en": 8}
    assert homework.nearest_code == "parent-involvement" and not homework.new
    assert about(result, "football").new  # far from every code
    assert len({q.document for q in homework.quotes}) == 3  # spread over documents
    quote = homework.quotes[0]
    assert quote.document is not None and quote.start is not None and quote.end is not None
    assert study.document(quote.document).text[quote.start : quote.end] == quote.text

    again = find_themes(store, fake, settings=SMALL, save=False)
    assert [t.members for t in again.themes] == [t.members for t in result.themes]
    assert [t.keywords for t in again.themes] == [t.keywords for t in result.themes]

    ethiopia = find_themes(store, fake, filters={"country": "ET"}, settings=SMALL, save=False)
    assert ethiopia.population == 12
    assert all(set(t.countries) == {"ET"} for t in ethiopia.themes)
    asked = find_themes(
        store, fake, scope="all", filters={"role": "interviewer"}, skip_roles=(), save=False
    )
    assert asked.population == 12
    nowhere = find_themes(store, fake, filters={"country": ["BF", "ML"]}, save=False)
    assert nowhere.population == nowhere.segments == 0 and nowhere.themes == ()
    with pytest.raises(InputError, match="cannot filter themes by colour"):
        find_themes(store, fake, filters={"colour": "red"})
    with pytest.raises(InputError, match="scope"):
        find_themes(store, fake, scope="some")  # type: ignore[arg-type]


def test_themes_are_kept_promoted_and_dismissed(study: Project) -> None:
    store, fake = study.store, FakeEmbedder()
    with pytest.raises(NotFoundError, match="no themes yet"):
        promote_theme(store, 1, "ana")
    result = find_themes(store, fake, settings=SMALL)
    assert load_themes(store) == result  # kept as computed

    football = about(result, "football")
    code = promote_theme(store, football.id, "ana")
    assert code["name"].lower().startswith("football")
    assert "football" in code["definition"] and "Draft" in code["definition"]
    assert counts(study) == (2, 0)  # a new code; its passages are not coded
    homework = about(result, "homework")
    dismiss_theme(store, homework.id, "ana")
    loaded = load_themes(store)
    assert loaded is not None
    assert loaded.theme(football.id).status == "promoted"
    assert loaded.theme(football.id).code == code["key"]
    assert loaded.theme(homework.id).status == "dismissed"
    actions = [r[0] for r in store.db.execute("SELECT action FROM events")]
    assert "code.add" in actions and "theme.dismiss" in actions

    rerun = find_themes(store, fake, settings=SMALL)  # verdicts carry over
    assert about(rerun, "football").status == "promoted"
    assert about(rerun, "homework").status == "dismissed"

    restore_theme(store, homework.id, "ana")
    assert study.undo("ana") is not None  # the code.add: the theme is a candidate again
    loaded = load_themes(store)
    assert loaded is not None and {t.status for t in loaded.themes} == {"candidate"}
    with pytest.raises(NotFoundError, match="no theme 99"):
        dismiss_theme(store, 99, "ana")


def test_a_theme_merged_into_an_existing_code(study: Project) -> None:
    store, fake = study.store, FakeEmbedder()
    result = find_themes(store, fake, settings=SMALL)
    football = about(result, "football")
    existing = study.add_code("Sport", "ana")
    before = counts(study)
    code = merge_theme(store, football.id, existing["key"], "ana")
    assert code["key"] == existing["key"]
    assert counts(study) == before  # no new code, nothing coded: the passages are reviewed
    loaded = load_themes(store)
    assert loaded is not None
    assert loaded.theme(football.id).status == "promoted"
    assert loaded.theme(football.id).code == existing["key"]
    assert about(find_themes(store, fake, settings=SMALL), "football").code == existing["key"]
    with pytest.raises(NotFoundError, match="no code 'nothing'"):
        merge_theme(store, football.id, "nothing", "ana")


def test_schema_v4_adds_the_theme_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.bsp"
    Project.create(path, empty=True).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE theme_verdicts")
    conn.execute("DROP TABLE theme_runs")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with Project.open(path) as project:
        assert project.store.schema_version() == SCHEMA_VERSION >= 4
        assert load_themes(project.store) is None
