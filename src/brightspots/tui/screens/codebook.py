"""Editing the codebook: the codes in a tree (focus area > practice > code, child codes under
their parent code) with their coding counts and the highlighted code's details, and keys
that add, rename, edit, move, merge and delete codes. Each change is one step of the coder's
history, saved at once through `Project`, so u and ctrl+r undo and redo it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree
from textual.widgets.tree import TreeNode

from brightspots.models import Code, Framework, Practice
from brightspots.tui.actions import mine, safely, write_memo
from brightspots.tui.dialogs.code_form import CodeFormDialog
from brightspots.tui.dialogs.code_picker import CodePickerDialog, PickerDialog
from brightspots.tui.dialogs.confirm import CANCEL, Choice, ConfirmDialog
from brightspots.tui.dialogs.text import AskDialog

if TYPE_CHECKING:
    from brightspots.coding import Step
    from brightspots.tui.app import WorkbenchApp

UNMAPPED = "Not mapped to a practice"
TOP, NO_PRACTICE = "top", "unmapped"  # move targets besides practices and codes


@dataclass(frozen=True)
class Node:
    """What a line of the tree stands for. A code mapped to two practices has a line under
    each: `practice` says which of its places this line is (None: not mapped)."""

    kind: Literal["root", "area", "practice", "unmapped", "code"]
    key: str = ""
    practice: str | None = None


def place(key: str, label: str) -> tuple[str, str, str]:
    """A picker choice for where a code can go."""
    return (key, label, "")


def descendants(codes: Sequence[Code], key: str) -> set[str]:
    """The ids of every code under `key`, at any depth."""
    found: set[str] = set()
    frontier = {key}
    while frontier:
        frontier = {c.id for c in codes if c.parent in frontier and c.id not in found}
        found |= frontier
    return found


def code_details(
    code: Code,
    count: int,
    practices: Sequence[str],
    parent: str | None,
    memos: Sequence[Mapping[str, Any]] = (),
) -> Text:
    """The details panel for one code. Built as styled text, not markup, so that brackets
    in a code's own words are shown as they are."""
    heading = "bold"
    text = Text.assemble((code.name, heading), (f"  {code.id}\n\n", "dim"))
    if code.definition:
        text.append(code.definition)
    else:
        text.append("No definition yet: e edits it.", "dim")
    examples = "".join(f"\n  “{e}”" for e in code.examples) or " none"
    text.append("\n\nInclude ", heading).append(code.inclusion)
    text.append("\n\nExclude ", heading).append(code.exclusion)
    text.append("\n\nExamples", heading).append(examples)
    text.append("\n\nPractices ", heading).append(", ".join(practices) or "none")
    if parent:
        text.append("\nUnder ", heading).append(parent)
    text.append("\nColour ", heading)
    if code.colour:
        text.append("● ", code.colour)
    text.append(code.colour or "none")
    text.append("   Shortcut ", heading).append(code.key or "none")
    text.append("\nCodings ", heading).append(str(count))
    for memo in memos:
        text.append(f"\n✎ {memo['coder']}: ", "yellow").append(memo["text"])
    return text


