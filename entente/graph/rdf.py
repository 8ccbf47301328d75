"""Mapping :class:`~entente.records.Extraction` records to RDF quads.

This module is the executable form of the *Statements* section of
``docs/model.md``: :func:`extraction_quads` returns exactly those statements,
as :class:`pyoxigraph.Quad` objects, split into the article's own named graph
(named by the article IRI) and the shared actors graph (``entr:graph/actors``).

Guarantees:
    * No blank nodes: every resource has an IRI minted by :mod:`entente.graph.iris`.
    * Every string literal is NFC-normalised and stripped of characters that XML 1.0
      forbids (C0 controls other than tab/newline/return, lone surrogates, U+FFFE/FFFF),
      so any export (RDF/XML, GraphML, GEXF) can write it. They are removed, not
      replaced by U+FFFD: a replacement character would show in every Gephi label
      and make a name differ from the same name read from a clean source. Tab,
      newline and carriage return are kept (every writer escapes them).
    * Values that do not fit their datatype are left out rather than written as
      ill-typed literals: a date that is not ``YYYY[-MM[-DD]]`` (a time part after
      the date is ignored), a URL that is not an absolute IRI (or that holds a
      space, a control or a bidirectional-formatting character, which RFC 3987
      forbids in IRIs).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable, Sequence

from pyoxigraph import Literal, NamedNode, Quad

from entente.graph.iris import (
    ACTORS_GRAPH,
    DCTERMS,
    ENT,
    PROV,
    RDF,
    RDFS,
    XSD,
    actor_iri,
    article_iri,
    concept_iri,
    is_actor_id,
    mention_iri,
    relation_iri,
    technology_iri,
)
from entente.graph.merging import merge_key
from entente.records import Actor, Article, Extraction, Mention, Relation

__all__ = [
    "actor_quads",
    "article_quads",
    "clean_text",
    "date_literal",
    "extraction_quads",
    "relation_quads",
    "target_iri",
]

_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?=$|[T ])")
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+\Z")
# Controls, and the bidirectional formatting characters RFC 3987 section 4.1 excludes.
_NOT_IN_IRI = re.compile("[\x00-\x20\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_ORGANIZATION_CLASSES = {
    "company": "Company",
    "government": "GovernmentBody",
    "military": "GovernmentBody",
    "international": "InternationalOrganization",
}
_KIND_CLASSES = {"state": "State", "person": "Person", "organization": "Organization"}

_A = RDF["type"]


def clean_text(value: str) -> str:
    """Make text safe for any RDF serialisation: drop XML-1.0-invalid characters, then NFC."""
    return unicodedata.normalize("NFC", _XML_INVALID.sub("", value))


def _string(value: str) -> Literal:
    return Literal(clean_text(value))


def date_literal(value: str | None) -> Literal | None:
    """Type an ISO 8601 date by its precision: ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``.

    Returns:
        The typed literal, or ``None`` when the value is missing or not a valid
        calendar date (``2020-13``, ``2021-02-30``, ``last week``).
    """
    if not value:
        return None
    match = _DATE.match(value.strip())
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        _dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    if day:
        return Literal(f"{year}-{month}-{day}", datatype=XSD["date"])
    if month:
        return Literal(f"{year}-{month}", datatype=XSD["gYearMonth"])
    return Literal(year, datatype=XSD["gYear"])


def _url_node(url: str | None) -> NamedNode | None:
    if not url:
        return None
    url = url.strip()
    if not _ABSOLUTE_IRI.match(url) or _NOT_IN_IRI.search(url):
        return None
    try:
        return NamedNode(url)
    except ValueError:
        return None


def target_iri(target: str) -> NamedNode:
    """IRI of an entity-mention target: an actor id, or else a technology key."""
    return actor_iri(target) if is_actor_id(target) else technology_iri(target)


def article_quads(extraction: Extraction) -> list[Quad]:
    """Statements about the article itself (metadata and ``ent:mentions``), in its graph."""
    article: Article = extraction.article
    subject = article_iri(article.id)
    quads = [
        Quad(subject, _A, ENT["Article"], subject),
        Quad(subject, DCTERMS["identifier"], _string(article.id), subject),
    ]
    if article.title:
        quads.append(Quad(subject, DCTERMS["title"], _string(article.title), subject))
    date = date_literal(article.date)
    if date is not None:
        quads.append(Quad(subject, DCTERMS["date"], date, subject))
    if article.source:
        quads.append(Quad(subject, DCTERMS["publisher"], _string(article.source), subject))
    url = _url_node(article.url)
    if url is not None:
        quads.append(Quad(subject, DCTERMS["source"], url, subject))
    if article.language:
        quads.append(Quad(subject, DCTERMS["language"], _string(article.language), subject))
    for target in dict.fromkeys(m.target for m in extraction.entity_mentions):
        quads.append(Quad(subject, ENT["mentions"], target_iri(target), subject))
    return quads


def _mention_quads(mention: Mention, article: NamedNode) -> list[Quad]:
    node = mention_iri(mention)
    return [
        Quad(node, _A, ENT["Mention"], article),
        Quad(node, ENT["article"], article, article),
        Quad(node, ENT["sentenceIndex"], Literal(int(mention.sentence_index)), article),
        Quad(node, ENT["sentence"], _string(mention.sentence), article),
        Quad(node, ENT["startOffset"], Literal(int(mention.start)), article),
        Quad(node, ENT["endOffset"], Literal(int(mention.end)), article),
        Quad(node, ENT["evidenceText"], _string(mention.text), article),
        Quad(node, ENT["confidence"], Literal(float(mention.confidence)), article),
        Quad(node, ENT["rule"], _string(mention.rule), article),
    ]


def relation_quads(
    relation: Relation, article_id: str, node: NamedNode | None = None
) -> list[Quad]:
    """Statements about one relation and its evidence mentions, in the article's graph.

    Args:
        relation: The relation.
        article_id: The article it was found in.
        node: The relation's IRI when another article already reports it (see
            :mod:`entente.graph.merging`); by default one is minted for this article.

    Raises:
        ValueError: If the kind is unknown, or a mention belongs to another article.
    """
    graph = article_iri(article_id)
    node = node or relation_iri(relation, article_id)
    if relation.kind == "agreement":
        quads = [
            Quad(node, _A, ENT["Agreement"], graph),
            Quad(node, ENT["agreementType"], concept_iri("agreement-type", relation.type), graph),
        ]
    else:
        quads = [
            Quad(node, _A, ENT["Restriction"], graph),
            Quad(
                node, ENT["restrictionType"], concept_iri("restriction-type", relation.type), graph
            ),
        ]
    quads.append(Quad(node, ENT["status"], concept_iri("status", relation.status), graph))
    quads.append(Quad(node, ENT["mergeKey"], Literal(merge_key(relation)), graph))
    if relation.name and clean_text(relation.name).strip():
        # its proper name as this article gives it ("U.S.-Japan Climate Partnership")
        quads.append(Quad(node, RDFS["label"], _string(relation.name), graph))
    for prop, actors in (
        ("party", relation.parties),
        ("imposedBy", relation.imposers),
        ("target", relation.targets),
    ):
        quads.extend(Quad(node, ENT[prop], actor_iri(a), graph) for a in dict.fromkeys(actors))
    quads.extend(
        Quad(node, ENT["technology"], technology_iri(t), graph)
        for t in dict.fromkeys(relation.technologies)
    )
    quads.append(Quad(node, ENT["negated"], Literal(bool(relation.negated)), graph))
    quads.append(Quad(node, ENT["hedged"], Literal(bool(relation.hedged)), graph))
    date = date_literal(relation.date)
    if date is not None:
        quads.append(Quad(node, ENT["date"], date, graph))
    quads.append(Quad(node, ENT["confidence"], Literal(float(relation.confidence)), graph))
    quads.append(Quad(node, PROV["wasDerivedFrom"], graph, graph))
    for mention in relation.mentions:
        if mention.article_id != article_id:
            raise ValueError(
                f"a mention of article {mention.article_id!r} is evidence for a relation "
                f"of article {article_id!r}"
            )
        quads.append(Quad(node, ENT["evidence"], mention_iri(mention), graph))
        quads.extend(_mention_quads(mention, graph))
    return quads


def actor_quads(actors: Iterable[Actor]) -> list[Quad]:
    """Statements describing actors, in ``entr:graph/actors``.

    Raises:
        ValueError: If an actor's kind is not one of ``state``, ``person``, ``organization``.
    """
    quads: list[Quad] = []
    g = ACTORS_GRAPH
    for actor in actors:
        if actor.kind not in _KIND_CLASSES:
            raise ValueError(f"actor {actor.id!r} has unknown kind {actor.kind!r}")
        node = actor_iri(actor.id)
        quads.append(Quad(node, _A, ENT["Actor"], g))
        quads.append(Quad(node, _A, ENT[_KIND_CLASSES[actor.kind]], g))
        if actor.kind == "organization" and actor.category in _ORGANIZATION_CLASSES:
            quads.append(Quad(node, _A, ENT[_ORGANIZATION_CLASSES[actor.category]], g))
        quads.append(Quad(node, RDFS["label"], _string(actor.label), g))
        if actor.kind == "state":
            code = actor.code or actor.id.rpartition("/")[2]
            quads.append(Quad(node, ENT["countryCode"], _string(code), g))
        if actor.affiliation and actor.kind != "state":
            quads.append(Quad(node, ENT["affiliation"], actor_iri(actor.affiliation), g))
        if actor.role and actor.kind == "person":
            quads.append(Quad(node, ENT["role"], _string(actor.role), g))
    return quads


def extraction_quads(
    extraction: Extraction, nodes: Sequence[NamedNode | None] | None = None
) -> tuple[list[Quad], list[Quad]]:
    """All statements of one extraction.

    Args:
        extraction: The article and what was extracted from it.
        nodes: For each relation, in order, the IRI it already has in the store
            (reported by another article) or ``None`` to mint one.

    Returns:
        ``(article_quads, actor_quads)``: the first all in the article's named graph
        (metadata, relations, evidence), the second in ``entr:graph/actors``. Both
        lists are free of duplicates.

    Raises:
        ValueError: On an empty id, an unknown relation or actor kind, or evidence
            that belongs to another article.
    """
    article_id = extraction.article.id
    quads = article_quads(extraction)
    nodes = nodes or [None] * len(extraction.relations)
    for relation, node in zip(extraction.relations, nodes, strict=True):
        quads.extend(relation_quads(relation, article_id, node))
    return list(dict.fromkeys(quads)), list(dict.fromkeys(actor_quads(extraction.actors)))
