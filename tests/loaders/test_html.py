from __future__ import annotations

from pathlib import Path

import pytest

from entente.errors import InputError
from entente.loaders import html

DATA = Path(__file__).parents[1] / "data" / "loaders"


@pytest.fixture(scope="module")
def page():
    [article] = html.read(DATA / "news-page.html")
    return article


def test_metadata(page) -> None:
    assert page.id == "news-page.html"
    assert page.title == "Kenya and Estonia sign e-government pact"
    assert page.date == "2023-03-14"
    assert page.source == "The Meridian Ledger"
    assert page.url == "https://ledger.example.org/tech/kenya-estonia-egov"
    assert page.language == "en"
    assert page.origin == str(DATA / "news-page.html")


def test_main_text_is_kept(page) -> None:
    assert "Kenya and Estonia signed a memorandum of understanding on Tuesday" in page.text
    assert "interoperability platform modelled on the Baltic country's own X-Road" in page.text
    assert page.text.rstrip().endswith(
        "talks on cybersecurity cooperation would follow in the autumn."
    )
    # Title and body are not duplicated in the text that is analysed.
    assert page.full_text == page.text


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Subscribe today",
        "TurboNet",
        "ADVERTISEMENT",
        "Cheap flights",
        "Copyright 2023",
        "Privacy policy",
        "Ten gadgets",
        "trackingId",
        "display: block",
    ],
    ids=[
        "nav",
        "ad-banner",
        "ad-label",
        "sidebar-ad",
        "footer",
        "footer-links",
        "related",
        "script",
        "style",
    ],
)
def test_boilerplate_is_dropped(page, boilerplate: str) -> None:
    assert boilerplate not in page.text


def test_encoding_and_language_from_the_page(tmp_path: Path) -> None:
    body = (
        "<p>La France et le Maroc ont signé un accord de coopération sur l'hydrogène vert, "
        "a annoncé le ministère à Rabat mardi, après plusieurs mois de négociations.</p>"
    )
    path = tmp_path / "accord.htm"
    path.write_bytes(
        (
            '<html lang="fr-FR"><head><meta charset="iso-8859-1"><title>Accord</title></head>'
            f"<body><article>{body * 3}</article></body></html>"
        ).encode("iso-8859-1")
    )
    [article] = html.read(path, name="2024/accord.htm")
    assert article.id == "2024/accord.htm"
    assert article.language == "fr-FR"
    assert "coopération sur l'hydrogène vert" in article.text
    assert article.date is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<html><head><title>App</title><script>start()</script></head><body></body></html>",
         "no article text found in the HTML page; check that it is a saved article page"),
        (b"", "no article text found in the HTML page"),
        (b"\x00\x01\x02\x03binary", "file looks binary"),
    ],
    ids=["script-only", "empty", "binary"],
)  # fmt: skip
def test_pages_without_text_are_reported(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    errors: list[InputError] = []
    assert list(html.read(path, errors.append)) == []
    [error] = errors
    assert str(error).startswith(f"{path}: {reason}")


def test_nothing_is_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page pointing at remote resources is read without opening a connection."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the HTML loader tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    path = tmp_path / "remote.html"
    path.write_text(
        '<html><head><link rel="canonical" href="https://example.org/a">'
        '<script src="https://example.org/x.js"></script></head><body><article>'
        + "<p>Chile and Korea agreed to cooperate on green hydrogen technology research.</p>" * 3
        + '<img src="https://example.org/i.png"></article></body></html>',
        encoding="utf-8",
    )
    [article] = html.read(path)
    assert article.url == "https://example.org/a"
