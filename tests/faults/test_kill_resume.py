"""kill -9 in the middle of a real ingest, then a check of the store and a resume (promise 3).

A real ``entente ingest`` process reads thousands of generated articles and prints
``committed ID`` after each commit (``--verbose``); the test kills it with SIGKILL
once it has reported a few hundred, then checks that the store opens, that every
article reported as committed is there, that every stored article graph is exactly
what an uninterrupted ingest stores for it (no partial graph), that the killed
store satisfies the SHACL shapes, and that re-running
the same command skips what is stored and completes the rest, leaving the very
same quads as an uninterrupted ingest into a fresh store (run alongside, on the
second core).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from entente.graph.iris import ACTORS_GRAPH, article_iri
from entente.graph.store import GraphStore
from entente.graph.validate import validate_store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = 2000
KILL_AFTER = 150
STATES = ["India", "Japan", "Australia", "France", "Germany", "Brazil", "Canada", "Kenya",
          "Mexico", "Norway", "Chile", "Italy", "Vietnam", "Indonesia", "Spain"]  # fmt: skip
TECHS = ["5G networks", "semiconductors", "satellites", "nuclear reactors",
         "artificial intelligence", "critical minerals", "undersea cables"]  # fmt: skip
AGREE = [
    "agreed to cooperate on",
    "signed a pact on",
    "held talks on",
    "announced a partnership on",
]
SUMMARY = re.compile(r"(\d+) articles, .* (\d+) unchanged, (\d+) errors")


def _corpus(path: Path) -> list[str]:
    """ARTICLES short generated articles, one JSON object per line; returns their ids."""
    rng = random.Random(20240611)
    ids = []
    with path.open("w", encoding="utf-8") as out:
        for i in range(ARTICLES):
            a, b = rng.sample(STATES, 2)
            if i % 5 == 4:
                text = f"{a} banned equipment from {b} in its {rng.choice(TECHS)}."
            else:
                text = f"{a} and {b} {rng.choice(AGREE)} {rng.choice(TECHS)}."
            if i % 3 == 0:
                text += " The ministers met in the capital on Monday."
            record = {
                "id": f"gen-{i:05d}",
                "text": text,
                "date": f"2021-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            }
            ids.append(record["id"])
            out.write(json.dumps(record) + "\n")
    return ids


def _ingest(source: Path, store: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "entente.cli", "ingest", str(source), "--store", str(store),
         "-q", *extra],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def _graph(store: ox.Store, graph: ox.NamedNode) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, graph))


def _data(store: ox.Store) -> set[ox.Quad]:
    """Every quad of the store, the vocabulary's included (it has no blank nodes)."""
    return set(store.quads_for_pattern(None, None, None, None))


def test_kill_9_then_check_then_resume(tmp_path: Path) -> None:
    """SIGKILL mid-ingest: consistent store, every reported commit kept, resume completes."""
    source = tmp_path / "corpus.jsonl"
    ids = _corpus(source)
    reference_dir, victim_dir = tmp_path / "reference", tmp_path / "victim"

    reference = _ingest(source, reference_dir)
    victim = _ingest(source, victim_dir, "--verbose")
    reported: list[str] = []
    try:
        assert victim.stderr is not None
        for line in victim.stderr:
            if line.startswith("committed "):
                reported.append(line.split(" ", 1)[1].strip())
                if len(reported) >= KILL_AFTER:
                    victim.send_signal(signal.SIGKILL)
                    break
        # Lines already in the pipe were printed after their commit: they count too.
        reported += [
            line.split(" ", 1)[1].strip()
            for line in victim.stderr.read().splitlines()
            if line.startswith("committed ")
        ]
    finally:
        if victim.poll() is None:
            victim.kill()
        victim.wait(timeout=60)
        assert victim.stderr is not None
        victim.stderr.close()
    assert victim.returncode == -signal.SIGKILL
    assert len(reported) >= KILL_AFTER

    # The killed store opens (the kernel dropped its locks) and is consistent.
    _, reference_err = reference.communicate(timeout=600)
    assert reference.returncode == 0, reference_err
    with (
        GraphStore.open(reference_dir, read_only=True) as ref,
        GraphStore.open(victim_dir, read_only=True) as killed,
    ):
        stored = killed.article_ids()
        assert set(reported) <= set(stored)
        assert len(stored) < ARTICLES, "the ingest finished before it was killed"
        assert stored == sorted(ids[: len(stored)])  # committed in input order, no gaps
        for article_id in stored:
            graph = article_iri(article_id)
            # Exactly the graph an uninterrupted ingest stores: never a partial one.
            assert _graph(killed.oxigraph, graph) == _graph(ref.oxigraph, graph), article_id
            assert killed.content_hash(article_id) == ref.content_hash(article_id)
        assert _graph(killed.oxigraph, ACTORS_GRAPH) <= _graph(ref.oxigraph, ACTORS_GRAPH)
        report = validate_store(killed.oxigraph)
        assert report.conforms, report.text
        reference_quads = _data(ref.oxigraph)
        reference_count = len(ref)

    # Re-running the same command skips what is stored and completes the rest.
    resume = _ingest(source, victim_dir)
    _, resume_err = resume.communicate(timeout=600)
    assert resume.returncode == 0, resume_err
    match = SUMMARY.search(resume_err.replace("\n", ""))
    assert match, resume_err
    assert tuple(map(int, match.groups())) == (ARTICLES - len(stored), len(stored), 0)
    with GraphStore.open(victim_dir, read_only=True) as resumed:
        assert len(resumed) == reference_count
        assert _data(resumed.oxigraph) == reference_quads
        assert len(resumed.article_ids()) == ARTICLES
