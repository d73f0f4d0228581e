#!/usr/bin/env bash
# Speed of the decision-side commands, on the release build. Prints figures; never fails
# on a slow one (only on a broken build).
#
#   bench/decisions.sh [--no-build]
#
#   (a) whatif: `archadvisor whatif FILE --format json` for every scenario in
#       rules/scenarios (whole process, start-up included), median and worst of 5 runs each;
#       target: at most 100 ms per scenario.
#   (b) scaffold: `archadvisor scaffold` of a 12-service mesh project (Istio, aggregation
#       layer), wall time of the whole command, median of 10 runs; target: at most 150 ms.
#       The command also prints its own plan-and-write time.
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

ms() { python3 -c 'import sys,statistics; v=sorted(float(x) for x in sys.stdin.read().split()); print(f"{statistics.median(v):.1f} {v[-1]:.1f}")'; }
now() { date +%s%N; }

echo "== what-if per scenario (release, whole process)"
python3 - "$work" <<'PY'
import glob, json, sys, yaml
out = sys.argv[1]
n = 0
for f in sorted(glob.glob("rules/scenarios/*.yaml")):
    for s in yaml.safe_load(open(f))["scenarios"]:
        json.dump(s.get("answers") or {}, open(f"{out}/{s['name']}.json", "w"))
        n += 1
print(f"{n} scenarios")
PY
worst=0
all_times=()
for f in "$work"/*.json; do
  times=()
  for _ in 1 2 3 4 5; do
    t0=$(now); "$BIN" whatif "$f" --format json >/dev/null; t1=$(now)
    times+=("$(( (t1 - t0) / 1000 ))")
  done
  read -r med max < <(printf '%s\n' "${times[@]}" | awk '{print $1/1000}' | ms)
  all_times+=("$med")
  if python3 -c "import sys; sys.exit(0 if $max > $worst else 1)"; then worst=$max; fi
done
read -r med_all max_med < <(printf '%s\n' "${all_times[@]}" | ms)
echo "whatif: median over scenarios ${med_all} ms, slowest scenario median ${max_med} ms, worst single run ${worst} ms (target <= 100 ms)"

echo "== scaffold of a 12-service mesh project"
cat >"$work/mesh.json" <<'JSON'
{"team_size": 120, "team_count": 15, "product_stage": "mature", "domain_understanding": "well_understood",
 "scaling_profile": "very_different", "service_count": 30, "independent_deploys": true, "kubernetes": true,
 "platform_team": true, "mtls_required": true, "tracing_required": true, "traffic_policy_required": true,
 "traffic_control": "fine_grained", "client_fanout": 4}
JSON
services=()
for s in catalog cart checkout payment shipping inventory reviews search pricing users orders notify; do services+=(--service "$s"); done
times=()
for i in $(seq 1 10); do
  t0=$(now)
  "$BIN" scaffold --answers "$work/mesh.json" --name shop --out "$work/p$i" "${services[@]}" >"$work/out.txt"
  t1=$(now)
  times+=("$(( (t1 - t0) / 1000 ))")
done
files=$(find "$work/p1" -type f | wc -l)
read -r med max < <(printf '%s\n' "${times[@]}" | awk '{print $1/1000}' | ms)
echo "scaffold: $files files, median ${med} ms, worst ${max} ms (target <= 150 ms); the command reports: $(head -1 "$work/out.txt")"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
