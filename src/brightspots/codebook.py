"""Loading and validating the framework and codebook YAML files.

Every problem is reported with the file, the line and what to do; all problems in a
file are collected and reported together, so a synthesis lead fixes a file in one pass.
The format is documented in `codebooks/README.md`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from brightspots.errors import CodebookError
from brightspots.models import Code, Codebook, FocusArea, Framework, Practice

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
SHORTCUT_PATTERN = re.compile(r"[a-z]")  # one lowercase letter
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
PRACTICE_STATUSES = ("provisional", "confirmed", "retired")


@dataclass
class Node:
    """A YAML value with the line it starts on (1-based)."""

    value: Any
    line: int


MAX_CODEBOOK_BYTES = 16 * 1024 * 1024  # far beyond any codebook; a bound for hostile files


class _AliasFound(Exception):
    """A YAML node met twice: an alias (`*name`) of an anchor (`&name`)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _located(node: yaml.Node, seen: set[int] | None = None) -> Node:
    """The value with lines, refusing aliases: a codebook never needs them, and nested
    aliases ("billion laughs") would make the walk exponential."""
    seen = set() if seen is None else seen
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        if id(node) in seen:
            raise _AliasFound(line)
        seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        return Node({k.value: _located(v, seen) for k, v in node.value}, line)
    if isinstance(node, yaml.SequenceNode):
        return Node([_located(v, seen) for v in node.value], line)
    return Node(yaml.SafeLoader(".").construct_object(node), line)


