"""``autograder gradescope -o autograder.zip``: the Gradescope autograder of one assignment.

Gradescope runs an autograder as root in an Ubuntu container: it unpacks the zip into
``/autograder/source``, runs ``setup.sh`` once when the image is built, then for each submission
copies the student's files into ``/autograder/submission`` and runs ``/autograder/run_autograder``,
which must leave ``/autograder/results/results.json``. The zip holds:

* ``setup.sh``: Python 3.11 or newer (the image's, or Ubuntu's ``python3.11`` installed with
  apt), a venv at ``/autograder/venv`` with the pinned grading environment and torch's CPU build;
  ``/autograder/source`` closed to every user but root (Gradescope's container gives the
  sandbox no namespaces: the submission's code runs as another uid, beside these files);
* ``run_autograder``: ``autograder grade`` of the submission (public and hidden tests, the
  notebook), writing results.json into a folder only root may open; the grader's probe refuses
  hidden grading where the container would let the submission reach a secret
  (``autograder.probe``); if the grader itself fails it still writes one, saying so;
* beside them (all unpacked into ``/autograder/source``): the grader (hidden suites included),
  the rubric, the public tests and the stubs' ``__init__.py``, the manifest, the source notebook
  (nbgrader needs it; students never see the zip), the datasets, ``conftest.py``,
  ``pyproject.toml`` and ``requirements/grading.txt``. No solution module, no zoo, no
  repository tests.

The grading secret is never in the repository: ``--secret-file PATH`` copies the instructor's
file into the zip (``secret``, read through ``AUTOGRADER_SECRET_FILE``); without it the
grader uses ``AUTOGRADER_SECRET`` if the container has it, else the public default (and says so
in results.json). ``AUTOGRADER_ROOT`` (default ``/autograder``) and ``AUTOGRADER_VENV`` (an
existing venv to use instead of building one) let the scripts run outside Gradescope: the tests
unpack the zip into a temporary folder and grade there, offline.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from autograder import assignment as course
from autograder.layout import solutions_folder, student_folder
from autograder.release import _tree

REPO = Path(__file__).resolve().parent.parent
# the grader's package without what grading never needs
LEFT_OUT = {"zoo": "the bug, alternative and hostile zoo", "templates": "the student repository's"}

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
VENV="$ROOT/venv"
# The grader's files (hidden suite, reference, secret) are root's alone: in Gradescope's
# container there is no private root to hide them from the student code, which runs as
# another uid (`autograder doctor` shows the layers).
chmod 0700 "$ROOT/source"
[ ! -f "$ROOT/source/secret" ] || chmod 0600 "$ROOT/source/secret"
if [ -n "${AUTOGRADER_VENV:-}" ]; then  # an existing venv (offline tests, a prepared image)
  "$AUTOGRADER_VENV/bin/python" -c 'import torch, numpy, pytest, nbgrader'
  exit 0
fi
PYTHON=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c \\
      'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PYTHON="$(command -v "$candidate")"; break
  fi
done
if [ -z "$PYTHON" ]; then  # Ubuntu's images: 3.11 from the distribution
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3.11 python3.11-venv
  PYTHON="$(command -v python3.11)"
fi
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip
# torch's CPU build: the grader needs no GPU, and PyPI's Linux default is the CUDA build
"$VENV/bin/pip" install --quiet --extra-index-url https://download.pytorch.org/whl/cpu \\
  -c "$ROOT/source/requirements/grading.txt" "$ROOT/source"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission, as root: results.json, whatever happens.
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
mkdir -p "$ROOT/results"
chmod 0700 "$ROOT/source" "$ROOT/results"  # root's alone, whatever the image's umask did
if [ -f "$ROOT/source/secret" ]; then
  export AUTOGRADER_SECRET_FILE="$ROOT/source/secret"
fi
PY="${AUTOGRADER_VENV:-$ROOT/venv}/bin/python"
cd "$ROOT/source"
if ! "$PY" -m autograder grade "$ROOT/submission" \\
    --assignment @ASSIGNMENT@ -o "$ROOT/results/results.json"; then
  [ -s "$ROOT/results/results.json" ] || "$PY" - "$ROOT/results" <<'EOF'
import json, sys
message = ("The autograder itself failed on this submission (not your code's fault): "
           "your instructor has been told; please ask them.")
json.dump({"score": 0, "output": message, "tests": [],
           "extra_data": {"grader_error": "run_autograder: autograder grade failed"}},
          open(sys.argv[1] + "/results.json", "w"))
EOF
fi
exit 0
"""


def plan(assignment=None, secret: bytes | None = None) -> dict[str, tuple[bytes, bool]]:
    """name in the zip -> (data, executable)."""
    assignment = course.resolve(assignment)
    files: dict[str, tuple[bytes, bool]] = {
        "setup.sh": (SETUP_SH.encode(), True),
        "run_autograder": (RUN_AUTOGRADER.replace("@ASSIGNMENT@", assignment.name).encode(), True),
    }

    # the release's own walk: caches skipped, a symlink refused (LeakError), nothing else
    files.update(_walk(REPO / "autograder", "autograder", set(LEFT_OUT) | {"suites", "rubrics"}))
    files.update(_walk(assignment.hidden_suite, f"autograder/suites/{assignment.name}"))
    for helper in sorted((REPO / "autograder" / "suites").glob("*.py")):
        files[f"autograder/suites/{helper.name}"] = (helper.read_bytes(), False)
    files[f"autograder/rubrics/{assignment.name}.toml"] = (
        assignment.rubric.read_bytes(), False)
    students, solutions = student_folder(assignment.name), solutions_folder(assignment.name)
    files.update(_walk(assignment.stubs, students))  # public tests
    files[f"{students}/{course.MANIFEST}"] = (assignment.manifest.read_bytes(), False)
    for module in assignment.module_files:  # the reference stands in (autograder.standin)
        files[f"{solutions}/{module}"] = ((assignment.solutions / module).read_bytes(), False)
    if assignment.notebook and assignment.source_notebook.is_file():
        files[f"{solutions}/{assignment.notebook}"] = (
            assignment.source_notebook.read_bytes(), False)
    files.update(_walk(REPO / "datasets", "datasets"))
    for name in ("conftest.py", "requirements/grading.txt"):
        files[f"{name}"] = ((REPO / name).read_bytes(), False)
    # this repository's project and pytest settings; its README does not ship
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    files["pyproject.toml"] = (pyproject.replace('readme = "README.md"\n', "").encode(),
                                      False)
    if secret is not None:
        files["secret"] = (secret, False)
    return files


def _walk(source: Path, destination: str, exclude=frozenset()) -> dict[str, tuple[bytes, bool]]:
    """The release's walk of a folder (caches skipped, a symlink refused), as (data, executable)."""
    return {name: (file.data, file.executable)
            for name, file in _tree(source, destination, set(exclude)).items()}


def build(output: Path, assignment=None, secret_file: Path | None = None) -> list[str]:
    """Write the zip to ``output``; returns its file names."""
    secret = Path(secret_file).read_bytes() if secret_file else None
    if secret is not None and not secret.strip():
        raise ValueError(f"{secret_file}: the secret file is empty")
    files = plan(assignment, secret)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (data, executable) in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if executable else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    Path(output).write_bytes(buffer.getvalue())
    return sorted(files)
