"""Plain networkx views of the store, for Gephi and other graph tools.

The store holds RDF (see ``docs/model.md``); graph tools want nodes and edges with
a few flat attributes. This module reads what the exports need from a
:class:`pyoxigraph.Store` in a handful of SPARQL queries, run in Oxigraph with
the union of all named graphs as the default graph, and builds:

* :func:`actors_view`: an undirected graph of actors, linked when they share
  agreements or restrictions, and persons/organisations linked to their state;
* :func:`full_view`: a directed tripartite graph of actors, relations
  (agreements and restrictions) and technologies.

Both graphs use simple-token node ids (``n0``, ``n1``...; the IRI is kept in the
``iri`` attribute) and attribute values that are only ``str``, ``int``, ``float``
or ``bool``, so that every writer (GEXF, GraphML, CSV) can handle them without
guessing. Multi-valued attributes are ``;``-joined strings, sorted for stable
output. An attribute whose value is unknown is left out, never set to ``None``.

Every node has a ``kind`` attribute (``state``, ``person``, ``organization``,
``agreement``, ``restriction``, ``technology``) and every edge a ``relation``
attribute; the GEXF writer colours by them (:data:`entente.graph.gexf.KIND_COLORS`).

Dates keep their lexical form from the store (``2020-10-06``, ``2021-03``,
``2021``) in ``date``, ``first_date`` and ``last_date``. Where a date is known,
the ``start`` attribute holds the first day of the period it names
(``2021-03`` -> ``2021-03-01``), which is what the GEXF writer uses as time.

Limits:
    The store is read into memory once per call (actors, relations, mentions,
    articles and concepts; not the article texts, which the store does not
    hold). That is fine for tens of thousands of relations, not for billions.
    The store is only read, never written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import combinations
from urllib.parse import unquote

import networkx as nx
import pyoxigraph as ox

__all__ = [
    "ActorInfo",
    "RelationInfo",
    "Snapshot",
    "actors_view",
    "date_start",
    "full_view",
    "read_snapshot",
]

ENT = "https://w3id.org/entente/ns#"
ENTR = "https://w3id.org/entente/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"

_PREFIXES = f"""
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX ent: <{ENT}>
PREFIX skos: <{SKOS}>
PREFIX dcterms: <{DCTERMS}>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

# Each query lists (subject, property, value) rows for one kind of resource; the
# rows are grouped in Python. DISTINCT matters: the union default graph does not
# merge a statement that several article graphs repeat.
_ACTORS_QUERY = (
    _PREFIXES
    + """
SELECT DISTINCT ?s ?p ?o WHERE {
  ?s a ent:Actor ; ?p ?o .
  VALUES ?p { rdf:type rdfs:label ent:countryCode ent:affiliation ent:role }
}"""
)
# One confidence per reporting article (each in its own graph): see combined_confidence
_SOURCE_CONFIDENCE_QUERY = (
    _PREFIXES
    + """
SELECT ?s ?g ?c WHERE {
  GRAPH ?g { ?s ent:confidence ?c }
  VALUES ?class { ent:Agreement ent:Restriction }
  ?s a ?class .
}"""
)
_RELATIONS_QUERY = (
    _PREFIXES
    + """
SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?class { ent:Agreement ent:Restriction }
  ?s a ?class ; ?p ?o .
}"""
)
_MENTIONS_QUERY = (
    _PREFIXES
    + """
SELECT DISTINCT ?s ?p ?o WHERE {
  ?s a ent:Mention ; ?p ?o .
  VALUES ?p { ent:article ent:sentenceIndex ent:sentence ent:startOffset ent:evidenceText }
}"""
)
_ARTICLES_QUERY = (
    _PREFIXES
    + """
SELECT DISTINCT ?s ?p ?o WHERE {
  ?s a ent:Article ; ?p ?o .
  VALUES ?p { dcterms:identifier dcterms:date ent:mentions }
}"""
)
_CONCEPTS_QUERY = (
    _PREFIXES
    + """
SELECT DISTINCT ?s ?p ?o WHERE {
  ?s ?p ?o .
  VALUES ?p { skos:prefLabel skos:notation skos:broader skos:topConceptOf }
}"""
)

