"""One relation for one event, however many articles report it.

When an article is stored, each of its relations is looked up among those of the
*other* articles already in the store. A stored relation is the same event when
it has the same kind, type, status, negation and hedging, exactly the same
parties (or imposers and targets), the same technology top concepts, a date
within ``window_days`` of the new one (a missing date matches any), and no other
name (when both reports name it). The new
article then describes the existing relation IRI in its own named graph: the
union of the graphs shows one relation with a ``prov:wasDerivedFrom`` and
evidence for every source, and re-ingesting or removing one article leaves the
other sources' statements intact.

What each article says of the relation that may differ between reports (its date
and the confidence of that report) stays in that article's graph, so a relation
reported twice can carry two ``ent:date`` and two ``ent:confidence`` values, one
per source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pyoxigraph as ox

from entente.graph.iris import ENT, RDFS, article_iri
from entente.ontology.technologies import top_concepts
from entente.records import Relation, name_key

__all__ = ["DEFAULT_WINDOW_DAYS", "merge_key", "shared_relation"]

DEFAULT_WINDOW_DAYS = 30
"""Reports of one event whose dates are at most this many days apart are merged."""

_ROLES = (("party", "parties"), ("imposedBy", "imposers"), ("target", "targets"))


def _day(value: str) -> tuple[dt.date, int] | None:
    """First day of an ISO date of any precision, with its precision in characters."""
    try:
        if len(value) >= 10:
            return dt.date.fromisoformat(value[:10]), 10
        if len(value) == 7:
            return dt.date(int(value[:4]), int(value[5:7]), 1), 7
        return dt.date(int(value[:4]), 1, 1), 4
    except ValueError:
        return None


def _close(a: str | None, b: str | None, window_days: int) -> bool:
    if not a or not b:
        return True
    da, db = _day(a), _day(b)
    if da is None or db is None:
        return True
    precision = min(da[1], db[1])
    if precision < 10:  # "2020-10" and "2020-10-07": compare at the coarser precision
        return a[:precision] == b[:precision]
    return abs((da[0] - db[0]).days) <= window_days


def merge_key(relation: Relation) -> str:
    """A digest of what makes two reports the same event (everything but date and wording)."""
    parts = [
        relation.kind,
        relation.type,
        relation.status,
        relation.negated,
        relation.hedged,
        *(sorted(getattr(relation, field)) for _prop, field in _ROLES),
        sorted(top_concepts(relation.technologies)),
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()[:32]


def shared_relation(
    store: ox.Store, relation: Relation, article_id: str, window_days: int = DEFAULT_WINDOW_DAYS
) -> ox.NamedNode | None:
    """The IRI under which another article already reports ``relation``, if any.

    Candidates are found through the ``ent:mergeKey`` index in constant time per
    relation, whatever the size of the store; only their dates are compared here.
    """
    own_graph = article_iri(article_id)
    key = ox.Literal(merge_key(relation))
    dates: dict[ox.NamedNode, set[str]] = {}
    names: dict[ox.NamedNode, set[str]] = {}
    for quad in store.quads_for_pattern(None, ENT["mergeKey"], key, None):
        if quad.graph_name == own_graph or not isinstance(quad.graph_name, ox.NamedNode):
            continue  # the article's own earlier version is about to be replaced
        found = dates.setdefault(quad.subject, set())
        for q in store.quads_for_pattern(quad.subject, ENT["date"], None, quad.graph_name):
            found.add(q.object.value)
        named = names.setdefault(quad.subject, set())
        for q in store.quads_for_pattern(quad.subject, RDFS["label"], None, quad.graph_name):
            named.add(name_key(q.object.value))
    own_name = name_key(relation.name) if relation.name else None
    for node in sorted(dates, key=lambda n: n.value):
        if own_name and names[node] and own_name not in names[node]:
            continue  # the Climate Partnership is not the CoRe Partnership of the same states
        if all(_close(relation.date, d, window_days) for d in dates[node]):
            return node
    return None
