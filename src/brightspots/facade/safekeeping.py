"""Keeping a project safe: backups, checks and pseudonymisation."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from brightspots import checkup
from brightspots.checkup import CheckReport, RepairReport
from brightspots.errors import NotFoundError
from brightspots.facade.base import ProjectPart
from brightspots.pseudonym import PseudonymOptions, PseudonymReport, pseudonymise
from brightspots.store.backup import Backup, back_up, list_backups, restore_backup


class Safekeeping(ProjectPart):
    # --- backups ---------------------------------------------------------------------------

    def backup(self, destination: Path | None = None, reason: str = "manual") -> Path:
        """Copy the project now with SQLite's online backup API (other programs may keep
        working): beside it, where older backups are rotated, or to `destination`, which
        is never rotated. Front ends and other parts call this before anything drastic."""
        return back_up(self.store.db.conn, self.store.path, reason, destination)

    def backups(self) -> list[Backup]:
        """The backups beside this project, newest first."""
        return list_backups(self.store.path)

    @staticmethod
    def list_backups(path: Path) -> list[Backup]:
        """The backups beside a project file, newest first (the file need not open)."""
        return list_backups(path)

    @staticmethod
    def restore(path: Path, backup: Path | str) -> tuple[Path, Path | None]:
        """Replace the project file with a backup: a path, or its number in `list_backups`
        (1 = the newest). The current file is backed up first and the swap is one rename;
        refused while another program has the project open. Returns (the backup restored,
        the copy of the file it replaced)."""
        chosen = Safekeeping._choose_backup(path, backup)
        return chosen, restore_backup(path, chosen)

    @staticmethod
    def _choose_backup(path: Path, backup: Path | str) -> Path:
        if isinstance(backup, str) and backup.isdigit():
            backups = list_backups(path)
            number = int(backup)
            if not 1 <= number <= len(backups):
                raise NotFoundError(
                    f"no backup number {number} of {path}: it has {len(backups)} "
                    "(`brightspots restore PROJECT` lists them)"
                )
            return backups[number - 1].path
        return Path(backup)

    # --- checks ----------------------------------------------------------------------------

    def check(self) -> CheckReport:
        """Integrity, orphans, and codings whose span no longer holds their snippet."""
        return checkup.check(self.store)

    @staticmethod
    def check_file(path: Path) -> CheckReport:
        """Check a project file, even one too damaged to open (then that is the report)."""
        return checkup.check_file(path)

    def repair(self) -> RepairReport:
        """Mend what a check marks repairable, after a backup; deletes no coding."""
        return checkup.repair(self.store)

    # --- privacy ---------------------------------------------------------------------------

    def pseudonymise(
        self,
        key: Path,
        names_files: Sequence[Path] = (),
        patterns: Path | None = None,
        speakers: bool = True,
        attributes: Sequence[str] = (),
        parts: bool = True,
        dry_run: bool = False,
    ) -> PseudonymReport:
        """Replace the names of people and places everywhere, the same name by the same
        pseudonym, keeping codings on their words; the key goes to `key` (a CSV file
        outside the project, reused when it exists). `dry_run`: only say what would change."""
        options = PseudonymOptions(
            names_files=tuple(names_files),
            patterns=patterns,
            speakers=speakers,
            attributes=tuple(attributes),
            parts=parts,
        )
        return pseudonymise(self.store, key, options, dry_run)
