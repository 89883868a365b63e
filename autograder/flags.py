"""What an instructor must look at: flags derived from test records, sandbox events, the
submission's files and a static read of its source (parsed, never run)."""

from __future__ import annotations

import ast

from autograder import pysource
from autograder.facts import Event

SUSPICIOUS_IMPORTS = {
    "os", "sys", "subprocess", "socket", "ctypes", "importlib", "builtins", "gc", "inspect",
    "atexit", "signal", "threading", "multiprocessing", "pytest", "_pytest", "shutil",
    "pathlib", "urllib", "requests", "http", "pickle", "marshal", "code", "runpy", "sysconfig",
    "site", "io", "tempfile", "glob", "hypothesis", "unittest", "traceback", "types",
}
# torch's and Python's internals: the way around the forbidden-API guard, or into the grader
SUSPICIOUS_ATTRIBUTES = {"__globals__", "__builtins__", "__code__", "__subclasses__", "__eq__",
                         "_C", "_pop_mode_temporarily", "DisableTorchFunction", "ops",
                         "_getframe", "f_back", "modules"}
SUSPICIOUS_CALLS = {"eval", "exec", "compile", "__import__", "open", "globals", "setattr",
                    "delattr", "breakpoint", "input", "getattr"}


RESOURCE_SIGNS = {  # what an exhausted limit looks like from inside the submission: the type
    # of the error it raised there (``facts.original`` where it did not cross as itself), or
    # an OSError's errno
    "MemoryError": "memory",
    "RecursionError": "recursion depth",
    "BlockingIOError": "processes (fork refused)",
    "EAGAIN": "processes (fork refused)",
    "EMFILE": "open files",
    "EFBIG": "file size",
}


def _resource_sign(record: dict) -> str | None:
    facts = record.get("facts") or {}
    for sign in (facts.get("errno"), facts.get("original"), record.get("error")):
        if sign in RESOURCE_SIGNS:
            return RESOURCE_SIGNS[sign]
    return None


def flag(kind: str, module: str | None, message: str) -> dict:
    return {"kind": kind, "module": module, "message": message}


def static_flags(files: dict[str, str]) -> list[dict]:
    """suspicious-code: imports and calls that a solution of this assignment never needs."""
    flags = []
    for name, source in sorted(files.items()):
        module = name.removesuffix(".py")
        try:
            tree = pysource.parse(source, name)
        except pysource.TooDeepError:
            flags.append(flag("suspicious-code", module, f"{name} is nested too deeply to be "
                              "read (what it imports and calls was not checked)"))
            continue
        except (SyntaxError, ValueError):
            continue  # the tests report the syntax error
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names} & SUSPICIOUS_IMPORTS
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found |= {node.module.split(".")[0]} & SUSPICIOUS_IMPORTS
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                found |= {node.func.id} & SUSPICIOUS_CALLS
            elif isinstance(node, ast.Attribute) and node.attr in SUSPICIOUS_ATTRIBUTES:
                found.add(node.attr)
            elif isinstance(node, ast.FunctionDef) and node.name == "__eq__":
                found.add("__eq__")
        if found:
            flags.append(flag("suspicious-code", module,
                              f"{name} uses {', '.join(sorted(found))}, which this assignment "
                              "never needs: read the file"))
    return flags


def record_flags(records: list[dict]) -> list[dict]:
    """From the test outcomes: the flags the suites declare (a test marked
    ``@pytest.mark.flag(kind, message)`` that fails on an assertion, e.g. test-set-leakage),
    forbidden-api (from the error's facts) and resource-limit."""
    flags = []
    declared: dict[tuple[str, str | None, str], int] = {}
    for record in records:
        marked = record.get("flag")
        if marked and record["outcome"] == "failed" and record.get("error") == "AssertionError":
            key = (marked["kind"], record.get("module"), marked["message"])
            declared[key] = declared.get(key, 0) + 1
    for (kind, module, message), count in declared.items():
        flags.append(flag(kind, module, f"{message} ({count} check{'s' * (count != 1)} "
                                        "failed)."))
    forbidden: dict[str, set[str]] = {}
    for record in records:
        if record.get("error") == "ForbiddenAPIError":
            facts = record.get("facts") or {}
            module = facts.get("module") or record.get("module")
            forbidden.setdefault(module, set()).add(facts.get("api") or "?")
    exhausted: dict[str, set[str]] = {}
    for record in records:
        what = _resource_sign(record) if record["outcome"] == "failed" else None
        if what:
            exhausted.setdefault(record["module"], set()).add(what)
    for module, what in sorted(exhausted.items(), key=lambda kv: kv[0] or ""):
        flags.append(flag("resource-limit", module,
                          f"{module}.py ran into the sandbox's limits: {', '.join(sorted(what))}"))
    for module, apis in sorted(forbidden.items(), key=lambda kv: kv[0] or ""):
        flags.append(flag("forbidden-api", module,
                          f"{module}.py calls {', '.join(sorted(apis))}, which the assignment "
                          "forbids there; the tests that reached it failed."))
    return flags


def event_flags(events: list[Event]) -> list[dict]:
    """timeout, resource-limit, tampering, suspicious-code: what the sandbox saw, each event
    charged to the module it names (the sandbox gives every event the module of its request)."""
    grouped: dict[tuple[str, str | None], list[str]] = {}
    for event in events:
        if event.get("kind") == "unconfined":  # a note of the grade, not the submission's flag
            continue
        module = event.get("module")
        grouped.setdefault((event["kind"], module), []).append(event["message"])
    flags = []
    for (kind, module), messages in sorted(grouped.items(), key=lambda kv: (kv[0][0],
                                                                           kv[0][1] or "")):
        unique = list(dict.fromkeys(messages))
        more = f" (and {len(unique) - 3} more)" if len(unique) > 3 else ""
        flags.append(flag(kind, module, "; ".join(unique[:3]) + more))
    return flags
