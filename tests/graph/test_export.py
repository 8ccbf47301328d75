"""Tests for the views, the CSV table and :func:`entente.graph.export.export`."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from entente.errors import ExportError
from entente.graph import export as export_module
from entente.graph.export import FORMATS, export
from entente.graph.tables import RELATION_COLUMNS, write_relations_csv
from entente.graph.views import actors_view, date_start, full_view

SAMPLE = Path(__file__).parents[1] / "data" / "graph" / "sample.trig"
ENTR = "https://w3id.org/entente/id/"
ODD = 'Alliance "R&D" <Abidjan>\x0b & Co 🚀'  # as stored
ODD_XML = ODD.replace("\x0b", "")  # as an XML format must write it


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    return store


def _by_label(graph: nx.Graph) -> dict[str, str]:
    return {data["label"]: node for node, data in graph.nodes(data=True)}


def _edge(graph: nx.Graph, a: str, b: str) -> dict:
    ids = _by_label(graph)
    return graph.edges[ids[a], ids[b]]


# Views


def test_actors_view_nodes(store: ox.Store) -> None:
    graph = actors_view(store)
    assert set(_by_label(graph)) == {
        "India",
        "Japan",
        "United States",
        "Australia",
        "China",
        "Côte d'Ivoire",
        ODD,
        "Narendra Modi",
        "Yoshihide Suga",
    }  # not France nor Macron: in no relation, never mentioned
    kinds = {d["label"]: d["kind"] for _, d in graph.nodes(data=True)}
    assert kinds["India"] == "state"
    assert kinds["Narendra Modi"] == "person"
    assert kinds[ODD] == "organization"
    modi = graph.nodes[_by_label(graph)["Narendra Modi"]]
    assert (modi["code"], modi["role"]) == ("IND", "Prime Minister")
    assert modi["iri"] == f"{ENTR}person/narendra-modi"


@pytest.mark.parametrize(
    ("a", "b", "relation", "weight", "technologies"),
    [
        ("India", "Japan", "agreement", 2, "5G;Military logistics"),
        ("India", "Australia", "agreement", 1, "5G"),
        ("United States", "Australia", "agreement", 1, "5G"),
        ("Japan", "China", "restriction", 1, "5G"),
        ("Côte d'Ivoire", "India", "agreement", 1, "Semiconductors"),
        ("Narendra Modi", "India", "affiliation", 1, None),
        ("Yoshihide Suga", "Japan", "affiliation", 1, None),
    ],
    ids=["ind-jpn", "ind-aus", "usa-aus", "jpn-chn", "civ-ind", "modi-ind", "suga-jpn"],
)
def test_actors_view_edges(
    store: ox.Store, a: str, b: str, relation: str, weight: int, technologies: str | None
) -> None:
    edge = _edge(actors_view(store), a, b)
    assert edge["relation"] == relation
    assert edge["weight"] == weight
    assert edge.get("technologies") == technologies


def test_actors_view_edge_details(store: ox.Store) -> None:
    graph = actors_view(store)
    assert graph.number_of_edges() == 12
    ind_jpn = _edge(graph, "India", "Japan")
    assert ind_jpn["types"] == "cooperation;formal_agreement"
    assert ind_jpn["technology_tops"] == "Defence;Telecommunications"
    assert (ind_jpn["first_date"], ind_jpn["last_date"], ind_jpn["start"]) == (
        "2020-09-10",
        "2020-10-06",
        "2020-09-10",
    )
    restriction = _edge(graph, "Japan", "China")
    assert (restriction["agreements"], restriction["restrictions"]) == (0, 1)
    # the company is both a party with its state and affiliated with it: one edge
    org_civ = _edge(graph, ODD, "Côte d'Ivoire")
    assert (org_civ["relation"], org_civ["affiliated"]) == ("agreement", True)
    assert not graph.has_edge(_by_label(graph)["Japan"], _by_label(graph)["Narendra Modi"])


def test_full_view(store: ox.Store) -> None:
    graph = full_view(store)
    kinds = [d["kind"] for _, d in graph.nodes(data=True)]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "state": 6,
        "person": 2,
        "organization": 1,
        "agreement": 3,
        "restriction": 1,
        "technology": 3,
    }
    ids = _by_label(graph)
    opposition = ids["opposition (ongoing) [hedged]"]
    assert graph.edges[ids["Japan"], opposition]["role"] == "imposer"
    assert graph.edges[ids["China"], opposition]["role"] == "target"
    assert graph.edges[opposition, ids["5G"]]["role"] == "technology"
    assert graph.edges[ids["Narendra Modi"], ids["India"]]["role"] == "affiliation"
    pact = graph.nodes[ids["formal_agreement (signed)"]]
    assert pact["articles"] == "a1;a2"
    # first mention: the earlier article a2, not a1
    assert pact["evidence"] == "India and Japan signed an agreement on military logistics"
    assert (pact["date"], pact["confidence"], pact["negated"]) == (
        "2020-09-10",
        0.99,
        False,
    )  # two reports at 0.9 combine to 0.99
    assert graph.nodes[ids["Military logistics"]]["top"] == "Defence"
    partnership = graph.nodes[ids["partnership (proposed)"]]
    assert (partnership["date"], partnership["start"]) == ("2021-03", "2021-03-01")
    assert partnership["articles"] == "aé3"


@pytest.mark.parametrize("view", [actors_view, full_view], ids=["actors", "full"])
def test_views_are_plain(store: ox.Store, view) -> None:
    graph = view(store)
    for node, data in graph.nodes(data=True):
        assert re.fullmatch(r"n\d+", node)
        assert all(isinstance(v, str | int | float) for v in data.values()), data
    for *_, data in graph.edges(data=True):
        assert all(isinstance(v, str | int | float) for v in data.values()), data


@pytest.mark.parametrize(
    ("lexical", "expected"),
    [
        ("2020-10-06", "2020-10-06"),
        ("2021-03", "2021-03-01"),
        ("2021", "2021-01-01"),
        ("2020-10-06T12:00:00Z", "2020-10-06"),
        ("", None),
        ("soon", None),
    ],
    ids=["date", "year-month", "year", "datetime", "empty", "junk"],
)
def test_date_start(lexical: str, expected: str | None) -> None:
    assert date_start(lexical) == expected


# CSV


def test_relations_csv(store: ox.Store) -> None:
    buffer = io.BytesIO()
    assert write_relations_csv(store, buffer) == 4
    reader = csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8"), newline=""))
    assert tuple(reader.fieldnames or ()) == RELATION_COLUMNS
    rows = {row["iri"].rsplit("/", 1)[-1]: row for row in reader}
    expected = {
        "1a2b3c": ("Australia;India;Japan;United States", "", "", "5G", "agreed"),
        "4d5e6f": ("India;Japan", "", "", "Military logistics", "signed"),
        "9f8e7d": ("", "Japan", "China", "5G", "ongoing"),
        "7a8b9c": (f"{ODD};Côte d'Ivoire;India", "", "", "Semiconductors", "proposed"),
    }
    got = {
        key: (r["parties"], r["imposers"], r["targets"], r["technologies"], r["status"])
        for key, r in rows.items()
    }
    assert got == expected
    assert rows["4d5e6f"]["articles"] == "a1;a2"
    assert rows["4d5e6f"]["technology_tops"] == "Defence"
    assert rows["9f8e7d"]["party_codes"] == "CHN;JPN"
    assert (rows["9f8e7d"]["hedged"], rows["9f8e7d"]["confidence"]) == ("true", "0.6")
    assert rows["7a8b9c"]["evidence"] == 'Côte d\'Ivoire & India <plan> a "chips" partnership 🚀'


def test_a_named_relation_shows_its_name(store: ox.Store) -> None:
    named = ox.Store()
    named.extend(store)
    pact = ox.NamedNode(f"{ENTR}agreement/4d5e6f")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    named.add(ox.Quad(pact, label, ox.Literal("Logistics Pact"), ox.NamedNode(f"{ENTR}article/a1")))
    graph = full_view(named)
    ids = _by_label(graph)
    assert graph.nodes[ids["Logistics Pact (signed)"]]["name"] == "Logistics Pact"
    assert "formal_agreement (signed)" not in ids
    buffer = io.BytesIO()
    write_relations_csv(named, buffer)
    rows = csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8"), newline=""))
    names = {row["iri"].rsplit("/", 1)[-1]: row["name"] for row in rows}
    assert names == {"1a2b3c": "", "4d5e6f": "Logistics Pact", "9f8e7d": "", "7a8b9c": ""}


# export()


def _triples(data: bytes, fmt: ox.RdfFormat) -> list:
    return list(ox.parse(data, fmt))


@pytest.mark.parametrize(
    ("fmt", "rdf_format", "union"),
    [
        ("turtle", ox.RdfFormat.TURTLE, True),
        ("ntriples", ox.RdfFormat.N_TRIPLES, True),
        ("nquads", ox.RdfFormat.N_QUADS, False),
        ("trig", ox.RdfFormat.TRIG, False),
        ("jsonld", ox.RdfFormat.JSON_LD, False),
    ],
    ids=["turtle", "ntriples", "nquads", "trig", "jsonld"],
)
def test_export_rdf_round_trip(
    store: ox.Store, tmp_path: Path, fmt: str, rdf_format: ox.RdfFormat, union: bool
) -> None:
    out = tmp_path / f"out.{fmt}"
    summary = export(store, fmt, out)
    parsed = _triples(out.read_bytes(), rdf_format)
    if union:
        expected = len({(q.subject, q.predicate, q.object) for q in store})
        assert expected < len(store)  # the fixture repeats statements across graphs
    else:
        expected = len(store)
    assert summary.triples == len(parsed) == expected
    labels = {t.object.value for t in parsed if isinstance(t.object, ox.Literal)}
    assert {ODD, "Côte d'Ivoire"} <= labels  # nothing lost or mangled, \x0b included


@pytest.mark.parametrize(
    ("fmt", "view", "nodes", "edges"),
    [
        ("gexf", "actors", 9, 12),
        ("gexf", "full", 16, 18),
        ("graphml", "actors", 9, 12),
        ("graphml", "full", 16, 18),
    ],
    ids=["gexf-actors", "gexf-full", "graphml-actors", "graphml-full"],
)
def test_export_graph_counts(
    store: ox.Store, tmp_path: Path, fmt: str, view: str, nodes: int, edges: int
) -> None:
    out = tmp_path / f"out.{fmt}"
    summary = export(store, fmt, out, view=view)
    assert (summary.nodes, summary.edges, summary.view) == (nodes, edges, view)
    graph = nx.read_gexf(out, version="1.3") if fmt == "gexf" else nx.read_graphml(out)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    assert ODD_XML in {d["label"] for _, d in graph.nodes(data=True)}
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_csv_summary(store: ox.Store, tmp_path: Path) -> None:
    summary = export(store, "csv", tmp_path / "relations.csv")
    assert (summary.rows, summary.nodes, summary.triples) == (4, None, None)


@pytest.mark.parametrize(
    ("kwargs", "listed"),
    [
        ({"fmt": "pdf"}, "gexf, graphml, csv, turtle, nquads, trig, ntriples, jsonld"),
        ({"fmt": "gexf", "view": "states"}, "actors, full"),
    ],
    ids=["format", "view"],
)
def test_export_rejects_unknown(store: ox.Store, tmp_path: Path, kwargs: dict, listed: str) -> None:
    with pytest.raises(ExportError, match=re.escape(listed)):
        export(store, output=tmp_path / "x", **kwargs)
    assert not list(tmp_path.iterdir())


def test_formats_listed() -> None:
    assert FORMATS == ("gexf", "graphml", "csv", "turtle", "nquads", "trig", "ntriples", "jsonld")


def test_export_is_atomic(store: ox.Store, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "graph.gexf"
    out.write_text("previous")

    def broken(*args, **kwargs):
        args[1].write(b"<gexf half-written")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export_module, "write_gexf", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export(store, "gexf", out)
    assert out.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.gexf"]


def test_export_creates_missing_directories(store: ox.Store, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "dir.csv"
    summary = export(store, "csv", out)
    with out.open(encoding="utf-8", newline="") as stream:
        assert len(list(csv.DictReader(stream))) == summary.rows == 4


def test_export_under_a_file_is_an_error(store: ox.Store, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="cannot write"):
        export(store, "csv", tmp_path / "file" / "out.csv")


@pytest.mark.parametrize("fmt", ["csv", "ntriples", "gexf"], ids=["csv", "ntriples", "gexf"])
def test_export_to_stdout(store: ox.Store, capsysbinary, fmt: str) -> None:
    summary = export(store, fmt, "-")
    assert summary.output == "-"
    assert "Côte d'Ivoire".encode() in capsysbinary.readouterr().out


def test_export_to_file_object(store: ox.Store) -> None:
    buffer = io.BytesIO()
    summary = export(store, "nquads", buffer)
    assert summary.triples == len(store) == len(_triples(buffer.getvalue(), ox.RdfFormat.N_QUADS))
