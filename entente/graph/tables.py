"""Write the relations of a store as a CSV table.

One row per agreement or restriction, for spreadsheets and pandas. Columns, in
this order (:data:`RELATION_COLUMNS`):

``iri``, ``kind`` (``agreement``/``restriction``), ``type``, ``status`` (concept
keys), ``name`` (the proper name an article gives it, if any), ``parties``,
``imposers``, ``targets`` (actor labels), ``party_codes``
(ISO 3166-1 alpha-3 codes of every participant: parties, imposers and targets;
a person's or organisation's is its state's), ``technologies`` (labels),
``technology_tops`` (labels of their top concepts), ``date`` (lexical:
``2020-10-06``, ``2021-03``...), ``negated``, ``hedged`` (``true``/``false``),
``confidence``, ``articles`` (article ids), ``evidence`` and ``sentence`` (of
the first mention: earliest article, then lowest sentence index).

Multi-valued cells are ``;``-joined, sorted, without repeats. Unknown values are
empty cells. Rows are sorted by date (undated last), then IRI.

The file is UTF-8 without a byte-order mark, written by :mod:`csv` with its
default dialect (``\\r\\n`` line ends, fields quoted when needed: commas, quotes,
newlines), so :func:`csv.reader` gives back every value as stored. Labels and
evidence come from the store, where they are NFC text without the control
characters XML forbids (:func:`entente.graph.rdf.clean_text`).

Spreadsheet formula injection: the values come from news text, and a spreadsheet
program runs a cell starting with ``=``, ``+``, ``-`` or ``@`` (also tab, carriage
return and their full-width forms) as a formula (``=HYPERLINK(...)``,
``=cmd|...``). By default such a cell is written with a leading apostrophe
(``'=SUM(A1)``), as OWASP recommends: spreadsheets then show it as text, and the
apostrophe is the only change (:data:`FORMULA_PREFIXES`). Pass
``formula_guard=False`` to :func:`write_relations_csv` to write the values
unchanged (for pandas and other programs that never evaluate cells);
:func:`relation_rows` always returns them unchanged.

Limits:
    A label that itself contains ``;`` cannot be told apart from two labels.
    With the guard on, a value that really starts with an apostrophe followed by
    one of those characters reads back the same as a guarded one.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from typing import IO

import pyoxigraph as ox

from entente.errors import ExportError
from entente.graph.views import RelationInfo, Snapshot, read_snapshot

__all__ = [
    "FORMULA_PREFIXES",
    "RELATION_COLUMNS",
    "guard_formula",
    "relation_rows",
    "write_relations_csv",
]

RELATION_COLUMNS = (
    "iri",
    "kind",
    "type",
    "status",
    "name",
    "parties",
    "imposers",
    "targets",
    "party_codes",
    "technologies",
    "technology_tops",
    "date",
    "negated",
    "hedged",
    "confidence",
    "articles",
    "evidence",
    "sentence",
)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""First characters that make a spreadsheet read a cell as a formula (OWASP list,
plus the full-width forms some spreadsheets normalise)."""


def guard_formula(value: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula; others unchanged."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def relation_rows(store: ox.Store) -> list[dict[str, str]]:
    """The rows of the relations table, as dicts keyed by :data:`RELATION_COLUMNS`.

    Args:
        store: A pyoxigraph store laid out as in ``docs/model.md``; only read.
    """
    snap = read_snapshot(store)
    return [_row(snap, rel) for rel in snap.relations]


def write_relations_csv(
    store: ox.Store,
    path_or_file: str | os.PathLike[str] | IO[bytes],
    *,
    formula_guard: bool = True,
) -> int:
    """Write one CSV row per agreement or restriction (see the module docstring).

    Args:
        store: A pyoxigraph store laid out as in ``docs/model.md``; only read.
        path_or_file: File name, or a binary file object opened for writing. A
            file name is written in place; :func:`entente.graph.export.export`
            writes atomically.
        formula_guard: Prefix ``'`` to cells that a spreadsheet would run as a
            formula (:func:`guard_formula`).

    Returns:
        The number of rows written, header excluded.

    Raises:
        ExportError: The file cannot be written.
    """
    rows = relation_rows(store)
    if formula_guard:
        rows = [{key: guard_formula(value) for key, value in row.items()} for row in rows]
    try:
        if hasattr(path_or_file, "write"):
            _write(rows, path_or_file)
        else:
            with open(path_or_file, "wb") as file:
                _write(rows, file)
    except OSError as exc:
        raise ExportError(f"cannot write CSV to {path_or_file}: {exc}") from exc
    return len(rows)


class _Utf8Writer:
    """What :mod:`csv` writes to: encodes each line onto a binary file."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    def write(self, text: str) -> int:
        # surrogatepass: a lone surrogate from a badly decoded source must not
        # abort the export halfway.
        return self._file.write(text.encode("utf-8", "surrogatepass"))


def _write(rows: list[dict[str, str]], file: IO[bytes]) -> None:
    writer = csv.DictWriter(_Utf8Writer(file), fieldnames=RELATION_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)


def _joined(values: Iterable[str | None]) -> str:
    return ";".join(sorted({v for v in values if v}))


def _row(snap: Snapshot, rel: RelationInfo) -> dict[str, str]:
    codes = (snap.actors[a].code for a in rel.participants if a in snap.actors)
    return {
        "iri": rel.iri,
        "kind": rel.kind,
        "type": rel.type,
        "status": rel.status,
        "name": rel.name or "",
        "parties": _joined(snap.actor_label(a) for a in rel.parties),
        "imposers": _joined(snap.actor_label(a) for a in rel.imposers),
        "targets": _joined(snap.actor_label(a) for a in rel.targets),
        "party_codes": _joined(codes),
        "technologies": _joined(snap.concept_label(t) for t in rel.technologies),
        "technology_tops": _joined(snap.top_label(t) for t in rel.technologies),
        "date": rel.date or "",
        "negated": "true" if rel.negated else "false",
        "hedged": "true" if rel.hedged else "false",
        "confidence": "" if rel.confidence is None else repr(rel.confidence),
        "articles": ";".join(rel.articles),
        "evidence": rel.evidence or "",
        "sentence": rel.sentence or "",
    }
