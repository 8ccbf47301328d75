from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import entente.loaders
from entente.errors import InputError, UnsupportedFormatError
from entente.loaders import FORMATS, directory, feed, html, jsonl, load_articles, text

DATA = Path(__file__).parents[1] / "data" / "loaders"
CORPUS = DATA / "corpus"


def _load(sources) -> tuple[list, list[InputError]]:
    errors: list[InputError] = []
    return list(load_articles(sources, errors.append)), errors


def test_all_matches_public_names() -> None:
    module = entente.loaders
    assert sorted(module.__all__) == ["FORMATS", "OnError", "STDIN", "load_articles"]
    defined_here = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__
    }
    assert defined_here <= set(module.__all__)
    assert all(hasattr(module, name) for name in module.__all__)


@pytest.mark.parametrize(
    ("file_name", "module"),
    [
        ("a.txt", text),
        ("a.jsonl", jsonl),
        ("a.jsonl.gz", jsonl),
        ("a.ndjson", jsonl),
        ("A.HTML", html),
        ("a.htm", html),
        ("a.rss", feed),
        ("a.atom", feed),
        ("a.xml", feed),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_formats_map_extensions_to_readers(file_name: str, module) -> None:
    from entente.loaders.formats import format_of

    ext = format_of(Path(file_name))
    assert FORMATS[ext] is module


def test_import_is_cheap() -> None:
    code = (
        "import sys, entente.loaders; "
        "print(sorted(m for m in ('spacy', 'rdflib', 'trafilatura', 'feedparser') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_directory_walk_is_recursive_sorted_and_skips_hidden() -> None:
    articles, errors = _load([CORPUS])
    assert errors == []
    # Sorted by name at each level; a .jsonl brings its own ids; hidden files, the
    # .md file and the non-feed .xml file are skipped without a word.
    assert [a.id for a in articles] == [
        "corpus-jl-1",
        "nested/deeper/notes.txt",
        "nested/story.txt",
        "story.txt",
    ]
    by_id = {a.id: a for a in articles}
    assert by_id["nested/story.txt"].title == "Nested story"
    assert by_id["story.txt"].title == "Top level story"
    assert by_id["nested/story.txt"].origin == str(CORPUS / "nested" / "story.txt")
    assert not any("hidden" in a.text for a in articles)


def test_directory_ids_are_relative_to_the_directory_given() -> None:
    ids = [a.id for a in load_articles([CORPUS / "nested"])]
    assert ids == ["corpus-jl-1", "deeper/notes.txt", "story.txt"]


def test_explicit_file_keeps_its_name_as_id() -> None:
    [article] = load_articles([CORPUS / "nested" / "story.txt"])
    assert article.id == "story.txt"


def test_whole_data_directory_reports_every_bad_record_and_loads_the_rest() -> None:
    articles, errors = _load([DATA])
    assert [a.id for a in articles] == [
        "jl-001",
        "jl-002",
        "5",
        "jl-009",
        "tag:digest.example.com,2022:6g-partnership",
        "tag:digest.example.com,2022:norway-export-control",
        "corpus-jl-1",
        "corpus/nested/deeper/notes.txt",
        "corpus/nested/story.txt",
        "corpus/story.txt",
        "india-japan.txt",
        "news-page.html",
        "no-headline.txt",
        "ptw-2021-0518",
        "https://wire.example.net/2021/06/radar",
    ]
    assert [(Path(e.path).name, e.line) for e in errors] == [
        ("articles.jsonl", 3),
        ("articles.jsonl", 5),
        ("articles.jsonl", 7),
        ("articles.jsonl", 8),
        ("articles.jsonl", 9),
        ("binary.txt", None),
        ("latin1.txt", None),
        ("rss-feed.rss", 3),
    ]


def test_sources_are_read_in_the_order_given() -> None:
    ids = [a.id for a in load_articles([DATA / "india-japan.txt", CORPUS / "nested"])]
    assert ids == ["india-japan.txt", "corpus-jl-1", "deeper/notes.txt", "story.txt"]


def test_single_path_is_one_source() -> None:
    assert [a.id for a in load_articles(DATA / "india-japan.txt")] == ["india-japan.txt"]


@pytest.mark.parametrize(
    ("name", "error_type", "reason"),
    [
        ("notes.md", UnsupportedFormatError, "unsupported file type '.md'; entente reads .atom,"),
        ("README", UnsupportedFormatError, "unsupported file type (no extension); entente reads"),
        ("missing.txt", InputError, "no such file or directory"),
    ],
    ids=["unknown-extension", "no-extension", "missing"],
)
def test_bad_explicit_sources(tmp_path: Path, name: str, error_type: type, reason: str) -> None:
    path = tmp_path / name
    if name != "missing.txt":
        path.write_text("text", encoding="utf-8")
    articles, errors = _load([path, DATA / "india-japan.txt"])
    assert [a.id for a in articles] == ["india-japan.txt"]
    [error] = errors
    assert type(error) is error_type
    assert (error.path, error.line) == (str(path), None)
    assert str(error).startswith(f"{path}: {reason}")


def test_errors_raise_without_callback(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Notes", encoding="utf-8")
    loaded = load_articles(
        [DATA / "india-japan.txt", tmp_path / "notes.md", DATA / "india-japan.txt"]
    )
    assert next(loaded).id == "india-japan.txt"
    with pytest.raises(UnsupportedFormatError, match=r"notes\.md: unsupported file type '\.md'"):
        next(loaded)


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [
        {"id": "s1", "title": "Via stdin", "date": "2 Jun 2021", "text": "Piped story one."},
        "not json",
        {"id": "s2", "text": "Piped story two."},
    ]
    payload = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    stdin = io.TextIOWrapper(io.BytesIO(payload.encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    articles, errors = _load(["-"])
    assert [(a.id, a.title, a.date, a.origin) for a in articles] == [
        ("s1", "Via stdin", "2021-06-02", "<stdin>:1"),
        ("s2", None, None, "<stdin>:3"),
    ]
    assert [str(e)[: len("<stdin>:2: invalid JSON")] for e in errors] == ["<stdin>:2: invalid JSON"]


def test_stdin_that_is_not_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "caf\xe9"}\n{"id": "c", "text": "ok"}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    articles, errors = _load(["-"])
    assert [str(e) for e in errors] == ["<stdin>:2: line is not valid UTF-8; re-save as UTF-8"]
    assert [a.id for a in articles] == ["a", "c"]


def test_loading_is_lazy(tmp_path: Path) -> None:
    """Each article is yielded as soon as it is read: a bad line further on is not met yet."""
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"id": "a", "text": "First."}\n{not json\n', encoding="utf-8")
    loaded = load_articles([path])
    assert next(loaded).id == "a"
    with pytest.raises(InputError, match=r"corpus\.jsonl:2: invalid JSON"):
        next(loaded)


def test_symlink_cycle_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Story A.", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.txt").write_text("Story B.", encoding="utf-8")
    try:
        os.symlink(tmp_path, sub / "loop", target_is_directory=True)
    except OSError:
        pytest.skip("symbolic links are not available here")
    assert [a.id for a in load_articles([tmp_path])] == ["a.txt", "sub/b.txt"]


def test_directory_reader_directly(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_bytes(b"\x00")
    errors: list[InputError] = []
    assert list(directory.read(tmp_path, errors.append)) == []
    assert [str(e) for e in errors] == [
        f"{tmp_path / 'x.txt'}: file looks binary (it contains NUL bytes); expected UTF-8 text"
    ]


@pytest.mark.parametrize(
    "module_name",
    ["dates", "decoding", "directory", "feed", "formats", "html", "jsonl", "reporting", "text"],
)
def test_submodule_all_names_exist(module_name: str) -> None:
    import importlib

    module = importlib.import_module(f"entente.loaders.{module_name}")
    assert module.__all__
    assert all(hasattr(module, name) for name in module.__all__)
    defined_here = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and callable(value)
        and getattr(value, "__module__", None) == module.__name__
    }
    assert defined_here <= set(module.__all__)


def test_every_format_has_a_reader() -> None:
    assert all(callable(module.read) for module in FORMATS.values())
