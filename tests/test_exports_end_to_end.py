"""Exports of the sample store read back by Gephi's schema, networkx and csv."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from entente import KnowledgeGraph
from entente.graph.export import ExportSummary
from entente.graph.views import actors_view, full_view

SAMPLES = Path(__file__).parents[1] / "data" / "samples"
XSI_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
VIEWS = {"actors": actors_view, "full": full_view}
LABELS = {"India", "Japan", "China", "Narendra Modi", "Yoshihide Suga"}


@pytest.fixture
def relaxng(gexf_relaxng: etree.RelaxNG) -> etree.RelaxNG:
    return gexf_relaxng


@pytest.fixture(scope="module")
def kg(sample_kg: KnowledgeGraph) -> KnowledgeGraph:
    return sample_kg


@pytest.fixture(scope="module")
def exported(
    kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], tuple[Path, ExportSummary]]:
    """Every graph format in every view, plus the CSV table, keyed by (format, view)."""
    folder = tmp_path_factory.mktemp("exports")
    files = {}
    for fmt in ("gexf", "graphml"):
        for view in VIEWS:
            path = folder / f"{view}.{fmt}"
            files[fmt, view] = path, kg.export(fmt, path, view=view)
    path = folder / "relations.csv"
    files["csv", ""] = path, kg.export("csv", path)
    return files


def _read(fmt: str, path: Path) -> nx.Graph:
    return nx.read_gexf(path, version="1.3") if fmt == "gexf" else nx.read_graphml(path)


def _by_label(graph: nx.Graph) -> dict[str, list[str]]:
    nodes: dict[str, list[str]] = {}
    for node, label in graph.nodes(data="label"):
        nodes.setdefault(label, []).append(node)
    return nodes


def _node(graph: nx.Graph, label: str) -> str:
    (node,) = _by_label(graph)[label]
    return node


PARAMS = pytest.mark.parametrize(
    ("fmt", "view"),
    [(fmt, view) for fmt in ("gexf", "graphml") for view in VIEWS],
    ids=[f"{fmt}-{view}" for fmt in ("gexf", "graphml") for view in VIEWS],
)


@pytest.mark.parametrize("view", list(VIEWS))
def test_gexf_validates_against_the_official_schema(
    exported: dict, relaxng: etree.RelaxNG, view: str
) -> None:
    path, _summary = exported["gexf", view]
    root = etree.parse(str(path)).getroot()
    assert root.get(XSI_LOCATION) is None  # the RELAX NG schema does not declare it
    assert relaxng.validate(root), relaxng.error_log  # the exported file as it is


@PARAMS
def test_export_reads_back_with_the_summary_counts(
    kg: KnowledgeGraph, exported: dict, fmt: str, view: str
) -> None:
    path, summary = exported[fmt, view]
    assert (summary.format, summary.view, summary.output) == (fmt, view, str(path))
    graph = _read(fmt, path)
    expected = VIEWS[view](kg.store.oxigraph)
    assert graph.number_of_nodes() == summary.nodes == expected.number_of_nodes() > 0
    assert graph.number_of_edges() == summary.edges == expected.number_of_edges() > 0
    assert graph.is_directed() == expected.is_directed() == (view == "full")


@PARAMS
def test_export_has_the_sample_actors(exported: dict, fmt: str, view: str) -> None:
    graph = _read(fmt, exported[fmt, view][0])
    labels = _by_label(graph)
    assert set(labels) >= LABELS
    # actors are shared across articles: one node each, however many articles name them
    assert all(len(labels[label]) == 1 for label in LABELS)


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_actors_view_edges(exported: dict, fmt: str) -> None:
    graph = _read(fmt, exported[fmt, "actors"][0])
    india, japan = _node(graph, "India"), _node(graph, "Japan")
    assert graph.has_edge(india, japan)
    edge = graph.edges[india, japan]
    assert edge["relation"] == "agreement"
    assert edge["agreements"] >= 2  # 5G cooperation and the logistics pact
    assert {"5G", "military logistics"} <= set(edge["technologies"].split(";"))

    modi = _node(graph, "Narendra Modi")
    assert graph.has_edge(modi, india)
    assert graph.edges[modi, india]["relation"] == "affiliation"


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_full_view_links_an_agreement_to_5g(exported: dict, fmt: str) -> None:
    graph = _read(fmt, exported[fmt, "full"][0])
    five_g = _node(graph, "5G")
    assert graph.nodes[five_g]["kind"] == "technology"
    sources = [graph.nodes[node]["kind"] for node in graph.predecessors(five_g)]
    assert "agreement" in sources
    # and that agreement has India and Japan among its parties
    parties = {
        graph.nodes[actor]["label"]
        for agreement in graph.predecessors(five_g)
        if graph.nodes[agreement]["kind"] == "agreement"
        for actor in graph.predecessors(agreement)
    }
    assert {"India", "Japan"} <= parties


@pytest.mark.parametrize("view", list(VIEWS))
def test_gexf_is_dynamic_with_dates(exported: dict, view: str) -> None:
    path, _summary = exported["gexf", view]
    root = etree.parse(str(path)).getroot()
    ns = {"g": root.nsmap[None]}
    (graph,) = root.findall("g:graph", ns)
    assert graph.get("mode") == "dynamic"
    assert graph.get("timeformat") == "date"
    # the full view dates its actor and relation nodes, the actors view its edges too
    kinds = ("nodes/g:node", "edges/g:edge") if view == "actors" else ("nodes/g:node",)
    for kind in kinds:
        starts = [item.get("start") for item in root.iterfind(f"g:graph/g:{kind}", ns)]
        assert any(starts), kind
        assert all(start is None or len(start) == 10 for start in starts)  # YYYY-MM-DD
    back = nx.read_gexf(path, version="1.3")
    assert back.nodes[_node(back, "India")]["start"] == "2020-10-07"
    if view == "actors":
        assert back.edges[_node(back, "India"), _node(back, "Japan")]["start"] == "2020-10-07"


def test_csv_row_of_the_military_logistics_pact(kg: KnowledgeGraph, exported: dict) -> None:
    path, summary = exported["csv", ""]
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    stats = kg.stats()
    assert len(rows) == summary.rows == stats["agreements"] + stats["restrictions"]
    (row,) = [row for row in rows if row["technologies"] == "military logistics"]
    assert row["kind"] == "agreement"
    assert row["type"] == "formal_agreement"
    assert row["status"] == "signed"
    assert row["parties"].split(";") == ["India", "Japan"]
    assert row["party_codes"] == "IND;JPN"
    assert row["technology_tops"] == "defence"
    assert row["articles"] == "india-japan-5g.txt"
    assert "military logistics pact" in row["evidence"]
    assert row["evidence"] in row["sentence"]
