"""Reading Python source in the grader (a submission's files, the suites): ``ast.parse`` made
safe for both.

- One thread at a time. CPython 3.11's AST constructor keeps its recursion depth in state that
  threads share: two parses at once can fail with ``SystemError: AST constructor recursion
  depth mismatch`` (compare python/cpython#106905), and ``validate`` and ``batch`` grade in
  threads.
- A source too deep to build a tree of (``x = 1+1+...+1`` with ten thousand terms, ``not not
  ... x``) raises ``RecursionError`` or ``MemoryError``, not ``SyntaxError``; here it raises
  ``TooDeepError``, a ``SyntaxError`` every caller handles, never an exception that would
  crash the grader. The worker may still import such a file, so callers treat what it reaches
  as unknown: every module (``dependencies``), and a flag for the staff (``flags``).
"""

from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


class TooDeepError(SyntaxError):
    """Python may still import it (the worker runs with a higher recursion limit): the grader
    cannot read it, so what it imports or calls is unknown, not absent."""


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse(source)``, serialised; SyntaxError for whatever cannot be parsed,
    ``TooDeepError`` (a SyntaxError) for a source nested too deeply for the grader to read."""
    with _LOCK:
        try:
            return ast.parse(source, filename=filename)
        except (RecursionError, MemoryError) as error:
            raise TooDeepError(f"{filename}: nested too deeply for the grader to read "
                               f"({type(error).__name__})") from None
