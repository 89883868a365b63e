"""Workflow commands: escaping their text, annotations, and the fence that switches them off
around untrusted output (the ``fence`` step)."""

from __future__ import annotations

import secrets
import subprocess
import sys
import threading

from .context import InputError


def escape_data(text: str) -> str:
    """The message of a workflow command (GitHub's toolkit: ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value of a workflow command (``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, **properties: str) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"


class Fence:
    """Untrusted output between ``::stop-commands::TOKEN`` and ``::TOKEN::``: the runner acts on
    no workflow command in between. The token is random and drawn afresh, so text that was not
    written with the token in view cannot end the fence."""

    def __init__(self, stream):
        self.stream = stream
        self.token = secrets.token_hex(16)

    def __enter__(self):
        self.stream.write(f"::stop-commands::{self.token}\n")
        self.stream.flush()
        return self

    def __exit__(self, *exc):
        self.stream.write(f"\n::{self.token}::\n")  # a resume command must start its own line
        self.stream.flush()


def fence_command(command: list[str]) -> int:
    """Run ``command`` with its output (stdout and stderr) fenced off; its exit status."""
    if not command:
        raise InputError("fence: give the command to run after --")
    sys.stdout.flush()
    with Fence(sys.stdout):
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        except OSError as error:
            raise InputError(f"fence: cannot run {command[0]!r}: {error.strerror}") from None
        lock, fenced = threading.Lock(), [True]

        def copy():
            for chunk in iter(lambda: process.stdout.read1(65536), b""):
                with lock:
                    if not fenced[0]:
                        return  # a process left behind writes after the fence closed: dropped
                    sys.stdout.buffer.write(chunk)
                    sys.stdout.buffer.flush()

        reader = threading.Thread(target=copy, daemon=True)
        reader.start()
        status = process.wait()
        reader.join(timeout=10)
        with lock:
            fenced[0] = False
    return status
