"""Help texts as written for people: paragraphs reflowed to the terminal, examples kept verbatim.

Command help is written in the source as wrapped paragraphs.  The help renderer
keeps every line break of a paragraph and wraps again at the terminal's width,
which leaves orphan words on lines of their own.  :func:`reflow_help` joins each
paragraph's lines (so the renderer wraps it once, at the real width) and keeps
verbatim what must not move: ``\\b`` blocks and indented lines (the examples).
:func:`reflow_all` applies it to every registered command.
"""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["commands", "reflow_all", "reflow_help"]


def reflow_help(text: str | None) -> str | None:
    """Join the lines of each prose paragraph; keep ``\\b`` blocks and indented lines as they are."""
    if not text:
        return text
    text = inspect.cleandoc(text)
    out: list[str] = []
    for para in text.split("\n\n"):
        lines = para.split("\n")
        if para.startswith("\b") or any(line.startswith((" ", "\t")) for line in lines[1:]):
            out.append(para)
        else:
            out.append(" ".join(line.strip() for line in lines if line.strip()))
    return "\n\n".join(out)


def commands(app: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every registered command of a typer app as ``(name path, CommandInfo)``, sub-apps included."""
    found: list[tuple[tuple[str, ...], Any]] = []
    for info in app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        found.append(((*prefix, name), info))
    for group in app.registered_groups:
        found.extend(commands(group.typer_instance, (*prefix, group.name or group.typer_instance.info.name)))
    return found


def reflow_all(app: Any) -> None:
    """Reflow the help of every command of ``app`` (idempotent)."""
    for _, info in commands(app):
        text = info.help if isinstance(info.help, str) else inspect.getdoc(info.callback)
        info.help = reflow_help(text)
