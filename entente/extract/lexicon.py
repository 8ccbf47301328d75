"""Trigger and cue lexicons, loaded from the data files in ``entente/extract/data``.

``triggers.jsonl`` lists the words that announce an agreement or a restriction,
``cues.jsonl`` the words that negate, hedge, bound a clause or refer back to a
group of actors. Each entry gives phrases as lists of *lemmas*; they are expanded
here into every inflected form found in spaCy's English lemma lookup table
(``spacy-lookups-data``), so that the matcher can work on lower-cased text. That
keeps matching independent of the lemmatizer and of the text's case, which
matters for upper-case newswire and headlines ("REAGAN SAYS U.S. TO OFFER...").
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from entente.errors import ExtractionError
from entente.records import AGREEMENT_TYPES, RESTRICTION_TYPES, STATUSES

__all__ = [
    "Cue",
    "Trigger",
    "inflections",
    "load_cues",
    "load_memberships",
    "load_triggers",
    "phrase_forms",
]

_CUE_KINDS = (
    "negation",
    "hedge",
    "future",
    "location",
    "boundary",
    "group_reference",
    "idiom",
    "continuation",
    "adversary",
    "first_person",
    "schedule",
    "deadline",
    "concluded",
    "failure",
    "lifting",
)


@dataclass(frozen=True, slots=True)
class Trigger:
    """A family of trigger phrases with what they imply.

    Attributes:
        id: Name of the entry, used as the matcher key and as the rule name.
        kind: ``agreement`` or ``restriction``.
        role: ``verb`` (sets the status) or ``noun`` (names the kind of relation).
        type: The relation type it implies, or ``None`` when it only sets a status.
        status: The status it implies, or ``None``.
        weight: Prior confidence of a relation found by this trigger alone.
        weak: A weak trigger ("develop", "support") only yields a relation together
            with a strong one, or with two actors and a technology in its clause.
        phrases: The phrases, each a tuple of lemmas.
    """

    id: str
    kind: str
    role: str
    type: str | None
    status: str | None
    weight: float
    weak: bool
    phrases: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Cue:
    """Phrases that negate, hedge, bound clauses, or refer to a group of actors."""

    id: str
    cue: str
    phrases: tuple[tuple[str, ...], ...]


def _read_jsonl(name: str) -> list[tuple[int, dict]]:
    path = resources.files("entente.extract") / "data" / name
    rows = []
    with path.open(encoding="utf-8") as stream:
        for lineno, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ExtractionError(f"{name}:{lineno}: invalid JSON: {exc.msg}") from exc
            rows.append((lineno, row))
    return rows


def _phrases(name: str, lineno: int, row: dict) -> tuple[tuple[str, ...], ...]:
    phrases = row.get("phrases")
    if not phrases or not all(isinstance(p, list) and p for p in phrases):
        raise ExtractionError(f"{name}:{lineno}: 'phrases' must be a list of non-empty lists")
    return tuple(tuple(word.lower() for word in phrase) for phrase in phrases)


@lru_cache(maxsize=1)
def load_triggers() -> tuple[Trigger, ...]:
    """The trigger lexicon from ``triggers.jsonl``, validated."""
    triggers = []
    for lineno, row in _read_jsonl("triggers.jsonl"):
        where = f"triggers.jsonl:{lineno}"
        kind = row.get("kind")
        types = AGREEMENT_TYPES if kind == "agreement" else RESTRICTION_TYPES
        if kind not in ("agreement", "restriction"):
            raise ExtractionError(f"{where}: kind must be agreement or restriction, not {kind!r}")
        if row.get("type") is not None and row["type"] not in types:
            raise ExtractionError(f"{where}: unknown {kind} type {row['type']!r}")
        if row.get("status") is not None and row["status"] not in STATUSES:
            raise ExtractionError(f"{where}: unknown status {row['status']!r}")
        if row.get("role") not in ("verb", "noun"):
            raise ExtractionError(f"{where}: role must be verb or noun")
        triggers.append(
            Trigger(
                id=row["id"],
                kind=kind,
                role=row["role"],
                type=row.get("type"),
                status=row.get("status"),
                weight=float(row.get("weight", 0.6)),
                weak=bool(row.get("weak", False)),
                phrases=_phrases("triggers.jsonl", lineno, row),
            )
        )
    ids = [t.id for t in triggers]
    if len(ids) != len(set(ids)):
        raise ExtractionError("triggers.jsonl: trigger ids must be unique")
    return tuple(triggers)


@lru_cache(maxsize=1)
def load_cues() -> tuple[Cue, ...]:
    """The cue lexicon from ``cues.jsonl``, validated."""
    cues = []
    for lineno, row in _read_jsonl("cues.jsonl"):
        if row.get("cue") not in _CUE_KINDS:
            raise ExtractionError(
                f"cues.jsonl:{lineno}: cue must be one of {', '.join(_CUE_KINDS)}"
            )
        cues.append(Cue(row["id"], row["cue"], _phrases("cues.jsonl", lineno, row)))
    return tuple(cues)


@lru_cache(maxsize=1)
def load_memberships() -> dict[str, tuple[str, ...]]:
    """Member states of small, stable groupings (``memberships.tsv``): Quad -> AUS, IND...

    Only groupings whose membership is fixed are listed: "we" in a Quad statement
    are its four members, but NATO's or the EU's membership depends on the date.
    """
    path = resources.files("entente.extract") / "data" / "memberships.tsv"
    members: dict[str, tuple[str, ...]] = {}
    with path.open(encoding="utf-8") as stream:
        for lineno, line in enumerate(stream, 1):
            if lineno == 1 or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            codes = fields[1].split("|") if len(fields) > 1 else []
            if not fields[0].startswith("organization/") or not all(
                len(c) == 3 and c.isupper() for c in codes
            ):
                raise ExtractionError(f"memberships.tsv:{lineno}: expected an organization id "
                                      "and |-separated ISO alpha-3 codes")  # fmt: skip
            members[fields[0]] = tuple(f"state/{c}" for c in codes)
    return members


@lru_cache(maxsize=1)
def _inverse_lemma_table() -> dict[str, frozenset[str]]:
    """Map each lemma to the word forms that spaCy's English lookup table reduces to it."""
    import spacy_lookups_data
    import srsly

    path = resources.files(spacy_lookups_data) / "data" / "en_lemma_lookup.json.gz"
    with resources.as_file(path) as file:
        table: dict[str, str] = srsly.read_gzip_json(file)
    inverse: dict[str, set[str]] = defaultdict(set)
    for form, lemma in table.items():
        inverse[lemma.lower()].add(form.lower())
    return {lemma: frozenset(forms) for lemma, forms in inverse.items()}


def inflections(lemma: str) -> frozenset[str]:
    """All lower-case forms of ``lemma`` (itself, plurals, tenses, British spellings kept)."""
    forms = set(_inverse_lemma_table().get(lemma, ()))
    forms.add(lemma)
    if lemma.isalpha() and len(lemma) > 2:
        forms.add(lemma + "s")  # plural of nouns the table does not know ("mous")
    return frozenset(forms)


def phrase_forms(phrase: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every sequence of lower-case tokens a phrase of lemmas matches.

    Each word stands for all its inflections (:func:`inflections`); a word written
    ``=form`` stands for that exact form only ("=adding"). The forms are spelled out
    for a ``PhraseMatcher`` on ``LOWER``, which looks tokens up in a hash table
    (a ``Matcher`` of word sets tested every pattern at every token: 7x slower).
    """
    choices = []
    for word in phrase:
        if word.startswith("="):
            choices.append((word[1:],))
        elif word.isalpha() or "-" in word:
            choices.append(tuple(sorted(inflections(word))))
        else:
            choices.append((word,))
    return list(itertools.product(*choices))
