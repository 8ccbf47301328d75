"""Reading whole source files into memory safely, and decoding them as UTF-8.

Text, HTML and feed files are read whole (each is one document or one feed), so
they are capped at :data:`MAX_FILE_BYTES`; corpora larger than that belong in
JSONL, which is streamed line by line.
"""

from __future__ import annotations

from pathlib import Path

from entente.errors import InputError

__all__ = ["MAX_FILE_BYTES", "decode_utf8", "normalize_text", "read_bytes"]

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest text, HTML or feed file that is read (64 MiB)."""


def read_bytes(path: Path, where: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a whole file, refusing files larger than ``limit``.

    Args:
        path: The file to read.
        where: How to name the file in error messages.
        limit: Largest size accepted, in bytes.

    Returns:
        The file's bytes.

    Raises:
        InputError: The file cannot be read or is larger than ``limit``.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(where, None, f"cannot read file: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise InputError(
            where,
            None,
            f"file is larger than {limit // (1024 * 1024)} MiB; "
            "split it, or convert it to JSONL (one article per line)",
        )
    return data


def decode_utf8(data: bytes, where: str) -> str:
    """Decode UTF-8 bytes, tolerating a byte order mark.

    Args:
        data: The raw bytes.
        where: How to name the source in error messages.

    Returns:
        The decoded text, without the byte order mark.

    Raises:
        InputError: The bytes contain NUL (a binary file) or are not valid UTF-8.
    """
    if b"\x00" in data:
        raise InputError(
            where, None, "file looks binary (it contains NUL bytes); expected UTF-8 text"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            where,
            None,
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02X} on line {line}); "
            "re-save it as UTF-8",
        ) from exc


def normalize_text(text: str) -> str:
    """Normalise line endings to ``\\n`` and strip surrounding whitespace."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()
