"""Minting IRIs for entente resources (see ``docs/model.md``).

IRIs are built only from canonical ids (``state/IND``, ``organization/huawei``,
technology keys, article ids), never from raw article text. Each path segment of
an id is NFC-normalised, then percent-encoded with :func:`urllib.parse.quote`
(``safe=""``), so the result is always a valid absolute IRI whatever the id holds
(spaces, ``<>``, ``#``, quotes, any script). The ``/`` between the segments of an
actor id is kept (``entr:state/IND``); ids that are one segment by nature
(article ids, technology and concept keys) have their ``/`` encoded as ``%2F``.

Relations and evidence mentions have no id of their own: their IRIs end in a
SHA-256 digest (32 hex characters) of the fields that identify them, so they are
stable across runs as long as the extraction gives the same result.

Long segments: a segment whose encoding is longer than :data:`MAX_SEGMENT_LENGTH`
(200) characters (a 10,000-character file name, a URL used as a feed entry id)
is shortened to its first encoded characters (whole characters only, at most 160)
followed by ``~`` and the SHA-256 digest (64 hex digits) of the NFC text. Such a
segment is always longer than 200 characters, so it can never equal the plain
encoding of another id.

So every minted IRI is plain ASCII (unreserved characters, ``%XX`` and ``/``):
no space, ``<>"{}|\\^`` or backquote, no control or bidirectional-formatting
character, no ``..`` segment. pyoxigraph accepts it as a :class:`NamedNode`
and every RDF syntax (N-Triples, Turtle, RDF/XML) can write it unescaped.

Limits:
    * Two ids that differ only by Unicode normalisation (NFC vs NFD) share an IRI,
      on purpose; ids that differ otherwise never do (for shortened segments: unless
      SHA-256 collides).
    * A lone surrogate in an id is encoded as its ``surrogatepass`` UTF-8 bytes, so
      it still yields a distinct, syntactically valid IRI (not a meaningful one).
    * A shortened segment cannot be decoded back to its id: read an article's id
      from its ``dcterms:identifier`` literal, not from its IRI. That literal is
      cleaned like any text (see :func:`entente.graph.rdf.clean_text`), so for an
      id holding control characters it differs from the id the IRI was minted from.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from urllib.parse import quote

from pyoxigraph import NamedNode

from entente.records import ACTOR_KINDS, Mention, Relation

__all__ = [
    "ACTORS_GRAPH",
    "DCTERMS",
    "ENT",
    "ENTR",
    "MAX_SEGMENT_LENGTH",
    "ONTOLOGY_GRAPH",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
    "Namespace",
    "actor_iri",
    "article_iri",
    "concept_iri",
    "encode_id",
    "graph_iri",
    "is_actor_id",
    "mention_iri",
    "relation_iri",
    "technology_iri",
]


class Namespace:
    """A namespace IRI that builds :class:`pyoxigraph.NamedNode` terms.

    ``ENT["Agreement"]`` is ``NamedNode("https://w3id.org/entente/ns#Agreement")``;
    ``str(ENT)`` and ``ENT.iri`` are the namespace IRI itself. Unlike an rdflib
    ``Namespace`` this is not a ``str``, so attribute access cannot be confused with
    string methods. The local name is appended as given: callers pass trusted term
    names, use :func:`encode_id` for anything else.
    """

    __slots__ = ("iri",)

    def __init__(self, iri: str) -> None:
        self.iri = iri

    def __getitem__(self, local: str) -> NamedNode:
        return NamedNode(self.iri + local)

    def __str__(self) -> str:
        return self.iri

    def __repr__(self) -> str:
        return f"Namespace({self.iri!r})"


ENT = Namespace("https://w3id.org/entente/ns#")
ENTR = Namespace("https://w3id.org/entente/id/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

ACTORS_GRAPH = ENTR["graph/actors"]
"""Named graph holding the description of every actor (shared by all articles)."""
ONTOLOGY_GRAPH = ENTR["graph/ontology"]
"""Named graph holding the vocabulary and concept schemes."""

_CONCEPT_SCHEMES = ("technology", "agreement-type", "restriction-type", "status")
_RELATION_KINDS = ("agreement", "restriction")


MAX_SEGMENT_LENGTH = 200
"""Longest encoded path segment kept whole; longer ones are shortened and hashed."""
_HASHED_PREFIX_LENGTH = 160


def _quote(text: str) -> str:
    return quote(text, safe="", errors="surrogatepass")


def _segment(value: str) -> str:
    """NFC-normalise and percent-encode one path segment (``/`` included)."""
    text = unicodedata.normalize("NFC", value)
    encoded = _quote(text)
    # "." and ".." are unreserved, but as whole segments IRI resolution would remove them.
    if encoded in (".", ".."):
        return encoded.replace(".", "%2E")
    if len(encoded) <= MAX_SEGMENT_LENGTH:
        return encoded
    # Cut between characters (never inside a %XX sequence of one character): the
    # prefix is 149-160 characters long, so with "~" and 64 hex digits the result is
    # always longer than MAX_SEGMENT_LENGTH and cannot equal a segment kept whole.
    prefix: list[str] = []
    size = 0
    for char in text:
        part = _quote(char)
        if size + len(part) > _HASHED_PREFIX_LENGTH:
            break
        prefix.append(part)
        size += len(part)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return "".join(prefix) + "~" + digest


def encode_id(identifier: str, *, keep_slashes: bool = True) -> str:
    """Percent-encode a canonical id for use as the path of an IRI.

    Args:
        identifier: The id (``state/IND``, ``a1``...).
        keep_slashes: Keep ``/`` as the separator of the id's own segments; when
            false the whole id is one segment and its ``/`` become ``%2F``.

    Returns:
        The encoded path, made only of unreserved ASCII characters, ``%XX`` and ``/``;
        a segment longer than :data:`MAX_SEGMENT_LENGTH` once encoded is shortened
        and ends in ``~`` and a SHA-256 digest (see the module docstring).

    Raises:
        ValueError: If the id is empty or (with ``keep_slashes``) has an empty segment.
    """
    if not isinstance(identifier, str) or not identifier:
        raise ValueError(f"an id must be a non-empty string, got {identifier!r}")
    if not keep_slashes:
        return _segment(identifier)
    segments = identifier.split("/")
    if any(not segment for segment in segments):
        raise ValueError(f"id {identifier!r} has an empty path segment")
    return "/".join(_segment(segment) for segment in segments)


def actor_iri(actor_id: str) -> NamedNode:
    """IRI of an actor from its canonical id: ``state/IND`` -> ``entr:state/IND``.

    Raises:
        ValueError: If the id is empty or has an empty segment.
    """
    return ENTR[encode_id(actor_id)]


def technology_iri(key: str) -> NamedNode:
    """IRI of a technology concept from its key: ``5g`` -> ``entr:technology/5g``.

    A ``technology/`` prefix on the key is accepted and ignored.

    Raises:
        ValueError: If the key is empty.
    """
    if isinstance(key, str) and key.startswith("technology/"):
        key = key[len("technology/") :]
    return concept_iri("technology", key)


def concept_iri(scheme: str, key: str) -> NamedNode:
    """IRI of a SKOS concept: ``concept_iri("status", "agreed")`` -> ``entr:status/agreed``.

    Args:
        scheme: One of ``technology``, ``agreement-type``, ``restriction-type``, ``status``.
        key: The concept key (its ``skos:notation``), encoded as one segment.

    Raises:
        ValueError: If the scheme is unknown or the key empty.
    """
    if scheme not in _CONCEPT_SCHEMES:
        raise ValueError(f"unknown concept scheme {scheme!r}; expected one of {_CONCEPT_SCHEMES}")
    return ENTR[f"{scheme}/{encode_id(key, keep_slashes=False)}"]


def article_iri(article_id: str) -> NamedNode:
    """IRI (and named-graph name) of an article: ``a1`` -> ``entr:article/a1``.

    The whole id is one segment, so ``news/a1.txt`` becomes ``entr:article/news%2Fa1.txt``.

    Raises:
        ValueError: If the id is empty.
    """
    return ENTR["article/" + encode_id(article_id, keep_slashes=False)]


def graph_iri(name: str) -> NamedNode:
    """IRI of a store-level named graph: ``actors`` -> ``entr:graph/actors``."""
    return ENTR["graph/" + encode_id(name, keep_slashes=False)]


def _digest(parts: object) -> str:
    data = json.dumps(parts, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("ascii")).hexdigest()[:32]


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def relation_iri(relation: Relation, article_id: str) -> NamedNode:
    """IRI of an agreement or restriction found in an article.

    The digest covers the article id, kind, type, status, negation, the sorted
    parties/imposers/targets (each role apart: JPN restricting CHN differs from
    CHN restricting JPN), the sorted technologies and the sorted evidence offsets.

    Raises:
        ValueError: If the kind is not ``agreement`` or ``restriction`` or the article id
            is empty.
    """
    if relation.kind not in _RELATION_KINDS:
        raise ValueError(f"unknown relation kind {relation.kind!r}; expected {_RELATION_KINDS}")
    if not article_id:
        raise ValueError("an article id must be a non-empty string")
    parts = [
        _nfc(article_id),
        relation.kind,
        relation.type,
        relation.status,
        bool(relation.negated),
        sorted(_nfc(a) for a in relation.parties),
        sorted(_nfc(a) for a in relation.imposers),
        sorted(_nfc(a) for a in relation.targets),
        sorted(_nfc(t) for t in relation.technologies),
        sorted([m.start, m.end] for m in relation.mentions),
    ]
    return ENTR[f"{relation.kind}/{_digest(parts)}"]


def mention_iri(mention: Mention) -> NamedNode:
    """IRI of an evidence mention: ``entr:mention/<digest>``.

    The digest covers the article id, sentence index, offsets, rule and confidence,
    so the same span found by the same rule for two relations is one resource.

    Raises:
        ValueError: If the mention's article id is empty.
    """
    if not mention.article_id:
        raise ValueError("a mention needs a non-empty article id")
    parts = [
        _nfc(mention.article_id),
        mention.sentence_index,
        mention.start,
        mention.end,
        mention.rule,
        repr(float(mention.confidence)),
    ]
    return ENTR[f"mention/{_digest(parts)}"]


def is_actor_id(identifier: str) -> bool:
    """Whether a canonical id names an actor (``state/``, ``person/``, ``organization/``)."""
    kind, _, rest = identifier.partition("/")
    return kind in ACTOR_KINDS and bool(rest)
