"""Ingest throughput: articles per second through extraction and the store.

Runs the whole ingest (loading, spaCy pipeline, RDF mapping, atomic commit per
article) on a corpus several times into fresh stores and prints the median, and,
to show where the time goes, the median of extraction alone in the same run.

    python benchmarks/ingest.py [CORPUS.jsonl] [--repeat 5] [--copies 4]

The corpus defaults to ../shared/corpus/dev.jsonl when present, else the sample
articles in data/samples. ``--copies`` repeats the corpus under new ids to get a
measurable amount of work.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from entente.extract import build_pipeline, extract
from entente.graph.store import GraphStore
from entente.loaders import load_articles
from entente.pipeline import ingest_articles

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ROOT.parent / "shared" / "corpus" / "dev.jsonl"
    parser.add_argument("corpus", nargs="?", default=default if default.exists() else None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=4)
    args = parser.parse_args()
    source = args.corpus or ROOT / "data" / "samples"
    base = list(load_articles([source]))
    articles = [dataclasses.replace(a, id=f"{a.id}#{n}") for n in range(args.copies) for a in base]
    chars = sum(len(a.full_text) for a in articles)
    nlp = build_pipeline()
    list(extract(articles[:2], nlp))  # warm up lookups and matchers

    whole, extraction = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        for _ in extract(articles, nlp):
            pass
        extraction.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as tmp, GraphStore.open(Path(tmp) / "s") as store:
            started = time.perf_counter()
            ingest_articles(articles, store, nlp=nlp)
            whole.append(time.perf_counter() - started)
    ingest_s, extract_s = statistics.median(whole), statistics.median(extraction)
    print(f"corpus: {source} x{args.copies} = {len(articles)} articles, {chars:,} characters")
    print(f"ingest:     {len(articles) / ingest_s:8.1f} articles/s  (median of {args.repeat})")
    print(f"extraction: {len(articles) / extract_s:8.1f} articles/s")
    print(f"store share of ingest time: {max(0.0, 1 - extract_s / ingest_s):.0%}")


if __name__ == "__main__":
    main()
