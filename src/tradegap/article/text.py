"""Article input: bytes → text (encoding detection), HTML → text, sentences.

The functions here are pure except :func:`read_source`, the one reader at the
edge that opens a file or standard input.  Everything downstream works on a
single ``str`` and character offsets into it, so every mention and claim can
be quoted back with its position.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from tradegap.errors import InputError

#: Largest article accepted, in bytes (a long feature is ~50 KB of text; HTML pages a few hundred KB).
MAX_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article reduced to plain text.

    Attributes
    ----------
    text
        The plain text; all character positions in mentions and claims refer to it.
    encoding
        The encoding used to decode the bytes (``"str"`` when text was given).
    was_html
        Whether the input was HTML (reduced with :func:`html_to_text`).
    title
        The HTML ``<title>`` when there was one, else ``""``.
    origin
        File name or ``"<stdin>"``/``"<text>"``; used in messages only.
    """

    text: str
    encoding: str
    was_html: bool
    title: str = ""
    origin: str = "<text>"


# --------------------------------------------------------------------------- encoding
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)

def decode(data: bytes, *, origin: str = "<bytes>") -> tuple[str, str]:
    """Decode article bytes, detecting the encoding.

    A byte-order mark or valid UTF-8 wins; then an HTML ``<meta charset>``
    declaration (if the bytes decode with it); otherwise ``charset_normalizer``
    picks the most plausible encoding.

    Returns
    -------
    (text, encoding)

    Raises
    ------
    InputError
        If the bytes do not decode as text in any encoding (e.g. a PDF or image).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        import codecs

        name = declared.group(1).decode("ascii", errors="ignore")
        try:
            codec = codecs.lookup(name)
            return data.decode(codec.name), codec.name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: detect instead
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or b"\x00" in data[:4096]:
        raise InputError(
            f"{origin}: the input does not decode as text in any encoding ({len(data):,} bytes).",
            hint="Give a plain-text or HTML article; convert PDFs or word-processor files to text first.",
        )
    return str(best), str(best.encoding)


# --------------------------------------------------------------------------- HTML
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article header footer blockquote pre "
    "figcaption caption dt dd hr title main aside nav".split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001
        if tag == "title":
            self._in_title = True
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs) -> None:  # noqa: ANN001
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """Reduce HTML to plain text: drop script/style/head, keep block boundaries as blank lines.

    Returns
    -------
    (text, title)
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    raw = "".join(parser.parts)
    # collapse runs of spaces inside lines, keep paragraph breaks
    lines = [re.sub(r"[ \t\r\f\v\u00a0]+", " ", ln).strip() for ln in raw.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, re.sub(r"\s+", " ", "".join(parser.title)).strip()


_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html|<\?xml[^>]*>\s*<html|<(?:head|body|p|div|article)\b)", re.I)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML document (doctype/html/body tag near its start)."""
    return bool(_HTML_SNIFF.match(text[:2048])) or bool(
        re.search(r"<(?:p|div|br|span|a)\b[^>]*>", text[:4096], re.I)
        and re.search(r"</(?:p|div|span|a)>", text, re.I)
    )


def prepare(raw: str | bytes, *, origin: str = "<text>", html: bool | None = None) -> ArticleText:
    """Turn raw input (bytes or str) into an :class:`ArticleText`.

    Parameters
    ----------
    raw
        The article: bytes in any encoding, or text.
    origin
        Name used in messages.
    html
        Force (``True``) or forbid (``False``) HTML reduction; ``None`` sniffs the content.
    """
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise InputError(
                f"{origin}: the article is {len(raw):,} bytes; at most {MAX_BYTES:,} are read.",
                hint="Pass the article text only, not a whole site dump.",
            )
        text, encoding = decode(raw, origin=origin)
    else:
        text, encoding = raw, "str"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    is_html = looks_like_html(text) if html is None else html
    title = ""
    if is_html:
        text, title = html_to_text(text)
    return ArticleText(text=text, encoding=encoding, was_html=is_html, title=title, origin=origin)


def read_source(source: str | Path | BinaryIO) -> ArticleText:
    """Read an article from a path, ``"-"`` (standard input) or a binary stream.

    This is the only function of :mod:`tradegap.article` that does I/O.

    Raises
    ------
    InputError
        If the file does not exist or is not text.
    """
    if isinstance(source, (str, Path)) and str(source) == "-":
        return prepare(sys.stdin.buffer.read(), origin="<stdin>")
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise InputError(
                f"Article file {str(path)!r} does not exist or is not a file.",
                hint="Give the path of a .txt or .html file, or '-' to read standard input.",
            )
        return prepare(path.read_bytes(), origin=path.name)
    return prepare(source.read(), origin=getattr(source, "name", "<stream>"))


# --------------------------------------------------------------------------- sentences
_ABBREV = (
    "Mr Mrs Ms Dr Prof Sr Jr St Gen Col Lt Sgt Capt Gov Sen Rep Pres Amb Inc Ltd Co Corp vs etc "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec No approx est e.g i.e U.S U.K U.N E.U"
).split()
_ABBREV_RE = re.compile(r"(?:\b(?:" + "|".join(re.escape(a) for a in _ABBREV) + r")|\b[A-Z])\.$")
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n\s*\n")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its index, character span ``[start, end)`` in the text, and text."""

    index: int
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences with character spans.

    Boundaries are sentence-final punctuation (optionally followed by closing
    quotes) before whitespace and a capital/digit, and blank lines; common
    abbreviations ("Mr.", "U.S.", "Jan.") and initials do not end a sentence.
    """
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group().strip() and _ABBREV_RE.search(text[max(start, end - 6) : end].rstrip("\"'”’)]")):
            continue
        _add(out, text, start, end)
        start = end
    _add(out, text, start, len(text))
    return out


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    chunk = chunk.strip()
    if chunk:
        s = start + lead
        out.append(Sentence(index=len(out), start=s, end=s + len(chunk), text=chunk))
