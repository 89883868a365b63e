"""Safe HTML from untrusted text: escaping, tables, and the small Markdown subset that
``autograder.report.markdown`` writes. Every character of the input ends up escaped; only the
tags made here are markup."""

from __future__ import annotations

import html
import re


def esc(text) -> str:
    return html.escape(str(text), quote=True)


NUMERIC = ' class="num"'


def html_table(header: list[str] | None, rows: list[list[str]], numeric=frozenset(),
               css: str = "") -> str:
    """A table from cells that are already HTML (escape before calling)."""
    def cells(tag, row):
        return "".join(f"<{tag}{NUMERIC if i in numeric else ''}>{cell}</{tag}>"
                       for i, cell in enumerate(row))
    head = f"<thead><tr>{cells('th', header)}</tr></thead>" if header else ""
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    opening = f'<table class="{css}">' if css else "<table>"
    return f"{opening}{head}<tbody>{body}</tbody></table>"


_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ITEM = re.compile(r"^\s*[-*]\s+(.*)$")
_RULE = re.compile(r"^\s*:?-{3,}:?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_INLINE = re.compile(r"\\(?P<escaped>[\\`*_{}\[\]<>()#|!.+-])"
                     r"|`(?P<code>[^`]+)`"
                     r"|\*\*(?P<bold>.+?)\*\*"
                     r"|(?<![A-Za-z0-9])_(?P<em>[^_]+?)_(?![A-Za-z0-9])")


def _inline(text: str) -> str:
    """Bold, emphasis, code spans and backslash escapes; everything else is escaped text."""
    out, position = [], 0
    for match in _INLINE.finditer(text):
        out.append(esc(text[position:match.start()]))
        if match["escaped"] is not None:
            out.append(esc(match["escaped"]))
        elif match["code"] is not None:
            out.append(f"<code>{esc(match['code'])}</code>")
        elif match["bold"] is not None:
            out.append(f"<strong>{_inline(match['bold'])}</strong>")
        else:
            out.append(f"<em>{_inline(match['em'])}</em>")
        position = match.end()
    out.append(esc(text[position:]))
    return "".join(out)


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [cell.strip() for cell in _CELL_SPLIT.split(line)]


def _markdown_table(lines: list[str]) -> str:
    rows = [_cells(line) for line in lines]
    header, align = None, []
    if len(rows) >= 2 and rows[1] and all(_RULE.match(cell) for cell in rows[1]):
        header, align, rows = rows[0], rows[1], rows[2:]
    numeric = {i for i, cell in enumerate(align) if cell.strip().endswith(":")}
    body = [[_inline(cell) for cell in row] for row in rows]
    return html_table(header and [_inline(cell) for cell in header], body, numeric)


def markdown_to_html(text: str) -> str:
    """The Markdown that ``autograder.report.markdown`` writes, as HTML. No raw HTML passes:
    every character of the input ends up escaped, only the tags made here are markup."""
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif heading := _HEADING.match(line):
            level = min(len(heading[1]) + 1, 6)
            out.append(f"<h{level}>{_inline(heading[2])}</h{level}>")
            i += 1
        elif line.lstrip().startswith("|"):
            block = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                block.append(lines[i])
                i += 1
            out.append(_markdown_table(block))
        elif _ITEM.match(line):
            items = []
            while i < len(lines) and (item := _ITEM.match(lines[i])):
                items.append(f"<li>{_inline(item[1])}</li>")
                i += 1
            out.append(f"<ul>{''.join(items)}</ul>")
        else:
            paragraph = []
            while (i < len(lines) and lines[i].strip() and not _HEADING.match(lines[i])
                   and not lines[i].lstrip().startswith("|") and not _ITEM.match(lines[i])):
                paragraph.append(lines[i].strip())
                i += 1
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
    return "\n".join(out)
