#!/usr/bin/env bash
# Gradescope's harness, for real: the course's autograder zip run in a Docker container with
# Docker's default security settings (root inside, the default seccomp profile and capabilities,
# no --privileged, no --cap-add), against the reference, the stubs and a hostile submission, then
# a short table of what happened. It shows that the grader's confinement (an unprivileged uid,
# Landlock and seccomp where the container refuses namespaces) holds in a real container.
# Optional and slow (a few minutes); CI never runs it.
# Usage (as root on a machine with Docker and debootstrap, no Docker Hub needed; from anywhere):
#   bash benchmarks/gradescope_docker.sh [WORK_DIR]
# WORK_DIR (default /var/tmp/gsdocker) caches the Debian root file system between runs and
# holds the zip, the secret, and per submission its container's log and results.json.
# GSDOCKER_NETWORK (default none: a sealed grader) is passed to docker run --network.
# Exits 0 when everything held, 1 when a check failed, 2 when it cannot run here.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${1:-/var/tmp/gsdocker}"
NETWORK="${GSDOCKER_NETWORK:-none}"
ASSIGNMENT=a1_neurons
VENV="$REPO/.venv"
IMAGE=autograder-gradescope-base
# what the pyenv/venv Python loads from the system beyond debootstrap's minbase (ssl, sqlite3
# for nbgrader's gradebook, expat, readline); procps is deliberately absent (no /bin/kill)
PACKAGES=libssl3,libsqlite3-0,libexpat1,libffi8,libreadline8,libncursesw6,zlib1g,libbz2-1.0,liblzma5
LIMIT_S=1200  # per submission, setup.sh and run_autograder together

die() { echo "gradescope_docker.sh: $1" >&2; exit "${2:-2}"; }

# -- 1. Docker ------------------------------------------------------------------------------
command -v docker >/dev/null ||
  die "no docker here: install it (Debian/Ubuntu: apt-get install docker.io), then rerun"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
