"""The ``entente`` command line: a thin Typer layer over :class:`~entente.KnowledgeGraph`.

Results go to standard output so they pipe; progress, summaries and errors go to
standard error. Usage errors exit with status 2, failures with status 1 and one
clear line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from entente import __version__
from entente.errors import EntenteError, InputError
from entente.records import Extraction

__all__ = ["app", "main"]

app = typer.Typer(
    name="entente",
    help="Knowledge graphs of technology agreements and restrictions from news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)

StoreOption = Annotated[
    Path,
    typer.Option(
        "--store",
        "-s",
        envvar="ENTENTE_STORE",
        help="Store directory (an embedded Oxigraph database).",
        file_okay=False,
    ),
]
DEFAULT_STORE = Path("entente-store")


def _fail(message: str) -> NoReturn:
    err.print("error:", message, style="bold red", soft_wrap=True, markup=False)
    raise typer.Exit(1)


def _open(store: Path, *, read_only: bool, model: str | None = None):  # noqa: ANN202
    from entente.api import KnowledgeGraph

    if read_only and not store.exists():
        _fail(f"no store at {store}; build one with `entente ingest SOURCE --store {store}`")
    try:
        return KnowledgeGraph(store, model=model, read_only=read_only)
    except EntenteError as error:
        _fail(str(error))


def _version(value: bool) -> None:
    if value:
        print(f"entente {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Build, query and export a knowledge graph of who agreed what with whom."""


@app.command("ingest")
def ingest_command(
    sources: Annotated[
        list[str],
        typer.Argument(help="Files, directories (recursive) or - for JSON Lines on stdin."),
    ],
    store: StoreOption = DEFAULT_STORE,
    model: Annotated[
        str | None,
        typer.Option(help="An installed spaCy model whose entities complement the rules."),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per spaCy batch.")] = 16,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Print 'committed ID' as each article is committed."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(help="Re-analyse articles that the store already holds unchanged."),
    ] = False,
) -> None:
    """Extract agreements and restrictions from articles into the store.

    Each article is committed on its own, whole or not at all; re-ingesting an
    article replaces its facts, and articles already stored unchanged are skipped,
    so re-running an interrupted ingest completes it. Records, files and articles
    that cannot be read, analysed or stored are reported one per line and skipped.
    Exit status 1 when there were errors and no article was committed or found
    unchanged.
    """
    kg = _open(store, read_only=False, model=model)

    def on_error(error: InputError) -> None:
        err.print(
            f"skipped: {error}", style="yellow", soft_wrap=True, markup=False, highlight=False
        )

    def on_warning(message: str) -> None:
        err.print(
            f"warning: {message}", style="yellow", soft_wrap=True, markup=False, highlight=False
        )

    def on_article(extraction: Extraction) -> None:
        progress.advance(task)
        if verbose:
            # One flushed line per commit: what a supervising script may rely on.
            print(f"committed {extraction.article.id}", file=sys.stderr, flush=True)

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed} articles"),
        TimeElapsedColumn(),
        console=err,
        disable=quiet,
        transient=True,
    )
    try:
        with kg, progress:
            task = progress.add_task("ingesting", total=None)
            summary = kg.ingest(
                *sources,
                batch_size=batch_size,
                on_article=on_article,
                on_error=on_error,
                on_warning=on_warning,
                force=force,
            )
    except EntenteError as error:
        _fail(str(error))
    err.print(
        f"{summary.articles} articles, {summary.agreements} agreements, "
        f"{summary.restrictions} restrictions, {summary.triples} triples in {store}, "
        f"{summary.unchanged} unchanged, {len(summary.errors)} errors, "
        f"{len(summary.warnings)} warnings ({summary.seconds:.1f} s)",
        soft_wrap=True,
        markup=False,
    )
    if summary.articles == 0 and summary.unchanged == 0 and summary.errors:
        raise typer.Exit(1)


