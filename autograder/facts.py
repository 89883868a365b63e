"""The facts that cross process boundaries as data, typed once: an error, its facts in a test
record, a sandbox event, and the exception types that cross the sandbox as themselves.

A fact is made where it happens (the worker describes its error, the sandbox its crash, the
proxy its budget) and read as data everywhere after: no reader parses a message's words.
Standard library only: the worker, the sandbox, pytest's plugin and the summaries share it.
"""

from __future__ import annotations

from typing import TypedDict


class ErrorRecord(TypedDict, total=False):
    """An exception on the wire (``worker.describe_error``, ``error_record``)."""

    type: str  # the type it is rebuilt as (the grader decides which cross as themselves)
    original: str  # its type in the process that raised it
    message: str  # "Type: words (raised in file.py:12)", for people
    text: str  # its words with the place it was raised
    bare: str  # its words alone
    errno: str  # an OSError's errno by name: "EMFILE"
    module: str  # a ForbiddenAPIError's module
    api: str  # a ForbiddenAPIError's API


class Facts(TypedDict, total=False):
    """What a test record keeps of its error beyond the message (``pytest_report``)."""

    module: str  # a forbidden call: the module it was made in
    api: str  # a forbidden call: the API
    original: str  # the type the submission's error had over there, where it differs
    errno: str  # an OSError's errno by name


class Event(TypedDict, total=False):
    """What the sandbox saw, charged to a module (``flags.event_flags``)."""

    kind: str  # timeout, resource-limit, tampering, suspicious-code, forbidden-api, unconfined
    module: str | None  # the module of the request it happened in
    message: str  # for people
    call: str  # the request it happened in ("neuron.neuron_forward", "import of loss.py")
    where: str  # the place inside the worker (a file, "run time")
    group: str | None  # the module whose tests were running (``proxy.grouped_events``)


# The exception types that cross the sandbox as themselves, both ways: a submission's error
# rebuilt in the grader (``proxy``), the reference's error raised in the submission's process
# (``standin``). Any other type arrives as the grader's StudentError (RuntimeError there); the
# grader's own types (ForbiddenAPIError, ValueReadError, ...) are rebuilt by name in ``proxy``.
CROSSING_ERRORS = {cls.__name__: cls for cls in (
    ValueError, TypeError, NotImplementedError, RuntimeError, IndexError, KeyError,
    ZeroDivisionError, AttributeError, AssertionError, ArithmeticError, OverflowError,
    FloatingPointError, MemoryError, RecursionError, LookupError, OSError, NameError,
    StopIteration)}


def error_record(kind: str, text: str, original: str | None = None) -> ErrorRecord:
    """An error the grader makes itself, as the wire carries it."""
    return {"type": kind, "original": original or kind, "message": f"{kind}: {text}",
            "text": text, "bare": text}
