"""Article input: bytes → text (encoding detection), HTML → text, sentences.

The functions here are pure except :func:`read_source`, the one reader at the
edge that opens a file or standard input.  Everything downstream works on a
single ``str`` and character offsets into it, so every mention and claim can
be quoted back with its position.
"""

from __future__ import annotations

import datetime as dt
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
    published
        Publication date from the HTML metadata (``article:published_time``,
        ``datePublished``, ``<time datetime>``), else ``None`` (the text's own
        dateline is read later by :func:`article_date`).
    published_from
        Where ``published`` was found, in words.
    """

    text: str
    encoding: str
    was_html: bool
    title: str = ""
    origin: str = "<text>"
    published: dt.date | None = None
    published_from: str = ""


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
        #: (priority, value, where) of every publication-date candidate (lower priority wins).
        self.dates: list[tuple[int, str, str]] = []

    def _date_candidates(self, tag: str, attrs) -> None:  # noqa: ANN001
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key in _META_DATE_KEYS:
                self.dates.append((_META_DATE_KEYS[key], a.get("content", ""), f"HTML <meta {key}>"))
        elif tag == "time" and a.get("datetime"):
            pub = "pubdate" in a or a.get("itemprop", "").lower() == "datepublished"
            self.dates.append((2 if pub else 5, a["datetime"], "HTML <time datetime>"))

    def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001
        self._date_candidates(tag, attrs)
        if tag == "title":
            self._in_title = True
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs) -> None:  # noqa: ANN001
        self._date_candidates(tag, attrs)
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


#: HTML metadata keys that carry the publication date, with their priority (lower wins).
_META_DATE_KEYS: dict[str, int] = {
    "article:published_time": 0, "og:published_time": 0, "datepublished": 1, "date": 3, "pubdate": 3,
    "publishdate": 3, "publish-date": 3, "dc.date.issued": 3, "dc.date": 4, "sailthru.date": 4,
    "parsely-pub-date": 4, "article.published": 4,
}
_ISO_DATE = re.compile(r"(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)")
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"(?P<v>[^"]{8,40})"')


def parse_iso_date(value: str) -> dt.date | None:
    """The date of an ISO 8601 string (``2022-01-14``, ``2022-01-14T09:30:00+03:30``), else ``None``."""
    m = _ISO_DATE.search(value or "")
    if not m:
        return None
    try:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None


def html_publication_date(html: str, parser: _TextExtractor | None = None) -> tuple[dt.date | None, str]:
    """Publication date declared in HTML: ``article:published_time`` and other ``<meta>`` keys,
    JSON-LD ``datePublished``, ``<time datetime>`` (``pubdate``/``itemprop`` first).

    Returns
    -------
    (date or None, where it was found)
    """
    cands = list(parser.dates) if parser is not None else []
    m = _JSONLD_DATE.search(html)
    if m:
        cands.append((1, m["v"], "HTML JSON-LD datePublished"))
    for _, value, where in sorted(cands, key=lambda c: c[0]):
        d = parse_iso_date(value)
        if d is not None:
            return d, f"{where} = {value.strip()[:40]!r}"
    return None, ""


def html_to_text(html: str) -> tuple[str, str]:
    """Reduce HTML to plain text: drop script/style/head, keep block boundaries as blank lines.

    Returns
    -------
    (text, title)
    """
    text, title, _, _ = _html_reduce(html)
    return text, title


def _html_reduce(html: str) -> tuple[str, str, dt.date | None, str]:
    """:func:`html_to_text` plus the publication date of :func:`html_publication_date`."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    raw = "".join(parser.parts)
    # collapse runs of spaces inside lines, keep paragraph breaks
    lines = [re.sub(r"[ \t\r\f\v\u00a0]+", " ", ln).strip() for ln in raw.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    published, where = html_publication_date(html, parser)
    return text, re.sub(r"\s+", " ", "".join(parser.title)).strip(), published, where


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
            raise _too_big(origin, len(raw))
        text, encoding = decode(raw, origin=origin)
    else:
        if len(raw) > MAX_BYTES:
            raise _too_big(origin, len(raw), unit="characters")
        text, encoding = raw, "str"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    is_html = looks_like_html(text) if html is None else html
    title, published, where = "", None, ""
    if is_html:
        text, title, published, where = _html_reduce(text)
    return ArticleText(text=text, encoding=encoding, was_html=is_html, title=title, origin=origin,
                       published=published, published_from=where)


def _too_big(origin: str, size: int, *, unit: str = "bytes", more: bool = False) -> InputError:
    return InputError(
        f"{origin}: the article is {'more than ' if more else ''}{size:,} {unit}; at most {MAX_BYTES:,} are read.",
        hint="Pass the article text only (save the page's article body, not a whole site dump).",
    )


def _read_bounded(stream: BinaryIO, origin: str) -> bytes:
    """At most ``MAX_BYTES`` bytes of a stream; one byte more is an error (never reads the rest)."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_big(origin, MAX_BYTES, more=True)
    return data


def read_source(source: str | Path | BinaryIO) -> ArticleText:
    """Read an article from a path, ``"-"`` (standard input) or a binary stream.

    This is the only function of :mod:`tradegap.article` that does I/O.  The
    size limit (:data:`MAX_BYTES`) is checked before reading: a file by its
    size on disk, a stream by reading at most one byte past the limit.

    Raises
    ------
    InputError
        If the file does not exist, is larger than the limit, or is not text.
    """
    if isinstance(source, (str, Path)) and str(source) == "-":
        return prepare(_read_bounded(sys.stdin.buffer, "<stdin>"), origin="<stdin>")
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise InputError(
                f"Article file {str(path)!r} does not exist or is not a file.",
                hint="Give the path of a .txt or .html file, or '-' to read standard input.",
            )
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _too_big(path.name, size)
        with path.open("rb") as fh:  # a file that grew since stat() is still read bounded
            return prepare(_read_bounded(fh, path.name), origin=path.name)
    return prepare(_read_bounded(source, getattr(source, "name", "<stream>")),
                   origin=getattr(source, "name", "<stream>"))


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
