"""The technology scheme and the type/status schemes as plain Python records.

The extractor must not import rdflib, so this module reads ``technologies.ttl``
and ``types.ttl`` with pyoxigraph's streaming parser and returns frozen
dataclasses of plain strings. The files are checked while they are read: a
concept without ``skos:notation`` or ``skos:prefLabel``, a notation that differs
from the key in the IRI, a ``skos:broader`` that points nowhere or loops, a
concept that reaches no top concept, or a label (case-folded) used by two
concepts raises :class:`~entente.errors.OntologyError`.

Example::

    >>> from entente.ontology.technologies import load_technologies
    >>> by_key = {t.key: t for t in load_technologies()}
    >>> by_key["5g"].top
    'telecommunications'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pyoxigraph as ox

from entente.errors import OntologyError
from entente.ontology import ENT_IRI, ENTR_IRI, path

__all__ = [
    "CONCEPT_SCHEMES",
    "TOP_CONCEPTS",
    "Technology",
    "load_concept_keys",
    "load_technologies",
    "parse_technologies",
    "top_concepts",
]

TOP_CONCEPTS: tuple[str, ...] = (
    "telecommunications",
    "semiconductors",
    "computing",
    "artificial_intelligence",
    "cybersecurity",
    "space",
    "nuclear",
    "defence",
    "aerospace",
    "energy",
    "critical_minerals",
    "biotechnology",
    "automotive",
    "trade_general",
    "other",
)
"""Keys of the technology scheme's top concepts (the sectors), in a stable order."""

CONCEPT_SCHEMES: dict[str, tuple[str, str]] = {
    "TechnologyScheme": ("technologies.ttl", "technology/"),
    "AgreementTypeScheme": ("types.ttl", "agreement-type/"),
    "RestrictionTypeScheme": ("types.ttl", "restriction-type/"),
    "StatusScheme": ("types.ttl", "status/"),
}
"""Each scheme's local name in ``ent:`` -> (file, IRI path under ``entr:``)."""

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_CONCEPT = _SKOS + "Concept"
_IN_SCHEME = _SKOS + "inScheme"
_TOP_CONCEPT_OF = _SKOS + "topConceptOf"
_BROADER = _SKOS + "broader"
_NOTATION = _SKOS + "notation"
_PREF_LABEL = _SKOS + "prefLabel"
_ALT_LABEL = _SKOS + "altLabel"
_TECHNOLOGY_SCHEME = ENT_IRI + "TechnologyScheme"
_TECHNOLOGY_PREFIX = ENTR_IRI + "technology/"


@dataclass(frozen=True, slots=True)
class Technology:
    """One concept of the technology scheme.

    Attributes:
        key: The concept's ``skos:notation``, also the last IRI segment (``5g``).
        label: The English ``skos:prefLabel`` ("5G").
        top: Key of the top concept it falls under; a top concept's ``top`` is
            its own key.
        alt_labels: The English ``skos:altLabel`` values, in file order.
        broader: Key of the ``skos:broader`` concept, ``None`` for a top concept.
    """

    key: str
    label: str
    top: str
    alt_labels: tuple[str, ...] = ()
    broader: str | None = None

    @property
    def iri(self) -> str:
        """The concept's IRI, ``https://w3id.org/entente/id/technology/<key>``."""
        return _TECHNOLOGY_PREFIX + self.key

    @property
    def labels(self) -> tuple[str, ...]:
        """The preferred label followed by the alternative labels."""
        return (self.label, *self.alt_labels)

    @property
    def is_top(self) -> bool:
        """Whether this is one of the :data:`TOP_CONCEPTS`."""
        return self.broader is None


@dataclass
class _Raw:
    """What the file says about one concept, before checking."""

    notations: list[str]
    pref_labels: list[str]
    alt_labels: list[str]
    broader: list[str]
    schemes: set[str]
    top_of: set[str]


def _is_english(literal: ox.Literal) -> bool:
    language = literal.language
    return language is None or language.lower() == "en" or language.lower().startswith("en-")