DOCKERD_PID=""
cleanup() {
  if [ -n "$DOCKERD_PID" ]; then  # the daemon this script started, and only it
    kill "$DOCKERD_PID" 2>/dev/null || true
    wait "$DOCKERD_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

start_dockerd() {  # start_dockerd LOG [OPTION...]: 0 once `docker info` answers
  local log=$1; shift
  dockerd "$@" >"$log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 60); do
    if docker info >/dev/null 2>&1; then return 0; fi
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 1
  done
  kill "$DOCKERD_PID" 2>/dev/null || true
  wait "$DOCKERD_PID" 2>/dev/null || true
  DOCKERD_PID=""
  return 1
}

if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v dockerd >/dev/null; then
    die "no Docker daemon answers (start it as root: dockerd, or systemctl start docker)"
  fi
  echo "== starting dockerd (log: $WORK/dockerd.log)"
  if ! start_dockerd "$WORK/dockerd.log"; then
    echo "   dockerd with its defaults did not come up; again without iptables, bridge, overlay"
    start_dockerd "$WORK/dockerd-fallback.log" --iptables=false --ip6tables=false \
        --bridge=none --storage-driver=vfs ||
      die "dockerd does not start here: see $WORK/dockerd.log and $WORK/dockerd-fallback.log"
    [ "$NETWORK" = none ] || die "dockerd runs without a bridge here: use GSDOCKER_NETWORK=none"
  fi
fi
docker info --format 'docker {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}, security {{.SecurityOptions}}'

# -- 2. the base image: Debian's minbase, from Debian's mirror --------------------------------
ROOTFS="$WORK/rootfs-bookworm-minbase"
if [ "$(docker image inspect -f '{{index .Config.Labels "gsdocker.packages"}}' "$IMAGE" \
        2>/dev/null || true)" != "$PACKAGES" ]; then
  if [ "$(cat "$ROOTFS/.gsdocker-packages" 2>/dev/null || true)" != "$PACKAGES" ]; then
    command -v debootstrap >/dev/null ||
      die "no debootstrap here: install it (apt-get install debootstrap), then rerun"
    echo "== debootstrap bookworm minbase into $ROOTFS (cached for the next run)"
    rm -rf "$ROOTFS" "$ROOTFS.tmp"
    debootstrap --variant=minbase --include="$PACKAGES" bookworm "$ROOTFS.tmp" \
      http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 ||
      die "debootstrap failed: see $WORK/debootstrap.log"
    rm -rf "$ROOTFS.tmp/var/cache/apt/archives/"*.deb
    echo "$PACKAGES" >"$ROOTFS.tmp/.gsdocker-packages"
    mv "$ROOTFS.tmp" "$ROOTFS"
  fi
  echo "== docker import $IMAGE"
  tar -C "$ROOTFS" --exclude=./.gsdocker-packages -c . |
    docker import -c "LABEL gsdocker.packages=$PACKAGES" - "$IMAGE" >/dev/null
fi
docker run --rm --network none "$IMAGE" sh -c \
    'for f in /bin/kill /usr/bin/kill /bin/ps /usr/bin/ps /usr/bin/pkill; do [ ! -e "$f" ]; done' ||
  die "$IMAGE has procps's kill or ps: it must not (the grader may not rely on them)"

# -- 3. Python: the host's venv and the Python installation under it, read-only --------------
[ -x "$VENV/bin/python" ] || die "no venv at $VENV (make install, or python -m venv .venv)"
PYHOME="$(readlink -f "$("$VENV/bin/python" -c 'import sys; print(sys.base_prefix)')")"
case "$PYHOME" in
  /|/usr|/usr/*|/bin|/lib|/lib64|/etc|/opt|/autograder|/autograder/*)
    die "the venv's Python lies in $PYHOME, which cannot be bound into the container: make the
venv from a Python of its own folder (pyenv, uv python install, a python.org build)";;
esac
case "$PYHOME/" in "$VENV"/*) die "the venv's Python lies inside the venv ($PYHOME)";; esac
case "$VENV/" in "$PYHOME"/*) die "the venv lies inside its Python ($PYHOME)";; esac
# every folder above the two mount points: searchable by the sandbox's unprivileged uid (the
# image's /root is 0700; Docker makes the missing ones 0755)
ANCESTORS=()
for mount in "$VENV" "$PYHOME"; do
  folder="$(dirname "$mount")"
  while [ "$folder" != / ]; do ANCESTORS+=("$folder"); folder="$(dirname "$folder")"; done
done

# -- 4. the zip, with a recognisable random secret ----------------------------------------------
SECRET="gsdocker-secret-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
(umask 077; printf '%s\n' "$SECRET" >"$WORK/secret")
echo "== autograder gradescope (secret $WORK/secret)"
(cd "$REPO" && "$VENV/bin/autograder" gradescope -o "$WORK/autograder.zip" \
  --assignment "$ASSIGNMENT" --secret-file "$WORK/secret") >"$WORK/gradescope.log" 2>&1 ||
  die "autograder gradescope failed: see $WORK/gradescope.log" 1

# -- 5. the submissions ------------------------------------------------------------------------
RUNS="$WORK/runs"
rm -rf "$RUNS"
mkdir -p "$RUNS"
submission() {  # submission NAME SOURCE_FOLDER...: later folders' files replace earlier ones'
  local name=$1 folder file; shift
  mkdir -p "$RUNS/$name/autograder/submission"
  for folder in "$@"; do
    for file in "$folder"/*.py; do
      [ "$(basename "$file")" = __init__.py ] || cp "$file" "$RUNS/$name/autograder/submission/"
    done
  done
}
submission reference "$REPO/solutions/$ASSIGNMENT"
cp "$REPO/solutions/$ASSIGNMENT/experiments.ipynb" "$RUNS/reference/autograder/submission/"
submission stubs "$REPO/assignments/$ASSIGNMENT"
# the hostile entry as autograder validate makes it (the zoo's one loader): escape_without_namespaces
# on the stubs, or where the zoo lacks it the older exfiltrate_hidden_tests on the reference
mkdir -p "$RUNS/hostile/autograder"
HOSTILE_BASE="$(cd "$REPO" && "$VENV/bin/python" - "$ASSIGNMENT" \
  "$RUNS/hostile/autograder/submission" <<'PY'
import sys
from pathlib import Path

from autograder import validate

assignment, target = sys.argv[1], Path(sys.argv[2])
cases = {c.name: c for c in validate.hostile_cases(assignment)}
case = cases.get("escape_without_namespaces") or cases["exfiltrate_hidden_tests"]
if case.name != "escape_without_namespaces":
    print(f"   no escape_without_namespaces entry: {case.name} over the {case.base} instead",
          file=sys.stderr)
validate.materialize(case, assignment, target)
print(case.base)
PY
)" || die "the hostile zoo entry could not be materialised"
NAMES=(reference stubs hostile)

# -- what runs inside each container, as Gradescope's harness does it -------------------------
# shellcheck disable=SC2016  # expanded by the container's bash
INNER='
set -u
for folder in "$@"; do chmod 0755 "$folder"; done
bash /autograder/source/setup.sh || echo "HARNESS setup.sh failed: $?"
/autograder/run_autograder || echo "HARNESS run_autograder failed: $?"
before="$(sha256sum </autograder/results/results.json 2>&1)"
sleep 5
after="$(sha256sum </autograder/results/results.json 2>&1)"
if [ "$before" = "$after" ]; then echo "HARNESS changed=no"; else echo "HARNESS changed=yes"; fi
for process in /proc/[0-9]*; do  # bash builtins only: there is no ps in the image
  pid="${process#/proc/}"
  [ "$pid" = 1 ] || [ "$pid" = "$BASHPID" ] && continue
  mapfile -d "" -t argv <"$process/cmdline" 2>/dev/null || continue
  echo "HARNESS process=$pid ${argv[*]}"
done
find / -xdev -name "autograder-pwned-*" -printf "HARNESS pwned=%p\n" 2>/dev/null
echo "HARNESS done"
'

# -- 6. one fresh container per submission ------------------------------------------------------
for name in "${NAMES[@]}"; do
  layout="$RUNS/$name/autograder"
  "$VENV/bin/python" - "$WORK/autograder.zip" "$layout/source" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:  # unzip, keeping the executable bits
    for info in archive.infolist():
        path = archive.extract(info, sys.argv[2])
        mode = info.external_attr >> 16
        if mode and not info.is_dir():
            os.chmod(path, mode & 0o777)
PY
  cp "$layout/source/run_autograder" "$layout/run_autograder"
  mkdir -p "$layout/results"
  echo "== $name: docker run (network $NETWORK)"
  container="$(docker create --network "$NETWORK" \
    --mount "type=bind,source=$VENV,target=$VENV,readonly" \
    --mount "type=bind,source=$PYHOME,target=$PYHOME,readonly" \
    -e "AUTOGRADER_VENV=$VENV" "$IMAGE" bash -c "$INNER" inner "${ANCESTORS[@]}")"
  docker cp "$layout" "$container:/autograder"
  start=$SECONDS
  timeout "$LIMIT_S" docker start -a "$container" >"$RUNS/$name/container.log" 2>&1 ||
    echo "   docker start -a: exit $? (see $RUNS/$name/container.log)"
  docker stop -t 1 "$container" >/dev/null 2>&1 || true
  docker cp "$container:/autograder/results/results.json" "$RUNS/$name/results.json" \
    2>/dev/null || echo "   $name: no results.json came back"
  docker rm -f "$container" >/dev/null
  echo "   $((SECONDS - start)) s"
done

# -- the table -------------------------------------------------------------------------------
"$VENV/bin/python" - "$RUNS" "$WORK/secret" "$HOSTILE_BASE" "${NAMES[@]}" <<'PY'
import json, pathlib, sys

runs, secret, hostile_base, names = (pathlib.Path(sys.argv[1]),
                                     pathlib.Path(sys.argv[2]).read_text().strip(),
                                     sys.argv[3], sys.argv[4:])
header = ("submission", "score", "grader_error", "hidden", "layers", "secret", "pwned",
          "changed", "processes", "flags")
rows, failures = [], []
for name in names:
    log = (runs / name / "container.log").read_text(errors="replace")
    harness = [line[8:] for line in log.splitlines() if line.startswith("HARNESS ")]
    path = runs / name / "results.json"
    text = path.read_text(errors="replace") if path.is_file() else ""
    try:
        document = json.loads(text)
    except ValueError:
        document = {}
    extra = document.get("extra_data") or {}
    confinement = extra.get("confinement") or {}
    score = document.get("score")
    maximum = extra.get("max_score",
                        sum(t.get("max_score", 0) for t in document.get("tests", [])))
    leaked = bool(text) and secret in text
    pwned = [h[6:] for h in harness if h.startswith("pwned=")]
    changed = "changed=no" not in harness
    processes = [h[8:] for h in harness if h.startswith("process=")]
    flags = sorted({str(flag.get("kind")) for flag in extra.get("flags") or []})
    rows.append((name, f"{score}/{maximum}", str(extra.get("grader_error") or "none"),
                 str(confinement.get("hidden_grading")),
                 ",".join(confinement.get("layers") or {}) or "-",
                 "LEAKED" if leaked else "no", ",".join(pwned) or "none",
                 "yes" if changed else "no", str(len(processes)), ",".join(flags) or "none"))
    if not document:
        failures.append(f"{name}: no readable results.json")
    if name == "reference" and (score is None or score != maximum or not maximum):
        failures.append(f"reference: {score}/{maximum}, not full marks")
    if name == "stubs" and (score is None or score > 0):
        failures.append(f"stubs: {score} points, more than 0")
    if name == "hostile" and hostile_base == "stubs" and (score is None or score > 0):
        failures.append(f"hostile: {score} points, more than 0")
    if document and extra.get("secret") != "AUTOGRADER_SECRET_FILE":
        failures.append(f"{name}: graded without the zip's secret ({extra.get('secret')})")
    if leaked:
        failures.append(f"{name}: the secret's text is in results.json")
    if pwned:
        failures.append(f"{name}: pwned files {pwned}")
    if changed:
        failures.append(f"{name}: results.json changed after run_autograder finished")
    failures += [f"{name}: a process outlived run_autograder: {p}" for p in processes]
widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
for row in (header, *rows):
    print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
for failure in failures:
    print("FAILED", failure)
print("all held" if not failures else f"{len(failures)} check(s) failed")
sys.exit(1 if failures else 0)
PY
