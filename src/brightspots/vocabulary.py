"""The controlled vocabularies of metadata (groups, methods, roles, countries, languages)
and the default table that maps speaker labels to roles."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pycountry

SCHOOL_GROUPS = ("pd", "comparison", "unknown")
METHODS = ("kii", "fgd", "classroom_observation", "school_observation", "survey")
ROLES = (
    "head_teacher",
    "deputy_head_teacher",
    "teacher",
    "student",
    "parent",
    "community_member",
    "school_committee_member",
    "local_official",
    "interviewer",
    "observer",
    "mixed",
    "other",
)
RESPONDENT = "respondent"
"""Pseudo-role of labels such as `R:`: the document's respondent_role."""

SEGMENT_LANGUAGES = ("en", "fr", "pt", "es")
"""Languages with a spaCy tokenizer tuned for them; others use the multi-language `xx`."""

# Speaker label -> role. Keys are compared after `label_key` (case, accents, numbers and
# punctuation removed), so `Teacher 2`, `TEACHER` and `teacher:` all match `teacher`.
DEFAULT_ALIASES: dict[str, str] = {}
_ALIAS_SOURCE = {
    "interviewer": "interviewer, int, i, q, facilitator, moderator, researcher, enumerator, "
    "enqueteur, enquetrice, animateur, animatrice, chercheur, chercheuse, facilitateur, "
    "facilitatrice, moderateur, moderatrice, entrevistador, entrevistadora, e, moderador, "
    "moderadora, pesquisador, pesquisadora, facilitador, facilitadora, inquiridor, inquiridora",
    RESPONDENT: "r, respondent, interviewee, participant, repondant, repondante, "
    "participante, entrevistado, entrevistada, a",
    "head_teacher": "ht, head teacher, headteacher, head, principal, headmaster, headmistress, "
    "school director, director, directeur, directrice, chef d'etablissement, diretor, diretora",
    "deputy_head_teacher": "dht, deputy head, deputy head teacher, deputy principal, "
    "vice principal, directeur adjoint, directrice adjointe, vice diretor, vice diretora, "
    "diretor adjunto, diretora adjunta, diretor adjunto pedagogico",
    "teacher": "t, teacher, tr, enseignant, enseignante, maitre, maitresse, instituteur, "
    "institutrice, professeur, professor, professora, docente",
    "parent": "p, parent, mother, father, guardian, mere, pere, tuteur, mae, pai, "
    "encarregado de educacao, encarregada de educacao, responsavel",
    "student": "s, student, pupil, learner, eleve, aluno, aluna, estudante",
    "community_member": "community member, cm, elder, religious leader, chef de village, "
    "chef coutumier, membre de la communaute, lider comunitario, lider comunitaria, "
    "membro da comunidade, regulo",
    "school_committee_member": "smc, smc chair, smc member, pta, pta chair, pta member, "
    "school committee, ape, president ape, presidente ape, coges, membre coges, "
    "president coges, conselho escolar, membro do conselho escolar, "
    "presidente do conselho de escola, membro do conselho de escola",
    "local_official": "deo, district education officer, inspector, inspecteur, inspectrice, "
    "cpe, conseiller pedagogique, conseillere pedagogique, pedagogical supervisor, "
    "pedagogical adviser, supervisor, supervisora, supervisora pedagogica, "
    "supervisor pedagogico, coordenador, coordenadora, coordenadora pedagogica, "
    "coordenador pedagogico, tecnico distrital, sdeji",
    "observer": "observer, observateur, observatrice, observador, observadora",
}
for _role, _labels in _ALIAS_SOURCE.items():
    for _label in _labels.split(","):
        DEFAULT_ALIASES[_label.strip()] = _role


def label_key(label: str) -> str:
    """Normalise a speaker label for alias look-up: `Enquêteur 2` -> `enqueteur`."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[’`]", "'", plain)
    plain = re.sub(r"[^\w' ]+", " ", plain)
    plain = re.sub(r"(?:\s*\b\d+\b|(?<=[a-z])\d+)\s*$", "", plain)  # "Teacher 2", "T1", "P3"
    return re.sub(r"\s+", " ", plain).strip(" '")


@cache
def country_codes() -> dict[str, str]:
    """Every accepted spelling (alpha-2, alpha-3, English name) -> ISO-3166 alpha-2."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for name in (code, country.alpha_3, country.name, getattr(country, "common_name", "")):
            if name:
                table[name.casefold()] = code
    return table


def country_code(value: str) -> str | None:
    return country_codes().get(value.strip().casefold())


@cache
def language_codes() -> dict[str, str]:
    """Every accepted spelling (ISO-639-1, -3, English name) -> two-letter code (or 'xx')."""
    table: dict[str, str] = {"xx": "xx"}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if not code:
            continue
        for name in (code, language.alpha_3, language.name):
            table[name.casefold()] = code
    for extra, code in {"french": "fr", "portuguese": "pt", "english": "en"}.items():
        table[extra] = code
    return table


def language_code(value: str) -> str | None:
    """`fr`, `fra`, `French`, `fr-FR` -> `fr`; unknown -> None."""
    cleaned = value.strip().casefold().replace("_", "-")
    return language_codes().get(cleaned) or language_codes().get(cleaned.split("-")[0])


def segmenter_language(language: str) -> str:
    return language if language in SEGMENT_LANGUAGES else "xx"
