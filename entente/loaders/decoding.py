"""Reading source files safely, decoding them, and cleaning the text they hold.

Text, HTML and feed files are read whole (each is one document or one feed), so
they are capped at :data:`MAX_FILE_BYTES`; corpora larger than that belong in
JSONL, which is streamed line by line.

Before anything parses a file, the checks here refuse what would make a parser
misbehave: binary content (NUL bytes), and in XML and HTML any declaration that
can define entities (:func:`refuse_declarations`), so an entity bomb is turned
away in microseconds instead of expanding in the parser.

Every article's text is then cleaned (:func:`clean_text`): NFC-normalised, so
that "Türkiye" typed with a combining diaeresis is the same name as the usual
spelling, and with lone surrogates (which JSON ``\\ud800`` escapes produce and
which neither spaCy nor the store can hold) replaced by U+FFFD.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from entente.errors import InputError
from entente.records import Article

__all__ = [
    "BINARY_PROBE_BYTES",
    "MAX_FILE_BYTES",
    "clean_article",
    "clean_text",
    "decode_utf8",
    "looks_binary",
    "normalize_text",
    "read_bytes",
    "refuse_declarations",
]

BINARY_PROBE_BYTES = 8192
"""How much of a streamed file is checked for NUL bytes before reading it."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

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


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` (a file's first bytes, or all of them) holds a NUL byte.

    No text format entente reads contains NUL; images, archives, programs and
    UTF-16 text do.
    """
    return b"\x00" in data


def clean_text(text: str) -> tuple[str, int]:
    """NFC-normalise ``text`` and replace lone surrogates with U+FFFD.

    Returns:
        The cleaned text and the number of surrogates replaced.
    """
    replaced = 0
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text, replaced = _SURROGATE.subn("\ufffd", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text, replaced


def clean_article(article: Article) -> tuple[Article, int]:
    """``article`` with every text field cleaned by :func:`clean_text`.

    Returns:
        The cleaned article (the same object if nothing changed) and the number of
        lone surrogates replaced in it.
    """
    changes: dict[str, str] = {}
    replaced = 0
    for name in ("id", "text", "title", "source", "url", "date", "language"):
        value = getattr(article, name)
        if not value:
            continue
        cleaned, count = clean_text(value)
        replaced += count
        if cleaned != value:
            changes[name] = cleaned
    return (replace(article, **changes) if changes else article), replaced


def refuse_declarations(data: bytes, where: str) -> None:
    """Refuse XML or HTML that declares entities or a DTD internal subset.

    Runs on the raw bytes *before* any parser sees them, so an entity bomb (a few
    hundred bytes that expand to gigabytes) is refused in microseconds. Refused:
    any ``<!ENTITY`` and any ``<!DOCTYPE`` with an internal subset
    (``<!DOCTYPE x [ ... ]>``), the only places entities can be defined in a
    document. A plain ``<!DOCTYPE html>`` or a DOCTYPE naming an external DTD
    (RSS 0.91's Netscape DOCTYPE) is allowed: no parser entente uses loads
    external DTDs. The bytes are also searched as decoded with the document's byte
    order mark or declared encoding, so UTF-16 or UTF-7 spellings hide nothing.

    Raises:
        InputError: The document declares entities or an internal subset, or
            declares an encoding that Python does not know.
    """
    texts = [data.lower()]
    encoding = _declared_encoding(data, where)
    if encoding is not None:
        texts.append(data.decode(encoding, errors="replace").lower().encode("utf-8", "replace"))
    for text in texts:
        if b"<!entity" in text:
            raise InputError(
                where,
                None,
                "declares XML entities (<!ENTITY>); such files are refused unread "
                "(an entity bomb can exhaust memory), remove the declarations",
            )
        doctype = text.find(b"<!doctype")
        while doctype >= 0:
            close = text.find(b">", doctype)
            if b"[" in text[doctype : close if close >= 0 else None]:
                raise InputError(
                    where,
                    None,
                    "declares a DTD internal subset (<!DOCTYPE ... [ ... ]>); such files are "
                    "refused unread, keep at most a plain <!DOCTYPE> line",
                )
            doctype = text.find(b"<!doctype", doctype + 1)


def _declared_encoding(data: bytes, where: str) -> str | None:
    """The encoding a byte order mark or an XML declaration names, if it is not UTF-8."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return None if name == "utf-8" else name
    match = _XML_ENCODING.match(data)
    if match is None:
        return None
    name = match.group(1).decode("ascii")
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise InputError(
            where, None, f"declares the unknown encoding {name!r}; re-save the file as UTF-8"
        ) from None
    return None if info.name == "utf-8" else info.name
