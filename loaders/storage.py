"""Files of a release where it is written: a local path, or a UPath for an fsspec URL (`--out s3://...`),
so that workers on several nodes write to shared storage. Local paths keep what only they offer:
atomic renames and hard links."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq


def local(path: Path) -> bool:
    return isinstance(path, Path)


def readable(path: Path) -> str | IO[bytes]:
    """What pyarrow reads `path` from."""
    return str(path) if local(path) else path.open("rb")


class ParquetSink(pq.ParquetWriter):
    """A ParquetWriter on `path`, whose file (when not local) is closed with it."""

    def __init__(self, path: Path, schema: pa.Schema, **options: Any) -> None:
        self._file = None if local(path) else path.open("wb")
        super().__init__(str(path) if self._file is None else self._file, schema, **options)

    def close(self) -> None:
        super().close()
        if self._file is not None:
            self._file.close()


def replace(source: Path, target: Path) -> None:
    """Move `source` (a file, or a folder to a name not taken) to `target`."""
    if local(source):
        os.replace(source, target)
    else:
        source.fs.mv(source.path, target.path, recursive=source.is_dir())


def remove_tree(path: Path) -> None:
    """Remove a folder and what it holds, if it exists."""
    if local(path):
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.fs.rm(path.path, recursive=True)


def link(source: Path, target: Path) -> None:
    """`target` as a hard link to `source` where both are local and on one file system, else a copy."""
    target.unlink(missing_ok=True)
    if local(source) and local(target):
        try:
            os.link(source, target)
            return
        except OSError:
            pass
        shutil.copyfile(source, target)
    else:
        target.write_bytes(source.read_bytes())
