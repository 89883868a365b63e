"""The blocks a summary is made of, and their renderers for every channel.

A summary (``autograder.summary.build``) is a list of blocks (headings, paragraphs, items,
tables) of spans that say whose words they are. ``markdown`` (results.json's ``output``,
``--markdown``, the PR comment), ``html`` (the class report) and ``text`` (the terminal) render
them. A span of UNTRUSTED text (anything a submission or a stored document controls) is cleaned
by ``plain``: a code span in Markdown, escaped in HTML, one line in the terminal. Standard
library only (the comment workflow has jsonschema).
"""

from __future__ import annotations

import html as _html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

MAX_TEXT = 300  # characters of one untrusted string shown in any channel
NUMERIC = ' class="num"'  # an HTML cell of a number column
# A plain word or short phrase of the grader's vocabulary (an assignment, a status): shown as is
# (inert in GitHub's Markdown: no emphasis, link, autolink, mention or HTML can come of them).
_WORDS = re.compile(r"[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+){0,15}")


# -- untrusted text ---------------------------------------------------------------------------

def plain(text: str, limit: int = MAX_TEXT) -> str:
    """Untrusted text on one line: control and format characters (newlines, bidi overrides,
    zero-width ones) become spaces, and it is cut to ``limit`` characters."""
    cleaned = "".join(" " if unicodedata.category(c)[0] in "CZ" and c != " " else c
                      for c in str(text))
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[:limit - 1] + "…"


def code_span(text: str, limit: int = MAX_TEXT) -> str:
    """Untrusted text as a Markdown code span: no markup, link, mention or HTML inside is
    rendered. The fence is one backtick longer than any run of backticks in the text."""
    text = plain(text, limit)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# -- the document model -----------------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    text: str
    kind: str = "text"  # text (the grader's words), bold (the grader's), untrusted
    limit: int = MAX_TEXT  # characters of an untrusted span shown


def words(text: str) -> Span:
    """The grader's own words."""
    return Span(text)


def bold(text: str) -> Span:
    return Span(text, "bold")


def untrusted(value, limit: int = MAX_TEXT) -> Span:
    """Text from the document: shown as it is, never as markup, cut to ``limit`` characters."""
    return Span(value if isinstance(value, str) else str(value), "untrusted", limit)


def name(value) -> Span:
    """A value from the document that is usually a plain word (an assignment, a status): text
    when it is one, untrusted otherwise."""
    return words(value) if isinstance(value, str) and _WORDS.fullmatch(value) else untrusted(value)


@dataclass
class Heading:
    level: int
    spans: list[Span]


@dataclass
class Paragraph:
    spans: list[Span]


@dataclass
class Items:
    items: list[list[Span]]


@dataclass
class Table:
    header: list[str]
    rows: list[list[list[Span]]]
    numeric: frozenset[int] = frozenset()  # columns of numbers, right-aligned
    total: bool = False  # the last row sums the others


Block = Heading | Paragraph | Items | Table


# -- renderers --------------------------------------------------------------------------------

def markdown(blocks: list[Block]) -> str:
    """GitHub-flavoured Markdown: untrusted text only ever inside a code span."""
    def inline(spans: list[Span], cell: bool = False) -> str:
        out = []
        for span in spans:
            if span.kind == "untrusted":  # in a table, "|" ends the cell even in a code span
                fenced = code_span(span.text, span.limit)
                out.append(fenced.replace("\\", "\\\\").replace("|", "\\|") if cell else fenced)
            else:
                out.append(f"**{span.text}**" if span.kind == "bold" else span.text)
        return "".join(out)

    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append("#" * block.level + " " + inline(block.spans))
        elif isinstance(block, Paragraph):
            parts.append(inline(block.spans))
        elif isinstance(block, Items):
            parts.append("\n".join("- " + inline(item) for item in block.items))
        else:
            lines = ["| " + " | ".join(block.header) + " |",
                     "| " + " | ".join("---:" if i in block.numeric else "---"
                                       for i in range(len(block.header))) + " |"]
            lines += ["| " + " | ".join(inline(cell, cell=True) for cell in row) + " |"
                      for row in block.rows]
            parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def html(blocks: list[Block], shift: int = 0) -> str:
    """HTML: every character of the document escaped; only the tags made here are markup.
    ``shift`` lowers the headings (1: ``##`` becomes ``<h3>``)."""
    def esc(text: str) -> str:
        return _html.escape(text, quote=True)

    def inline(spans: list[Span]) -> str:
        return "".join(f"<code>{esc(plain(s.text, s.limit))}</code>" if s.kind == "untrusted"
                       else f"<strong>{esc(s.text)}</strong>" if s.kind == "bold"
                       else esc(s.text) for s in spans)

    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            level = min(block.level + shift, 6)
            parts.append(f"<h{level}>{inline(block.spans)}</h{level}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{inline(block.spans)}</p>")
        elif isinstance(block, Items):
            parts.append("<ul>" + "".join(f"<li>{inline(item)}</li>" for item in block.items)
                         + "</ul>")
        else:
            parts.append(_html_table(block, inline, esc))
    return "\n".join(parts)


def text(blocks: list[Block]) -> str:
    """Plain terminal text, one line per heading, paragraph or item and an aligned table; no
    blank lines (callers print summaries one after another, separated by blank lines)."""
    def inline(spans: list[Span]) -> str:
        return "".join(plain(s.text, s.limit) if s.kind == "untrusted" else s.text
                       for s in spans)

    lines = []
    for block in blocks:
        if isinstance(block, Heading):
            mark = "=" if block.level <= 2 else "-"
            lines.append(f"{mark * 2} {inline(block.spans)} {mark * 2}")
        elif isinstance(block, Paragraph):
            lines.append(inline(block.spans))
        elif isinstance(block, Items):
            lines += ["- " + inline(item) for item in block.items]
        else:
            lines += _text_table(block, inline)
    return "\n".join(lines)


def _html_table(table: Table, inline: Callable, esc: Callable) -> str:
    def row(tag: str, cells: list[str]) -> str:
        return "<tr>" + "".join(
            f"<{tag}{NUMERIC if i in table.numeric else ''}>{cell}</{tag}>"
            for i, cell in enumerate(cells)) + "</tr>"
    return ("<table><thead>" + row("th", [esc(h) for h in table.header]) + "</thead><tbody>"
            + "".join(row("td", [inline(cell) for cell in cells]) for cells in table.rows)
            + "</tbody></table>")


def _text_table(table: Table, inline: Callable) -> list[str]:
    cells = [table.header, *[[inline(cell) for cell in row] for row in table.rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.header))]

    def line(row: list[str]) -> str:
        return "  ".join(cell.rjust(widths[i]) if i in table.numeric else cell.ljust(widths[i])
                         for i, cell in enumerate(row)).rstrip()
    rule = "-" * len(line(["-" * width for width in widths]))
    body = [line(row) for row in (cells[1:-1] if table.total else cells[1:])]
    return [line(cells[0]), rule, *body,
            *([rule] * bool(body) + [line(cells[-1])] if table.total else [])]
