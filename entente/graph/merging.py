"""One relation for one event, however many articles report it.

When an article is stored, each of its relations is looked up among those of the
*other* articles already in the store. A stored relation is the same event when
it has the same kind, type, status, negation and hedging, exactly the same
parties (or imposers and targets), the same technology top concepts, and a date
within ``window_days`` of the new one (a missing date matches any). The new
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
from collections import defaultdict
from functools import lru_cache

import pyoxigraph as ox

from entente.graph.iris import ENT, actor_iri, article_iri, concept_iri, technology_iri
from entente.records import Relation

__all__ = ["DEFAULT_WINDOW_DAYS", "shared_relation"]

DEFAULT_WINDOW_DAYS = 30
"""Reports of one event whose dates are at most this many days apart are merged."""

_ROLES = (("party", "parties"), ("imposedBy", "imposers"), ("target", "targets"))
_CANDIDATES = """
SELECT * WHERE {  # substituted variables must be projected
  GRAPH ?graph {
    ?relation a ?class ; ?typeProperty ?type ; ent:status ?status ;
              ent:negated ?negated ; ent:hedged ?hedged ; ?anchorProperty ?anchor .
    ?relation ?property ?value .
    VALUES ?property { ent:party ent:imposedBy ent:target ent:technology ent:date }
  }
}
"""


@lru_cache(maxsize=1)
def _tops() -> dict[str, str]:
    from entente.ontology.technologies import load_technologies

    return {technology_iri(t.key).value: t.top for t in load_technologies()}


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


def shared_relation(
    store: ox.Store, relation: Relation, article_id: str, window_days: int = DEFAULT_WINDOW_DAYS
) -> ox.NamedNode | None:
    """The IRI under which another article already reports ``relation``, if any."""
    roles = {prop: {actor_iri(a).value for a in getattr(relation, field)} for prop, field in _ROLES}
    anchor_property, anchor = next((p, sorted(v)[0]) for p, v in roles.items() if v)
    kind = "Agreement" if relation.kind == "agreement" else "Restriction"
    scheme = "agreement-type" if relation.kind == "agreement" else "restriction-type"
    solutions = store.query(
        _CANDIDATES,
        prefixes={"ent": ENT.iri},
        substitutions={
            ox.Variable("class"): ENT[kind],
            ox.Variable("typeProperty"): ENT[f"{relation.kind}Type"],
            ox.Variable("type"): concept_iri(scheme, relation.type),
            ox.Variable("status"): concept_iri("status", relation.status),
            ox.Variable("negated"): ox.Literal(relation.negated),
            ox.Variable("hedged"): ox.Literal(relation.hedged),
            ox.Variable("anchorProperty"): ENT[anchor_property],
            ox.Variable("anchor"): ox.NamedNode(anchor),
        },
    )
    found: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    own_graph = article_iri(article_id).value
    for solution in solutions:
        key = (solution["relation"].value, solution["graph"].value)
        if key[1] == own_graph:
            continue  # the article's own earlier version is about to be replaced
        prop = solution["property"].value.removeprefix(ENT.iri)
        found[key][prop].add(solution["value"].value)
    tops = _tops()
    want_tops = {tops.get(technology_iri(t).value, t) for t in relation.technologies}
    for (iri, _graph), values in sorted(found.items()):
        if any(values.get(prop, set()) != members for prop, members in roles.items()):
            continue
        if {tops.get(t, t) for t in values.get("technology", set())} != want_tops:
            continue
        if all(_close(relation.date, d, window_days) for d in values.get("date", {None})):
            return ox.NamedNode(iri)
    return None
