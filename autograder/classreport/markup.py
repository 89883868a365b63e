"""Safe HTML from untrusted text: escaping and tables. Every character of the input ends up
escaped; only the tags made here are markup (the student's summary is ``autograder.summary``'s
``html``)."""

from __future__ import annotations

import html


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