TimeoutOption = Annotated[
    float,
    typer.Option(
        "--timeout",
        min=0,
        help="Stop a query after this many seconds (0: no limit).",
    ),
]
MaxRowsOption = Annotated[
    int,
    typer.Option(
        "--max-rows",
        min=0,
        help="Return at most this many rows or triples (0: no limit).",
    ),
]
AllowServiceOption = Annotated[
    bool,
    typer.Option(
        "--allow-service",
        help="Let queries use SERVICE to call other SPARQL endpoints (off: refused).",
    ),
]


@app.command("query")
def query_command(
    query: Annotated[
        str | None,
        typer.Argument(help="A SPARQL query, or the path of a file holding one."),
    ] = None,
    store: StoreOption = DEFAULT_STORE,
    example: Annotated[
        str | None, typer.Option("--example", "-e", help="Run a named example query.")
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the example queries.")] = False,
    bind: Annotated[
        list[str] | None,
        typer.Option(
            "--bind",
            "-b",
            help="Bind a variable: NAME=VALUE, VALUE an IRI <...>, a prefixed name "
            "(entr:state/IND) or a literal.",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="table, csv, tsv or json (CONSTRUCT: turtle, ntriples)."
        ),
    ] = "table",
    timeout: TimeoutOption = 30.0,
    max_rows: MaxRowsOption = 100_000,
    allow_service: AllowServiceOption = False,
) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE).

    The prefixes ent, entr, prov, skos, dcterms, rdf, rdfs, owl and xsd are declared.
    SERVICE, LOAD, updates and FROM outside the store are refused; a query stops
    after --timeout seconds and returns at most --max-rows rows.
    """
    from entente.graph.query import list_examples, load_example, write_result

    if list_:
        for name, description in list_examples():
            print(f"{name:28} {description}")
        return
    try:
        if example and query:
            raise typer.BadParameter("give a query or --example, not both")
        if example:
            sparql = load_example(example)
        elif query is None:
            raise typer.BadParameter("give a query, a query file, or --example NAME")
        elif query != "-" and len(query) < 4096 and Path(query).is_file():
            try:
                sparql = Path(query).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                _fail(f"{query}: cannot read the query file: {error}")
        elif query == "-":
            sparql = sys.stdin.read()
        else:
            sparql = query
        bindings = dict(_binding(item) for item in bind or ())
    except EntenteError as error:
        _fail(str(error))
    kg = _open(store, read_only=True)
    kg.query_timeout = timeout or None
    kg.max_rows = max_rows or None
    kg.allow_service = allow_service
    with kg:
        try:
            result = kg.query(sparql, bindings=bindings or None)
            write_result(result, fmt, sys.stdout.buffer if fmt != "table" else sys.stdout)
        except EntenteError as error:
            _fail(str(error))
    sys.stdout.flush()
    if result.truncated:
        err.print(
            f"warning: the result was cut at {max_rows:,} rows (--max-rows); "
            "add LIMIT to the query or raise --max-rows",
            style="yellow",
            soft_wrap=True,
            markup=False,
        )


@app.command("serve")
def serve_command(
    store: StoreOption = DEFAULT_STORE,
    host: Annotated[
        str, typer.Option(help="Address to listen on (other than loopback: the network).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0: any free).")] = 8000,
    timeout: TimeoutOption = 30.0,
    max_rows: MaxRowsOption = 100_000,
    allow_service: AllowServiceOption = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not log requests.")] = False,
) -> None:
    """Serve the store read-only as a SPARQL 1.1 endpoint at http://HOST:PORT/sparql.

    GET or POST queries; results as SPARQL JSON, XML, CSV or TSV (Turtle or
    N-Triples for CONSTRUCT) by Accept header. Updates are refused. Stop with Ctrl-C.
    """
    from entente.graph.server import is_loopback, make_server

    if not store.exists():
        _fail(f"no store at {store}; build one with `entente ingest SOURCE --store {store}`")
    try:
        server = make_server(
            store,
            host=host,
            port=port,
            timeout=timeout or None,
            max_rows=max_rows or None,
            allow_service=allow_service,
            quiet=quiet,
        )
    except EntenteError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"cannot listen on {host}:{port}: {error}")
    if not is_loopback(host):
        err.print(
            f"warning: listening on {host}: anyone who can reach this address can read the "
            "whole store (there is no authentication)",
            style="yellow",
            soft_wrap=True,
            markup=False,
        )
    err.print(
        f"serving {store} read-only at {server.url} (Ctrl-C to stop)", soft_wrap=True, markup=False
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _binding(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise typer.BadParameter(f"--bind takes NAME=VALUE, not {item!r}")
    return name.strip().lstrip("?$"), value


@app.command("export")
def export_command(
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="gexf, graphml, csv, turtle, nquads, trig, ntriples or jsonld."
        ),
    ],
    output: Annotated[str, typer.Option("--output", "-o", help="Output file, or - for stdout.")],
    store: StoreOption = DEFAULT_STORE,
    view: Annotated[
        str,
        typer.Option(help="For gexf/graphml: actors (actor network) or full (tripartite)."),
    ] = "actors",
) -> None:
    """Export the graph for Gephi (GEXF 1.3, GraphML), spreadsheets (CSV) or RDF tools."""
    kg = _open(store, read_only=True)
    with kg:
        try:
            summary = kg.export(fmt, output, view=view)
        except EntenteError as error:
            _fail(str(error))
    if output != "-":
        counts = {
            "nodes": summary.nodes,
            "edges": summary.edges,
            "rows": summary.rows,
            "triples": summary.triples,
        }
        what = ", ".join(f"{n} {name}" for name, n in counts.items() if n is not None)
        err.print(f"wrote {output} ({fmt}): {what}", soft_wrap=True, markup=False)


@app.command("stats")
def stats_command(store: StoreOption = DEFAULT_STORE) -> None:
    """Count articles, agreements, restrictions, actors, technologies and triples."""
    kg = _open(store, read_only=True)
    with kg:
        try:
            counts = kg.stats()
        except EntenteError as error:
            _fail(str(error))
    width = max(map(len, counts))
    for name, count in counts.items():
        print(f"{name:{width}}  {count}")


@app.command("validate")
def validate_command(store: StoreOption = DEFAULT_STORE) -> None:
    """Check the graph against entente's SHACL shapes (exit 1 when it does not conform)."""
    kg = _open(store, read_only=True)
    with kg:
        try:
            report = kg.validate()
        except EntenteError as error:
            _fail(str(error))
    if report.conforms:
        print("conforms: the graph satisfies every SHACL shape")
        return
    print(report.text)
    _fail(f"{len(report.violations)} SHACL violations")