def _read_concepts(source: Path | str) -> dict[str, _Raw]:
    """Collect, per ``skos:Concept`` IRI in document order, the SKOS statements about it."""
    raw: dict[str, _Raw] = {}

    def get(iri: str) -> _Raw:
        if iri not in raw:
            raw[iri] = _Raw([], [], [], [], set(), set())
        return raw[iri]

    typed: set[str] = set()
    try:
        quads = list(ox.parse(path=str(source), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, OSError) as exc:
        raise OntologyError(f"{source}: cannot be parsed as Turtle: {exc}") from exc
    for quad in quads:
        subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
        if not isinstance(subject, ox.NamedNode):
            continue
        iri = subject.value
        if predicate == _RDF_TYPE and isinstance(obj, ox.NamedNode) and obj.value == _CONCEPT:
            typed.add(iri)
            get(iri)
        elif predicate == _NOTATION and isinstance(obj, ox.Literal):
            get(iri).notations.append(obj.value)
        elif predicate == _PREF_LABEL and isinstance(obj, ox.Literal) and _is_english(obj):
            get(iri).pref_labels.append(obj.value)
        elif predicate == _ALT_LABEL and isinstance(obj, ox.Literal) and _is_english(obj):
            get(iri).alt_labels.append(obj.value)
        elif predicate == _BROADER and isinstance(obj, ox.NamedNode):
            get(iri).broader.append(obj.value)
        elif predicate == _IN_SCHEME and isinstance(obj, ox.NamedNode):
            get(iri).schemes.add(obj.value)
        elif predicate == _TOP_CONCEPT_OF and isinstance(obj, ox.NamedNode):
            get(iri).top_of.add(obj.value)
    untyped = [iri for iri in raw if iri not in typed]
    if untyped:
        raise OntologyError(
            f"{source}: {untyped[0]} has SKOS statements but is not declared a skos:Concept"
        )
    return raw


def _key_of(source: Path | str, iri: str, info: _Raw, prefix: str) -> str:
    """Check the notation of a concept against its IRI and return it as the key."""
    if not iri.startswith(prefix):
        raise OntologyError(f"{source}: concept {iri} is not under {prefix}")
    if len(info.notations) != 1:
        raise OntologyError(
            f"{source}: concept {iri} has {len(info.notations)} skos:notation values; "
            "give it exactly one, equal to the last segment of its IRI"
        )
    key = info.notations[0]
    if prefix + key != iri:
        raise OntologyError(
            f"{source}: concept {iri} has skos:notation {key!r}, which does not match its IRI"
        )
    if len(info.pref_labels) != 1:
        raise OntologyError(
            f"{source}: concept {iri} has {len(info.pref_labels)} English skos:prefLabel "
            "values; give it exactly one"
        )
    return key


def parse_technologies(source: Path | str) -> tuple[Technology, ...]:
    """Read and check a technology scheme in Turtle.

    Use :func:`load_technologies` for the packaged scheme; this function exists
    for tests and for alternative schemes.

    Args:
        source: Path of a Turtle file in the shape of ``technologies.ttl``.

    Returns:
        One :class:`Technology` per ``skos:Concept`` of ``ent:TechnologyScheme``,
        in document order.

    Raises:
        OntologyError: If the file cannot be parsed or is inconsistent (see the
            module docstring); the message names the file and the concept.
    """
    raw = {
        iri: info
        for iri, info in _read_concepts(source).items()
        if _TECHNOLOGY_SCHEME in info.schemes or _TECHNOLOGY_SCHEME in info.top_of
    }
    keys = {iri: _key_of(source, iri, info, _TECHNOLOGY_PREFIX) for iri, info in raw.items()}
    broader: dict[str, str | None] = {}
    for iri, info in raw.items():
        key = keys[iri]
        is_top = _TECHNOLOGY_SCHEME in info.top_of
        if is_top and info.broader:
            raise OntologyError(f"{source}: top concept {key!r} must not have skos:broader")
        if not is_top and len(info.broader) != 1:
            raise OntologyError(
                f"{source}: concept {key!r} has {len(info.broader)} skos:broader values; "
                "a concept that is not a top concept needs exactly one"
            )
        if is_top:
            broader[key] = None
            continue
        target = info.broader[0]
        if target not in keys:
            raise OntologyError(
                f"{source}: concept {key!r} has skos:broader {target}, "
                "which is not a concept of the technology scheme"
            )
        broader[key] = keys[target]

    tops = [key for key, parent in broader.items() if parent is None]
    if set(tops) != set(TOP_CONCEPTS):
        raise OntologyError(
            f"{source}: the top concepts are {sorted(tops)}, expected {sorted(TOP_CONCEPTS)}"
        )

    def top_of(key: str) -> str:
        seen = [key]
        parent = broader[key]
        while parent is not None:
            if parent in seen:
                cycle = " -> ".join([*seen[seen.index(parent) :], parent])
                raise OntologyError(f"{source}: skos:broader cycle: {cycle}")
            seen.append(parent)
            key, parent = parent, broader[parent]
        return key

    owner: dict[str, str] = {}
    technologies = []
    for iri, info in raw.items():
        key = keys[iri]
        technology = Technology(
            key=key,
            label=info.pref_labels[0],
            top=top_of(key),
            alt_labels=tuple(info.alt_labels),
            broader=broader[key],
        )
        for label in technology.labels:
            folded = label.casefold()
            if folded in owner and owner[folded] != key:
                raise OntologyError(
                    f"{source}: label {label!r} is used by both {owner[folded]!r} and {key!r}; "
                    "the extractor needs every label to name one concept"
                )
            owner[folded] = key
        technologies.append(technology)
    return tuple(technologies)


@lru_cache(maxsize=1)
def load_technologies() -> tuple[Technology, ...]:
    """Return the packaged technology scheme, read once and cached.

    Returns:
        One :class:`Technology` per concept of ``technologies.ttl``.

    Raises:
        OntologyError: If the packaged file is missing or inconsistent.
    """
    return parse_technologies(path("technologies.ttl"))


def top_concepts(keys: Iterable[str]) -> frozenset[str]:
    """The top concepts of technology keys (``5g`` -> ``telecommunications``).

    A key that is not in the scheme stands for itself.
    """
    top = _top_by_key()
    return frozenset(top.get(key, key) for key in keys)


@lru_cache(maxsize=1)
def _top_by_key() -> dict[str, str]:
    return {t.key: t.top for t in load_technologies()}


@cache
def load_concept_keys(scheme: str) -> tuple[str, ...]:
    """Return the keys (``skos:notation``) of one packaged concept scheme, in file order.

    Args:
        scheme: The scheme's local name in ``ent:``: ``"AgreementTypeScheme"``,
            ``"RestrictionTypeScheme"``, ``"StatusScheme"`` or ``"TechnologyScheme"``.

    Returns:
        The keys, e.g. ``("cooperation", "formal_agreement", ...)``.

    Raises:
        OntologyError: If the scheme is unknown or its file is inconsistent.
    """
    if scheme not in CONCEPT_SCHEMES:
        raise OntologyError(
            f"unknown concept scheme {scheme!r}; expected one of {sorted(CONCEPT_SCHEMES)}"
        )
    if scheme == "TechnologyScheme":
        return tuple(technology.key for technology in load_technologies())
    file_name, segment = CONCEPT_SCHEMES[scheme]
    source = path(file_name)
    scheme_iri = ENT_IRI + scheme
    keys = [
        _key_of(source, iri, info, ENTR_IRI + segment)
        for iri, info in _read_concepts(source).items()
        if scheme_iri in info.schemes
    ]
    if len(set(keys)) != len(keys):
        raise OntologyError(f"{source}: duplicate skos:notation in {scheme}")
    return tuple(keys)
