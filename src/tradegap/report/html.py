"""One self-contained HTML file for a :class:`~tradegap.brief.PairBrief`.

Everything the page needs is inside it: CSS inline, charts as inline SVG (see
:mod:`tradegap.report.charts`).  No script, font or image is fetched from the network.
Each chart is a ``<figure class="chart" id="chart-<section key>">`` holding two
drawings of it: one laid out for a desktop column (760 px) and one for a phone
(360 px), shown by a CSS media query; each section a
``<section class="brief-section" id="sec-<key>">``.
"""

from __future__ import annotations

import html as _html
import math
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import numpy as np
import pandas as pd

from tradegap.errors import InputError

if TYPE_CHECKING:
    from tradegap.brief import PairBrief

__all__ = ["render_html", "write_html"]

_COLLAPSE_ROWS = 12
_NARROW_PX = 360  # viewBox width of the phone drawing of each chart


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _fmt(col: str, v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if _is_num(v):
        f = float(v)
        if math.isnan(f):
            return ""
        if math.isinf(f):
            return "∞" if f > 0 else "−∞"
        c = col.lower()
        if c == "year" or c.endswith("_year") or (isinstance(v, (int, np.integer)) and abs(f) < 10000):
            return f"{int(f)}" if f.is_integer() else f"{f:,.2f}"
        if "%" in c or "pct" in c or "percent" in c:
            return f"{f:,.2f}" if abs(f) < 1 else f"{f:,.1f}"
        if any(k in c for k in ("ratio", "share", "agreement", "score", "coef", "elasticity", "log")):
            return f"{f:,.3f}"
        if abs(f) >= 100:
            return f"{f:,.0f}"
        if abs(f) >= 1:
            return f"{f:,.1f}"
        return f"{f:,.3f}"
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)


def _table_html(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in df.columns]
    out = ['<table class="data"><thead><tr>']
    for c, isnum in zip(cols, numeric, strict=True):
        out.append(f'<th class="{"num" if isnum else "txt"}" scope="col">{_html.escape(c.replace("_", " "))}</th>')
    out.append("</tr></thead><tbody>")
    for row in df.itertuples(index=False, name=None):
        out.append("<tr>")
        for c, isnum, v in zip(cols, numeric, row, strict=True):
            out.append(f'<td class="{"num" if isnum else "txt"}">{_html.escape(_fmt(c, v))}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _kpis(brief: PairBrief) -> list[dict[str, str]]:
    m = brief.metrics
    out: list[dict[str, str]] = []
    if m.get("actual_total") is not None:
        v = float(m["actual_total"])
        out.append({"label": f"Trade both ways, {brief.year} (USD m)", "value": f"{v:,.0f}", "cls": ""})
    arrows = {"ab": f"{brief.a}→{brief.b}", "ba": f"{brief.b}→{brief.a}"}
    for key, label in (("structural", "structural"), ("size", "size-based")):
        for d in ("ab", "ba"):
            r = m.get(f"{key}_ratio_{d}")
            if r is None:
                continue
            out.append(
                {
                    "label": f"{arrows[d]} actual / {label} potential",
                    "value": f"{float(r):.2f}",
                    "cls": "above" if float(r) >= 1 else "below",
                }
            )
    return out


def render_html(brief: PairBrief) -> str:
    """The brief as one self-contained HTML document (a string)."""
    from tradegap import __version__
    from tradegap.brief import PairBrief
    from tradegap.report.charts import chart_svg

    if not isinstance(brief, PairBrief):
        raise InputError(
            f"The 'brief' parameter of write_html must be a PairBrief. Got {type(brief).__name__} instead.",
            hint="Build one with tradegap.brief.pair_brief(a, b).",
        )
    sections = []
    summary_paragraphs: list[str] = []
    for s in brief.sections:
        if s.key == "summary":
            summary_paragraphs = _paragraphs(s.text)
            continue
        table = None
        nrows = 0
        if s.frame is not None and len(s.frame.columns):
            table = _table_html(s.frame)
            nrows = len(s.frame)
        drawn = s.chart is not None and len(s.chart.data) > 0
        sections.append(
            {
                "key": s.key,
                "title": s.title,
                "status": s.status,
                "paragraphs": _paragraphs(s.text),
                "chart": s.chart,
                "svg": chart_svg(s.chart, prefix=f"c-{s.key}") if drawn else None,
                "svg_narrow": chart_svg(s.chart, prefix=f"c-{s.key}-narrow", width=_NARROW_PX) if drawn else None,
                "table": table,
                "nrows": nrows,
                "collapse": nrows > _COLLAPSE_ROWS,
                "sources": list(s.sources),
            }
        )
    source = resources.files("tradegap.report").joinpath("templates", "brief.html.j2").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(source)
    return template.render(
        brief=brief,
        sections=sections,
        summary_paragraphs=summary_paragraphs,
        kpis=_kpis(brief),
        version=__version__,
    )


def check_html_path(path: str | Path) -> Path:
    """Refuse an output path that cannot be written, before any work is done.

    The nearest existing folder on the path must be a folder where a file can be
    created (tried with a temporary file, removed at once): a read-only or missing
    disk, a file where a folder should be, or a folder named like the output fail here.
    """
    import os
    import tempfile

    path = Path(path)
    if path.exists() and path.is_dir():
        raise InputError(f"Cannot write the HTML brief to {path}: it is a folder.",
                         hint="Give a file name ending in .html.")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"Cannot write the HTML brief to {path}: {parent} is a file, not a folder.",
                         hint="Choose another output path with --html.")
    try:
        fd, probe = tempfile.mkstemp(prefix=".tradegap-", suffix=".probe", dir=parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(f"Cannot write the HTML brief to {path}: {exc.strerror or exc} ({parent}).",
                         hint="Choose a folder you can write to with --html.") from None
    return path


def write_html(brief: PairBrief, path: str | Path, *, overwrite: bool = True) -> Path:
    """Write the brief as one self-contained HTML file.

    Parameters
    ----------
    brief : PairBrief
        From :func:`tradegap.brief.pair_brief`.
    path : str or Path
        Output file; parent folders are created.
    overwrite : bool, default True
        When False, refuse to replace an existing file.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise InputError(f"Cannot write the HTML brief to {path}: it is a folder.", hint="Give a file name ending in .html.")
    if path.exists() and not overwrite:
        raise InputError(f"{path} exists and overwrite=False.", hint="Choose another file name or pass overwrite=True.")
    doc = render_html(brief)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(doc, encoding="utf-8")
    tmp.replace(path)
    return path
