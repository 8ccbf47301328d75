"""The same event reported by several articles is one relation with every source."""

from __future__ import annotations

import pytest

from entente.graph.query import run_query
from entente.graph.store import GraphStore
from entente.records import Actor, Article, Extraction, Mention, Relation

INDIA = Actor("state/IND", "state", "India", code="IND")
JAPAN = Actor("state/JPN", "state", "Japan", code="JPN")

SOURCES = """
SELECT ?relation (COUNT(DISTINCT ?article) AS ?sources) WHERE {
  ?relation a ent:Agreement ; prov:wasDerivedFrom ?article .
} GROUP BY ?relation
"""


def report(
    article_id: str,
    date: str | None,
    *,
    status: str = "signed",
    tech: str = "5g",
    name: str | None = None,
):
    text = f"India and Japan signed a pact on 5G ({article_id})."
    mention = Mention(article_id, 0, text, 0, len(text), text, 0.8, "agreement.sign")
    relation = Relation(
        "agreement", "formal_agreement", status, parties=("state/IND", "state/JPN"),
        technologies=(tech,), date=date, confidence=0.8, mentions=(mention,), name=name,
    )  # fmt: skip
    article = Article(article_id, text, date=date)
    return Extraction(article, (INDIA, JAPAN), (relation,))


@pytest.fixture
def store():
    with GraphStore.open(None) as opened:
        yield opened


def sources(store: GraphStore) -> list[int]:
    return sorted(int(r["sources"].value) for r in run_query(store, SOURCES).records())


def test_two_reports_of_one_pact_are_one_relation(store: GraphStore) -> None:
    store.replace_article(report("a1", "2020-09-09"))
    store.replace_article(report("a2", "2020-09-12"))
    assert sources(store) == [2]
    evidence = run_query(store, "SELECT DISTINCT ?m WHERE { ?r a ent:Agreement ; ent:evidence ?m }")
    assert len(evidence) == 2


def test_removing_one_source_keeps_the_other(store: GraphStore) -> None:
    store.replace_article(report("a1", "2020-09-09"))
    store.replace_article(report("a2", "2020-09-12"))
    store.remove_article("a1")
    assert sources(store) == [1]
    store.replace_article(report("a1", "2020-09-09"))  # re-ingest: merged again, not doubled
    assert sources(store) == [2]


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        (report("a2", "2021-03-01"), [1, 1]),
        (report("a2", "2020-09-12", status="agreed"), [1, 1]),
        (report("a2", "2020-09-12", tech="satellites"), [1, 1]),
        (report("a2", "2020-09-12", tech="6g"), [2]),
        (report("a2", None), [2]),
        (report("a2", "2020-09-12", name="Tokyo 5G Accord"), [1, 1]),
        (report("a2", "2020-09-12", name="Delhi 5G Accord"), [2]),
        (report("a2", "2020-09-12", name="delhi-5G  accord"), [2]),
    ],
    ids=[
        "months-apart",
        "other-status",
        "other-technology",
        "same-top-concept",
        "undated",
        "other-name",
        "same-name",
        "same-name-spelt-otherwise",
    ],
)
def test_what_counts_as_the_same_event(store: GraphStore, second, expected) -> None:
    store.replace_article(report("a1", "2020-09-09", name="Delhi 5G Accord"))
    store.replace_article(second)
    assert sources(store) == expected


def test_a_merged_relation_satisfies_the_shapes(store: GraphStore) -> None:
    from entente.graph.validate import validate_store

    store.replace_article(report("a1", "2020-09-09"))
    store.replace_article(report("a2", "2020-09-12"))
    result = validate_store(store.oxigraph)
    assert result.conforms, result.text


def test_all_agreements_lists_each_report_once(store: GraphStore) -> None:
    from entente.graph.query import load_example

    store.replace_article(report("a1", "2020-09-09"))
    store.replace_article(report("a2", "2020-09-12"))
    rows = run_query(store, load_example("all-agreements")).records()
    assert sorted((r["article"].value[-2:], r["date"].value) for r in rows) == [
        ("a1", "2020-09-09"),
        ("a2", "2020-09-12"),
    ]
    assert len({r["agreement"] for r in rows}) == 1


def test_two_reports_raise_the_exported_confidence(store: GraphStore) -> None:
    from entente.graph.views import full_view

    store.replace_article(report("a1", "2020-09-09"))
    single = [d["confidence"] for _, d in full_view(store.oxigraph).nodes(data=True)
              if d.get("kind") == "agreement"]  # fmt: skip
    store.replace_article(report("a2", "2020-09-12"))
    both = [d["confidence"] for _, d in full_view(store.oxigraph).nodes(data=True)
            if d.get("kind") == "agreement"]  # fmt: skip
    assert single == [0.8]
    assert both == [0.96]  # 1 - (1 - 0.8) * (1 - 0.8)