@app.command("evaluate")
def evaluate_command(
    gold: Annotated[Path, typer.Option(help="Gold annotations (JSONL, one article per line).")],
    articles: Annotated[
        list[str] | None,
        typer.Argument(help="Articles to ingest first; without them the store is read as it is."),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            "-s",
            help="Store to read, or to ingest into (default: in memory).",
            file_okay=False,
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Write every false positive and negative, with evidence, as JSON."),
    ] = None,
    model: Annotated[str | None, typer.Option(help="An installed spaCy model.")] = None,
) -> None:
    """Score the graph's facts against gold annotations: precision, recall, F1, accuracy."""
    import json

    if not articles and store is None:
        raise typer.BadParameter("give ARTICLES to ingest, or --store to evaluate a built store")
    if not articles:
        kg = _open(store, read_only=True)
    else:
        from entente.api import KnowledgeGraph

        try:
            kg = KnowledgeGraph(store, model=model)
        except EntenteError as error:
            _fail(str(error))
    with kg:
        try:
            if articles:
                summary = kg.ingest(
                    *articles, on_error=lambda e: err.print(f"skipped: {e}", markup=False)
                )
                err.print(f"ingested {summary.articles} articles", markup=False)
            result = kg.evaluate(gold)
        except EntenteError as error:
            _fail(str(error))
    print(result.table())
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(result.as_dict(), indent=1, ensure_ascii=False)
        report.write_text(text, encoding="utf-8")
        err.print(f"wrote {report}: {len(result.errors)} errors listed", markup=False)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
