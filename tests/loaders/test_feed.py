from __future__ import annotations

from pathlib import Path

import pytest

from entente.errors import InputError, UnsupportedFormatError
from entente.loaders import feed

DATA = Path(__file__).parents[1] / "data" / "loaders"


def _load(path: Path, **kwargs) -> tuple[list, list[InputError]]:
    errors: list[InputError] = []
    return list(feed.read(path, errors.append, **kwargs)), errors


def test_rss() -> None:
    path = DATA / "rss-feed.rss"
    articles, errors = _load(path)

    cable, radar = articles
    assert cable.id == "ptw-2021-0518"
    assert cable.title == "Australia and Vietnam agree on undersea cable project"
    assert cable.date == "2021-05-18"  # publisher's day, although UTC is still the 18th 13:10
    assert cable.source == "Pacific Tech Wire"
    assert cable.url == "https://wire.example.net/2021/05/cable"
    assert cable.language == "en-au"
    assert cable.origin == f"{path}:1"
    # content:encoded wins over the teaser, HTML becomes paragraphs, scripts go.
    assert cable.text == (
        "Australia and Vietnam agreed on Tuesday to co-finance a new undersea data cable "
        "linking Darwin and Ho Chi Minh City.\n\n"
        "The two governments said the project would improve resilience of regional "
        "telecommunications.\n\n"
        "Construction is due to start in 2023.\n\n"
        "Length: 4,600 km\n\nCapacity: 40 Tbps"
    )

    # No guid: the link is the id; only a description: it is the text.
    assert radar.id == "https://wire.example.net/2021/06/radar"
    assert radar.date == "2021-06-02"
    assert radar.text == (
        "Japan will provide the Philippines with coastal surveillance radar under a defence "
        "equipment transfer agreement, officials in Manila said."
    )

    [error] = errors
    assert (error.path, error.line) == (str(path), 3)
    assert str(error) == (
        f"{path}:3: feed entry has no text (no content and no summary); "
        "add a <description> or <content>, or remove the entry"
    )


def test_atom() -> None:
    path = DATA / "atom-feed.atom"
    articles, errors = _load(path)
    assert errors == []
    partnership, export = articles
    assert partnership.id == "tag:digest.example.com,2022:6g-partnership"
    assert partnership.date == "2022-09-29"  # published, not updated
    assert partnership.url == "https://digest.example.com/6g-partnership"
    assert partnership.source == "Nordic Innovation Digest"
    assert partnership.text == (
        "Finland and South Korea launched a joint research programme on 6G wireless networks."
        "\n\nUniversities in Oulu and Daejeon will share test facilities."
    )
    # Only <updated> and a plain-text <summary>; the tag: id is not taken for a URL.
    assert export.date == "2022-09-28"
    assert export.url is None
    assert export.text == (
        "Norway introduced export controls on certain satellite components "
        "following a review of dual-use technology."
    )


def test_entry_without_id_or_link_gets_numbered_id(tmp_path: Path) -> None:
    path = tmp_path / "bare.rss"
    path.write_text(
        '<rss version="2.0"><channel><title>T</title>'
        "<item><title>A</title><description>First.</description></item>"
        "<item><title>B</title><description>Second.</description>"
        "<pubDate>sometime</pubDate></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    articles, errors = _load(path, name="feeds/bare.rss")
    assert [(a.id, a.text, a.date) for a in articles] == [
        ("feeds/bare.rss#1", "First.", None),
        ("feeds/bare.rss#2", "Second.", None),
    ]
    assert errors == []


@pytest.mark.parametrize(
    ("content", "error_type", "reason"),
    [
        (b"this is not xml at all <<<", InputError,
         "not a well-formed RSS or Atom feed (syntax error); fix the XML"),
        (b"<?xml version='1.0'?><config><a>1</a></config>", UnsupportedFormatError,
         "file is not an RSS or Atom feed; only feeds are read from XML files"),
    ],
    ids=["not-xml", "other-xml"],
)  # fmt: skip
def test_bad_feeds(tmp_path: Path, content: bytes, error_type: type, reason: str) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(content)
    articles, errors = _load(path)
    assert articles == []
    [error] = errors
    assert type(error) is error_type
    assert str(error) == f"{path}: {reason}"


def test_truncated_feed_keeps_entries_before_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "cut.rss"
    path.write_bytes(
        b"<rss version='2.0'><channel><title>T</title>"
        b"<item><guid>a</guid><description>Whole entry.</description></item>"
        b"<item><guid>b</guid><description>Half an ent"
    )
    articles, errors = _load(path)
    assert [(a.id, a.text) for a in articles] == [("a", "Whole entry.")]
    assert [str(e) for e in errors] == [
        f"{path}:2: feed entry has no text (no content and no summary); "
        "add a <description> or <content>, or remove the entry",
        f"{path}: feed is not well-formed (no element found); it was read up to the problem "
        "(2 entries), anything after it is missing",
    ]


def test_declared_encoding_mismatch_is_recovered(tmp_path: Path) -> None:
    path = tmp_path / "mislabelled.rss"
    path.write_bytes(
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>T</title>'
        "<item><guid>x</guid><description>Café diplomacy in Brasília.</description></item>"
        "</channel></rss>".encode()
    )
    articles, errors = _load(path)
    assert len(articles) == 1
    assert "diplomacy" in articles[0].text
    assert errors == []


@pytest.mark.parametrize(
    "content",
    [b"<?xml version='1.0'?><urlset><url><loc>x</loc></url></urlset>", b"<config><a>1</config>"],
    ids=["well-formed", "malformed"],
)
def test_other_xml_is_skipped_quietly_when_asked(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_bytes(content)
    assert _load(path, skip_non_feed=True) == ([], [])


def test_empty_feed_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.rss"
    path.write_text('<rss version="2.0"><channel><title>T</title></channel></rss>')
    assert _load(path) == ([], [])


def test_feed_that_names_a_url_is_not_fetched(tmp_path: Path, monkeypatch) -> None:
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the feed loader tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    path = tmp_path / "doctype.rss"
    path.write_text(
        '<?xml version="1.0"?>'
        '<!DOCTYPE rss SYSTEM "http://example.org/rss.dtd">'
        '<rss version="2.0"><channel><title>T</title>'
        "<item><link>http://example.org/a</link><description>Body.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    [article] = feed.read(path)
    assert article.text == "Body."


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>One.</p><p>Two.</p>", "One.\n\nTwo."),
        ("Line<br>break", "Line\n\nbreak"),
        ("<div>  lots \n of\tspace </div>", "lots of space"),
        ("<p>Keep <b>inline</b> <a href='x'>tags</a> text.</p>", "Keep inline tags text."),
        ("<p>a</p><script>x()</script><style>p{}</style><!-- hidden --><p>b</p>", "a\n\nb"),
        ("<h2>Head</h2><ul><li>one</li><li>two</li></ul>", "Head\n\none\n\ntwo"),
        ("plain text only", "plain text only"),
        ("   ", ""),
    ],
    ids=["paragraphs", "br", "whitespace", "inline", "dropped", "lists", "no-tags", "blank"],
)
def test_html_to_text(markup: str, expected: str) -> None:
    assert feed.html_to_text(markup) == expected
