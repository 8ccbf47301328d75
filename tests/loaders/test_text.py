from __future__ import annotations

from pathlib import Path

import pytest

from entente.errors import InputError
from entente.loaders import text

DATA = Path(__file__).parents[1] / "data" / "loaders"


def test_headline_becomes_title() -> None:
    [article] = text.read(DATA / "india-japan.txt")
    assert article.id == "india-japan.txt"
    assert article.title == "India and Japan deepen 5G cooperation"
    assert article.text == (
        "India and Japan agreed on Monday to deepen cooperation on 5G networks and\n"
        "submarine cables.\n\nThe two governments will set up a joint working group."
    )
    assert article.full_text.startswith("India and Japan deepen 5G cooperation\n\nIndia and Japan")
    assert (article.date, article.source, article.url, article.language) == (None, None, None, "en")
    assert article.origin == str(DATA / "india-japan.txt")


def test_no_headline_when_first_line_is_a_sentence() -> None:
    [article] = text.read(DATA / "no-headline.txt")
    assert article.title is None
    assert article.text.startswith("Officials from Indonesia and Singapore met in Batam.")


def test_name_overrides_id() -> None:
    [article] = text.read(DATA / "india-japan.txt", name="2020/india-japan.txt")
    assert article.id == "2020/india-japan.txt"


@pytest.mark.parametrize(
    ("content", "title", "body"),
    [
        ("Headline\n\nBody text.", "Headline", "Body text."),
        ("\ufeffHeadline\r\n\r\nBody text.\r\n", "Headline", "Body text."),
        ("Headline\n   \nBody text.", "Headline", "Body text."),
        ("A sentence that ends.\n\nBody text.", None, "A sentence that ends.\n\nBody text."),
        ("Headline\nBody text right below.", None, "Headline\nBody text right below."),
        ("Only a headline", None, "Only a headline"),
        ("x" * 201 + "\n\nBody text.", None, "x" * 201 + "\n\nBody text."),
        ("x" * 200 + "\n\nBody text.", "x" * 200, "Body text."),
    ],
    ids=[
        "plain",
        "bom-and-crlf",
        "blank-line-with-spaces",
        "ends-with-full-stop",
        "no-blank-line",
        "nothing-after-headline",
        "too-long",
        "longest-headline",
    ],
)
def test_title_rule(tmp_path: Path, content: str, title: str | None, body: str) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(content.encode("utf-8"))
    [article] = text.read(path)
    assert (article.title, article.text) == (title, body)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file looks binary (it contains NUL bytes)"),
        (b"Montr\xe9al\n", "file is not valid UTF-8 (byte 0xE9 on line 1); re-save it as UTF-8"),
        (b"ok\nok\ncaf\xe9\n", "file is not valid UTF-8 (byte 0xE9 on line 3)"),
        (b"  \n\n\t\n", "file holds no text"),
        (b"", "file holds no text"),
    ],
    ids=["binary", "latin-1", "latin-1-line-3", "whitespace-only", "empty"],
)
def test_bad_files_are_reported(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    errors: list[InputError] = []
    assert list(text.read(path, errors.append)) == []
    [error] = errors
    assert (error.path, error.line) == (str(path), None)
    assert str(error).startswith(f"{path}: {reason}")


def test_bad_file_raises_without_callback() -> None:
    with pytest.raises(InputError, match=r"latin1\.txt: file is not valid UTF-8"):
        list(text.read(DATA / "latin1.txt"))
