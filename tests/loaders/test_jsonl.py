from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from entente.errors import InputError
from entente.loaders import jsonl

DATA = Path(__file__).parents[1] / "data" / "loaders"


def _load(path: Path) -> tuple[list, list[InputError]]:
    errors: list[InputError] = []
    return list(jsonl.read(path, errors.append)), errors


def test_good_lines_load_around_bad_ones() -> None:
    path = DATA / "articles.jsonl"
    articles, errors = _load(path)

    assert [a.id for a in articles] == ["jl-001", "jl-002", "5", "jl-009"]
    first, second, third, fourth = articles
    assert first.title == "Brazil and China sign satellite data agreement"
    assert first.date == "2019-11-13"
    assert first.source == "Atlas News"
    assert first.url == "https://atlas.example.org/brazil-china"
    assert first.text.startswith("Brazil and China signed an agreement on Wednesday")
    assert first.language == "en"
    assert first.origin == f"{path}:1"
    assert second.date == "2020-10-07"  # "October 7, 2020"
    assert (third.title, third.source, third.date) == (None, None, "2020-10-07")
    assert third.origin == f"{path}:6"  # the blank line 4 still counts
    assert (fourth.language, fourth.date) == ("fr", "2020-10-07")
    assert "hydrogène" in fourth.text

    assert [(e.path, e.line) for e in errors] == [(str(path), n) for n in (3, 5, 7, 8, 9)]
    assert [str(e) for e in errors] == [
        f"{path}:3: invalid JSON (Expecting ',' delimiter at column 41); fix or remove the line",
        f'{path}:5: missing "text"; add the article body',
        f'{path}:7: "title" must be a string or null, not an array',
        f"{path}:8: expected a JSON object, found an array; one article per line",
        f"{path}:9: \"date\" 'sometime soon' is not a recognised date; "
        "write it as YYYY-MM-DD (or YYYY-MM, YYYY) or set it to null",
    ]


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"text": "body"}, 'missing "id"'),
        ({"id": "", "text": "body"}, '"id" is empty'),
        ({"id": "  ", "text": "body"}, '"id" is empty'),
        ({"id": True, "text": "body"}, '"id" must be a string or an integer, not a boolean'),
        ({"id": 1.5, "text": "body"}, '"id" must be a string or an integer, not a number'),
        ({"id": "a"}, 'missing "text"'),
        ({"id": "a", "text": None}, 'missing "text"'),
        ({"id": "a", "text": " \n "}, '"text" is empty'),
        ({"id": "a", "text": 42}, '"text" must be a string, not a number'),
        ({"id": "a", "text": "b", "url": {"href": "x"}}, '"url" must be a string or null, not an'),
        ({"id": "a", "text": "b", "date": 2020}, '"date" must be a string or null, not a number'),
        ({"id": "a", "text": "b", "date": "07/10/2020"}, "\"date\" '07/10/2020' is not a"),
        ({"id": "a", "text": "b", "language": "English"}, "\"language\" 'English' is not"),
    ],
    ids=[
        "no-id",
        "empty-id",
        "blank-id",
        "bool-id",
        "float-id",
        "no-text",
        "null-text",
        "blank-text",
        "number-text",
        "object-url",
        "number-date",
        "ambiguous-date",
        "bad-language",
    ],
)
def test_bad_record(tmp_path: Path, record: dict, reason: str) -> None:
    path = tmp_path / "one.jsonl"
    good = {"id": "ok", "text": "Fine."}
    path.write_text("\n".join(json.dumps(r) for r in (good, record, good)) + "\n", encoding="utf-8")
    articles, errors = _load(path)
    assert [a.id for a in articles] == ["ok", "ok"]
    [error] = errors
    assert error.line == 2
    assert str(error).startswith(f"{path}:2: {reason}")


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"id": 7, "text": "t"}, {"id": "7"}),
        ({"id": " a ", "text": " body \r\n"}, {"id": "a", "text": "body"}),
        ({"id": "a", "text": "t", "title": "", "source": "  "}, {"title": None, "source": None}),
        ({"id": "a", "text": "t", "language": None}, {"language": "en"}),
        ({"id": "a", "text": "t", "language": "pt-BR"}, {"language": "pt-BR"}),
        ({"id": "a", "text": "t", "date": "2020-10"}, {"date": "2020-10"}),
        ({"id": "a", "text": "t", "extra": [1, 2]}, {"id": "a"}),
    ],
    ids=["int-id", "stripped", "empty-optional", "null-language", "region", "month", "extra-key"],
)
def test_field_values(tmp_path: Path, record: dict, expected: dict) -> None:
    path = tmp_path / "one.ndjson"
    path.write_text(json.dumps(record), encoding="utf-8")
    [article] = jsonl.read(path)
    for key, value in expected.items():
        assert getattr(article, key) == value


def test_gzip(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for n in range(3):
            handle.write(json.dumps({"id": f"g{n}", "text": f"Story {n}."}) + "\n")
    assert [(a.id, a.text) for a in jsonl.read(path)] == [
        ("g0", "Story 0."),
        ("g1", "Story 1."),
        ("g2", "Story 2."),
    ]


def test_truncated_gzip_keeps_the_lines_before(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"id": f"g{n}", "text": "x" * 50}) + "\n" for n in range(400))
    payload = gzip.compress(lines.encode("utf-8"))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(payload[: len(payload) // 2])
    articles, errors = _load(path)
    assert 0 < len(articles) < 400
    assert [a.id for a in articles] == [f"g{n}" for n in range(len(articles))]
    [error] = errors
    assert str(error).startswith(f"{path}: file is corrupt after line {len(articles)}")


def test_not_gzip(tmp_path: Path) -> None:
    path = tmp_path / "plain.jsonl.gz"
    path.write_text('{"id": "a", "text": "b"}\n', encoding="utf-8")
    articles, errors = _load(path)
    assert articles == []
    assert str(errors[0]).startswith(f"{path}: file is not readable gzip")


def test_undecodable_line_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"id": "a", "text": "first"}\n'
        b'{"id": "b", "text": "caf\xe9"}\n'
        b'{"id": "c", "text": "third"}\n'
    )
    articles, errors = _load(path)
    assert [a.id for a in articles] == ["a", "c"]
    assert [str(e) for e in errors] == [f"{path}:2: line is not valid UTF-8; re-save as UTF-8"]


def test_first_error_raises_without_callback() -> None:
    loaded = jsonl.read(DATA / "articles.jsonl")
    assert next(loaded).id == "jl-001"
    assert next(loaded).id == "jl-002"
    with pytest.raises(InputError, match=r"articles\.jsonl:3: invalid JSON"):
        next(loaded)


def test_read_stream_accepts_text_and_bytes() -> None:
    text = io.StringIO('{"id": "t", "text": "from text"}\n')
    binary = io.BytesIO(b'{"id": "b", "text": "from bytes"}\n')
    assert [a.origin for a in jsonl.read_stream(text, "<text>")] == ["<text>:1"]
    assert [a.text for a in jsonl.read_stream(binary, "<bytes>")] == ["from bytes"]


def test_streams_lazily() -> None:
    """Each line is parsed when the article is asked for, not before."""
    consumed: list[int] = []

    def lines():
        for n in range(3):
            consumed.append(n)
            yield json.dumps({"id": str(n), "text": "t"})
        raise AssertionError("read past the article asked for")

    articles = jsonl.read_stream(lines(), "<gen>")
    assert next(articles).id == "0"
    assert consumed == [0]