_ACTOR_KINDS = {
    f"{ENT}State": "state",
    f"{ENT}Person": "person",
    f"{ENT}Organization": "organization",
}
_ORG_CATEGORIES = {
    f"{ENT}Company": "company",
    f"{ENT}GovernmentBody": "government",
    f"{ENT}InternationalOrganization": "international",
}
_DATE_RE = re.compile(r"^(-?\d{4,})(?:-(\d{2}))?(?:-(\d{2}))?")

Props = dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]


@dataclass(frozen=True)
class ActorInfo:
    """An actor as the exports see it."""

    iri: str
    kind: str
    label: str
    code: str | None = None
    affiliation: str | None = None
    category: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class RelationInfo:
    """An agreement or restriction with its labels resolved.

    Actor and technology fields hold IRIs; ``articles`` holds article ids;
    ``evidence`` and ``sentence`` come from the first mention (earliest article,
    then lowest sentence index).
    """

    iri: str
    kind: str
    type: str
    status: str
    parties: tuple[str, ...]
    imposers: tuple[str, ...]
    targets: tuple[str, ...]
    technologies: tuple[str, ...]
    date: str | None
    negated: bool
    hedged: bool
    confidence: float | None
    articles: tuple[str, ...]
    evidence: str | None
    sentence: str | None
    name: str | None = None  # its proper name, when an article gives one

    @property
    def participants(self) -> tuple[str, ...]:
        """Parties, imposers then targets, without repeats."""
        return tuple(dict.fromkeys(self.parties + self.imposers + self.targets))


@dataclass
class Snapshot:
    """What the exports need from the store, read once.

    Attributes:
        actors: Actors by IRI.
        relations: Agreements and restrictions, sorted by start date then IRI
            (undated ones last).
        concepts: SKOS concepts by IRI: ``label``, ``notation`` and ``top``
            (the IRI of the top concept, itself for a top concept).
        mentioned: For each actor IRI, the dates (lexical) of the articles that
            mention it (``""`` for an undated article).
    """

    actors: dict[str, ActorInfo] = field(default_factory=dict)
    relations: list[RelationInfo] = field(default_factory=list)
    concepts: dict[str, dict[str, str]] = field(default_factory=dict)
    mentioned: dict[str, list[str]] = field(default_factory=dict)

    def concept_label(self, iri: str) -> str:
        """The concept's preferred label, else its notation, else its IRI key."""
        concept = self.concepts.get(iri, {})
        return concept.get("label") or concept.get("notation") or _key(iri)

    def concept_key(self, iri: str) -> str:
        """The concept's notation, else the last segment of its IRI."""
        return self.concepts.get(iri, {}).get("notation") or _key(iri)

    def top_label(self, iri: str) -> str:
        """Label of the technology's top concept (its own label if it is one)."""
        return self.concept_label(self.concepts.get(iri, {}).get("top", iri))

    def actor_label(self, iri: str) -> str:
        """The actor's label, else its IRI key."""
        actor = self.actors.get(iri)
        return actor.label if actor else _key(iri)


def date_start(lexical: str | None) -> str | None:
    """First day of the period a date names, as ``YYYY-MM-DD``.

    ``2020-10-06`` and ``2020-10-06T12:00:00Z`` give ``2020-10-06``; the
    ``xsd:gYearMonth`` ``2021-03`` gives ``2021-03-01``; the ``xsd:gYear``
    ``2021`` gives ``2021-01-01``. Anything else gives ``None``.
    """
    if not lexical:
        return None
    match = _DATE_RE.match(lexical.strip())
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    return f"{year}-{month}-{day}"


