"""Bad input at the loaders: every problem is one clear line, and the rest still loads.

Each test is one scenario of the fault catalogue (promise 5): truncated gzip and
WARC files, binary files, wrong encodings, entity bombs, pathological HTML,
feeds that name a path or a URL, invalid Unicode, a reader that crashes.
"""

from __future__ import annotations

import gzip
import http.server
import io
import json
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from entente.errors import InputError
from entente.loaders import feed, html, jsonl, load_articles, warc

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00"
STORY = "India and Japan agreed on Tuesday to cooperate on secure 5G networks."
FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
    "<item><guid>leak-1</guid><title>Leaked</title>"
    "<description>SECRET feed that must never be read.</description></item>"
    "</channel></rss>"
)


def _load(sources: list[Path] | Path) -> tuple[list, list[InputError]]:
    errors: list[InputError] = []
    return list(load_articles(sources, errors.append)), errors


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


def _records(n: int) -> list[dict]:
    return [{"id": f"a{i}", "text": f"{STORY} Report {i}."} for i in range(1, n + 1)]


# -- truncated and corrupt compressed files ---------------------------------------------


def test_truncated_jsonl_gz_names_the_file_and_last_good_line(tmp_path: Path) -> None:
    """A .jsonl.gz cut mid-stream: one error with the last line read; lines before kept."""
    payload = gzip.compress(_jsonl(_records(400)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(payload[: len(payload) // 2])
    articles, errors = _load(path)
    assert 0 < len(articles) < 400
    assert [a.id for a in articles] == [f"a{i}" for i in range(1, len(articles) + 1)]
    [error] = errors
    assert (error.path, error.line) == (str(path), None)
    assert str(error).startswith(f"{path}: file is corrupt after line {len(articles)} (")
    assert f"lines 1-{len(articles)} were read" in str(error)


def test_gzip_missing_only_its_trailer_is_still_reported(tmp_path: Path) -> None:
    """A .jsonl.gz whose last 4 bytes are gone: every line is there, the damage still said."""
    payload = gzip.compress(_jsonl(_records(3)))
    path = tmp_path / "trailer.jsonl.gz"
    path.write_bytes(payload[:-4])
    articles, errors = _load(path)
    assert [a.id for a in articles] == ["a1", "a2", "a3"]
    assert [str(e) for e in errors][0].startswith(f"{path}: file is corrupt after line 3")


def test_truncated_gzip_in_a_directory_does_not_stop_the_other_files(tmp_path: Path) -> None:
    """One damaged file among good ones: one error line, every other file loads."""
    payload = gzip.compress(_jsonl(_records(200)))
    (tmp_path / "a-cut.jsonl.gz").write_bytes(payload[:300])
    (tmp_path / "b.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "c.jsonl").write_bytes(_jsonl([{"id": "c1", "text": STORY}]))
    articles, errors = _load(tmp_path)
    assert [a.id for a in articles][-2:] == ["b.txt", "c1"]
    assert [(Path(e.path).name, e.line) for e in errors] == [("a-cut.jsonl.gz", None)]


# -- binary files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.txt", PNG),
        ("library.txt", ELF),
        ("photo.jsonl", PNG + b"\n" + ELF),
        ("photo.jsonl.gz", gzip.compress(PNG * 10)),
        ("photo.html", PNG),
        ("library.rss", ELF),
        ("photo.xml", PNG + b"<rss>"),
    ],
    ids=["png-as-txt", "so-as-txt", "binary-jsonl", "binary-jsonl-gz", "png-as-html",
         "so-as-rss", "png-as-xml"],
)  # fmt: skip
def test_binary_file_in_a_directory_is_one_line(tmp_path: Path, name: str, content: bytes) -> None:
    """A binary file saved under a text extension: one 'looks binary' line, others load."""
    (tmp_path / name).write_bytes(content)
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    articles, errors = _load(tmp_path)
    assert [a.id for a in articles] == ["story.txt"]
    assert [(Path(e.path).name, e.line) for e in errors] == [(name, None)]
    assert "looks binary (it contains NUL bytes)" in str(errors[0])
    assert "\n" not in str(errors[0])


def test_real_images_and_libraries_in_a_directory_are_not_errors(tmp_path: Path) -> None:
    """Files of types entente does not read (.png, .so) are skipped by extension, silently."""
    (tmp_path / "photo.png").write_bytes(PNG)
    (tmp_path / "libfoo.so").write_bytes(ELF)
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    articles, errors = _load(tmp_path)
    assert ([a.id for a in articles], errors) == (["story.txt"], [])


def test_binary_file_named_explicitly_with_unknown_type(tmp_path: Path) -> None:
    """`entente ingest photo.png`: one 'unsupported file type' line."""
    path = tmp_path / "photo.png"
    path.write_bytes(PNG)
    articles, errors = _load(path)
    assert articles == []
    assert [str(e) for e in errors] == [
        f"{path}: unsupported file type '.png'; entente reads " + str(errors[0]).split("reads ")[1]
    ]


# -- encodings ---------------------------------------------------------------------------


def test_latin1_text_file_names_the_byte_and_line(tmp_path: Path) -> None:
    """A Latin-1 .txt: one line naming the bad byte and its line; nothing guessed."""
    path = tmp_path / "latin1.txt"
    path.write_bytes("Headline\n\nS\u00e3o Paulo and Lisbon agreed.\n".encode("latin-1"))
    articles, errors = _load(path)
    assert articles == []
    assert [str(e) for e in errors] == [
        f"{path}: file is not valid UTF-8 (byte 0xE3 on line 3); re-save it as UTF-8"
    ]


def test_jsonl_with_one_bad_byte_mid_file_loses_only_that_line(tmp_path: Path) -> None:
    """Mixed encodings: a Latin-1 line in a UTF-8 JSONL is one error; the others load."""
    lines = [json.dumps(r).encode() for r in _records(3)]
    lines[1] = '{"id": "a2", "text": "S\u00e3o Paulo"}'.encode("latin-1")
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    articles, errors = _load(path)
    assert [a.id for a in articles] == ["a1", "a3"]
    assert [str(e) for e in errors] == [f"{path}:2: line is not valid UTF-8; re-save as UTF-8"]


def test_lone_surrogate_escape_is_replaced_and_reported(tmp_path: Path) -> None:
    """JSON "\\ud800" makes a str spaCy and the store cannot hold: replaced, with a warning."""
    path = tmp_path / "surrogate.jsonl"
    path.write_text('{"id": "s1", "text": "Japan \\ud800 and India \\udfff agreed."}\n')
    warnings: list[str] = []
    errors: list[InputError] = []
    [article] = load_articles([path], errors.append, on_warning=warnings.append)
    assert article.text == "Japan \ufffd and India \ufffd agreed."
    article.text.encode("utf-8")  # no surrogate left
    assert errors == []
    assert warnings == [
        f"{path}:1: 2 invalid character(s) (lone UTF-16 surrogates) replaced with U+FFFD"
    ]


def test_nfd_text_and_title_are_loaded_as_nfc(tmp_path: Path) -> None:
    """NFD spellings become NFC at load time, so one name is one string."""
    path = tmp_path / "nfd.jsonl"
    record = {
        "id": "n1",
        "title": unicodedata.normalize("NFD", "Soci\u00e9t\u00e9 G\u00e9n\u00e9rale"),
        "text": unicodedata.normalize("NFD", "T\u00fcrkiye and Japan agreed."),
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [article] = load_articles([path])
    assert article.title == "Soci\u00e9t\u00e9 G\u00e9n\u00e9rale"
    assert article.text == "T\u00fcrkiye and Japan agreed."
    assert unicodedata.is_normalized("NFC", article.full_text)


# -- XML entity declarations are refused before any parser runs ------------------------


def _bomb(root: str = "rss") -> str:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE {root} [{entities}]>'
        f'<{root} version="2.0"><channel><title>t</title>'
        f"<item><title>x</title><description>&lol9;</description></item></channel></{root}>"
    )


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any call of feedparser or trafilatura fail the test."""
    import feedparser
    import trafilatura

    def refuse(*args, **kwargs):
        raise AssertionError("a parser was handed a document that should have been refused")

    monkeypatch.setattr(feedparser, "parse", refuse)
    monkeypatch.setattr(trafilatura, "bare_extraction", refuse)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bomb.rss", _bomb().encode("utf-8")),
        ("bomb.xml", _bomb().encode("utf-8")),
        ("bomb-utf16.rss", _bomb().replace('1.0"?>', '1.0" encoding="utf-16"?>').encode("utf-16")),
        (
            "bomb-utf7.rss",
            b'<?xml version="1.0" encoding="utf-7"?>+ADw-!DOCTYPE rss +AFs-+ADw-!ENTITY a '
            b'"b"+AD4-+AF0-+AD4-<rss version="2.0"></rss>',
        ),
        ("bomb.html", _bomb("html").encode("utf-8")),
        ("subset.html", b'<!DOCTYPE html [ <!ATTLIST p x CDATA "y"> ]><html><p>Hi</p></html>'),
    ],
    ids=["rss", "xml", "utf-16", "utf-7", "html", "html-internal-subset"],
)
def test_entity_bomb_is_refused_before_parsing(
    tmp_path: Path, no_parsing: None, name: str, data: bytes
) -> None:
    """A billion-laughs document: one error, no parser call, no time or memory spent."""
    path = tmp_path / name
    path.write_bytes(data)
    started = time.process_time()
    articles, errors = _load(path)
    assert articles == []
    [error] = errors
    assert (error.path, error.line) == (str(path), None)
    assert "refused unread" in str(error) and "\n" not in str(error)
    assert time.process_time() - started < 5  # generous: the check is a byte search


def test_html_doctype_line_is_not_a_declaration_problem(tmp_path: Path) -> None:
    """Positive control: an ordinary <!DOCTYPE html> page loads."""
    path = tmp_path / "page.html"
    path.write_text(
        f"<!DOCTYPE html><html><head><title>T</title></head><body><article><p>{STORY} "
        f"{STORY}</p></article></body></html>",
        encoding="utf-8",
    )
    articles, errors = _load(path)
    assert errors == [] and STORY in articles[0].text


def test_external_dtd_of_a_feed_is_never_loaded(tmp_path: Path) -> None:
    """A DOCTYPE naming a local DTD file: the DTD's entities never reach the text."""
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY secret "LEAKED-FROM-DISK">', encoding="utf-8")
    path = tmp_path / "external.rss"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{dtd.as_uri()}"><rss version="2.0">'
        "<channel><title>T</title><item><guid>e1</guid><description>Before &secret; after."
        "</description></item></channel></rss>",
        encoding="utf-8",
    )
    articles, _errors = _load(path)
    assert all("LEAKED" not in a.text for a in articles)


# -- feeds are parsed from bytes only ---------------------------------------------------


def test_feed_whose_content_is_a_path_is_not_opened(tmp_path: Path) -> None:
    """A .rss file holding only the path of another feed: that feed is never read."""
    target = tmp_path / "secret.rss"
    target.write_text(FEED, encoding="utf-8")
    path = tmp_path / "pointer.rss"
    path.write_text(str(target), encoding="utf-8")
    articles, errors = _load(path)
    assert articles == []
    assert [str(e) for e in errors] == [
        f"{path}: not a well-formed RSS or Atom feed (not well-formed (invalid token)); fix the XML"
    ]


@pytest.fixture
def feed_server() -> Iterator[tuple[str, list[str]]]:
    """A 127.0.0.1 HTTP server that serves FEED and records every request path."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            requests.append(self.path)
            body = FEED.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/feed.rss", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_feed_whose_content_is_a_url_is_not_fetched(
    tmp_path: Path, feed_server: tuple[str, list[str]]
) -> None:
    """A .rss file holding only a URL: no request reaches the server (which works)."""
    import urllib.request

    url, requests = feed_server
    path = tmp_path / "pointer.rss"
    path.write_text(url, encoding="utf-8")
    articles, errors = _load(path)
    assert articles == [] and len(errors) == 1
    assert "not a well-formed RSS or Atom feed" in str(errors[0])
    assert requests == []
    # Positive control: the listener does answer a real request.
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own server)
        assert b"SECRET" in response.read()
    assert requests == ["/feed.rss"]


def test_feed_loader_hands_feedparser_bytes_only(tmp_path: Path, monkeypatch) -> None:
    """What feedparser receives is a bytes stream, never a str it could open."""
    import feedparser

    seen: list[object] = []
    real = feedparser.parse

    def spy(source, *args, **kwargs):
        seen.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(feedparser, "parse", spy)
    path = tmp_path / "ok.rss"
    path.write_text(FEED, encoding="utf-8")
    [article] = feed.read(path)
    assert article.id == "leak-1"
    assert len(seen) == 1 and isinstance(seen[0], io.BytesIO)


# -- pathological HTML -------------------------------------------------------------------


def _nested(depth: int) -> bytes:
    return (
        "<html><head><title>Deep</title></head><body>"
        + "<div>" * depth
        + f"<p>{STORY} {STORY}</p>"
        + "</div>" * depth
        + "</body></html>"
    ).encode("utf-8")


def test_deeply_nested_html_is_a_clear_error(tmp_path: Path) -> None:
    """100,000 nested <div>: trafilatura would return nothing silently; here it is one line."""
    path = tmp_path / "deep.html"
    path.write_bytes(_nested(100_000))
    articles, errors = _load(path)
    assert articles == []
    assert [str(e) for e in errors] == [
        f"{path}: HTML is nested more than {html.MAX_HTML_DEPTH} elements deep, past what the "
        "HTML parser reads; the page was refused rather than read in part"
    ]


def test_moderately_nested_html_still_loads(tmp_path: Path) -> None:
    """Positive control: 200 levels of nesting are read normally."""
    path = tmp_path / "nested.html"
    path.write_bytes(_nested(200))
    articles, errors = _load(path)
    assert errors == [] and STORY in articles[0].text


def test_a_reader_crash_costs_one_file_not_the_load(tmp_path: Path, monkeypatch) -> None:
    """An unexpected exception inside a parser: one line for that file, the next files load."""
    import trafilatura

    def crash(*args, **kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(trafilatura, "bare_extraction", crash)
    (tmp_path / "a.html").write_bytes(_nested(1))
    (tmp_path / "b.txt").write_text(STORY, encoding="utf-8")
    articles, errors = _load(tmp_path)
    assert [a.id for a in articles] == ["b.txt"]
    assert [str(e) for e in errors] == [
        f"{tmp_path / 'a.html'}: cannot read file (RuntimeError: parser bug) after 0 "
        "article(s); the rest of this file was skipped"
    ]


# -- empty texts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", " \n\n \n", "file holds no text"),
        ("empty.jsonl", '{"id": "e", "text": "   "}\n', '"text" is empty'),
        (
            "empty.html",
            "<html><head><title>T</title></head><body></body></html>",
            "no article text",
        ),
        (
            "empty.rss",
            '<rss version="2.0"><channel><title>T</title><item><guid>g</guid></item>'
            "</channel></rss>",
            "feed entry has no text",
        ),
    ],
    ids=["txt", "jsonl", "html", "rss"],
)
def test_empty_text_is_one_line(tmp_path: Path, name: str, content: str, reason: str) -> None:
    """A record without text: a clear one-line error, nothing loaded."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    articles, errors = _load(path)
    assert articles == [] and len(errors) == 1
    assert str(errors[0]).startswith(str(path)) and reason in str(errors[0])


# -- web archives (WARC) -----------------------------------------------------------------


def _page(i: int) -> bytes:
    return (
        f"<html><head><title>Story {i}</title></head><body><article><p>{STORY} "
        f"Officials gave details in story {i}.</p><p>The two governments will also share "
        f"research on semiconductors.</p></article></body></html>"
    ).encode()


def _http(body: bytes, ctype: str = "text/html; charset=utf-8", status: str = "200 OK") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("ascii") + body


def _record(kind: str, number: int, uri: str, block: bytes, ctype: str) -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\r\n"
        f"WARC-Date: 2021-03-0{number % 9 + 1}T05:06:07Z\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: {ctype}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return head.encode("ascii") + block + b"\r\n\r\n"


def _warc(*, gz: bool) -> tuple[bytes, list[int]]:
    """Five records: warcinfo, page 1, an image, a 404 page, page 2, a text resource."""
    http_type = "application/http; msgtype=response"
    records = [
        _record("warcinfo", 1, "", b"software: test\r\n", "application/warc-fields"),
        _record("response", 2, "https://news.example.com/1", _http(_page(1)), http_type),
        _record("response", 3, "https://news.example.com/i", _http(PNG, "image/png"), http_type),
        _record(
            "response", 4, "https://news.example.com/gone", _http(_page(9), status="404 Not Found"),
            http_type,
        ),
        _record("response", 5, "https://news.example.com/2", _http(_page(2)), http_type),
        _record("resource", 6, "file:///notes.txt", STORY.encode(), "text/plain; charset=utf-8"),
    ]  # fmt: skip
    blocks = [gzip.compress(r) for r in records] if gz else records
    ends, total = [], 0
    for block in blocks:
        total += len(block)
        ends.append(total)
    return b"".join(blocks), ends


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc-gz"])
def test_warc_pages_become_articles(tmp_path: Path, gz: bool) -> None:
    """Response and resource records with HTML or text become articles; the rest is skipped."""
    data, _ = _warc(gz=gz)
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(data)
    articles, errors = _load(path)
    assert errors == []
    assert [a.id for a in articles] == [
        "https://news.example.com/1",
        "https://news.example.com/2",
        "file:///notes.txt",
    ]
    first = articles[0]
    assert (first.title, first.url, first.date) == (
        "Story 1",
        "https://news.example.com/1",
        "2021-03-03",
    )
    assert first.text.startswith(STORY)
    assert first.origin == f"{path}:2"
    assert articles[2].text == STORY


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc-gz"])
def test_truncated_warc_names_the_record_and_keeps_the_ones_before(
    tmp_path: Path, gz: bool
) -> None:
    """A WARC cut inside page 2 (record 5): one error naming it; page 1 is kept."""
    data, ends = _warc(gz=gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data[: ends[3] + (ends[4] - ends[3]) * 2 // 3])
    articles, errors = _load(path)
    assert [a.id for a in articles] == ["https://news.example.com/1"]
    [error] = errors
    assert (error.path, error.line) == (str(path), 5)
    assert "urn:uuid:00000000-0000-0000-0000-000000000005" in str(error)
    assert "truncated" in str(error) and "the records before it were loaded" in str(error)


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc-gz"])
def test_warc_cut_at_any_byte_never_loads_a_partial_record(tmp_path: Path, gz: bool) -> None:
    """Every cut position: exactly the whole page records load, and a cut is always said."""
    data, ends = _warc(gz=gz)
    pages = {
        2: "https://news.example.com/1",
        5: "https://news.example.com/2",
        6: "file:///notes.txt",
    }
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    slack = 0 if gz else 4  # an uncompressed record is whole before its final blank line
    for cut in range(0, ends[5] + 1, 7):
        path.write_bytes(data[:cut])
        articles, errors = [], []
        articles = list(warc.read(path, errors.append))
        whole = [pages[n] for n in pages if ends[n - 1] - slack <= cut]
        assert [a.id for a in articles] == whole, cut
        at_boundary = cut == 0 or any(end - slack <= cut <= end for end in ends)
        assert at_boundary or len(errors) == 1, (cut, errors)


def test_file_that_is_not_a_warc(tmp_path: Path) -> None:
    """An HTML page saved as .warc: one 'not a readable WARC file' line."""
    path = tmp_path / "page.warc"
    path.write_bytes(_page(1))
    articles, errors = _load(path)
    assert articles == []
    assert [(e.path, e.line) for e in errors] == [(str(path), None)]
    assert str(errors[0]) == f"{path}: not a WARC file (no WARC/1.x record header); it was not read"


def test_jsonl_reader_reads_a_stream_of_bytes_lines() -> None:
    """Regression guard: the binary probe does not break reading from a plain stream."""
    stream = io.BytesIO(_jsonl(_records(2)))
    assert [a.id for a in jsonl.read_stream(stream, "<bytes>")] == ["a1", "a2"]