class CodebookScreen(Screen[None]):
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("r", "rename", "Rename"),
        Binding("e", "edit", "Edit texts"),
        Binding("m", "move", "Move"),
        Binding("M", "merge", "Merge"),
        Binding("d", "delete", "Delete"),
        Binding("n", "memo", "Memo"),
        Binding("slash", "find", "Find"),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+r,U", "redo", "Redo"),
        Binding("q,escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[Code] = []
        self.counts: dict[str, int] = {}
        self.framework: Framework | None = None

    @property
    def workbench(self) -> WorkbenchApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="codebook-title")
        with Horizontal(id="codebook-body"):
            yield Tree("Codebook", Node("root"), id="codebook-tree")
            with VerticalScroll(id="codebook-side"):
                yield Static(id="codebook-details")
        yield Footer()

    def on_mount(self) -> None:
        self._refill(line=0)
        self.query_one("#codebook-tree", Tree).focus()

    # --- the tree ------------------------------------------------------------------------

    def _load(self) -> None:
        project = self.workbench.project
        codebook = project.codebook()
        self.codes = list(codebook.codes) if codebook else []
        self.framework = project.framework()
        self.counts = project.code_counts()
        name = f"{codebook.name} {codebook.version}".strip() if codebook else ""
        parts = [
            f"Codebook {name}".strip(),
            f"{len(self.codes)} codes",
            f"{sum(self.counts.values())} codings",
            f"coder {self.workbench.coder}",
        ]
        self.query_one("#codebook-title", Static).update(Text(" · ".join(parts)))

    def _refill(self, focus: Node | None = None, line: int | None = None) -> None:
        """Reload the codebook and redraw the tree, keeping what the user collapsed; the
        cursor goes to `focus` when it is still there, else stays on its line."""
        tree: Tree[Node] = self.query_one("#codebook-tree", Tree)
        if line is None:
            line = max(tree.cursor_line, 0)
        collapsed = {n.data for n in _walk(tree.root) if n.children and not n.is_expanded}
        self._load()
        tree.clear()
        placed: set[str] = set()
        for area in self.framework.focus_areas if self.framework else ():
            area_data = Node("area", area.id)
            area_node = tree.root.add(Text(area.name), area_data, expand=area_data not in collapsed)
            for practice in area.practices:
                group = [c for c in self.codes if practice.id in c.practices]
                data = Node("practice", practice.id)
                node = area_node.add(
                    Text(practice.name),
                    data,
                    expand=data not in collapsed,
                    allow_expand=bool(group),
                )
                self._add_group(node, group, practice.id, collapsed)
                placed |= {c.id for c in group}
        rest = [c for c in self.codes if c.id not in placed]
        data = Node("unmapped")
        node = tree.root.add(UNMAPPED, data, expand=data not in collapsed, allow_expand=bool(rest))
        self._add_group(node, rest, None, collapsed)
        tree.root.expand()
        self._move_cursor(focus, line)

    def _add_group(
        self,
        under: TreeNode[Node],
        group: Sequence[Code],
        practice: str | None,
        collapsed: set[Node | None],
    ) -> None:
        """The codes of one practice: each under its parent code when that code is in the
        same practice, else directly under the practice."""
        keys = {c.id for c in group}
        children: dict[str | None, list[Code]] = {}
        for code in group:
            children.setdefault(code.parent if code.parent in keys else None, []).append(code)
        shown: set[str] = set()

        def add(parent: TreeNode[Node], code: Code) -> None:
            if code.id in shown:
                return
            shown.add(code.id)
            data = Node("code", code.id, practice)
            kids = children.get(code.id, [])
            if not kids:
                parent.add_leaf(self._label(code), data)
                return
            node = parent.add(self._label(code), data, expand=data not in collapsed)
            for kid in kids:
                add(node, kid)

        for code in [*children.get(None, []), *group]:  # then any caught in a parent cycle
            add(under, code)

    def _label(self, code: Code) -> Text:
        return Text.assemble(
            ("● ", code.colour or "dim"),
            f"[{code.key}] " if code.key else "",
            code.name,
            (f" ({self.counts.get(code.id, 0)})", "dim"),
        )

    def _move_cursor(self, focus: Node | None, line: int = 0) -> None:
        tree: Tree[Node] = self.query_one("#codebook-tree", Tree)
        target = self._find(focus) if focus else None
        parent = target.parent if target else None
        while parent is not None:
            if not parent.is_expanded:
                parent.expand()
            parent = parent.parent
        last = tree.last_line  # reading it lays the tree out, so that target.line is known
        if target is not None:
            tree.move_cursor(target)
        else:
            tree.cursor_line = min(line, last)
        self._show(tree.cursor_node)

    def _find(self, want: Node) -> TreeNode[Node] | None:
        """The line of `want`, or another line of the same code."""
        tree: Tree[Node] = self.query_one("#codebook-tree", Tree)
        lines = [n for n in _walk(tree.root) if n.data and n.data.key == want.key]
        exact = [n for n in lines if n.data == want]
        same_code = [n for n in lines if n.data and n.data.kind == want.kind == "code"]
        return next(iter(exact or same_code), None)

    # --- the details panel -------------------------------------------------------------

    @on(Tree.NodeHighlighted, "#codebook-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Node]) -> None:
        self._show(event.node)

    def _show(self, node: TreeNode[Node] | None) -> None:
        details = self.query_one("#codebook-details", Static)
        data = node.data if node else None
        code = self._code(data.key) if data and data.kind == "code" else None
        if code is not None:
            parent = self._code(code.parent) if code.parent else None
            practices = [self._practice_name(p) for p in code.practices]
            details.update(
                code_details(
                    code,
                    self.counts.get(code.id, 0),
                    practices,
                    parent.name if parent else None,
                    self.workbench.code_memos(code.id),
                )
            )
        elif data and data.kind == "practice":
            practice = self._practices().get(data.key)
            details.update(
                Text.assemble(
                    (self._practice_name(data.key), "bold"),
                    f"\n\n{practice.description if practice else ''}\n\n",
                    ("a adds a code to this practice.", "dim"),
                )
            )
        else:
            details.update(
                Text.assemble(
                    f"{len(self.codes)} codes, {sum(self.counts.values())} codings.\n\n",
                    ("a adds a code; highlight a practice first to put it there.", "dim"),
                )
            )

    # --- actions ---------------------------------------------------------------------------

    def action_add(self) -> None:
        node = self._current() or Node("root")
        practice = node.key if node.kind == "practice" else node.practice
        where = f"in “{self._practice_name(practice)}”" if practice else "not mapped to a practice"

        def named(name: str | None) -> None:
            if name is None:
                return
            added: dict[str, Any] = {}

            def act() -> None:
                added.update(
                    self.workbench.project.add_code(
                        name.strip(), self.workbench.coder, practices=[practice] if practice else []
                    )
                )

            if safely(self, act):
                self._refill(Node("code", added["key"], practice))

        self.app.push_screen(AskDialog(escape(f"Name of the new code ({where}):")), named)

    def action_rename(self) -> None:
        found = self._current_code()
        if found is None:
            return
        code, node = found

        def named(name: str | None) -> None:
            if name is not None:
                self._edit(code, node, name=name.strip())

        self.app.push_screen(AskDialog(escape(f"New name for “{code.name}”:"), code.name), named)

    def action_edit(self) -> None:
        found = self._current_code()
        if found is None:
            return
        code, node = found
        now = {
            "definition": code.definition,
            "inclusion": code.inclusion,
            "exclusion": code.exclusion,
            "examples": list(code.examples),
            "colour": code.colour,
            "shortcut": code.key,
        }

        def saved(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            changes = {k: v for k, v in values.items() if v != now[k]}
            if changes:
                self._edit(code, node, **changes)
            else:
                self.notify("Nothing changed.")

        self.app.push_screen(CodeFormDialog(code), saved)

    def action_move(self) -> None:
        found = self._current_code()
        if found is None:
            return
        code, node = found
        places = [place(TOP, "Top level of its practice (no parent code)")] if code.parent else []
        for area in self.framework.focus_areas if self.framework else ():
            for practice in area.practices:
                places.append(
                    place(f"practice:{practice.id}", f"Practice: {practice.name} ({area.name})")
                )
        places.append(place(NO_PRACTICE, f"{UNMAPPED} (takes it out of every practice)"))
        below = descendants(self.codes, code.id)
        places += [
            place(f"code:{c.id}", f"Under code: {c.name}")
            for c in self.codes
            if c.id != code.id and c.id not in below and c.id != code.parent
        ]

        def chosen(target: str | None) -> None:
            if target is None:
                return
            changes = self._move_changes(code, node, target)
            practices = changes.get("practices", list(code.practices))
            if target.startswith("practice:"):
                where: str | None = target.removeprefix("practice:")
            else:
                where = node.practice if node.practice in practices else None
                where = where or (practices[0] if practices else None)
            self._edit(code, Node("code", code.id, where), **changes)

        self.app.push_screen(PickerDialog(places, f"Move “{code.name}” to"), chosen)

    def _move_changes(self, code: Code, node: Node, place: str) -> dict[str, Any]:
        """What `edit_code` is given for a move: to a practice (this line's practice is
        replaced, the others kept), out of every practice, or under another code (taking that
        code's practices when they share none, so that it shows under it)."""
        if place == TOP:
            return {"parent": None}
        if place == NO_PRACTICE:
            return {"parent": None, "practices": []}
        if place.startswith("practice:"):
            new = place.removeprefix("practice:")
            kept = [p for p in code.practices if p not in (node.practice, new)]
            return {"parent": None, "practices": self._in_framework_order([*kept, new])}
        parent = self._code(place.removeprefix("code:"))
        if parent is None:
            return {}
        changes: dict[str, Any] = {"parent": parent.id}
        if not set(code.practices) & set(parent.practices):
            changes["practices"] = list(parent.practices)
        return changes

    def action_merge(self) -> None:
        found = self._current_code()
        if found is not None:
            self._merge(*found)

    def _merge(self, code: Code, node: Node) -> None:
        below = descendants(self.codes, code.id)
        others = [c for c in self.codes if c.id != code.id and c.id not in below]

        def chosen(target_key: str | None) -> None:
            target = self._code(target_key) if target_key else None
            if target is None:
                return
            count = self.counts.get(code.id, 0)
            children = len([c for c in self.codes if c.parent == code.id])
            question = (
                f"Merge “{code.name}” into “{target.name}”?\n\n"
                f"{count} coding(s) move to “{target.name}” (a coding it already has on the "
                f"same span is not doubled); its memos"
                + (f" and {children} child code(s)" if children else "")
                + f" go with them, and “{code.name}” is deleted. u undoes it."
            )
            self.app.push_screen(
                ConfirmDialog.yes_no(question, "Merge"),
                lambda answer: self._merge_confirmed(code, target, node, answer),
            )

        self.app.push_screen(CodePickerDialog(others, f"Merge “{code.name}” into"), chosen)

    def _merge_confirmed(self, code: Code, target: Code, node: Node, answer: str | None) -> None:
        if answer != "yes":
            return
        moved = 0

        def act() -> None:
            nonlocal moved
            moved = self.workbench.project.merge_codes(code.id, target.id, self.workbench.coder)

        if safely(self, act):
            self.notify(
                f"Merged “{code.name}” into “{target.name}”: {moved} coding(s) moved.",
                markup=False,
            )
            self._refill(Node("code", target.id, node.practice))

    def action_delete(self) -> None:
        found = self._current_code()
        if found is None:
            return
        code, node = found
        count = self.counts.get(code.id, 0)
        children = len([c for c in self.codes if c.parent == code.id])
        moving = f" Its {children} child code(s) move up a level." if children else ""
        if count:
            dialog = ConfirmDialog(
                f"“{code.name}” has {count} coding(s). Merge them into another code, or delete "
                f"them with the code?{moving} u undoes either.",
                [
                    Choice("merge", "Merge into…", "m", "primary"),
                    Choice("delete", f"Delete with its {count} coding(s)", "d", "error"),
                    CANCEL,
                ],
            )
        else:
            dialog = ConfirmDialog.yes_no(
                f"Delete the code “{code.name}”?{moving} u undoes it.", "Delete"
            )

        def answered(answer: str | None) -> None:
            if answer == "merge":
                self._merge(code, node)
            elif answer in ("yes", "delete"):
                self._delete(code, force=answer == "delete")

        self.app.push_screen(dialog, answered)

    def _delete(self, code: Code, force: bool) -> None:
        removed = 0

        def act() -> None:
            nonlocal removed
            removed = self.workbench.project.remove_code(code.id, self.workbench.coder, force)

        if safely(self, act):
            with_codings = f" and its {removed} coding(s)" if removed else ""
            self.notify(f"Deleted “{code.name}”{with_codings}.", markup=False)
            self._refill()

    def action_memo(self) -> None:
        """The coder's memo on the highlighted code (a new one, or theirs to edit)."""
        current = self._current_code()
        if current is None:
            self.notify("Highlight a code to write a memo on it.")
            return
        code, node = current
        app = self.workbench
        write_memo(
            app,
            f"Memo on the code “{code.name}”",
            mine(app.code_memos(code.id), app.coder, target="code"),
            lambda text: app.project.add_memo("code", text, app.coder, code=code.id),
            lambda: self._show(self._find(node)),
        )

    def action_find(self) -> None:
        def chosen(key: str | None) -> None:
            if key:
                self._move_cursor(Node("code", key))

        self.app.push_screen(CodePickerDialog(self.codes, "Go to code"), chosen)

    def action_undo(self) -> None:
        self._history(self.workbench.project.undo, "Undone", forward=False)

    def action_redo(self) -> None:
        self._history(self.workbench.project.redo, "Redone", forward=True)

    def _history(self, step: Callable[[str], Step | None], verb: str, forward: bool) -> None:
        done: list[Step] = []

        def act() -> None:
            if (found := step(self.workbench.coder)) is not None:
                done.append(found)

        if not safely(self, act):
            return
        if not done:
            self.notify(f"Nothing to {verb.lower()[:-2]}.")
            return
        self.notify(f"{verb}: {done[0].describe()}", markup=False)
        self._refill()
        key = self._affected(done[0].action, done[0].payload, forward)
        if key:
            self._move_cursor(Node("code", key))

    def _affected(self, action: str, payload: Mapping[str, Any], forward: bool) -> str | None:
        """The code an undone or redone step leaves in place, to put the cursor on."""
        name: str | None = None
        if action.startswith("coding."):
            return str(payload["code"])
        if action == "code.add":
            return str(payload["key"]) if forward else None
        if action == "code.edit":
            name = payload["after"].get("name", payload["name"]) if forward else payload["name"]
        elif action in ("code.merge", "code.remove") and not forward:
            return str(payload["source"]["key"])
        elif action == "code.merge":
            name = payload["target_name"]
        return next((c.id for c in self.codes if c.name == name), None)

    def action_back(self) -> None:
        self.app.pop_screen()

    # --- helpers ----------------------------------------------------------------------------

    def _edit(self, code: Code, focus: Node, **changes: Any) -> None:
        if safely(
            self, lambda: self.workbench.project.edit_code(code.id, self.workbench.coder, **changes)
        ):
            self._refill(focus)

    def _current(self) -> Node | None:
        tree: Tree[Node] = self.query_one("#codebook-tree", Tree)
        return tree.cursor_node.data if tree.cursor_node is not None else None

    def _current_code(self) -> tuple[Code, Node] | None:
        node = self._current()
        code = self._code(node.key) if node and node.kind == "code" else None
        if code is None or node is None:
            self.notify("Highlight a code first (arrows, or / to find one).", severity="warning")
            return None
        return code, node

    def _code(self, key: str | None) -> Code | None:
        return next((c for c in self.codes if c.id == key), None)

    def _practices(self) -> dict[str, Practice]:
        framework = self.framework
        return {p.id: p for p in framework.practices()} if framework else {}

    def _practice_name(self, key: str | None) -> str:
        practice = self._practices().get(key or "")
        return practice.name if practice else key or ""

    def _in_framework_order(self, keys: list[str]) -> list[str]:
        order = list(self._practices())
        return sorted(dict.fromkeys(keys), key=lambda k: order.index(k) if k in order else 0)


def _walk(node: TreeNode[Node]) -> Iterator[TreeNode[Node]]:
    """Every node below `node`, depth first, in the order the tree shows them."""
    for child in node.children:
        yield child
        yield from _walk(child)
