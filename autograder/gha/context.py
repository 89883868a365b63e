"""What a step is given: the runner's ``GITHUB_*`` variables, and InputError for input it
cannot use."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")


class InputError(Exception):
    """Unusable input (arguments, results.json, an event, an archive): one line, exit 2."""


@dataclass
class Context:
    """What the runner tells a step, from the ``GITHUB_*`` variables (set by GitHub, trusted)."""
    api_url: str
    server_url: str
    repository: str
    token: str | None
    event_path: Path | None
    step_summary: Path | None
    output: Path | None
    workspace: Path

    @classmethod
    def from_environment(cls, environ=os.environ) -> Context:
        def path(name):
            return Path(environ[name]) if environ.get(name) else None
        return cls(api_url=environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
                   server_url=environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/"),
                   repository=environ.get("GITHUB_REPOSITORY", ""),
                   token=environ.get("GITHUB_TOKEN") or None,
                   event_path=path("GITHUB_EVENT_PATH"), step_summary=path("GITHUB_STEP_SUMMARY"),
                   output=path("GITHUB_OUTPUT"),
                   workspace=path("GITHUB_WORKSPACE") or Path.cwd())

    def event(self) -> dict:
        if not self.event_path or not self.event_path.is_file():
            raise InputError("no event payload (GITHUB_EVENT_PATH)")
        return json.loads(self.event_path.read_text(encoding="utf-8"))
