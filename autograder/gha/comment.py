"""The ``comment`` step: the pull request's one score comment, created or updated through
GitHub's REST API, its number taken from the event and never from the artifact."""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .context import REPOSITORY, Context, InputError
from .results import load_results, render_summary

COMMENT_AUTHOR = "github-actions[bot]"  # whose comment is ours (anyone can write the marker)


class GitHubAPI:
    """The few REST calls the comment step makes (urllib; redirects are not followed, so the
    token never travels to another host)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.token = token
        self.opener = urllib.request.build_opener(self._NoRedirect)

    def request(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "autograder-gha",
            **({"Content-Type": "application/json"} if data is not None else {}),
        })
        try:
            with self.opener.open(request, timeout=30) as response:
                payload = response.read(16 * 2**20)
        except urllib.error.HTTPError as error:
            raise InputError(f"GitHub API: {method} {path}: HTTP {error.code}") from None
        except urllib.error.URLError as error:
            raise InputError(f"GitHub API: {method} {path}: {error.reason}") from None
        return json.loads(payload) if payload else None


def marker(assignment: str) -> str:
    return f"<!-- autograder-score-comment {assignment} -->"


def pull_request_number(event: dict, repository: str, api: GitHubAPI) -> int:
    """The pull request whose grade run finished: from the event GitHub wrote, never from the
    artifact. ``workflow_run.pull_requests`` is empty for pull requests from forks; then the
    open pull requests of the head branch are asked, and the head commit must match."""
    run = event.get("workflow_run")
    if not isinstance(run, dict) or run.get("event") != "pull_request":
        raise InputError("the event is not a completed run of a pull_request workflow")
    head_sha = run.get("head_sha")
    if not isinstance(head_sha, str) or not re.fullmatch(r"[0-9a-f]{40}", head_sha):
        raise InputError("the event has no head commit")
    ours = f"/repos/{repository}".lower()
    for pull in run.get("pull_requests") or []:
        base_url = str(pull.get("base", {}).get("repo", {}).get("url", "")).lower()
        if (pull.get("head", {}).get("sha") == head_sha and base_url.endswith(ours)
                and isinstance(pull.get("number"), int)):
            return pull["number"]
    owner = (run.get("head_repository") or {}).get("owner", {}).get("login")
    branch = run.get("head_branch")
    if isinstance(owner, str) and isinstance(branch, str):
        query = urllib.parse.urlencode({"state": "open", "head": f"{owner}:{branch}",
                                        "per_page": 100})
        for pull in api.request("GET", f"/repos/{repository}/pulls?{query}") or []:
            if pull.get("head", {}).get("sha") == head_sha and isinstance(pull.get("number"), int):
                return pull["number"]
    raise InputError("no open pull request of this repository has the graded commit")


def find_comment(api: GitHubAPI, repository: str, number: int, tag: str) -> int | None:
    for page in range(1, 31):
        comments = api.request(
            "GET", f"/repos/{repository}/issues/{number}/comments?per_page=100&page={page}") or []
        for comment in comments:
            if (comment.get("user", {}).get("login") == COMMENT_AUTHOR
                    and str(comment.get("body", "")).startswith(tag)):
                return comment["id"]
        if len(comments) < 100:
            return None
    return None


def comment_body(results: dict, run: dict, context: Context) -> str:
    assignment = results["extra_data"]["assignment"]
    head = run["head_sha"][:7]
    run_id = run.get("id")
    link = (f" ([run]({context.server_url}/{context.repository}/actions/runs/{run_id}))"
            if isinstance(run_id, int) else "")
    return (f"{marker(assignment)}\n{render_summary(results, context.workspace)}\n"
            f"<sub>Public tests of commit {head}{link}. This comment is updated on every push."
            "</sub>\n")


def comment(results_path: Path, context: Context, stdout=None) -> int:
    stdout = stdout or sys.stdout
    if not REPOSITORY.fullmatch(context.repository):
        raise InputError("GITHUB_REPOSITORY is not owner/name")
    if not context.token:
        raise InputError("GITHUB_TOKEN is not set")
    results = load_results(results_path)
    event = context.event()
    api = GitHubAPI(context.api_url, context.token)
    number = pull_request_number(event, context.repository, api)
    body = comment_body(results, event["workflow_run"], context)
    existing = find_comment(api, context.repository, number,
                            marker(results["extra_data"]["assignment"]))
    if existing is None:
        created = api.request("POST", f"/repos/{context.repository}/issues/{number}/comments",
                              {"body": body})
        stdout.write(f"created comment {created.get('id')} on pull request #{number}\n")
    else:
        api.request("PATCH", f"/repos/{context.repository}/issues/comments/{existing}",
                    {"body": body})
        stdout.write(f"updated comment {existing} on pull request #{number}\n")
    return 0
