"""How the report names things: countries, groups, roles, methods, counts and p-values.

Metadata values are stored as codes (`ET`, `head_teacher`, `fgd`); a report reads better
with names (Ethiopia, head teacher, FGD). (Quotes come attributed by `quotes.py`, from
metadata only: country, school group, role, method, document.)"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

ACRONYMS = {"kii": "KII", "fgd": "FGD", "pd": "PD", "smc": "SMC", "pta": "PTA"}


@cache
def country_name(code: str) -> str:
    """`ET` -> Ethiopia: ISO's common name where it has one (Tanzania), and an inverted
    name turned round ("Congo, The Democratic Republic of the" -> Democratic Republic of
    the Congo); values that are not ISO codes come back as they are."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    if "," in name:
        head, _, tail = str(name).partition(", ")
        name = f"{tail.removeprefix('The ')} {head}"
    return str(name)


@cache
def language_name(code: str) -> str:
    """`pt` -> Portuguese, `sw` -> Swahili (ISO's "(macrolanguage)" left out); `xx` or
    an unknown code comes back as it is."""
    import pycountry

    language = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    return str(language.name).split(" (")[0] if language is not None else code


def label(value: str | None) -> str:
    """A vocabulary value for reading: `head_teacher` -> head teacher, `kii` -> KII."""
    if not value:
        return "unspecified"
    if value in ACRONYMS:
        return ACRONYMS[value]
    return value.replace("_", " ")


def count(number: int, singular: str, plural: str | None = None) -> str:
    """`1 school`, `3 schools`."""
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def p_text(p: float | None) -> str:
    """`p = 0.032`, `p < 0.001`, or `no test` where none could be run."""
    if p is None:
        return "no test"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def series(names: Sequence[str], conjunction: str = "and") -> str:
    """`A`, `A and B`, `A, B and C`."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" {conjunction} " + names[-1]
