#!/usr/bin/env bash
# Speed of the CI gate: `archadvisor check --format sarif` over 1,000 answer files in 100
# directories (each with a "current" that sometimes drifts), release build, whole process,
# best and median of 5 runs, with the guidance alone and with the example rule pack
# (examples/org-rules). Target: under one second. Prints figures; fails only on a
# broken build or a check that does not run.
#
#   bench/check.sh [--no-build]
# Environment: BENCH_SCRATCH (.build-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${BENCH_SCRATCH:-.build-bench}
if [[ ${1:-} != --no-build ]]; then
  swift build -c release --scratch-path "$SCRATCH" --product archadvisor >/dev/null
fi
BIN=$SCRATCH/release/archadvisor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_answers.py --count 1000 --seed 13 "$work/lines.jsonl" 2>/dev/null
python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
archs = ["monolith", "microservices", "service_mesh"]
for i, line in enumerate(open(os.path.join(work, "lines.jsonl"))):
    a = json.loads(line)
    a["current"] = {"architecture": archs[i % 3]}
    d = os.path.join(work, "portfolio", f"team-{i // 10:02d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"service-{i % 10}.archadvisor.json"), "w") as f:
        json.dump(a, f, indent=2)
PY
files=$(find "$work/portfolio" -name '*.archadvisor.json' | wc -l | tr -d ' ')
dirs=$(find "$work/portfolio" -mindepth 1 -type d | wc -l | tr -d ' ')
status=0
"$BIN" check --format sarif --fail-on never "$work/portfolio" > "$work/out.sarif" || status=$?
[[ $status == 0 ]] || { echo "check exited $status" >&2; exit 1; }
results=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$work/out.sarif")
times=()
for _ in 1 2 3 4 5; do
  start=$(date +%s%N)
  "$BIN" check --format sarif --fail-on never "$work/portfolio" > /dev/null
  times+=($(( ($(date +%s%N) - start) / 1000000 )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
best=$(head -n 1 <<<"$sorted"); median=$(sed -n 3p <<<"$sorted")
echo "check --format sarif: $files answer files in $dirs directories, $results results: best $best ms, median $median ms (target < 1000 ms)"

# The same with the example organisation rule pack layered over the guidance (compiled
# from its YAML on every run; its policies add findings).
status=0
"$BIN" check --format sarif --fail-on never --rules examples/org-rules "$work/portfolio" > "$work/pack.sarif" || status=$?
[[ $status == 0 ]] || { echo "check --rules exited $status" >&2; exit 1; }
results=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$work/pack.sarif")
times=()
for _ in 1 2 3 4 5; do
  start=$(date +%s%N)
  "$BIN" check --format sarif --fail-on never --rules examples/org-rules "$work/portfolio" > /dev/null
  times+=($(( ($(date +%s%N) - start) / 1000000 )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
best=$(head -n 1 <<<"$sorted"); median=$(sed -n 3p <<<"$sorted")
echo "check --format sarif --rules examples/org-rules: $files answer files, $results results: best $best ms, median $median ms (target < 1000 ms)"
