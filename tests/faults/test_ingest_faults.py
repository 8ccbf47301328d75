"""Faults during an ingest: one bad article never costs the others, nothing twice, one writer.

Each test is one scenario of the fault catalogue (promises 3, 4 and 5): articles
whose analysis or commit fails, empty texts and empty extractions, oversized texts,
invalid Unicode, NFC/NFD names, re-ingest idempotence, a second writer and readers
in real processes, and threads writing the same store.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from entente.cli import app
from entente.errors import InputError, StoreError, StoreLockedError
from entente.graph.iris import article_iri
from entente.graph.query import run_query
from entente.graph.store import GraphStore
from entente.pipeline import IngestSummary, ingest, ingest_articles
from entente.records import Article

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_GRAPH = "https://w3id.org/entente/id/graph/ontology"
STORY = "India and Japan agreed on Tuesday to cooperate on secure 5G networks."
OTHER = "France and Germany signed a pact on semiconductors on Monday."
CALM = "The weather was mild and the markets were calm that week."


@pytest.fixture(scope="module")
def nlp():
    """The default pipeline plus a component that fails on texts containing EXPLODE."""
    from spacy.language import Language

    from entente.extract import build_pipeline

    if not Language.has_factory("entente_test_explode"):

        @Language.component("entente_test_explode")
        def explode(doc):
            if "EXPLODE" in doc.text:
                raise RuntimeError("boom")
            return doc

    pipeline = build_pipeline()
    pipeline.add_pipe("entente_test_explode", first=True)
    return pipeline


@pytest.fixture
def store() -> Iterator[GraphStore]:
    with GraphStore.open(None) as opened:
        yield opened


def _rows(store: GraphStore, sparql: str, **bindings) -> list[dict[str, str | None]]:
    result = run_query(store, sparql, bindings=bindings or None)
    return [
        {k: (v.value if v is not None else None) for k, v in row.items()}
        for row in result.records()
    ]


def _quads(store: GraphStore) -> set[ox.Quad]:
    return set(store.oxigraph.quads_for_pattern(None, None, None, None))


def _articles(n: int, prefix: str = "a") -> list[Article]:
    return [Article(id=f"{prefix}{i}", text=f"{STORY} Report {i}.") for i in range(1, n + 1)]


# -- one article's failure stays with that article -------------------------------------


def test_analysis_crash_skips_one_article_and_the_rest_commit(nlp, store: GraphStore) -> None:
    """A component raising on one article: one error line, every other article committed."""
    articles = _articles(5)
    articles[2] = Article(id="a3", text=f"{STORY} EXPLODE", origin="batch.jsonl:3")
    summary = ingest_articles(articles, store, nlp=nlp, batch_size=2)
    assert summary.articles == 4
    assert summary.errors == [
        "batch.jsonl:3: could not be analysed (RuntimeError: boom); article skipped"
    ]
    assert store.article_ids() == ["a1", "a2", "a4", "a5"]


def test_analysis_error_names_the_file_and_line(nlp, tmp_path: Path, store: GraphStore) -> None:
    """Through the loaders: the error carries the JSONL path and line as attributes."""
    path = tmp_path / "batch.jsonl"
    lines = [{"id": "x1", "text": STORY}, {"id": "x2", "text": "EXPLODE " + STORY}]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    errors: list[InputError] = []
    summary = ingest([path], store, nlp=nlp, on_error=errors.append)
    assert summary.articles == 1 and store.article_ids() == ["x1"]
    assert [(e.path, e.line) for e in errors] == [(str(path), 2)]
    assert summary.errors == [str(errors[0])]


def test_commit_failure_skips_one_article(nlp, store: GraphStore, monkeypatch) -> None:
    """Storing one extraction raises: one error line, the others committed."""
    real = GraphStore.replace_article

    def flaky(self, extraction, **kwargs):
        if extraction.article.id == "a2":
            raise ValueError("cannot be mapped")
        return real(self, extraction, **kwargs)

    monkeypatch.setattr(GraphStore, "replace_article", flaky)
    summary = ingest_articles(_articles(3), store, nlp=nlp)
    assert summary.errors == [
        "article 'a2': could not be stored (ValueError: cannot be mapped); article skipped"
    ]
    assert (summary.articles, store.article_ids()) == (2, ["a1", "a3"])


def test_broken_store_stops_the_ingest_and_keeps_what_was_committed(
    nlp, store: GraphStore, monkeypatch
) -> None:
    """A store that cannot be written (disk full) ends the ingest; earlier commits stay."""
    real = GraphStore._update
    calls = {"n": 0}

    def failing(self, sparql):
        calls["n"] += 1
        if calls["n"] > 2:
            raise StoreError("cannot write to store <memory>: No space left on device")
        return real(self, sparql)

    monkeypatch.setattr(GraphStore, "_update", failing)
    with pytest.raises(StoreError, match="No space left"):
        ingest_articles(_articles(4), store, nlp=nlp)
    assert store.article_ids() == ["a1", "a2"]


def test_empty_text_from_python_is_one_error(nlp, store: GraphStore) -> None:
    """Article(text="   ") built in Python: a clear error, nothing stored for it."""
    summary = ingest_articles([Article(id="e1", text=" \n "), *_articles(1)], store, nlp=nlp)
    assert summary.errors == ["article 'e1': text is empty; article skipped"]
    assert store.article_ids() == ["a1"]


def test_empty_extraction_is_committed_not_an_error(nlp, store: GraphStore) -> None:
    """An article in which nothing is found is still stored, with its provenance."""
    summary = ingest_articles([Article(id="calm", text=CALM, title="Weather")], store, nlp=nlp)
    assert (summary.articles, summary.relations, summary.errors) == (1, 0, [])
    [row] = _rows(
        store,
        "SELECT ?title ?hash WHERE { ?a a ent:Article ; dcterms:title ?title ;"
        " ent:contentHash ?hash }",
    )
    assert row["title"] == "Weather" and row["hash"].startswith("sha256:")


# -- texts spaCy cannot take as they are -------------------------------------------------


def test_oversized_article_is_split_and_offsets_stay_whole_text(nlp, store: GraphStore) -> None:
    """A 1,050,000-character article: analysed in pieces, a fact in piece 2 has true offsets."""
    from entente.extract import MAX_CHARS, split_text

    # Long words keep the token count (and the test) small; the text is ours.
    filler = "Pneumonoultramicroscopicsilicovolcanoconiosis " * 9 + "notwithstanding.\n\n"
    before = 1_010_000 // len(filler)
    text = filler * before + STORY + "\n\n" + filler * (40_000 // len(filler))
    article = Article(id="big", text=text)
    assert len(text) > MAX_CHARS and len(split_text(text)) == 2
    assert text.index(STORY) > split_text(text)[1][0]  # the fact is in the second piece

    summary = ingest_articles([article], store, nlp=nlp)
    assert (summary.articles, summary.errors) == (1, [])
    rows = _rows(
        store,
        "SELECT ?start ?end ?evidence ?sentence WHERE { ?r a ent:Agreement ; ent:party state:IND ;"
        " ent:evidence ?m . ?m ent:startOffset ?start ; ent:endOffset ?end ;"
        " ent:evidenceText ?evidence ; ent:sentence ?sentence }",
    )
    assert rows, "the agreement in the second piece was not found"
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        assert start > MAX_CHARS
        assert article.full_text[start:end] == row["evidence"]
        assert row["sentence"] == STORY


def test_split_analysis_equals_whole_analysis(nlp, monkeypatch) -> None:
    """Cut into pieces (limit lowered), an article yields the same facts, offsets, sentences."""
    import entente.extract as extract_module

    paragraphs = [
        STORY,
        CALM,
        "Japan continues to oppose China's role in telecommunications.",
        OTHER,
    ]
    article = Article(id="eq", text="\n\n".join(paragraphs * 6), title="Quad partners meet")
    (whole,) = extract_module.extract([article], nlp)
    monkeypatch.setattr(extract_module, "MAX_CHARS", 700)
    assert len(extract_module.split_text(article.full_text, 700)) > 2
    (pieces,) = extract_module.extract([article], nlp)
    assert whole.relations and pieces.relations == whole.relations
    assert set(pieces.entity_mentions) == set(whole.entity_mentions)
    assert set(pieces.actors) == set(whole.actors)


def test_split_text_never_cuts_inside_a_word() -> None:
    """Cuts fall on blank lines, line breaks, sentence ends or spaces; pieces cover the text."""
    from entente.extract import split_text

    text = ("alpha beta gamma. " * 40 + "\n" + "delta epsilon\n\n") * 30
    spans = split_text(text, 500)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(b - a <= 500 for a, b in spans)
    for _start, end in spans[:-1]:
        assert text[end - 1].isspace() or text[end - 1] == "."
        assert not (text[end - 1].isalpha() and text[end].isalpha())


def test_lone_surrogates_from_python_do_not_crash(nlp, store: GraphStore) -> None:
    """spaCy crashes on lone surrogates: they are replaced, the article stored, a warning told."""
    article = Article(id="s1", text="India \ud800 and Japan agreed to cooperate on 5G networks.")
    summary = ingest_articles([article], store, nlp=nlp)
    assert (summary.articles, summary.errors) == (1, [])
    assert summary.warnings == [
        "article 's1': 1 invalid character(s) (lone UTF-16 surrogates) replaced with U+FFFD"
    ]
    sentences = {r["s"] for r in _rows(store, "SELECT ?s WHERE { ?m ent:sentence ?s }")}
    assert any("\ufffd" in s for s in sentences)


def test_nfc_and_nfd_names_are_one_actor(nlp, store: GraphStore) -> None:
    """Türkiye and a minted person, NFC in one article and NFD in another: one IRI each."""
    text = (
        "T\u00fcrkiye and Japan agreed to cooperate on 5G networks. Prime Minister "
        "Jos\u00e9 M\u00fcller-L\u00fcdenscheid welcomed the deal."
    )
    articles = [
        Article(id="nfc", text=text),
        Article(id="nfd", text=unicodedata.normalize("NFD", text)),
    ]
    summary = ingest_articles(articles, store, nlp=nlp)
    assert summary.articles == 2
    by_article = _rows(
        store,
        "SELECT DISTINCT ?id ?p WHERE { ?r ent:party ?p ; prov:wasDerivedFrom ?a ."
        " ?a dcterms:identifier ?id }",
    )
    parties = {(r["id"], r["p"].rsplit("/", 2)[-2]) for r in by_article}
    assert ("nfc", "state") in parties and ("nfd", "state") in parties
    states = {r["p"] for r in by_article if "/state/" in r["p"]}
    assert "https://w3id.org/entente/id/state/TUR" in states
    persons = _rows(store, "SELECT DISTINCT ?p WHERE { ?p a ent:Person }")
    assert len(persons) == 1, persons
    [label] = _rows(store, "SELECT ?l WHERE { ?p a ent:Person ; rdfs:label ?l }")
    assert label["l"] == "Jos\u00e9 M\u00fcller-L\u00fcdenscheid"


# -- idempotence -------------------------------------------------------------------------


def test_reingest_changes_nothing_and_skips_unchanged(nlp, store: GraphStore) -> None:
    """The same input twice: same quads, nothing re-analysed, no blank nodes anywhere."""
    articles = [*_articles(3), Article(id="o1", text=OTHER, title="Chips pact")]
    first = ingest_articles(articles, store, nlp=nlp)
    before = _quads(store)
    second = ingest_articles(articles, store, nlp=nlp)
    assert (first.articles, second.articles, second.unchanged) == (4, 0, 4)
    assert _quads(store) == before and second.triples == first.triples
    blank = run_query(
        store,
        "ASK { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }"
        f" FILTER(?g != <{ONTOLOGY_GRAPH}>) }}",
    )
    assert blank.boolean is False


def test_changed_content_replaces_the_article(nlp, store: GraphStore) -> None:
    """Same id, new text: the article graph holds only the new facts and a new hash."""
    ingest_articles([Article(id="c1", text=STORY)], store, nlp=nlp)
    old_hash = store.content_hash("c1")
    summary = ingest_articles([Article(id="c1", text=OTHER)], store, nlp=nlp)
    assert (summary.articles, summary.unchanged) == (1, 0)
    assert store.content_hash("c1") not in (None, old_hash)
    parties = {
        r["p"].rsplit("/", 1)[-1] for r in _rows(store, "SELECT ?p WHERE { ?r ent:party ?p }")
    }
    assert parties == {"FRA", "DEU"}
    assert store.article_ids() == ["c1"]


def test_force_reanalyses_and_still_changes_nothing(nlp, store: GraphStore) -> None:
    """--force: every article analysed again, the store ends as it was."""
    ingest_articles(_articles(2), store, nlp=nlp)
    before = _quads(store)
    summary = ingest_articles(_articles(2), store, nlp=nlp, force=True)
    assert (summary.articles, summary.unchanged) == (2, 0)
    assert _quads(store) == before


def test_changed_pipeline_reanalyses(nlp, store: GraphStore, monkeypatch) -> None:
    """A new rule set (different fingerprint) makes stored articles stale, not unchanged."""
    import entente.pipeline as pipeline

    ingest_articles(_articles(2), store, nlp=nlp)
    monkeypatch.setattr(pipeline, "pipeline_fingerprint", lambda _nlp: "other-rules")
    summary = ingest_articles(_articles(2), store, nlp=nlp)
    assert (summary.articles, summary.unchanged) == (2, 0)


# -- the command line ----------------------------------------------------------------------

runner = CliRunner()


def _cli(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def test_cli_rerun_reports_unchanged_and_succeeds(tmp_path: Path) -> None:
    """Re-running an ingest: '0 articles ... N unchanged', exit 0, errors still counted."""
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "k1", "text": STORY}),
        "{broken",
        json.dumps({"id": "k2", "text": OTHER}),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    first = _cli("ingest", source, "--store", store, "-q")
    second = _cli("ingest", source, "--store", store, "-q")
    assert (first.exit_code, second.exit_code) == (0, 0)
    summary = second.stderr.replace("\n", "")
    assert "0 articles, 0 agreements, 0 restrictions" in summary
    assert "2 unchanged, 1 errors, 0 warnings" in summary
    assert f"skipped: {source}:2: invalid JSON" in summary


def test_cli_verbose_prints_each_commit(tmp_path: Path) -> None:
    """--verbose: one 'committed ID' line per article, in commit order."""
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"id": f"v{i}", "text": STORY}) + "\n" for i in range(3)),
        encoding="utf-8",
    )
    result = _cli("ingest", source, "--store", tmp_path / "store", "-q", "-v")
    assert result.exit_code == 0, result.output
    committed = [line for line in result.stderr.splitlines() if line.startswith("committed ")]
    assert committed == ["committed v0", "committed v1", "committed v2"]


# -- one writer, and readers, in real processes ------------------------------------------

_HOLD = """
import sys
from entente.graph.store import GraphStore
store = GraphStore.open(sys.argv[1], read_only=sys.argv[2] == "read", ontology=False)
print("ready", flush=True)
sys.stdin.read()
store.close()
"""


def _entente(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "entente.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )


class _Holder:
    """A separate process that holds a store open (for writing or reading) until closed."""

    def __init__(self, directory: Path, mode: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _HOLD, str(directory), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            self.close()
            raise AssertionError(f"holder did not start: {line!r} {self.process.stderr.read()}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()


@pytest.fixture
def built_store(tmp_path: Path, nlp) -> Path:
    directory = tmp_path / "store"
    with GraphStore.open(directory) as store:
        ingest_articles(_articles(2), store, nlp=nlp)
    return directory


def test_second_writer_process_is_told_the_store_is_in_use(built_store: Path, tmp_path) -> None:
    """`entente ingest` while another process writes: exit 1, 'in use by another process'."""
    source = tmp_path / "one.txt"
    source.write_text(STORY, encoding="utf-8")
    holder = _Holder(built_store, "write")
    try:
        result = _entente("ingest", source, "--store", built_store, "-q")
    finally:
        holder.close()
    assert result.returncode == 1
    assert f"store {built_store} is in use by another process" in result.stderr.replace("\n", "")
    assert _entente("ingest", source, "--store", built_store, "-q").returncode == 0


def test_reader_during_a_write_is_told_to_wait(built_store: Path) -> None:
    """`entente stats` while another process writes: exit 1, 'try again when it finishes'."""
    holder = _Holder(built_store, "write")
    try:
        result = _entente("stats", "--store", built_store)
        with pytest.raises(StoreLockedError, match="being written by another process"):
            GraphStore.open(built_store, read_only=True)
    finally:
        holder.close()
    assert result.returncode == 1
    assert result.stdout == ""
    assert (
        f"store {built_store} is being written by another process; try again when it finishes"
        in result.stderr.replace("\n", "")
    )
    after = _entente("stats", "--store", built_store)
    assert after.returncode == 0 and "articles" in after.stdout


def test_readers_share_and_a_writer_waits_for_them(built_store: Path) -> None:
    """Two readers at once work; a writer meanwhile is told the store is being read."""
    holder = _Holder(built_store, "read")
    try:
        with GraphStore.open(built_store, read_only=True) as reader:
            assert reader.article_ids() == ["a1", "a2"]
        with pytest.raises(StoreLockedError, match="being read by another process"):
            GraphStore.open(built_store, ontology=False)
    finally:
        holder.close()
    with GraphStore.open(built_store, ontology=False) as writer:
        assert writer.article_ids() == ["a1", "a2"]


def test_helper_of_a_writer_may_read_with_allow_writer(built_store: Path) -> None:
    """allow_writer=True: a helper reads while its (idle) writer holds the store."""
    code = (
        "import sys\nfrom entente.graph.store import GraphStore\n"
        "with GraphStore.open(sys.argv[1], read_only=True, allow_writer=True) as s:\n"
        "    print(','.join(s.article_ids()))\n"
    )
    with GraphStore.open(built_store, ontology=False):
        result = subprocess.run(
            [sys.executable, "-c", code, str(built_store)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert (result.returncode, result.stdout.strip()) == (0, "a1,a2"), result.stderr


# -- threads -----------------------------------------------------------------------------


def test_two_threads_replacing_one_article_never_mix(nlp) -> None:
    """Two threads rewriting article t1 with different facts: the graph is one whole version."""
    from entente.extract import extract

    one = next(extract([Article(id="t1", text=STORY)], nlp))
    two = next(extract([Article(id="t1", text=OTHER, title="Other")], nlp))
    graph = article_iri("t1")

    def article_graph(store: GraphStore) -> set[ox.Quad]:
        return set(store.oxigraph.quads_for_pattern(None, None, None, graph))

    versions = []
    for extraction in (one, two):
        with GraphStore.open(None, ontology=False) as alone:
            alone.replace_article(extraction)
            versions.append(article_graph(alone))
    assert versions[0] != versions[1]
    with GraphStore.open(None, ontology=False) as shared:
        failures: list[BaseException] = []

        def work(extraction) -> None:
            try:
                for _ in range(60):
                    shared.replace_article(extraction)
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                failures.append(exc)

        threads = [threading.Thread(target=work, args=(e,)) for e in (one, two)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert article_graph(shared) in versions


def test_threads_reporting_one_event_commit_one_after_the_other(nlp, monkeypatch) -> None:
    """Two threads store two reports of one event: lookups never interleave, one relation."""
    import entente.graph.store as store_module
    from entente.extract import extract

    first = next(extract([Article(id="r1", text=STORY, date="2021-05-01")], nlp))
    second = next(extract([Article(id="r2", text=STORY, date="2021-05-02")], nlp))
    log: list[tuple[str, str]] = []
    real_lookup, real_update = store_module.shared_relation, GraphStore._update

    def lookup(store, relation, article_id, window):
        log.append(("lookup", article_id))
        time.sleep(0.02)  # widen the window in which an unlocked store would interleave
        return real_lookup(store, relation, article_id, window)

    def update(self, sparql):
        log.append(("commit", threading.current_thread().name))
        return real_update(self, sparql)

    monkeypatch.setattr(store_module, "shared_relation", lookup)
    monkeypatch.setattr(GraphStore, "_update", update)
    with GraphStore.open(None, ontology=False) as shared:
        threads = [
            threading.Thread(target=shared.replace_article, args=(e,), name=e.article.id)
            for e in (first, second)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        kinds = [kind for kind, _ in log]
        assert kinds == ["lookup", "commit", "lookup", "commit"], log
        assert log[0][1] == log[1][1] and log[2][1] == log[3][1]
        relations = _rows(shared, "SELECT DISTINCT ?r WHERE { ?r a ent:Agreement }")
        assert len(relations) == 1
        sources = _rows(shared, "SELECT ?a WHERE { ?r a ent:Agreement ; prov:wasDerivedFrom ?a }")
        assert {r["a"] for r in sources} == {article_iri("r1").value, article_iri("r2").value}


def test_summary_counts_are_consistent(nlp, store: GraphStore) -> None:
    """The summary adds up: committed + unchanged + failed = articles given."""
    articles = [*_articles(3), Article(id="bad", text="EXPLODE"), Article(id="e", text=" ")]
    summary: IngestSummary = ingest_articles(articles, store, nlp=nlp)
    again = ingest_articles(articles, store, nlp=nlp)
    assert (summary.articles, len(summary.errors)) == (3, 2)
    assert (again.articles, again.unchanged, len(again.errors)) == (0, 3, 2)
