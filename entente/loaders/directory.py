"""Reading every supported file under a directory, recursively.

Files are visited in a stable order: the entries of each directory sorted by
name, each subdirectory read where it falls in that order. Hidden files and
directories (name starting with ``.``) are skipped, and so are files whose
extension no reader knows and ``.xml`` files that are not feeds, silently,
since a corpus folder often holds other things too.

Single-document files (text, HTML) get the id of their path relative to the
directory given, with ``/`` separators (``2020/india-japan.txt``), so that files
of the same name in different folders do not collide; feed entries without an
id or link likewise fall back to ``<relative path>#<n>``.

Symbolic links are followed; a directory reached again through a link (a cycle)
is not read twice.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from entente.errors import InputError
from entente.loaders.formats import read_file
from entente.loaders.reporting import OnError, report
from entente.records import Article

__all__ = ["read"]


def read(path: Path, on_error: OnError = None) -> Iterator[Article]:
    """Read every supported file under ``path``.

    Args:
        path: The directory.
        on_error: Called with each :class:`~entente.errors.InputError` (a bad
            record, file, or unreadable subdirectory); ``None`` raises the first.

    Yields:
        The articles of each file, file by file.

    Raises:
        InputError: When ``on_error`` is ``None``, for the first bad record.
    """
    yield from _walk(path, path, on_error, set())


def _walk(root: Path, folder: Path, on_error: OnError, seen: set[Path]) -> Iterator[Article]:
    try:
        real = folder.resolve()
        if real in seen:
            return
        seen.add(real)
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        reason = f"cannot read directory: {exc.strerror or exc}"
        report(InputError(str(folder), None, reason), on_error)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = folder / entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(root, child, on_error, seen)
        else:
            name = child.relative_to(root).as_posix()
            yield from read_file(child, on_error, name=name, explicit=False)
