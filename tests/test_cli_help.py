"""Every registered command's ``--help`` at 80 columns: an example, and prose without orphan words."""

from __future__ import annotations

from cli_corpus import run_batch
from tradegap.cli import load_commands
from tradegap.cli.app import app
from tradegap.cli.helptext import commands, reflow_help


def _prose(text: str) -> list[str]:
    """The description lines of a help screen (before the option boxes), box borders stripped."""
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("╭"):
            break
        out.append(line.strip())
    return out


def test_every_command_has_an_example_and_no_orphan_words():
    load_commands()
    names = [path for path, _ in commands(app)]
    assert len(names) >= 15
    got = run_batch([[*path, "--help"] for path in names] + [["--help"], ["scenario", "--help"]])
    problems = []
    for o in got:
        if o.rc != 0 or "Usage" not in o.out:
            problems.append(f"{o.args}: exit {o.rc}")
            continue
        if o.args not in (("--help",),) and "Example" not in o.out:
            problems.append(f"{o.args}: no example")
        prose = _prose(o.out)
        in_examples = False
        for k, line in enumerate(prose):
            if line.startswith("Example"):
                in_examples = True
            if not line:
                in_examples = False
                continue
            if in_examples or line.startswith(("tradegap", "Usage", "-")):
                continue
            nxt = prose[k + 1] if k + 1 < len(prose) else ""
            prev = prose[k - 1] if k else ""
            # a paragraph broken by a hard line break: a long line, a short fragment, then more of the paragraph
            if len(line) < 40 and nxt and len(prev) > 60 and not nxt.startswith(("tradegap", "-", "Example")):
                problems.append(f"{o.args}: orphan fragment {line!r} between {prev!r} and {nxt!r}")
    assert not problems, "\n".join(problems)


def test_reflow_keeps_examples_verbatim():
    text = "One paragraph\nwrapped in the source.\n\n\\b\nExamples:\n  tradegap trade IRN RUS\n  tradegap x"
    out = reflow_help(text)
    assert out.startswith("One paragraph wrapped in the source.")
    assert "\n  tradegap trade IRN RUS\n  tradegap x" in out
