"""Read-only SPARQL: prefixes, bindings, refusals, result formats and the example library."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from entente.errors import QueryError
from entente.graph.query import (
    PREFIXES,
    format_result,
    list_examples,
    load_example,
    run_query,
    shorten,
    to_term,
    write_result,
)
from entente.graph.store import GraphStore
from entente.records import Article, Extraction, Mention, Relation

# The India/Japan/US/Australia fixture is built in test_store.py; load it by path
# (tests/ is not a package and --import-mode=importlib keeps it off sys.path).
_spec = importlib.util.spec_from_file_location(
    "_graph_store_fixture", Path(__file__).with_name("test_store.py")
)
_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixture)

ENTR = "https://w3id.org/entente/id/"
HAVE_ONTOLOGY = _fixture.HAVE_ONTOLOGY


def _second_article() -> Extraction:
    """A dated, named IND-JPN semiconductor partnership and a negated IND-CHN talk."""
    text = (
        "India and Japan signed a semiconductor partnership. India did not hold talks with China."
    )
    article = Article(id="a2", text=text, date="2021-03", language="en")
    m1 = Mention("a2", 0, text[:51], 0, 50, text[:50], 0.9, "agreement.verb")
    m2 = Mention("a2", 1, text[52:], 52, len(text), text[52:], 0.4, "agreement.negated")
    return Extraction(
        article,
        relations=(
            Relation(
                "agreement",
                "partnership",
                "signed",
                parties=("state/JPN", "state/IND"),
                technologies=("semiconductors",),
                mentions=(m1,),
                name="India-Japan Chip Partnership",
            ),
            Relation(
                "agreement",
                "talks",
                "proposed",
                parties=("state/IND", "state/CHN"),
                negated=True,
                mentions=(m2,),
            ),
        ),
    )


@pytest.fixture(scope="module")
def store():
    with GraphStore.open(None, ontology=HAVE_ONTOLOGY) as opened:
        opened.replace_article(_fixture.quad_extraction())
        opened.replace_article(_second_article())
        yield opened


def _rows(result) -> list[dict[str, str | None]]:
    return [
        {k: shorten(v) if v is not None else None for k, v in r.items()} for r in result.records()
    ]


# -- prefixes and bindings -------------------------------------------------------------


def test_prefixes_are_predeclared(store) -> None:
    assert set(PREFIXES) >= {"ent", "entr", "prov", "skos", "dcterms", "rdf", "rdfs", "owl", "xsd"}
    result = run_query(store, "SELECT ?a WHERE { ?a a ent:Restriction }")
    assert len(result) == 1


def test_resource_shortcut_prefixes(store) -> None:
    """entr:state/IND is not a valid prefixed name; state:IND is, and means the same IRI."""
    assert PREFIXES["state"] == PREFIXES["entr"] + "state/"
    assert PREFIXES["tech"] == PREFIXES["entr"] + "technology/"
    short = run_query(store, "SELECT ?code WHERE { state:IND ent:countryCode ?code }")
    assert [r["code"].value for r in short.records()] == ["IND"]
    bound = run_query(
        store, "SELECT ?s ?code WHERE { ?s ent:countryCode ?code }", bindings={"s": "state:IND"}
    )
    assert [r["code"].value for r in bound.records()] == ["IND"]
    with pytest.raises(QueryError):
        run_query(store, "SELECT ?code WHERE { entr:state/IND ent:countryCode ?code }")


def test_query_declarations_win_and_base_works(store) -> None:
    sparql = """BASE <https://w3id.org/entente/id/>
        PREFIX ent: <http://example.com/not-entente#>
        SELECT ?r WHERE { ?r <https://w3id.org/entente/ns#target> <state/CHN> ;
                             a ?type . FILTER(?type != ent:Restriction) }"""
    assert len(run_query(store, sparql)) == 1
    assert len(run_query(store, "PREFIX ent: <http://x/> ASK { ?a a ent:Agreement }")) == 0
    assert run_query(store, "PREFIX ent: <http://x/> ASK { ?a a ent:Agreement }").boolean is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("state:IND", ox.NamedNode(ENTR + "state/IND")),
        ("<https://example.com/x>", ox.NamedNode("https://example.com/x")),
        ("India", ox.Literal("India")),
        ("nope:x", ox.Literal("nope:x")),
        (3, ox.Literal(3)),
        (0.5, ox.Literal(0.5)),
        (True, ox.Literal(True)),
        (ox.NamedNode("http://a/"), ox.NamedNode("http://a/")),
    ],
    ids=["prefixed", "angle-iri", "string", "unknown-prefix", "int", "float", "bool", "term"],
)
def test_to_term(value, expected) -> None:
    assert to_term(value) == expected


def test_bindings_select_rows_and_keep_text_out_of_the_query(store) -> None:
    sparql = "SELECT ?state ?code WHERE { ?state ent:countryCode ?code }"
    result = run_query(store, sparql, bindings={"?state": "state:JPN"})
    assert _rows(result) == [{"state": "state:JPN", "code": "JPN"}]
    evil = 'JPN" } UNION { ?state ?p ?code } #'
    assert len(run_query(store, sparql, bindings={"code": evil})) == 0
    assert len(run_query(store, sparql, bindings={"code": None})) == 5


def test_binding_errors_are_query_errors(store) -> None:
    with pytest.raises(QueryError, match="projection"):
        run_query(store, "SELECT ?code WHERE { ?s ent:countryCode ?code }", bindings={"s": 1})
    with pytest.raises(QueryError, match="IRI"):
        run_query(store, "SELECT * WHERE { ?s ?p ?o }", bindings={"s": "<not an iri>"})


# -- refusals and errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    "sparql",
    [
        "INSERT DATA { <http://e/s> <http://e/p> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH entr:graph\\/actors",
        "PREFIX e: <http://e/>\nWITH <http://e/g> DELETE { ?s ?p ?o } INSERT { ?s e:p 1 } "
        "WHERE { ?s ?p ?o }",
    ],
    ids=["insert-data", "delete-where", "load", "clear", "drop", "modify"],
)
def test_updates_are_refused(store, sparql: str) -> None:
    before = len(store)
    with pytest.raises(QueryError, match="updates are not allowed") as info:
        run_query(store, sparql)
    assert not isinstance(info.value, SyntaxError)
    assert len(store) == before


@pytest.mark.parametrize(
    ("sparql", "message"),
    [
        ("SELEC ?x WHERE {}", "invalid SPARQL query: error at"),
        ("SELECT ?x WHERE { ?x a undeclared:Thing }", "invalid SPARQL query"),
        ("   ", "empty"),
        ("PREFIX e: <http://e/>", "invalid SPARQL query"),
        ("SELECT * WHERE { ?s ?p ?o } ; CLEAR ALL", "invalid SPARQL query"),
    ],
    ids=["typo", "unknown-prefix", "blank", "prologue-only", "query-then-update"],
)
def test_syntax_errors(store, sparql: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        run_query(store, sparql)


# -- formats ---------------------------------------------------------------------------

SELECT = "SELECT ?state ?code WHERE { ?state ent:countryCode ?code } ORDER BY ?code"


def test_json_format(store) -> None:
    data = json.loads(format_result(run_query(store, SELECT), "json"))
    assert data["head"]["vars"] == ["state", "code"]
    assert data["results"]["bindings"][0]["state"] == {"type": "uri", "value": ENTR + "state/AUS"}
    ask = json.loads(format_result(run_query(store, "ASK { ?a a ent:Agreement }"), "json"))
    assert ask["boolean"] is True


def test_csv_and_tsv_formats(store) -> None:
    result = run_query(store, SELECT)
    rows = list(csv.reader(io.StringIO(format_result(result, "csv").decode("utf-8"))))
    assert rows[0] == ["state", "code"]
    assert rows[1] == [ENTR + "state/AUS", "AUS"]
    tsv = format_result(result, "tsv").decode("utf-8").splitlines()
    assert tsv[0] == "?state\t?code"
    assert tsv[1] == f'<{ENTR}state/AUS>\t"AUS"'
    parsed = ox.parse_query_results(format_result(result, "tsv"), ox.QueryResultsFormat.TSV)
    assert len(list(parsed)) == 5


def test_xml_format(store) -> None:
    data = format_result(run_query(store, SELECT), "xml")
    assert len(list(ox.parse_query_results(data, ox.QueryResultsFormat.XML))) == 5


def test_table_format_shortens_and_does_not_interpret_markup(store) -> None:
    table = format_result(run_query(store, SELECT), "table")
    assert isinstance(table, str)
    assert "state:IND" in table and "IND" in table and "state" in table
    markup = run_query(store, "SELECT ?x WHERE { BIND('[bold]b[/bold]' AS ?x) }")
    assert "[bold]b[/bold]" in format_result(markup, "table")
    assert format_result(run_query(store, "ASK {}"), "table").strip() == "true"


CONSTRUCT = """CONSTRUCT { ?s ent:countryCode ?c } WHERE { ?s ent:countryCode ?c }"""


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES)],
    ids=["turtle", "ntriples"],
)
def test_graph_formats_parse_back(store, fmt: str, rdf_format: ox.RdfFormat) -> None:
    result = run_query(store, CONSTRUCT)
    assert result.kind == "graph" and len(result) == 5
    triples = list(ox.parse(format_result(result, fmt), format=rdf_format))
    assert len(triples) == 5


def test_describe_and_graph_table(store) -> None:
    result = run_query(store, "DESCRIBE ?s WHERE { ?s ent:countryCode 'CHN' }")
    assert result.kind == "graph" and len(result) > 0
    assert "state:CHN" in format_result(result, "table")


@pytest.mark.parametrize(
    ("sparql", "fmt"),
    [(SELECT, "turtle"), (CONSTRUCT, "csv"), (SELECT, "yaml")],
    ids=["select-as-turtle", "construct-as-csv", "unknown"],
)
def test_format_mismatch(store, sparql: str, fmt: str) -> None:
    with pytest.raises(QueryError, match="format"):
        format_result(run_query(store, sparql), fmt)


def test_write_result_to_text_and_binary_streams(store) -> None:
    result = run_query(store, SELECT)
    text, binary = io.StringIO(), io.BytesIO()
    write_result(result, "csv", text)
    write_result(result, "table", binary)
    assert text.getvalue().startswith("state,code")
    assert b"state:AUS" in binary.getvalue()


# -- example library -------------------------------------------------------------------

REQUIRED = {
    "agreements-by-technology",
    "partners-of-state",
    "restrictions-against-state",
    "technologies-per-pair",
    "timeline-of-pair",
    "all-agreements",
    "all-restrictions",
}


def test_list_examples() -> None:
    examples = dict(list_examples())
    assert set(examples) >= REQUIRED
    for name, description in examples.items():
        assert description and not description.startswith("#"), name
        assert load_example(name).startswith("# ")


def test_unknown_example_lists_the_names() -> None:
    with pytest.raises(QueryError, match="partners-of-state"):
        load_example("../store")


@pytest.mark.parametrize("name", sorted(REQUIRED), ids=sorted(REQUIRED))
def test_each_example_runs_unbound(store, name: str) -> None:
    result = run_query(store, load_example(name))
    assert result.kind == "select" and len(result) > 0


def _example(store, name: str, **bindings) -> list[dict[str, str | None]]:
    return _rows(run_query(store, load_example(name), bindings=bindings))


def test_all_agreements(store) -> None:
    rows = _example(store, "all-agreements")
    assert sorted((r["type"], r["negated"]) for r in rows) == [
        ("entr:agreement-type/cooperation", "false"),
        ("entr:agreement-type/partnership", "false"),
        ("entr:agreement-type/talks", "true"),
    ]
    assert [r["date"] for r in rows] == ["2020-10-07", "2021-03", "2021-03"]
    assert set(rows[0]["parties"].split(", ")) == {"India", "Japan", "United States", "Australia"}
    names = {r["type"]: r["name"] for r in rows}
    assert names["entr:agreement-type/partnership"] == "India-Japan Chip Partnership"
    assert names["entr:agreement-type/cooperation"] is None


def test_all_restrictions(store) -> None:
    (row,) = _example(store, "all-restrictions")
    assert (row["imposers"], row["targets"], row["type"]) == (
        "Japan",
        "China",
        "entr:restriction-type/opposition",
    )


def test_partners_of_state(store) -> None:
    rows = _example(store, "partners-of-state", state="state:IND")
    partners = {r["partner"]: r["agreements"] for r in rows}
    # the negated IND-CHN talks do not make China a partner
    assert partners == {"state:JPN": "2", "state:USA": "1", "state:AUS": "1"}
    assert rows[0]["partner"] == "state:JPN" and rows[0]["state"] == "state:IND"


def test_restrictions_against_state(store) -> None:
    rows = _example(store, "restrictions-against-state", state="state:CHN")
    assert [(r["state"], r["imposers"], r["type"]) for r in rows] == [
        ("state:CHN", "Japan", "entr:restriction-type/opposition")
    ]
    assert _example(store, "restrictions-against-state", state="state:JPN") == []


def test_technologies_per_pair(store) -> None:
    rows = _example(store, "technologies-per-pair", state="state:JPN", partner="state:IND")
    assert {r["technology"] for r in rows} == {
        "tech:5g",
        "tech:semiconductors",
    }
    unbound = _example(store, "technologies-per-pair")
    assert {(r["state"], r["partner"]) for r in unbound} >= {
        ("state:IND", "state:JPN"),
        ("state:JPN", "state:IND"),
    }


def test_timeline_of_pair(store) -> None:
    rows = _example(store, "timeline-of-pair", state="state:JPN", partner="state:IND")
    assert [(r["date"], r["kind"], r["type"]) for r in rows] == [
        ("2020-10-07", "agreement", "entr:agreement-type/cooperation"),
        ("2021-03", "agreement", "entr:agreement-type/partnership"),
    ]
    assert rows[1]["evidence"].startswith("India and Japan signed")
    china = _example(store, "timeline-of-pair", state="state:CHN", partner="state:JPN")
    assert [(r["kind"], r["type"]) for r in china] == [
        ("restriction", "entr:restriction-type/opposition")
    ]


def test_agreements_by_technology(store) -> None:
    rows = _example(store, "agreements-by-technology", technology="tech:semiconductors")
    assert [r["type"] for r in rows] == ["entr:agreement-type/partnership"]
    if HAVE_ONTOLOGY:  # 5G is narrower than telecommunications only in the loaded scheme
        broader = _example(store, "agreements-by-technology", technology="tech:telecommunications")
        assert [r["type"] for r in broader] == ["entr:agreement-type/cooperation"]