def read_snapshot(store: ox.Store) -> Snapshot:
    """Read actors, relations, concepts and mentions from a store.

    Args:
        store: A pyoxigraph store laid out as in ``docs/model.md``. It is only read.

    Returns:
        The :class:`Snapshot` the views and tables are built from.
    """
    snap = Snapshot()
    concepts = _grouped(store, _CONCEPTS_QUERY)
    for iri, props in concepts.items():
        snap.concepts[iri] = {
            k: v
            for k, v in {
                "label": _pick_label(props.get(f"{SKOS}prefLabel", [])),
                "notation": _first_value(props.get(f"{SKOS}notation")),
            }.items()
            if v
        }
    for iri in snap.concepts:
        snap.concepts[iri]["top"] = _top(iri, concepts)

    for iri, props in _grouped(store, _ACTORS_QUERY).items():
        types = {t.value for t in props.get(RDF_TYPE, [])}
        kind = next((k for t, k in _ACTOR_KINDS.items() if t in types), "organization")
        category = next((c for t, c in _ORG_CATEGORIES.items() if t in types), None)
        snap.actors[iri] = ActorInfo(
            iri=iri,
            kind=kind,
            label=_pick_label(props.get(RDFS_LABEL, [])) or _key(iri),
            code=_first_value(props.get(f"{ENT}countryCode")),
            affiliation=_first_value(props.get(f"{ENT}affiliation")),
            category=category,
            role=_first_value(props.get(f"{ENT}role")),
        )
    # A person or organisation without its own code takes its state's code.
    for iri, actor in list(snap.actors.items()):
        if actor.code is None and actor.affiliation in snap.actors:
            code = snap.actors[actor.affiliation].code
            snap.actors[iri] = replace(actor, code=code)

    articles = _grouped(store, _ARTICLES_QUERY)
    article_id: dict[str, str] = {}
    article_date: dict[str, str] = {}
    for iri, props in articles.items():
        article_id[iri] = _first_value(props.get(f"{DCTERMS}identifier")) or unquote(_key(iri))
        article_date[iri] = min(
            (t.value for t in props.get(f"{DCTERMS}date", [])), key=_date_key, default=""
        )
        for actor in props.get(f"{ENT}mentions", []):
            snap.mentioned.setdefault(actor.value, []).append(article_date[iri])

    mentions = _grouped(store, _MENTIONS_QUERY)
    per_source: dict[str, dict[str, float]] = defaultdict(dict)
    for row in store.query(_SOURCE_CONFIDENCE_QUERY, use_default_graph_as_union=True):
        per_source[row["s"].value][row["g"].value] = float(row["c"].value)
    for iri, props in _grouped(store, _RELATIONS_QUERY).items():
        types = {t.value for t in props.get(RDF_TYPE, [])}
        kind = "agreement" if f"{ENT}Agreement" in types else "restriction"
        type_prop = f"{ENT}agreementType" if kind == "agreement" else f"{ENT}restrictionType"
        type_iri = _first_value(props.get(type_prop))
        status_iri = _first_value(props.get(f"{ENT}status"))
        sources = sorted({t.value for t in props.get(PROV_DERIVED, [])})
        first = _first_mention(props.get(f"{ENT}evidence", []), mentions, article_date)
        confidences = list(per_source.get(iri, {}).values())
        snap.relations.append(
            RelationInfo(
                iri=iri,
                kind=kind,
                type=snap.concept_key(type_iri) if type_iri else "",
                status=snap.concept_key(status_iri) if status_iri else "",
                parties=_iris(props.get(f"{ENT}party")),
                imposers=_iris(props.get(f"{ENT}imposedBy")),
                targets=_iris(props.get(f"{ENT}target")),
                technologies=_iris(props.get(f"{ENT}technology")),
                date=_relation_date(props, sources, article_date),
                negated=_flag(props.get(f"{ENT}negated")),
                hedged=_flag(props.get(f"{ENT}hedged")),
                confidence=combined_confidence(confidences) if confidences else None,
                articles=tuple(sorted(article_id.get(s, unquote(_key(s))) for s in sources)),
                evidence=first.get("evidence"),
                sentence=first.get("sentence"),
                name=_pick_label(props.get(RDFS_LABEL, [])),
            )
        )
    snap.relations.sort(key=lambda r: (r.date is None, _date_key(r.date or ""), r.iri))
    return snap


