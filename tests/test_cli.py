"""The ``entente`` command line on a real store built from the sample articles."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner, Result

import entente
from entente.cli import app

SAMPLES = Path(__file__).parents[1] / "data" / "samples"
SAMPLE_CODES = {"IND", "JPN", "USA", "AUS", "CHN", "ISR"}
INDIA = "https://w3id.org/entente/id/state/IND"
JAPAN = "https://w3id.org/entente/id/state/JPN"
EXAMPLES = {
    "agreements-by-technology",
    "all-agreements",
    "all-restrictions",
    "partners-of-state",
    "restrictions-against-state",
    "technologies-per-pair",
    "timeline-of-pair",
}
STATE_CODES = "SELECT ?code WHERE { ?s a ent:State ; ent:countryCode ?code }"
SUMMARY = re.compile(
    r"(\d+) articles, (\d+) agreements, (\d+) restrictions, (\d+) triples in .*, (\d+) errors"
)

runner = CliRunner()


def run(*args: str | Path, input: str | None = None) -> Result:
    return runner.invoke(app, [str(arg) for arg in args], input=input)


def oneline(text: str) -> str:
    """Stderr with rich's line wrapping undone (it keeps the space before a break)."""
    return text.replace("\n", "")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store"
    result = run("ingest", SAMPLES, "--store", path, "-q")
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def stats(store: Path) -> dict[str, int]:
    return stats_of(store)


def stats_of(store: Path) -> dict[str, int]:
    result = run("stats", "--store", store)
    assert result.exit_code == 0, result.output
    return {name: int(count) for name, count in map(str.split, result.stdout.splitlines())}


def csv_rows(store: Path, *args: str) -> list[dict[str, str]]:
    """Rows of ``entente query ARGS --format csv``."""
    result = run("query", "--store", store, *args, "--format", "csv")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def count(store: Path, sparql: str) -> int:
    (row,) = csv_rows(store, sparql)
    return int(row["n"])


# -- ingest


def test_ingest_prints_the_summary(tmp_path: Path) -> None:
    result = run("ingest", SAMPLES, "--store", tmp_path / "store", "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # results only go to stdout; the summary is for humans
    match = SUMMARY.search(oneline(result.stderr))
    assert match, result.stderr
    articles, agreements, restrictions, triples, errors = map(int, match.groups())
    assert (articles, errors) == (5, 0)
    assert agreements > 0 and restrictions > 0 and triples > 0


def test_ingest_summary_is_one_line(tmp_path: Path) -> None:
    store = tmp_path / "a-store-directory-with-a-rather-long-name-like-real-ones-have"
    result = run("ingest", SAMPLES / "india-japan-5g.txt", "--store", store, "-q")
    assert result.exit_code == 0, result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_ingest_skips_a_bad_line_and_keeps_the_others(tmp_path: Path) -> None:
    good = [
        {"id": "good-1", "text": "India and Japan signed a 5G cooperation agreement."},
        {"id": "good-2", "text": "Japan and Australia agreed to cooperate on chips."},
    ]
    source = tmp_path / "mixed.jsonl"
    lines = [json.dumps(good[0]), '{"id": "broken", "text": ', json.dumps(good[1])]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "store"

    result = run("ingest", source, "--store", store, "-q")

    assert result.exit_code == 0, result.output
    assert f"{source}:2:" in oneline(result.stderr)
    match = SUMMARY.search(oneline(result.stderr))
    assert match, result.stderr
    assert (int(match.group(1)), int(match.group(5))) == (2, 1)
    ids = csv_rows(store, "SELECT ?id WHERE { ?a a ent:Article ; dcterms:identifier ?id }")
    assert {row["id"] for row in ids} == {"good-1", "good-2"}


def test_skipped_record_line_has_no_markup(tmp_path: Path) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_text('{"id": "a", "text": "India and Japan met."}\n{bad\n', encoding="utf-8")
    result = run("ingest", source, "--store", tmp_path / "store", "-q")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"skipped: {source}:2: "), result.stderr


