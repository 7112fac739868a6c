"""Output folders the instructor tools own: they replace their own files and never anything else.

A folder written by a command holds a manifest, ``.lecture_code-written``,
listing every file that command wrote there. Writing into it again first
removes exactly those files (and folders left empty), so a student site pushed
to the students' repository keeps its ``.git``, a README added on GitHub, and
``_build``. A file the command would write that exists but is not in the
manifest (something the instructor or another tool put there) makes the
command stop with :class:`FileExistsError` before anything is changed.
"""
from __future__ import annotations

from pathlib import Path

MANIFEST = ".lecture_code-written"


class OwnedFolder:
    """A folder a command writes into; call :meth:`claim` with every path first, then write them."""

    def __init__(self, folder: Path, command: str):
        self.folder, self.command = Path(folder).resolve(), command
        self.manifest = self.folder / MANIFEST
        self.previous: set[str] = set()
        if self.manifest.is_file():
            lines = self.manifest.read_text(encoding="utf-8").splitlines()
            self.previous = {line for line in lines if line and not line.startswith("#")}
        self.written: set[str] = set()

    def _relative(self, path: Path) -> str:
        path = Path(path).resolve() if Path(path).is_absolute() else (self.folder / path).resolve()
        if not path.is_relative_to(self.folder) or path == self.manifest:
            raise ValueError(f"{path} is not a file {self.command} may write in {self.folder}")
        return path.relative_to(self.folder).as_posix()

    def claim(self, paths, replace_all: bool = True) -> None:
        """Check that every path (relative to the folder or absolute) is free or ours; then remove our old files.

        With ``replace_all`` false, only the old files among ``paths`` are
        replaced and the command's other earlier files are kept. Raises
        ``FileExistsError`` naming the files that are in the way, and changes nothing then.
        """
        wanted = {self._relative(p) for p in paths}
        foreign = sorted(p for p in wanted if (self.folder / p).exists() and p not in self.previous)
        foreign += sorted(p for p in wanted if (self.folder / p).is_dir() and not (self.folder / p).is_symlink()
                          and p in self.previous)
        if foreign:
            shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise FileExistsError(
                f"{self.folder} already holds {shown}, which {self.command} did not write; "
                "move it away or choose another folder (nothing was changed)")
        self.folder.mkdir(parents=True, exist_ok=True)
        kept = set() if replace_all else self.previous - wanted
        for relative in sorted(self.previous - kept, reverse=True):
            path = self.folder / relative
            if path.is_file() or path.is_symlink():
                path.unlink()
            parent = path.parent
            while parent != self.folder and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
        self.previous = set()
        self.written = wanted | kept
        self._save()

    def path(self, relative: str | Path) -> Path:
        """The absolute path of a claimed file, its folder created."""
        key = self._relative(relative)
        if key not in self.written:
            raise ValueError(f"{key} was not claimed before writing it")
        target = self.folder / key
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def _save(self) -> None:
        lines = [f"# files written by {self.command}; running it again replaces exactly these",
                 *sorted(self.written)]
        self.manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
