"""Store tables of the framework (focus areas, practices) and the codebook (codes and their
mapping to practices)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from brightspots.models import Code, Codebook, FocusArea, Framework, Practice
from brightspots.store.rows import Tables, new_uid, now

SWAP = "\x00"  # marks code names freed during a codebook load


class CodeTables(Tables):
    def save_framework(self, framework: Framework) -> None:
        """Insert or update focus areas and practices by key (their uids stay stable)."""
        existing = {r[0]: r[1] for r in self.db.execute("SELECT key, num FROM framework_items")}
        position = 0
        for area in framework.focus_areas:
            area_num = self._upsert_item(
                existing, area.id, "focus_area", None, area.name, area.description, "", position
            )
            position += 1
            for practice in area.practices:
                self._upsert_item(
                    existing,
                    practice.id,
                    "practice",
                    area_num,
                    practice.name,
                    practice.description,
                    practice.status,
                    position,
                )
                position += 1
        self.set_meta(
            "framework",
            json.dumps(
                {
                    "id": framework.id,
                    "name": framework.name,
                    "version": framework.version,
                    "source": framework.source,
                },
                ensure_ascii=False,
            ),
        )

    def _upsert_item(
        self,
        existing: dict[str, int],
        key: str,
        kind: str,
        parent: int | None,
        name: str,
        description: str,
        status: str,
        position: int,
    ) -> int:
        if key in existing:
            self.db.execute(
                "UPDATE framework_items SET kind = ?, parent = ?, name = ?, description = ?, "
                "status = ?, position = ? WHERE num = ?",
                [kind, parent, name, description, status, position, existing[key]],
            )
            return existing[key]
        cursor = self.db.execute(
            "INSERT INTO framework_items (uid, key, kind, parent, name, description, status, "
            "position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [new_uid(), key, kind, parent, name, description, status, position],
        )
        return int(cursor.lastrowid or 0)

    def load_framework(self) -> Framework | None:
        raw = self.get_meta("framework")
        if raw is None:
            return None
        head = json.loads(raw)
        rows = self.db.execute(
            "SELECT num, key, kind, parent, name, description, status FROM framework_items "
            "ORDER BY position"
        ).fetchall()
        areas: list[FocusArea] = []
        for num, key, kind, _, name, description, _ in rows:
            if kind != "focus_area":
                continue
            practices = tuple(
                Practice(id=r[1], name=r[4], focus_area=key, description=r[5], status=r[6])
                for r in rows
                if r[3] == num
            )
            areas.append(FocusArea(key, name, description, practices))
        return Framework(head["id"], head["name"], head["version"], head["source"], tuple(areas))

    def save_codebook(self, codebook: Codebook) -> tuple[int, int]:
        """Insert new codes and update known ones by key; returns (added, updated).
        Codes absent from the file are kept (they may carry codings)."""
        existing = {r[0]: r[1] for r in self.db.execute("SELECT key, num FROM codes")}
        practice_nums = {
            r[0]: r[1]
            for r in self.db.execute("SELECT key, num FROM framework_items WHERE kind='practice'")
        }
        added = updated = 0
        nums: dict[str, int] = {}
        # Free names first, so two codes may swap names within one load.
        self.db.execute("UPDATE codes SET name = ? || uid", [SWAP])
        for position, code in enumerate(codebook.codes):
            values = [
                code.name,
                code.definition,
                code.inclusion,
                code.exclusion,
                json.dumps(list(code.examples), ensure_ascii=False),
                code.colour,
                code.key,
                position,
            ]
            if code.id in existing:
                nums[code.id] = existing[code.id]
                self.db.execute(
                    "UPDATE codes SET name = ?, definition = ?, inclusion = ?, exclusion = ?, "
                    "examples = ?, colour = ?, shortcut = ?, position = ? WHERE num = ?",
                    [*values, existing[code.id]],
                )
                updated += 1
            else:
                cursor = self.db.execute(
                    "INSERT INTO codes (uid, key, name, definition, inclusion, exclusion, "
                    "examples, colour, shortcut, position, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [new_uid(), code.id, *values, now()],
                )
                nums[code.id] = int(cursor.lastrowid or 0)
                added += 1
        self.db.execute("UPDATE codes SET name = key WHERE substr(name, 1, 1) = ?", [SWAP])
        for code in codebook.codes:
            parent = nums.get(code.parent) if code.parent else None
            self.db.execute("UPDATE codes SET parent = ? WHERE num = ?", [parent, nums[code.id]])
            self.db.execute("DELETE FROM code_practices WHERE code = ?", [nums[code.id]])
            self.db.conn.executemany(
                "INSERT INTO code_practices (code, practice) VALUES (?, ?)",
                [(nums[code.id], practice_nums[p]) for p in code.practices],
            )
        self.set_meta(
            "codebook",
            json.dumps(
                {
                    "id": codebook.id,
                    "name": codebook.name,
                    "version": codebook.version,
                    "framework": codebook.framework,
                },
                ensure_ascii=False,
            ),
        )
        return added, updated

    def load_codebook(self) -> Codebook | None:
        raw = self.get_meta("codebook")
        head = json.loads(raw) if raw else {"id": "", "name": "", "version": "", "framework": None}
        mapping: dict[int, list[str]] = {}
        for code, key in self.db.execute(
            "SELECT m.code, f.key FROM code_practices m JOIN framework_items f "
            "ON f.num = m.practice ORDER BY f.position"
        ):
            mapping.setdefault(code, []).append(key)
        rows = self.db.execute(
            "SELECT c.num, c.key, c.name, p.key, c.definition, c.inclusion, c.exclusion, "
            "c.examples, c.colour, c.shortcut FROM codes c LEFT JOIN codes p ON p.num = c.parent "
            "ORDER BY c.position, c.num"
        ).fetchall()
        if not rows and raw is None:
            return None
        codes = tuple(
            Code(
                id=r[1],
                name=r[2],
                parent=r[3],
                definition=r[4],
                inclusion=r[5],
                exclusion=r[6],
                examples=tuple(json.loads(r[7])),
                colour=r[8],
                key=r[9],
                practices=tuple(mapping.get(r[0], [])),
            )
            for r in rows
        )
        return Codebook(
            str(head["id"]), str(head["name"]), str(head["version"]), head["framework"], codes
        )

    def code_numbers(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.execute("SELECT key, num FROM codes")}

    def coding_counts(self, coder: str | None = None) -> dict[str, int]:
        """Codings per code key (of one coder when given); codes without any count 0."""
        counted = "SELECT code, count(*) AS n FROM codings"
        if coder is not None:
            counted += " WHERE coder = (SELECT num FROM coders WHERE name = ?)"
        rows = self.db.execute(
            f"SELECT k.key, coalesce(n.n, 0) FROM codes k LEFT JOIN ({counted} GROUP BY code) n "
            "ON n.code = k.num",
            [] if coder is None else [coder],
        )
        return {r[0]: r[1] for r in rows}

    # --- single codes, addressed by uid (what the history records) -------------------

    EDITABLE = (
        "key",
        "name",
        "definition",
        "inclusion",
        "exclusion",
        "examples",
        "colour",
        "shortcut",
        "position",
    )

    def get_code(self, ref: str) -> dict[str, Any] | None:
        """A code by uid or key: its columns, `parent` as a uid, `practices` as keys."""
        row = self.db.execute(
            "SELECT c.num, c.uid, c.key, c.name, p.uid, c.definition, c.inclusion, c.exclusion, "
            "c.examples, c.colour, c.shortcut, c.position, c.created_at FROM codes c "
            "LEFT JOIN codes p ON p.num = c.parent WHERE c.uid = ? OR c.key = ?",
            [ref, ref],
        ).fetchone()
        if row is None:
            return None
        keys = (
            "num",
            "uid",
            "key",
            "name",
            "parent",
            "definition",
            "inclusion",
            "exclusion",
            "examples",
            "colour",
            "shortcut",
            "position",
            "created_at",
        )
        code = dict(zip(keys, row, strict=True))
        code["examples"] = json.loads(code["examples"])
        code["practices"] = [
            r[0]
            for r in self.db.execute(
                "SELECT f.key FROM code_practices m JOIN framework_items f ON f.num = m.practice "
                "WHERE m.code = ? ORDER BY f.position",
                [code["num"]],
            )
        ]
        return code

    def insert_code(self, code: Mapping[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO codes (uid, key, name, definition, inclusion, exclusion, examples, "
            "colour, shortcut, position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                code["uid"],
                code["key"],
                code["name"],
                code.get("definition", ""),
                code.get("inclusion", ""),
                code.get("exclusion", ""),
                json.dumps(list(code.get("examples", [])), ensure_ascii=False),
                code.get("colour"),
                code.get("shortcut"),
                code.get("position", self._next_position()),
                code.get("created_at") or now(),
            ],
        )
        self.update_code(code["uid"], {k: code[k] for k in ("parent", "practices") if k in code})

    def _next_position(self) -> int:
        return int(
            self.db.execute("SELECT coalesce(max(position), -1) + 1 FROM codes").fetchone()[0]
        )

    def update_code(self, uid: str, changes: Mapping[str, Any]) -> None:
        """Change columns (see EDITABLE), `parent` (a uid or None), `practices` (keys)."""
        for column, value in changes.items():
            if column in self.EDITABLE:
                stored = (
                    json.dumps(list(value), ensure_ascii=False) if column == "examples" else value
                )
                self.db.execute(f"UPDATE codes SET {column} = ? WHERE uid = ?", [stored, uid])
            elif column == "parent":
                self.db.execute(
                    "UPDATE codes SET parent = (SELECT num FROM codes WHERE uid = ?) WHERE uid = ?",
                    [value, uid],
                )
            elif column == "practices":
                num = self.db.execute("SELECT num FROM codes WHERE uid = ?", [uid]).fetchone()[0]
                self.db.execute("DELETE FROM code_practices WHERE code = ?", [num])
                self.db.conn.executemany(
                    "INSERT INTO code_practices (code, practice) SELECT ?, num FROM "
                    "framework_items WHERE key = ? AND kind = 'practice'",
                    [(num, key) for key in value],
                )
            else:
                raise ValueError(f"cannot change a code's {column!r}")

    def delete_code(self, uid: str) -> None:
        self.db.execute("DELETE FROM codes WHERE uid = ?", [uid])

    def children_of(self, uid: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT c.uid FROM codes c JOIN codes p ON p.num = c.parent WHERE p.uid = ?", [uid]
            )
        ]

    def practice_keys(self) -> set[str]:
        return {
            r[0] for r in self.db.execute("SELECT key FROM framework_items WHERE kind = 'practice'")
        }
