"""Fixtures shared across the test suite.

``../shared`` (real articles, the official GEXF schemas) sits beside the checkout
for developers and CI but not for users: fixtures that need it skip cleanly when
it is absent. ``ENTENTE_SHARED`` points elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


def shared_dir() -> Path:
    """Where the shared evaluation material is expected."""
    shared = os.environ.get("ENTENTE_SHARED")
    return Path(shared) if shared else ROOT.parent / "shared"


@pytest.fixture(scope="session")
def gexf_relaxng() -> etree.RelaxNG:
    """The official GEXF 1.3 RelaxNG schema (skips when ``../shared`` is absent)."""
    rng = shared_dir() / "schemas" / "gexf" / "1.3" / "gexf.rng"
    if not rng.is_file():
        pytest.skip(f"GEXF 1.3 schemas not found at {rng.parent} (set ENTENTE_SHARED)")
    # gexf.rng includes viz.rng and dynamics.rng by relative href: parse it from its file.
    return etree.RelaxNG(etree.parse(str(rng)))


@pytest.fixture(scope="session")
def sample_kg(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """A store holding the graph of ``data/samples``, built once per test run."""
    from entente import KnowledgeGraph

    graph = KnowledgeGraph(tmp_path_factory.mktemp("store") / "store")
    summary = graph.ingest(SAMPLES)
    assert summary.errors == []
    assert summary.articles == 5
    yield graph
    graph.close()


def query_processes() -> list[int]:
    """Pids of this process's running query children (``entente.graph.query_process``)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == os.getpid() and b"entente.graph.query_process" in cmdline:
            found.append(int(stat.parent.name))
    return found
