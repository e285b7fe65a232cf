"""Where export files are kept: one small interface, a folder by default.

`EXPORT_DIR` sets the folder (the instance folder's `exports/` when unset); point it at a volume
every web and worker machine mounts when there are several. A file is written under a temporary
name and renamed when complete, so a worker that dies mid-export never leaves a file that looks
finished; `delete` removes both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from flask import Flask, Response, current_app, send_file

PARTIAL = ".part"


class FolderStorage:
    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, name: str) -> Path:
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"not a file name: {name!r}")
        return self.folder / name

    @contextmanager
    def writer(self, name: str) -> Iterator[BinaryIO]:
        """A stream to write `name` to; the file appears only if the block finishes."""
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self._path(name + PARTIAL)
        try:
            with partial.open("wb") as out:
                yield out
            os.replace(partial, self._path(name))
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def exists(self, name: str) -> bool:
        return bool(name) and self._path(name).is_file()

    def delete(self, name: str) -> None:
        if name:
            self._path(name).unlink(missing_ok=True)
            self._path(name + PARTIAL).unlink(missing_ok=True)

    def send(self, name: str, *, download_name: str, mimetype: str) -> Response:
        return send_file(
            self._path(name), mimetype=mimetype, as_attachment=True, download_name=download_name
        )


def export_storage(app: Flask | None = None) -> FolderStorage:
    app = app or current_app
    folder = app.config.get("EXPORT_DIR") or Path(app.instance_path) / "exports"
    return FolderStorage(Path(folder))