def actors_view(store: ox.Store) -> nx.Graph:
    """Actors linked by the agreements and restrictions they share.

    Nodes are the actors that take part in a relation, plus the persons and
    organisations that an article mentions and whose state is already in the
    graph (so the leaders named in the coverage appear next to their state).
    Node attributes: ``label``, ``kind`` (``state``/``person``/``organization``),
    ``iri``, and where known ``code`` (ISO 3166-1 alpha-3, a person's or
    organisation's being its state's), ``category`` (organisations: ``company``,
    ``government``, ``international``), ``role`` (persons), ``first_date``,
    ``last_date`` (lexical; over the relations the actor takes part in and the
    articles that mention it) and ``start`` (see the module docstring). Degree is
    not stored: Gephi computes it.

    Edges link every pair of parties of an agreement and every imposer with every
    target of a restriction (co-imposers are not linked: acting side by side is
    not an agreement between them), and each person or organisation with its
    state. Attributes: ``relation`` (``agreement``, ``restriction``, ``both`` or
    ``affiliation``), ``affiliated`` (the pair is also an affiliation),
    ``agreements`` and ``restrictions`` (counts), ``weight`` (their sum, 1 for
    a bare affiliation), and for relation edges ``technologies`` (labels),
    ``technology_tops``, ``types`` (type keys), all ``;``-joined, ``first_date``,
    ``last_date`` and ``start``.

    The graph is a single undirected :class:`networkx.Graph`, restrictions
    included, rather than a graph of agreements plus a directed graph of
    restrictions: Gephi opens one file as one graph, an undirected one lays out
    and clusters best, and the ``relation`` attribute is enough to filter or
    colour restriction edges. Who restricts whom is kept in :func:`full_view`,
    whose edges carry the roles.

    Args:
        store: A pyoxigraph store laid out as in ``docs/model.md``; only read.

    Returns:
        The graph; ``graph.graph`` holds ``name`` and ``view``.
    """
    return _actors_graph(read_snapshot(store))


def _actors_graph(snap: Snapshot) -> nx.Graph:
    pairs: dict[frozenset[str], list[RelationInfo]] = defaultdict(list)
    dates: dict[str, list[str]] = defaultdict(list)
    for rel in snap.relations:
        if rel.kind == "agreement":
            linked = combinations(sorted(set(rel.parties)), 2)
        else:
            linked = ((i, t) for i in set(rel.imposers) for t in set(rel.targets) if i != t)
        for a, b in linked:
            pairs[frozenset((a, b))].append(rel)
        for actor in rel.participants:
            dates[actor].append(rel.date or "")

    members = set(dates)
    for iri, actor in snap.actors.items():
        if actor.kind != "state" and actor.affiliation in members and iri in snap.mentioned:
            members.add(iri)
    for iri in members:
        dates[iri].extend(snap.mentioned.get(iri, []))
    affiliations = {
        frozenset((iri, snap.actors[iri].affiliation))
        for iri in members
        if iri in snap.actors and snap.actors[iri].affiliation in members
    }

    graph = nx.Graph(name="entente actors", view="actors")
    ids = {iri: f"n{i}" for i, iri in enumerate(sorted(members))}
    for iri in sorted(members):
        graph.add_node(ids[iri], **_actor_attrs(snap, iri, dates[iri]))

    for pair in sorted(set(pairs) | affiliations, key=sorted):
        a, b = sorted(pair)
        rels = pairs.get(pair, [])
        n_agr = sum(r.kind == "agreement" for r in rels)
        n_res = len(rels) - n_agr
        relation = (
            "both"
            if n_agr and n_res
            else "agreement"
            if n_agr
            else "restriction"
            if n_res
            else "affiliation"
        )
        attrs: dict[str, str | int | float | bool] = {
            "relation": relation,
            "affiliated": pair in affiliations,
            "agreements": n_agr,
            "restrictions": n_res,
            "weight": max(len(rels), 1),
        }
        if rels:
            techs = {t for r in rels for t in r.technologies}
            attrs["technologies"] = _joined(snap.concept_label(t) for t in techs)
            attrs["technology_tops"] = _joined(snap.top_label(t) for t in techs)
            attrs["types"] = _joined(r.type for r in rels)
            attrs.update(_date_attrs([r.date or "" for r in rels]))
        graph.add_edge(ids[a], ids[b], **attrs)
    return graph