def _parse(path: Path) -> Node:
    try:
        if path.stat().st_size > MAX_CODEBOOK_BYTES:
            raise CodebookError(
                f"too large for a codebook ({path.stat().st_size:,} bytes; the limit is "
                f"{MAX_CODEBOOK_BYTES // 2**20} MB)",
                path,
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodebookError("no such file", path) from None
    except UnicodeDecodeError as error:
        raise CodebookError(f"not UTF-8 text ({error.reason})", path) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise CodebookError(f"not valid YAML: {problem}", path, line) from None
    if root is None:
        raise CodebookError("the file is empty", path)
    try:
        located = _located(root)
    except _AliasFound as alias:
        raise CodebookError(
            "uses a YAML alias (`*name`); write each value out instead", path, alias.line
        ) from None
    if not isinstance(located.value, dict):
        raise CodebookError("expected a mapping with `kind:` at the top", path, located.line)
    return located


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, message: str) -> None:
        self.items.append((line, message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        self.items.sort()
        if len(self.items) == 1:
            line, message = self.items[0]
            raise CodebookError(message, self.path, line)
        listed = "\n".join(f"  line {line}: {message}" for line, message in self.items)
        error = CodebookError(f"{len(self.items)} problems:\n{listed}", self.path)
        error.line = self.items[0][0]
        raise error


def _text(
    item: Mapping[str, Node], key: str, problems: _Problems, line: int, required: bool = False
) -> str:
    node = item.get(key)
    if node is None or node.value is None:
        if required:
            problems.add(line, f"missing `{key}`")
        return ""
    if not isinstance(node.value, str | int | float):
        problems.add(node.line, f"`{key}` must be text")
        return ""
    return str(node.value).strip()


def _check_kind(root: Node, expected: str, path: Path) -> None:
    kind = root.value.get("kind")
    if kind is None or kind.value != expected:
        found = "nothing" if kind is None else repr(kind.value)
        raise CodebookError(
            f"expected `kind: {expected}` at the top, found {found}",
            path,
            root.line if kind is None else kind.line,
        )


def _check_id(value: str, line: int, what: str, seen: dict[str, int], problems: _Problems) -> None:
    if not ID_PATTERN.match(value):
        problems.add(
            line,
            f"{what} id {value!r} must be lowercase letters, digits, '-', '_' "
            "or '.', starting with a letter or digit",
        )
    elif value in seen:
        problems.add(line, f"duplicate {what} id {value!r} (first on line {seen[value]})")
    else:
        seen[value] = line


def _entries(root: Node, key: str, path: Path) -> list[Node]:
    node = root.value.get(key)
    if node is None or not isinstance(node.value, list) or not node.value:
        raise CodebookError(
            f"`{key}:` must be a non-empty list", path, root.line if node is None else node.line
        )
    for entry in node.value:
        if not isinstance(entry.value, dict):
            raise CodebookError(f"each entry of `{key}` must be a mapping", path, entry.line)
    return list(node.value)


def load_framework(path: Path) -> Framework:
    """Read and validate a framework file (focus areas -> practices)."""
    root = _parse(path)
    _check_kind(root, "framework", path)
    problems = _Problems(path)
    seen: dict[str, int] = {}
    areas: list[FocusArea] = []
    for entry in _entries(root, "focus_areas", path):
        item = entry.value
        area_id = _text(item, "id", problems, entry.line, required=True)
        _check_id(area_id, entry.line, "focus area", seen, problems)
        practices: list[Practice] = []
        practice_nodes = item.get("practices")
        if practice_nodes is None or not isinstance(practice_nodes.value, list):
            problems.add(entry.line, f"focus area {area_id!r} needs a `practices:` list")
            practice_nodes = Node([], entry.line)
        for p_entry in practice_nodes.value:
            if not isinstance(p_entry.value, dict):
                problems.add(p_entry.line, "each practice must be a mapping")
                continue
            p = p_entry.value
            practice_id = _text(p, "id", problems, p_entry.line, required=True)
            _check_id(practice_id, p_entry.line, "practice", seen, problems)
            status = _text(p, "status", problems, p_entry.line) or "provisional"
            if status not in PRACTICE_STATUSES:
                problems.add(
                    p.get("status", p_entry).line,
                    f"status {status!r} is not one of {', '.join(PRACTICE_STATUSES)}",
                )
            practices.append(
                Practice(
                    id=practice_id,
                    focus_area=area_id,
                    status=status,
                    name=_text(p, "name", problems, p_entry.line, required=True),
                    description=_text(p, "description", problems, p_entry.line),
                )
            )
        areas.append(
            FocusArea(
                id=area_id,
                name=_text(item, "name", problems, entry.line, required=True),
                description=_text(item, "description", problems, entry.line),
                practices=tuple(practices),
            )
        )
    head = root.value
    framework = Framework(
        id=_text(head, "id", problems, root.line, required=True),
        name=_text(head, "name", problems, root.line, required=True),
        version=_text(head, "version", problems, root.line),
        source=_text(head, "source", problems, root.line),
        focus_areas=tuple(areas),
    )
    problems.raise_if_any()
    return framework


def load_codebook(path: Path, framework: Framework | None = None) -> Codebook:
    """Read and validate a codebook; with a framework, check every mapping against it."""
    root = _parse(path)
    _check_kind(root, "codebook", path)
    problems = _Problems(path)
    seen: dict[str, int] = {}
    names: dict[str, int] = {}
    keys: dict[str, int] = {}
    codes: list[Code] = []
    lines: dict[str, Node] = {}
    known_practices = {p.id for p in framework.practices()} if framework else None
    framework_id = framework.id if framework else ""
    for entry in _entries(root, "codes", path):
        item = entry.value
        code_id = _text(item, "id", problems, entry.line, required=True)
        _check_id(code_id, entry.line, "code", seen, problems)
        lines[code_id] = entry
        name = _text(item, "name", problems, entry.line, required=True)
        if name and name.casefold() in names:
            problems.add(
                entry.line, f"duplicate code name {name!r} (first on line {names[name.casefold()]})"
            )
        names.setdefault(name.casefold(), entry.line)
        colour = _text(item, "colour", problems, entry.line) or None
        if colour and not COLOUR_PATTERN.match(colour):
            problems.add(item["colour"].line, f"colour {colour!r} must look like #1f77b4")
        key = _text(item, "key", problems, entry.line) or None
        if key is not None:
            if not SHORTCUT_PATTERN.fullmatch(key):
                problems.add(
                    item["key"].line,
                    f"shortcut key {key!r} must be one lowercase letter (capitals and digits "
                    "are the workbench's own keys)",
                )
            elif key in keys:
                problems.add(
                    item["key"].line, f"shortcut key {key!r} is already used (line {keys[key]})"
                )
            keys.setdefault(key, item["key"].line)
        examples = _string_list(item, "examples", problems, entry.line)
        practices = _string_list(item, "practices", problems, entry.line)
        if known_practices is not None:
            for practice in practices:
                if practice not in known_practices:
                    problems.add(
                        item["practices"].line,
                        f"code {code_id!r} maps to practice {practice!r}, which the "
                        f"framework {framework_id!r} does not have",
                    )
        codes.append(
            Code(
                id=code_id,
                name=name,
                parent=_text(item, "parent", problems, entry.line) or None,
                definition=_text(item, "definition", problems, entry.line),
                inclusion=_text(item, "inclusion", problems, entry.line),
                exclusion=_text(item, "exclusion", problems, entry.line),
                examples=tuple(examples),
                colour=colour,
                key=key,
                practices=tuple(practices),
            )
        )
    _check_parents(codes, lines, problems)
    head = root.value
    codebook = Codebook(
        id=_text(head, "id", problems, root.line, required=True),
        name=_text(head, "name", problems, root.line, required=True),
        version=_text(head, "version", problems, root.line),
        framework=_text(head, "framework", problems, root.line) or None,
        codes=tuple(codes),
    )
    if framework is not None and codebook.framework not in (None, framework.id):
        problems.add(
            head["framework"].line,
            f"the codebook is for framework "
            f"{codebook.framework!r} but the project uses {framework.id!r}",
        )
    problems.raise_if_any()
    return codebook


def _string_list(item: Mapping[str, Node], key: str, problems: _Problems, line: int) -> list[str]:
    node = item.get(key)
    if node is None or node.value is None:
        return []
    if isinstance(node.value, str):
        return [node.value.strip()]
    if not isinstance(node.value, list):
        problems.add(node.line, f"`{key}` must be a list")
        return []
    values = []
    for element in node.value:
        if not isinstance(element.value, str | int | float) or element.value == "":
            problems.add(element.line, f"each entry of `{key}` must be text")
            continue
        values.append(str(element.value).strip())
    return values


def _check_parents(codes: list[Code], lines: dict[str, Node], problems: _Problems) -> None:
    parents = {c.id: c.parent for c in codes}
    in_reported_cycle: set[str] = set()
    for code in codes:
        if code.parent is None or code.id in in_reported_cycle:
            continue
        line = lines[code.id].value.get("parent", lines[code.id]).line
        if code.parent not in parents:
            problems.add(line, f"code {code.id!r} has unknown parent {code.parent!r}")
            continue
        # Walk up; meeting the start again is a cycle (reported once, from its first member).
        chain = [code.id]
        current: str | None = code.parent
        while current is not None and current in parents and current not in chain:
            chain.append(current)
            current = parents[current]
        if current == code.id:
            problems.add(line, "parent cycle: " + " -> ".join([*chain, code.id]))
            in_reported_cycle.update(chain)