def test_ingest_of_a_missing_path_fails(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-file.jsonl"
    result = run("ingest", missing, "--store", tmp_path / "store", "-q")
    assert result.exit_code == 1
    assert str(missing) in oneline(result.stderr)


def test_ingest_of_only_bad_input_fails(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"id": "x"}\nnot json at all\n', encoding="utf-8")
    result = run("ingest", source, "--store", tmp_path / "store", "-q")
    assert result.exit_code == 1
    text = oneline(result.stderr)
    assert f"{source}:1:" in text and f"{source}:2:" in text


def test_ingest_twice_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run("ingest", SAMPLES, "--store", store, "-q").exit_code == 0
    before = stats_of(store)
    assert run("ingest", SAMPLES, "--store", store, "-q").exit_code == 0
    assert stats_of(store) == before


# -- query


def test_query_csv(store: Path) -> None:
    rows = csv_rows(store, STATE_CODES)
    assert list(rows[0]) == ["code"]
    assert {row["code"] for row in rows} >= SAMPLE_CODES


def test_query_json_is_sparql_results_json(store: Path) -> None:
    result = run("query", "--store", store, STATE_CODES, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["head"]["vars"] == ["code"]
    bindings = data["results"]["bindings"]
    assert all(b["code"]["type"] == "literal" for b in bindings)
    assert {b["code"]["value"] for b in bindings} >= SAMPLE_CODES


def test_query_tsv(store: Path) -> None:
    result = run("query", "--store", store, STATE_CODES, "--format", "tsv")
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.splitlines()
    assert header == "?code"
    assert {f'"{code}"' for code in SAMPLE_CODES} <= set(lines)


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("ASK { state:IND a ent:State ; ent:countryCode 'IND' }", True),
        ("ASK { state:IND a ent:Restriction }", False),
    ],
    ids=["true", "false"],
)
def test_query_ask(store: Path, sparql: str, expected: bool) -> None:
    result = run("query", "--store", store, sparql)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(expected).lower()
    result = run("query", "--store", store, sparql, "--format", "json")
    assert json.loads(result.stdout)["boolean"] is expected


def test_query_from_a_file(store: Path, tmp_path: Path) -> None:
    query = tmp_path / "codes.rq"
    query.write_text(f"# state codes\n{STATE_CODES}\n", encoding="utf-8")
    assert {row["code"] for row in csv_rows(store, str(query))} >= SAMPLE_CODES


def test_query_list_names_the_examples() -> None:
    result = run("query", "--list")
    assert result.exit_code == 0, result.output
    names = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert names == EXAMPLES


def test_example_partners_of_india(store: Path) -> None:
    rows = csv_rows(store, "--example", "partners-of-state", "--bind", "state=state:IND")
    assert rows
    assert {row["state"] for row in rows} == {INDIA}
    partners = {row["partner"]: row for row in rows}
    assert JAPAN in partners
    assert partners[JAPAN]["partnerLabel"] == "Japan"
    assert "5G" in partners[JAPAN]["technologies"]


@pytest.mark.parametrize(
    "update",
    [
        'INSERT DATA { state:IND rdfs:label "Bharat" }',
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://example.org/> INSERT { ?s ex:seen true } WHERE { ?s a ent:State }",
    ],
    ids=["insert-data", "delete-where", "insert-where"],
)
def test_updates_are_refused(store: Path, stats: dict[str, int], update: str) -> None:
    result = run("query", "--store", store, update)
    assert result.exit_code == 1
    assert "updates are not allowed" in result.stderr
    assert result.stdout == ""
    assert stats_of(store) == stats


def test_syntax_error_is_one_line(store: Path) -> None:
    result = run("query", "--store", store, "SELEKT ?x WHERE { ?x ?p ?o }")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: invalid SPARQL query")


