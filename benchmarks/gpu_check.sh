#!/usr/bin/env bash
# The device check, as one script: GPU parity tests in-process and sandboxed, the whole suite
# with CUDA present (reference and stubs), and the measured CPU/GPU difference table.
# Usage (on a machine with CUDA, from the repository root): bash benchmarks/gpu_check.sh [OUT_DIR]
set -u
out=${1:-${OUT:-/tmp/gpu-check}}
mkdir -p "$out"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name())"
echo "== parity tests, in-process"
python3 -m pytest autograder/suites/a1_neurons/test_parity.py --impl ref=solutions/a1_neurons \
  -q --assert=plain -p autograder.pytest_report --report-json "$out/parity.jsonl" 2>&1 | tail -3
echo "== parity tests, sandboxed (grading mode)"
python3 -m pytest autograder/suites/a1_neurons/test_parity.py --impl ref=solutions/a1_neurons \
  --sandboxed -q --assert=plain 2>&1 | tail -3
echo "== whole public + hidden suite with CUDA: reference and stubs"
python3 -m pytest assignments/a1_neurons/tests autograder/suites/a1_neurons \
  --impl ref=solutions/a1_neurons --impl stub=assignments/a1_neurons -q --assert=plain \
  -p autograder.pytest_report --report-json "$out/all.jsonl" 2>&1 | tail -2
python3 - "$out/all.jsonl" <<'PY'
import json, sys, collections
rows = [json.loads(line) for line in open(sys.argv[1])]
table = collections.Counter((r["impl"], r["gpu"], r["outcome"], r["error"]) for r in rows)
for key, count in sorted(table.items(), key=str):
    print(*key, count)
PY
echo "== measured CPU/GPU differences of the reference"
python3 benchmarks/gpu_parity_table.py | tee "$out/table.txt"