def full_view(store: ox.Store) -> nx.DiGraph:
    """Actors, relations and technologies as one directed tripartite graph.

    Nodes:

    * actors (same selection and attributes as :func:`actors_view`);
    * one node per agreement or restriction: ``kind`` (``agreement`` or
      ``restriction``), ``label`` (``"cooperation (agreed)"``, with
      ``" [negated]"``/``" [hedged]"`` appended when so), ``type``, ``status``,
      ``negated``, ``hedged``, ``iri``, ``articles`` (``;``-joined ids) and where
      known ``date``, ``start``, ``confidence`` (combined over the reporting
      articles, see :func:`combined_confidence`),
      ``evidence`` and ``sentence`` (of the first mention);
    * one node per technology that a relation names: ``kind`` ``technology``,
      ``label``, ``key`` (the notation), ``top`` (label of its top concept), ``iri``.

    Edges always point from actor to relation (``role`` ``party``, ``imposer``
    or ``target``; an actor with two roles gets ``;``-joined roles), from
    relation to technology (``role`` ``technology``) and from person or
    organisation to its state (``role`` ``affiliation``). Every edge also has
    ``relation`` (``agreement``, ``restriction``, ``technology`` or
    ``affiliation``) for colouring, and ``weight`` 1.

    Args:
        store: A pyoxigraph store laid out as in ``docs/model.md``; only read.

    Returns:
        The graph; ``graph.graph`` holds ``name`` and ``view``.
    """
    snap = read_snapshot(store)
    base = _actors_graph(snap)
    graph = nx.DiGraph(name="entente full", view="full")
    iris = sorted(
        {data["iri"] for _, data in base.nodes(data=True)}
        | {r.iri for r in snap.relations}
        | {t for r in snap.relations for t in r.technologies}
    )
    ids = {iri: f"n{i}" for i, iri in enumerate(iris)}
    for _, data in base.nodes(data=True):
        graph.add_node(ids[data["iri"]], **data)
    for rel in snap.relations:
        graph.add_node(ids[rel.iri], **_relation_attrs(rel))
        roles: dict[str, list[str]] = defaultdict(list)
        for role, members in (
            ("party", rel.parties),
            ("imposer", rel.imposers),
            ("target", rel.targets),
        ):
            for actor in sorted(set(members)):
                roles[actor].append(role)
        for actor, actor_roles in sorted(roles.items()):
            if actor not in ids:  # an actor the actors graph does not describe
                continue
            graph.add_edge(
                ids[actor], ids[rel.iri], role=";".join(actor_roles), relation=rel.kind, weight=1
            )
        for tech in sorted(set(rel.technologies)):
            if not graph.has_node(ids[tech]):
                graph.add_node(
                    ids[tech],
                    kind="technology",
                    label=snap.concept_label(tech),
                    key=snap.concept_key(tech),
                    top=snap.top_label(tech),
                    iri=tech,
                )
            graph.add_edge(
                ids[rel.iri], ids[tech], role="technology", relation="technology", weight=1
            )
    for a, b, data in base.edges(data=True):
        if data["affiliated"]:
            src, dst = (a, b) if base.nodes[a]["kind"] != "state" else (b, a)
            graph.add_edge(
                ids[base.nodes[src]["iri"]],
                ids[base.nodes[dst]["iri"]],
                role="affiliation",
                relation="affiliation",
                weight=1,
            )
    return graph


def _actor_attrs(snap: Snapshot, iri: str, dates: list[str]) -> dict[str, str | int | float]:
    actor = snap.actors.get(iri) or ActorInfo(iri=iri, kind="organization", label=_key(iri))
    attrs: dict[str, str | int | float] = {"label": actor.label, "kind": actor.kind, "iri": iri}
    for name in ("code", "category", "role"):
        value = getattr(actor, name)
        if value:
            attrs[name] = value
    attrs.update(_date_attrs(dates))
    return attrs


def _relation_attrs(rel: RelationInfo) -> dict[str, str | int | float | bool]:
    label = f"{rel.name or rel.type} ({rel.status})"
    if rel.negated:
        label += " [negated]"
    if rel.hedged:
        label += " [hedged]"
    attrs: dict[str, str | int | float | bool] = {
        "label": label,
        "kind": rel.kind,
        "type": rel.type,
        "status": rel.status,
        "negated": rel.negated,
        "hedged": rel.hedged,
        "iri": rel.iri,
        "articles": ";".join(rel.articles),
    }
    optional = {
        "date": rel.date,
        "start": date_start(rel.date),
        "confidence": rel.confidence,
        "evidence": rel.evidence,
        "sentence": rel.sentence,
        "name": rel.name,
    }
    attrs.update({k: v for k, v in optional.items() if v is not None})
    return attrs