def test_query_on_a_missing_store(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = run("query", "--store", missing, STATE_CODES)
    assert result.exit_code == 1
    assert f"no store at {missing}" in oneline(result.stderr)
    assert not missing.exists()  # reading never creates a store


def test_error_message_with_brackets_is_printed_verbatim(tmp_path: Path) -> None:
    missing = tmp_path / "store[/x]"
    result = run("query", "--store", missing, STATE_CODES)
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert f"no store at {missing}" in oneline(result.stderr)


# -- export

RDF_EXPORTS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
DATASET_FORMATS = ("nquads", "trig", "jsonld")


@pytest.fixture(scope="module")
def exports(store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    paths = {}
    for fmt in ("gexf", "graphml", "csv", *RDF_EXPORTS):
        path = folder / f"graph.{fmt}"
        result = run("export", "--store", store, "--format", fmt, "--output", path)
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        assert f"wrote {path}" in oneline(result.stderr)
        paths[fmt] = path
    return paths


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "csv", *RDF_EXPORTS])
def test_export_writes_a_file(exports: dict[str, Path], fmt: str) -> None:
    assert exports[fmt].stat().st_size > 0
    assert not list(exports[fmt].parent.glob(".*.tmp"))  # no temporary file left behind


def _quads(path: Path, fmt: str) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=RDF_EXPORTS[fmt]))


def _triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def _ground(triples: list[ox.Triple] | set[ox.Triple]) -> set[ox.Triple]:
    """The triples without blank nodes (which get new ids on each parse)."""
    return {t for t in triples if not any(isinstance(term, ox.BlankNode) for term in t)}


@pytest.mark.parametrize("fmt", DATASET_FORMATS)
def test_dataset_exports_hold_every_quad(
    exports: dict[str, Path], stats: dict[str, int], fmt: str
) -> None:
    quads = _quads(exports[fmt], fmt)
    assert len(quads) == stats["triples"]
    assert len({q.graph_name for q in quads}) > 2  # article graphs, actors, ontology


@pytest.mark.parametrize("fmt", ["turtle", "ntriples"])
def test_triple_exports_hold_the_union(exports: dict[str, Path], fmt: str) -> None:
    quads = _quads(exports[fmt], fmt)
    assert {q.graph_name for q in quads} == {ox.DefaultGraph()}
    triples = _triples(quads)
    union = set(_triples(_quads(exports["nquads"], "nquads")))
    assert len(triples) == len(set(triples)) == len(union)
    assert _ground(triples) == _ground(union)


def test_csv_export_has_one_row_per_relation(
    exports: dict[str, Path], stats: dict[str, int]
) -> None:
    with exports["csv"].open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == stats["agreements"] + stats["restrictions"]
    kinds = [row["kind"] for row in rows]
    assert kinds.count("agreement") == stats["agreements"]
    assert kinds.count("restriction") == stats["restrictions"]


def test_export_of_an_unknown_format_fails(store: Path, tmp_path: Path) -> None:
    output = tmp_path / "graph.dot"
    result = run("export", "--store", store, "--format", "dot", "--output", output)
    assert result.exit_code != 0
    text = oneline(result.stderr)
    assert "dot" in text
    for fmt in ("gexf", "graphml", "csv", *RDF_EXPORTS):
        assert fmt in text
    assert not output.exists()


# -- stats, validate, version


def test_stats(store: Path, stats: dict[str, int]) -> None:
    assert list(stats) == [
        "articles",
        "agreements",
        "restrictions",
        "actors",
        "states",
        "persons",
        "organizations",
        "technologies",
        "mentions",
        "triples",
    ]
    assert stats["articles"] == 5
    assert stats["agreements"] > 0 and stats["restrictions"] > 0
    codes = {row["code"] for row in csv_rows(store, STATE_CODES)}
    assert codes >= SAMPLE_CODES
    assert stats["states"] == len(codes)
    assert stats["agreements"] == count(
        store, "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a ent:Agreement }"
    )
    assert stats["persons"] == count(
        store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ent:Person }"
    )
    assert stats["actors"] >= stats["states"] + stats["persons"]


def test_validate_conforms(store: Path) -> None:
    result = run("validate", "--store", store)
    assert result.exit_code == 0, result.output
    assert "conforms" in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"entente {entente.__version__}"