def _date_attrs(dates: Iterable[str]) -> dict[str, str]:
    """``first_date``, ``last_date`` and ``start`` from lexical dates (``""`` ignored)."""
    known = sorted((d for d in dates if date_start(d)), key=_date_key)
    if not known:
        return {}
    return {"first_date": known[0], "last_date": known[-1], "start": date_start(known[0]) or ""}


def _date_key(lexical: str) -> str:
    return date_start(lexical) or ""


def _joined(values: Iterable[str]) -> str:
    return ";".join(sorted({v for v in values if v}))


def combined_confidence(confidences: list[float]) -> float:
    """Confidence of a relation reported by several articles: 1 - prod(1 - c_i).

    Independent reports make an event more certain: two reports at 0.8 give 0.96.
    """
    doubt = 1.0
    for confidence in confidences:
        doubt *= 1.0 - confidence
    return round(1.0 - doubt, 3)


def _grouped(store: ox.Store, query: str) -> dict[str, Props]:
    """Run a ``?s ?p ?o`` query and group the rows by subject, then property."""
    grouped: dict[str, Props] = defaultdict(lambda: defaultdict(list))
    for row in store.query(query, use_default_graph_as_union=True):
        subject, prop, value = row["s"], row["p"], row["o"]
        grouped[_term_key(subject)][prop.value].append(value)
    return grouped


def _term_key(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _key(iri: str) -> str:
    """Last path segment of an IRI, percent-decoded (``.../status/agreed`` -> ``agreed``)."""
    return unquote(iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def _first_value(terms: list | None) -> str | None:
    """The smallest value (for stable output when the store holds several), or None."""
    if not terms:
        return None
    return min(_term_key(t) if not isinstance(t, ox.Literal) else t.value for t in terms)


def _pick_label(terms: list) -> str | None:
    """An English or untagged label if there is one, else any, smallest first."""
    literals = [t for t in terms if isinstance(t, ox.Literal)]
    if not literals:
        return None
    preferred = [t for t in literals if (t.language or "en").lower().startswith("en")]
    return min(t.value for t in (preferred or literals))


def _iris(terms: list | None) -> tuple[str, ...]:
    return tuple(sorted({t.value for t in terms or () if isinstance(t, ox.NamedNode)}))


def _flag(terms: list | None) -> bool:
    return any(t.value.strip() in ("true", "1") for t in terms or ())


def _top(iri: str, concepts: dict[str, Props]) -> str:
    """Follow ``skos:broader`` up to a top concept (or a concept with no broader one)."""
    seen = {iri}
    current = iri
    while True:
        props = concepts.get(current, {})
        if props.get(f"{SKOS}topConceptOf"):
            return current
        broader = sorted(t.value for t in props.get(f"{SKOS}broader", []))
        if not broader or broader[0] in seen:
            return current
        current = broader[0]
        seen.add(current)


def _relation_date(props: Props, sources: list[str], article_date: dict[str, str]) -> str | None:
    """The relation's own date; failing that, the earliest date of its articles."""
    own = [t.value for t in props.get(f"{ENT}date", []) if date_start(t.value)]
    if own:
        return min(own, key=_date_key)
    dated = [article_date[s] for s in sources if date_start(article_date.get(s))]
    return min(dated, key=_date_key) if dated else None


def _first_mention(
    evidence: list, mentions: dict[str, Props], article_date: dict[str, str]
) -> dict[str, str]:
    """Evidence text and sentence of the earliest mention."""
    candidates = []
    for term in evidence:
        props = mentions.get(_term_key(term))
        if props is None:
            continue
        article = _first_value(props.get(f"{ENT}article")) or ""
        index = min((int(t.value) for t in props.get(f"{ENT}sentenceIndex", [])), default=0)
        offset = min((int(t.value) for t in props.get(f"{ENT}startOffset", [])), default=0)
        key = (_date_key(article_date.get(article, "")) or "9999", article, index, offset)
        candidates.append((key, _term_key(term), props))
    if not candidates:
        return {}
    _, _, props = min(candidates, key=lambda c: (c[0], c[1]))
    found = {
        "evidence": _first_value(props.get(f"{ENT}evidenceText")),
        "sentence": _first_value(props.get(f"{ENT}sentence")),
    }
    return {k: v for k, v in found.items() if v is not None}
